import { HippoError } from "../core/errors.js";
import { redactSecrets } from "../core/redact.js";
import { storageFailure } from "../store/storage-error.js";
import { lastOpenedWorkspace } from "../store/workspace.js";

export interface ErrorOutcome {
  exitCode: number;
  lines: string[];
}

/**
 * The only place errors become exit codes. A HippoError prints one line (its message and its
 * suggestion); anything else is a bug: one line, exit 1, and the stack only with --log-level debug.
 * Secrets never reach this output: messages are built from our own text, and `redact` scrubs keys anyway.
 */
export function handleError(error: unknown, options: { debug?: boolean; secrets?: readonly string[] } = {}): ErrorOutcome {
  const redact = (text: string) => redactSecrets(text, options.secrets ?? []);
  if (HippoError.isInstance(error)) {
    const hint = error.suggestion ? ` (hint: ${error.suggestion})` : "";
    return { exitCode: error.exitCode, lines: [redact(`error: ${oneLine(error.message)}${hint}`)] };
  }
  // Operating-system and SQLite errors that escaped the stage that knew the path: still the user's
  // environment, never "please report it".
  const system = systemFailure(error);
  if (system) return handleError(system, options);
  const commander = asCommanderError(error);
  if (commander) {
    if (commander.exitCode === 0) return { exitCode: 0, lines: [] };
    return { exitCode: 2, lines: [redact(`${oneLine(commander.message)} (hint: see hipporag --help, or hipporag <command> --help)`)] };
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [redact(`internal error: ${oneLine(message)} (hint: re-run with --log-level debug for details, and please report it)`)];
  if (options.debug && error instanceof Error && error.stack) lines.push(redact(error.stack));
  return { exitCode: 1, lines };
}

function systemFailure(error: unknown): HippoError | undefined {
  const e = error as { code?: unknown; path?: unknown; message?: unknown };
  if (typeof e?.code !== "string") return undefined;
  // An SQLite statement's error names no file: it is the workspace's (the one this process opened last).
  const path = typeof e.path === "string" ? e.path : e.code.startsWith("SQLITE_") ? lastOpenedWorkspace() : undefined;
  const storage = storageFailure(error, path);
  if (storage) return storage;
  const problems: Record<string, string> = {
    ENOENT: "no such file or folder",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "is a folder, expected a file",
    EEXIST: "already exists",
    ENAMETOOLONG: "the name is too long",
  };
  const problem = problems[e.code];
  return problem ? new HippoError("INPUT", `${path ?? "a file"}: ${problem} (${e.code})`, { suggestion: "check the path you gave" }) : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function asCommanderError(error: unknown): { exitCode: number; message: string; code: string } | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const candidate = error as { code?: unknown; exitCode?: unknown; message?: unknown };
  if (typeof candidate.code === "string" && candidate.code.startsWith("commander.") && typeof candidate.exitCode === "number") {
    return { exitCode: candidate.exitCode, message: String(candidate.message), code: candidate.code };
  }
  return undefined;
}

