/**
 * A forgiving JSON reader for LLM output: what Python's `eval` accepts and models actually emit.
 * Accepts single- or double-quoted strings, trailing commas, Python None/True/False, NaN, and
 * unquoted-key-free JSON. Returns undefined when the text is not a value.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    /* fall through to the tolerant parser */
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

class LenientParser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  value(): unknown {
    this.skipSpace();
    const ch = this.s[this.i];
    if (ch === "{") return this.object();
    if (ch === "[" || ch === "(") return this.array(ch === "[" ? "]" : ")");
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
      if (this.s[this.i] !== ":") throw new Error("expected :");
      this.i++;
      out[String(key)] = this.value();
      this.skipSpace();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") throw new Error("expected , or }");
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
      else if (this.s[this.i] !== close) throw new Error(`expected , or ${close}`);
    }
  }

  private string(): string {
    const quote = this.s[this.i++];
    let out = "";
    while (this.i < this.s.length) {
      const ch = this.s[this.i++]!;
      if (ch === quote) return out;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const next = this.s[this.i++]!;
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "/": "/", "\\": "\\", '"': '"', "'": "'" };
      if (next === "u") {
        out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else out += simple[next] ?? next;
    }
    throw new Error("unterminated string");
  }

  private literal(): unknown {
    const match = /^(-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|true|false|null|True|False|None|NaN)/.exec(this.s.slice(this.i));
    if (!match) throw new Error("unexpected token");
    this.i += match[0].length;
    const token = match[0];
    if (token === "true" || token === "True") return true;
    if (token === "false" || token === "False") return false;
    if (token === "null" || token === "None") return null;
    if (token === "NaN") return Number.NaN;
    return Number(token);
  }
}
