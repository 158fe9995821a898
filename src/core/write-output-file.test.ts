import { execFileSync } from "node:child_process";
import { createReadStream, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-support/cli-harness.js";
import { writeOutputFile } from "./write-output-file.js";

describe("writeOutputFile", () => {
  it("replaces a file whole and leaves no temporary file", () => {
    const dir = tempDir();
    const file = join(dir, "out.json");
    writeFileSync(file, "old");
    writeOutputFile(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["out.json"]);
  });

  it("on a failure leaves what was there, removes its temporary file, and names the path (exit 4)", () => {
    const dir = tempDir();
    const target = join(dir, "taken");
    mkdirSync(target);
    writeFileSync(join(target, "keep.txt"), "kept");
    let error: { message: string; exitCode: number } | undefined;
    try {
      writeOutputFile(target, "x");
    } catch (e) {
      error = e as { message: string; exitCode: number };
    }
    expect(error?.message).toMatch(new RegExp(`cannot write ${target}: .*; a file there before is unchanged`));
    expect(error?.exitCode).toBe(4);
    expect(readdirSync(dir)).toEqual(["taken"]);
    expect(readFileSync(join(target, "keep.txt"), "utf8")).toBe("kept");
    // a folder that does not exist: the same, no stray file
    expect(() => writeOutputFile(join(dir, "nowhere", "f.json"), "x")).toThrow(/cannot write .*nowhere.*f\.json/);
  });

  it("follows a symlink (the link stays a link) and writes a FIFO directly (a rename replaced both with plain files)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "target.json"), "old");
    symlinkSync(join(dir, "target.json"), join(dir, "link.json"));
    writeOutputFile(join(dir, "link.json"), "new");
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "target.json"), "utf8")).toBe("new");
    expect(readdirSync(dir).sort()).toEqual(["link.json", "target.json"]);
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const read = new Promise<string>((resolve) => {
      let text = "";
      createReadStream(fifo, "utf8").on("data", (chunk) => (text += chunk)).on("end", () => resolve(text));
    });
    await new Promise((r) => setTimeout(r, 50)); // the reader opens its end first
    writeOutputFile(fifo, "through the pipe");
    expect(await read).toBe("through the pipe");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});
