import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Workspace } from "../store/workspace.js";
import { tempDir } from "../test-support/cli-harness.js";
import { handleError } from "./handle-error.js";

describe("handleError", () => {
  it("an SQLite error from a statement (no file named) is said of the workspace the process opened: its path, exit 4", () => {
    const saveDir = tempDir();
    Workspace.open(saveDir).close();
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    const outcome = handleError(full);
    expect(outcome.exitCode).toBe(4);
    expect(outcome.lines).toEqual([expect.stringContaining(`error: cannot write the workspace ${join(saveDir, "hipporag.sqlite")}: the disk is full (SQLITE_FULL`)]);
  });
});
