/**
 * A forgiving JSON reader for LLM output: what Python's `eval` accepts and models actually emit.
 * Accepts single- or double-quoted strings, trailing commas, Python None/True/False, NaN, and
 * unquoted-key-free JSON. Returns undefined when the text is not a value.
 */
export function parseLenientJson(text: string, options: { native?: boolean } = {}): unknown {
  if (options.native !== false) {
    try {
      return JSON.parse(text);
    } catch {
      /* fall through to the tolerant parser */
    }
  }
  const parser = new LenientParser(text);
  try {
    const value = parser.value();
    parser.skipSpace();
    return parser.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Deeper nesting than any reply needs; past it the text is rejected instead of recursing on. */
const MAX_DEPTH = 64;
const LITERAL = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|true|false|null|True|False|None|NaN/y;
/** Thrown on any syntax error: a constant, so a failed parse costs no stack capture (replies may hold thousands of candidate spans). */
const FAIL = Symbol("lenient-json: not a value");
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "/": "/", "\\": "\\", '"': '"', "'": "'" };

/** Recursive descent, linear in the text: a sticky regex reads literals in place (no slicing), depth is capped. */
class LenientParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  skipSpace(): void {
    for (let c = this.s.charCodeAt(this.i); c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff; c = this.s.charCodeAt(++this.i));
  }

  value(): unknown {
    this.skipSpace();
    const ch = this.s[this.i];
    if (ch === "{" || ch === "[" || ch === "(") {
      if (++this.depth > MAX_DEPTH) throw FAIL;
      const value = ch === "{" ? this.object() : this.array(ch === "[" ? "]" : ")");
      this.depth--;
      return value;
    }
    if (ch === '"' || ch === "'") return this.string();
    return this.literal();
  }

  private object(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      const key = this.value();
      this.skipSpace();
      if (this.s[this.i] !== ":") throw FAIL;
      this.i++;
      out[String(key)] = this.value();
      this.skipSpace();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") throw FAIL;
    }
  }

  private array(close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skipSpace();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== close) throw FAIL;
    }
  }

  private string(): string {
    const quote = this.s[this.i++];
    let out = "";
    let from = this.i;
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (ch === quote) {
        out += this.s.slice(from, this.i++);
        return out;
      }
      if (ch !== "\\") {
        this.i++;
        continue;
      }
      out += this.s.slice(from, this.i);
      const next = this.s[this.i + 1] ?? "";
      this.i += 2;
      if (next === "u") {
        out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else out += ESCAPES[next] ?? next;
      from = this.i;
    }
    throw FAIL;
  }

  private literal(): unknown {
    LITERAL.lastIndex = this.i;
    const match = LITERAL.exec(this.s);
    if (!match) throw FAIL;
    this.i += match[0].length;
    const token = match[0];
    if (token === "true" || token === "True") return true;
    if (token === "false" || token === "False") return false;
    if (token === "null" || token === "None") return null;
    if (token === "NaN") return Number.NaN;
    return Number(token);
  }
}
