/**
 * One error family for the whole project. Only `cli/handle-error.ts` turns these into exit codes.
 *
 * Exit codes: 2 = the user's input (files, arguments, config) is wrong; 3 = a remote service (LLM,
 * embeddings) failed after retries; 4 = the workspace is busy or broken; 1 = anything unexpected (a bug).
 */
const MARKER = Symbol.for("hipporag.error");

export type ErrorCode = "INPUT" | "USAGE" | "REMOTE" | "WORKSPACE" | "INTERRUPTED" | "INCOMPLETE";

const EXIT_CODES: Record<ErrorCode, number> = {
  INPUT: 2,
  USAGE: 2,
  REMOTE: 3,
  WORKSPACE: 4,
  INTERRUPTED: 130,
  INCOMPLETE: 5,
};

export interface HippoErrorOptions {
  suggestion?: string;
  cause?: unknown;
  isRetryable?: boolean;
  /** A fault no retry can fix (a rejected key, an unreachable server, a full disk): the stage stops at once. */
  fatal?: boolean;
}

export class HippoError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  readonly suggestion?: string;
  readonly isRetryable: boolean;
  readonly fatal: boolean;

  constructor(code: ErrorCode, message: string, options: HippoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HippoError";
    this.code = code;
    this.suggestion = options.suggestion;
    this.isRetryable = options.isRetryable ?? false;
    this.fatal = options.fatal ?? false;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  /** Works across duplicated package copies, unlike instanceof. */
  static isInstance(value: unknown): value is HippoError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/**
 * Bad input: names the file, the record (index or id) and the field, so the user can find it.
 * Message shape: `<file>: record <n>: field "<f>": <problem>`.
 */
export class InputError extends HippoError {
  readonly file?: string;
  readonly record?: string | number;
  readonly line?: number;
  readonly field?: string;

  /**
   * `record` is a JSON array's index (from 0, as the file's own indexing) or a record's id; `line`
   * is a line of a line-oriented file (.jsonl, from 1, as editors count), so a message never mixes
   * the two countings.
   */
  constructor(
    problem: string,
    where: { file?: string; record?: string | number; line?: number; field?: string } = {},
    options: HippoErrorOptions = {},
  ) {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(where.file);
    if (where.line !== undefined) parts.push(`line ${where.line}`);
    if (where.record !== undefined) parts.push(`record ${where.record}`);
    if (where.field !== undefined) parts.push(`field "${where.field}"`);
    super("INPUT", parts.length ? `${parts.join(": ")}: ${problem}` : problem, options);
    this.name = "InputError";
    this.file = where.file;
    this.record = where.record;
    this.line = where.line;
    this.field = where.field;
  }
}

export function usageError(message: string, suggestion?: string): HippoError {
  return new HippoError("USAGE", message, { suggestion });
}

/** True for an error that must stop the whole stage (see HippoErrorOptions.fatal). */
export function isFatal(error: unknown): error is HippoError {
  return HippoError.isInstance(error) && error.fatal;
}
