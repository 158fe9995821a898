import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "./cli-harness.js";

describe("tempDir", () => {
  it("hands out fresh folders that removeTempDirs (run after each test file) deletes with their contents", () => {
    const before = removeTempDirs(); // whatever earlier tests of this file made
    const dirs = [tempDir(), tempDir("hipporag-snap-")];
    writeFileSync(join(dirs[0]!, "hipporag.sqlite"), "x");
    expect(dirs.every((dir) => existsSync(dir))).toBe(true);
    expect(removeTempDirs()).toBe(2);
    expect(dirs.some((dir) => existsSync(dir))).toBe(false);
    expect(before).toBeGreaterThanOrEqual(0);
  });
});
