import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { usageError } from "../core/errors.js";

/**
 * An output file named on the command line must be writable before any work starts: its folder
 * exists and is writable, and the path is not a folder. (Found after an hour of retrieval, it would
 * lose the hour.)
 */
export function checkOutputFile(option: string, path: string | undefined): void {
  if (path === undefined) return;
  const folder = dirname(resolve(path));
  if (existsSync(path) && statSync(path).isDirectory()) throw usageError(`${option} ${path} is a folder; give a file name`);
  if (!existsSync(folder)) throw usageError(`${option} ${path}: the folder ${folder} does not exist`, "create it first, or write elsewhere");
  if (!statSync(folder).isDirectory()) throw usageError(`${option} ${path}: ${folder} is a file, not a folder`);
  try {
    accessSync(folder, constants.W_OK);
    if (existsSync(path)) accessSync(path, constants.W_OK);
  } catch {
    throw usageError(`${option} ${path}: not writable by this user`, "check the permissions, or write elsewhere");
  }
}
