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
 * JSON.parse that accepts bare NaN, Infinity and -Infinity outside strings (as Python's json does).
 * Only rewrites tokens outside string literals, so passage text is never touched.
 */
export function parseJsonWithNaN(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  let out = "";
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i++;
      continue;
    }
    if (text.startsWith("NaN", i)) {
      out += "null";
      i += 3;
      continue;
    }
    if (text.startsWith("-Infinity", i)) {
      out += "null";
      i += 9;
      continue;
    }
    if (text.startsWith("Infinity", i)) {
      out += "null";
      i += 8;
      continue;
    }
    out += ch;
    i++;
  }
  return JSON.parse(out);
}
