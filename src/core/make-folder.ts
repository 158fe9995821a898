import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p` that always ends: Node 20's `mkdirSync(path, { recursive: true })` spins for ever on
 * some paths (`/proc/x/y`: the parent's mkdir gives ENOENT again and again, and Ctrl-C cannot stop
 * a synchronous loop). The missing levels are created one by one from the nearest existing
 * ancestor, so the error is the real one of the level that fails (EROFS, EACCES, ENOTDIR …).
 */
export function makeFolder(path: string): void {
  const missing: string[] = [];
  let at = resolve(path);
  for (let kind = kindOf(at); kind !== "folder"; kind = kindOf(at)) {
    if (kind === "other") throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: "ENOTDIR", path: at });
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Another process may create the same level at the same moment.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/** What is at `path`; errors other than "no such file" (EACCES on the way …) are thrown. */
function kindOf(path: string): "folder" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "folder" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
}
