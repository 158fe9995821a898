import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createLogger } from "../core/logger.js";
import { noWorkspaceError, WORKSPACE_FILE } from "../store/workspace.js";
import type { ResolvedCommon } from "./common-options.js";

/**
 * A default workspace folder that holds nothing yet, beside the same corpus cut another way: most
 * likely a forgotten (or different) --chunk-tokens. A command that needs the workspace is refused,
 * naming the other cut and its flags; one that creates it goes on and says where the other cut is.
 * Before anything is read or spent.
 */
export function checkDefaultWorkspace(common: ResolvedCommon, mustExist: boolean, takesChunkFlags = true): void {
  if (!common.saveDirDefaulted || existsSync(join(common.saveDir, WORKSPACE_FILE))) return;
  const others = otherChunkings(common.saveDir, common.dataset);
  if (others.length === 0) return;
  // eval and delete take no chunking flags: only the folder can name the other cut there.
  const how = takesChunkFlags ? "pass the same flags, or --save-dir" : `pass --save-dir ${others.map((other) => other.saveDir).join(" or ")}`;
  if (mustExist) throw noWorkspaceError(common.saveDir, `${describeOtherChunkings(others)}: ${how}`);
  createLogger(common.logLevel).info(`note: ${describeOtherChunkings(others)}; this builds ${common.saveDir}`);
}

/**
 * The workspaces beside a default one that hold the same corpus cut another way: `outputs/docs-c512o64`
 * when the command's default is `outputs/docs` (a forgotten --chunk-tokens) or `outputs/docs-c256o32`.
 * Each with the flags that name it, for hints.
 */
export function otherChunkings(saveDir: string, dataset: string): { saveDir: string; flags: string }[] {
  const parent = dirname(saveDir);
  if (!existsSync(parent)) return [];
  const pattern = new RegExp(`^${dataset.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:-c(\\d+)o(\\d+))?$`);
  const found: { saveDir: string; flags: string }[] = [];
  for (const name of readdirSync(parent).sort()) {
    const match = pattern.exec(name);
    if (!match || name === basename(saveDir) || !existsSync(join(parent, name, WORKSPACE_FILE))) continue;
    found.push({ saveDir: join(parent, name), flags: match[1] ? `--chunk-tokens ${match[1]} --chunk-overlap ${match[2]}` : "no --chunk-tokens" });
  }
  return found;
}

/** "outputs/docs-c512o64 holds this corpus cut with --chunk-tokens 512 --chunk-overlap 64" (and the others). */
export function describeOtherChunkings(others: readonly { saveDir: string; flags: string }[]): string {
  return others.map((other) => `${other.saveDir} holds this corpus ${other.flags === "no --chunk-tokens" ? "uncut (no --chunk-tokens)" : `cut with ${other.flags}`}`).join("; ");
}
