import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LOCK_FILE, Workspace, WORKSPACE_FILE } from "../store/workspace.js";

/**
 * Workspaces this process is creating (no workspace file before the command opened them). A command
 * refused with exit 2 is promised to have done nothing ("found before any work"): the workspace it
 * created is removed again, file by known file, if it holds no work; the folder too if the command
 * made it. Nothing else is ever deleted, and a workspace with anything in it is kept.
 */
const created = new Map<string, { folderExisted: boolean }>();

/** Call before opening `saveDir` with creation allowed. */
export function noteWorkspaceOpening(saveDir: string): void {
  if (created.has(saveDir) || existsSync(join(saveDir, WORKSPACE_FILE))) return;
  created.set(saveDir, { folderExisted: existsSync(saveDir) });
}

/** After a refused command (exit 2), once its workspaces are closed. */
export function removeRefusedWorkspaces(): void {
  for (const [saveDir, { folderExisted }] of created) {
    try {
      if (!Workspace.holdsNothing(saveDir)) continue;
      for (const file of [WORKSPACE_FILE, `${WORKSPACE_FILE}-wal`, `${WORKSPACE_FILE}-shm`, `${WORKSPACE_FILE}-journal`, LOCK_FILE, `${LOCK_FILE}.json`, `${LOCK_FILE}-journal`]) rmSync(join(saveDir, file), { force: true });
      if (!folderExisted && existsSync(saveDir) && readdirSync(saveDir).length === 0) rmdirSync(saveDir);
    } catch {
      // best effort: a workspace that cannot be inspected or removed is left as it is
    }
  }
  created.clear();
}

/** After a command that was not refused: what it created stays. */
export function keepCreatedWorkspaces(): void {
  created.clear();
}
