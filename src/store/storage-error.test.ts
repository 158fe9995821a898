import { describe, expect, it } from "vitest";
import { storageFailure } from "./storage-error.js";

const fault = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("storageFailure", () => {
  it("says Node's code once (its messages begin with it) and SQLite's beside its message", () => {
    expect(storageFailure(fault("ENOSPC", "ENOSPC: no space left on device, write"), "/w")!.message).toBe("cannot write the workspace /w: the disk is full (ENOSPC: no space left on device, write)");
    expect(storageFailure(fault("SQLITE_FULL", "database or disk is full"))!.message).toBe("cannot write the workspace: the disk is full (SQLITE_FULL: database or disk is full)");
  });
  it("a lock held past the busy timeout names no culprit it cannot know", () => {
    const busy = storageFailure(fault("SQLITE_BUSY", "database is locked"), "/w")!;
    expect(busy.message).toBe("the workspace /w is busy: another process holds a lock on it (SQLITE_BUSY: database is locked)");
    expect(busy.suggestion).toMatch(/another hipporag command, or a tool that has the file open/);
  });
});
