/**
 * Python-compatible JSON helpers.
 * - `pyJsonDumps`: `json.dumps` defaults (", " / ": " separators, ASCII escaping), needed for the
 *   triple prompt and for files Python users diff against ours.
 * - `parseJsonWithNaN`: JSON.parse that also accepts Python's bare NaN / Infinity tokens (legacy
 *   OpenIE files contain them).
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    return String(value);
  }
  if (typeof value === "string") return pyJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`).join(", ")}}`;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

export function pyJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const short = SHORT_ESCAPES[ch];
    if (short) {
      out += short;
      continue;
    }
    const code = text.charCodeAt(i); // UTF-16 code unit: astral chars become surrogate pairs, as Python does
    out += code >= 0x20 && code <= 0x7e ? ch : `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return out + '"';
}

/**
 * JSON.parse that accepts bare NaN, Infinity and -Infinity outside strings (as Python's json does)
 * and keeps them as those numbers, so they become "nan" / "inf" / "-inf" through Python's `str()`
 * exactly as upstream converts them. Only tokens outside string literals are touched: they are
 * rewritten to a marker string (with a per-call random tag no real text can contain) that a reviver
 * turns back into the number.
 */
export function parseJsonWithNaN(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  const tag = `\\u0000py-number-${Math.random().toString(36).slice(2)}:`;
  const marker = (name: string) => `"${tag}${name}"`;
  let out = "";
  let i = 0;
  let inString = false;
  let copied = 0;
  // Copies text in slices (not char by char), so a 30 MB OpenIE file stays fast.
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i += 2;
      else {
        if (ch === 34 /* " */) inString = false;
        i++;
      }
      continue;
    }
    if (ch === 34) {
      inString = true;
      i++;
      continue;
    }
    const token = text.startsWith("NaN", i) ? "NaN" : text.startsWith("-Infinity", i) ? "-Infinity" : text.startsWith("Infinity", i) ? "Infinity" : undefined;
    if (token) {
      out += text.slice(copied, i) + marker(token);
      i += token.length;
      copied = i;
      continue;
    }
    i++;
  }
  out += text.slice(copied);
  const values: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };
  const prefix = JSON.parse(`"${tag}"`) as string;
  return JSON.parse(out, (_key, value: unknown) => (typeof value === "string" && value.startsWith(prefix) ? values[value.slice(prefix.length)] : value));
}
