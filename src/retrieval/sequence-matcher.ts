/**
 * A port of Python's difflib.SequenceMatcher (no isjunk; autojunk on, as the default) over strings,
 * and `get_close_matches`. Upstream maps the filter's generated facts back to candidates with it
 * (spec §7.3), so ratios and tie-breaks must be Python's.
 */
export function sequenceRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * matchingCharacters(a, b)) / total;
}

function matchingCharacters(a: string, b: string): number {
  // b2j: positions of each char of b; "popular" chars (autojunk, len(b) >= 200) are removed.
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) {
    const list = b2j.get(b[j]!);
    if (list) list.push(j);
    else b2j.set(b[j]!, [j]);
  }
  if (b.length >= 200) {
    const limit = Math.floor(b.length / 100) + 1;
    for (const [ch, list] of [...b2j]) if (list.length > limit) b2j.delete(ch);
  }
  const findLongest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    // Extend over equal characters (popular ones included: they are not "junk" in Python's sense).
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  };
  let matched = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = findLongest(alo, ahi, blo, bhi);
    if (k === 0) continue;
    matched += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return matched;
}

/**
 * `difflib.get_close_matches(word, possibilities, n, cutoff)`: the n best by ratio(possibility, word),
 * ties going to the larger string (Python compares (ratio, string) tuples).
 */
export function getCloseMatches(word: string, possibilities: readonly string[], n = 1, cutoff = 0): string[] {
  const scored: [number, string][] = [];
  for (const x of possibilities) {
    const r = sequenceRatio(x, word);
    if (r >= cutoff) scored.push([r, x]);
  }
  scored.sort((p, q) => q[0] - p[0] || (q[1] > p[1] ? 1 : q[1] < p[1] ? -1 : 0));
  return scored.slice(0, n).map(([, x]) => x);
}

/** Python `repr` of a str (quote choice and escapes as CPython does for printable text). */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + quote;
}

export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyStrRepr).join(", ")}]`;
}

export function pyTupleReprOf(items: readonly string[]): string {
  return items.length === 1 ? `(${pyStrRepr(items[0]!)},)` : `(${items.map(pyStrRepr).join(", ")})`;
}
