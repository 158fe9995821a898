import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-support/cli-harness.js";
import { makeFolder } from "./make-folder.js";

describe("makeFolder", () => {
  it("creates every missing level, and is a no-op on an existing folder", () => {
    const root = tempDir("make-folder-");
    makeFolder(join(root, "a", "b", "c"));
    expect(statSync(join(root, "a", "b", "c")).isDirectory()).toBe(true);
    makeFolder(join(root, "a", "b", "c"));
  });
  it("fails with the real reason: a file on the way is ENOTDIR", () => {
    const root = tempDir("make-folder-");
    writeFileSync(join(root, "file"), "x");
    expect(() => makeFolder(join(root, "file", "sub"))).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
  });
  // Node 20's mkdirSync(…, { recursive: true }) never returns on this path (and Ctrl-C cannot stop it).
  it.runIf(existsSync("/proc/self"))("ends on a path that cannot be created under /proc", () => {
    expect(() => makeFolder("/proc/hipporag-nope/ws")).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});
