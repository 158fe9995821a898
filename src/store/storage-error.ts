import { HippoError } from "../core/errors.js";

/**
 * One mapping of operating-system and SQLite errors on the workspace to what the user should do.
 * Write failures are fatal: the stage stops taking work at once (no request is paid for whose
 * result could not be kept). Only real corruption gets the corruption hint.
 */
export function storageFailure(error: unknown, path?: string): HippoError | undefined {
  if (HippoError.isInstance(error)) return undefined;
  // Where the error is not tied to a path (an SQLite statement), the message names no path.
  const workspace = path ? `the workspace ${path}` : "the workspace";
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string") return undefined;
  // Node's messages begin with the code ("ENOSPC: no space left on device, write"): not said twice
  const message = (error as Error).message ?? "";
  const detail = message.startsWith(code) ? message : `${code}${message ? `: ${message}` : ""}`;
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") {
    return new HippoError("WORKSPACE", `cannot write ${workspace}: the disk is full (${detail})`, {
      fatal: true,
      suggestion: "free space on that disk (or use another --save-dir), then re-run: everything committed before is kept",
    });
  }
  if (code.startsWith("SQLITE_READONLY") || code === "EROFS" || code === "EACCES" || code === "EPERM" || code === "SQLITE_PERM" || code === "SQLITE_AUTH") {
    return new HippoError("WORKSPACE", `cannot write ${workspace}: it is read-only or not writable by this user (${detail})`, {
      fatal: true,
      suggestion: "check the permissions of the file and its folder (and that the file system is not mounted read-only), or use another --save-dir",
    });
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new HippoError("WORKSPACE", `${workspace} is busy: another process holds a lock on it (${detail})`, {
      fatal: true,
      suggestion: "wait for it to finish (another hipporag command, or a tool that has the file open, such as an SQLite browser in a transaction), or use another --save-dir",
    });
  }
  if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") {
    return new HippoError("WORKSPACE", `${workspace} is damaged or not a hipporag workspace (${detail})`, {
      fatal: true,
      suggestion: "check the file; a fresh --save-dir starts over (OpenIE can be re-imported with openie --export/--import from a good copy)",
    });
  }
  if (code.startsWith("SQLITE_IOERR") || code === "EIO" || code === "SQLITE_CANTOPEN") {
    return new HippoError("WORKSPACE", `cannot read or write ${workspace} (${detail})`, {
      fatal: true,
      suggestion: "check the disk and the folder's permissions, then re-run: everything committed before is kept",
    });
  }
  return undefined;
}
