import { readFileSync, statSync } from "node:fs";
import { InputError } from "./errors.js";
import { parseJsonWithNaN } from "./py-json.js";

/**
 * Reads a JSON file, turning every failure into a one-line InputError naming the file:
 * missing, a directory, invalid UTF-8, empty, or not JSON (with line and column).
 */
export function readJsonFile(path: string, options: { allowNaN?: boolean } = {}): unknown {
  const text = readTextFile(path);
  if (text.trim() === "") throw new InputError("the file is empty", { file: path });
  try {
    return options.allowNaN ? parseJsonWithNaN(text) : JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON (${describeJsonError(error, text)})`, { file: path });
  }
}

export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new InputError("is a directory, expected a file", { file: path });
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "file not found" : `cannot read (${code ?? String(error)})`, {
      file: path,
    });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    throw new InputError(`invalid UTF-8 at byte ${offset}`, { file: path }, { suggestion: "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8)" });
  }
}

function firstInvalidUtf8Offset(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let low = 0;
  let high = bytes.length;
  // Binary search for the shortest prefix that fails to decode (a cut inside a char also fails, so
  // step back to the char start afterwards).
  while (low < high) {
    const mid = (low + high) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1), { stream: true });
      low = mid + 1;
    } catch {
      high = mid;
    }
  }
  return low;
}

function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /position (\d+)/.exec(message);
  if (!match) return message.split("\n")[0]!;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `${message.replace(/ in JSON at position \d+.*$/, "").split("\n")[0]} at line ${line} column ${column}`;
}
