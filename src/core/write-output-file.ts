import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { HippoError } from "./errors.js";

/**
 * Writes an output file (an export, a report, --predictions-out, --answers-out) whole or not at all:
 * into a temporary file beside it, then renamed over it. A full disk or a Ctrl-C mid-write leaves
 * the file that was there before intact, never a cut-off one under its name; the error names the file.
 * A symlink is followed (its target is written, the link stays); a FIFO, a device or /dev/stdout
 * is written directly (a rename would replace it with a plain file).
 */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  let target = path;
  let temporary: string | undefined;
  try {
    const existing = statSync(path, { throwIfNoEntry: false }); // follows a symlink
    if (existing && !existing.isFile()) {
      writeFileSync(path, data);
      return;
    }
    if (existing) target = realpathSync(path);
    temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    writeFileSync(temporary, data);
    renameSync(temporary, target);
  } catch (error) {
    if (temporary) rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOSPC" || code === "EDQUOT" ? "the disk is full" : code === "EACCES" || code === "EPERM" || code === "EROFS" ? "it is not writable" : (error as Error).message;
    throw new HippoError("WORKSPACE", `cannot write ${path}: ${reason}${code ? ` (${code})` : ""}; a file there before is unchanged`, {
      cause: error,
      fatal: true,
      suggestion: code === "ENOSPC" || code === "EDQUOT" ? "free space on that disk, or write the file elsewhere, then re-run" : "check the folder and its permissions, or write the file elsewhere",
    });
  }
}
