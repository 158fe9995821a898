import { readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-support/cli-harness.js";
import { readSnapshotFile, writeSnapshotFile, type SectionInput } from "./snapshot-file.js";

const halfExact = Float32Array.from({ length: 1001 }, (_, i) => (i - 500) / 256); // exact in f16
const sections = (): SectionInput[] => [
  { name: "bytes", type: "u8", data: Uint8Array.from({ length: 13 }, (_, i) => i * 7) },
  { name: "empty", type: "u32", data: new Uint32Array(0) },
  { name: "offsets", type: "u32", data: Uint32Array.from({ length: 77 }, (_, i) => i * 3) },
  { name: "signed", type: "i32", data: Int32Array.from([-1, 2, -3]) },
  { name: "weights", type: "f64", data: Float64Array.from({ length: 50 }, (_, i) => Math.PI * i) },
  { name: "vectors", type: "f32", data: Float32Array.from({ length: 99 }, (_, i) => Math.sin(i)) },
  { name: "half", type: "f16", data: halfExact },
  { name: "codes", type: "u16", data: Uint16Array.from([1, 65535, 3]) },
];

async function written(): Promise<{ path: string; dir: string }> {
  const dir = tempDir("hipporag-snapfile-");
  const path = join(dir, "a.snap");
  await writeSnapshotFile(path, "key-1", { note: "hello", n: 3 }, sections());
  return { path, dir };
}

describe("snapshot files", () => {
  it("round-trip every section type (f16 read back as the exact f32 values), with the metadata; no temporary file left", async () => {
    const { path, dir } = await written();
    expect(readdirSync(dir)).toEqual(["a.snap"]);
    const read = await readSnapshotFile(path, "key-1");
    if (!read.ok) throw new Error(read.problem);
    expect(read.meta).toEqual({ note: "hello", n: 3 });
    for (const section of sections()) {
      const got = read.sections.get(section.name)!;
      expect(got.constructor).toBe(section.data.constructor);
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(section.data.buffer, section.data.byteOffset, section.data.byteLength))).toBe(true);
    }
    // sections start on 64-byte boundaries; an f16 section takes 2 bytes a value on disk
    expect(statSync(path).size).toBeLessThan(4 * halfExact.length + 2000);
  });

  it("report, never throw: none stored, another key, truncated, any corrupted byte of sections or header", async () => {
    const { path } = await written();
    const original = readFileSync(path);
    expect(await readSnapshotFile(join(path, "..", "missing.snap"), "key-1")).toEqual({ ok: false, problem: "none stored" });
    expect(await readSnapshotFile(path, "key-2")).toEqual({ ok: false, problem: "stale (another index state)" });
    truncateSync(path, original.length - 5);
    expect((await readSnapshotFile(path, "key-1")).ok).toBe(false);
    writeFileSync(path, original.subarray(0, 10));
    expect(await readSnapshotFile(path, "key-1")).toEqual({ ok: false, problem: "truncated" });
    // Every byte that is not padding is checked: flip every third one in turn (padding between sections is never read).
    let caught = 0;
    let unused = 0;
    for (let at = 0; at < original.length; at += 3) {
      const bad = Buffer.from(original);
      bad[at]! ^= 0x10;
      writeFileSync(path, bad);
      const read = await readSnapshotFile(path, "key-1");
      if (!read.ok) caught++;
      else {
        unused++;
        // a flip that goes unnoticed changed nothing that is read
        for (const section of sections()) expect([...read.sections.get(section.name)!]).toEqual([...section.data]);
      }
    }
    expect(caught).toBeGreaterThan((original.length / 3) * 0.7);
    expect(unused).toBeLessThan((64 / 3) * sections().length);
  });

  it("stream the sections given a sink, chunk by chunk, as they would be in memory (f16 decoded); only from the file an earlier read named", async () => {
    const dir = tempDir("hipporag-snapfile-");
    const path = join(dir, "big.snap");
    // Over two 16 MB read chunks each, so the sinks see several chunks at their offsets.
    const big = Float32Array.from({ length: 9_000_001 }, (_, i) => (i % 2047) - 1023); // exact in f16
    const wide = Float32Array.from({ length: 4_500_001 }, (_, i) => Math.sin(i));
    await writeSnapshotFile(path, "key-1", {}, [...sections(), { name: "big", type: "f16", data: big }, { name: "wide", type: "f32", data: wide }]);
    const plain = await readSnapshotFile(path, "key-1");
    if (!plain.ok) throw new Error(plain.problem);
    const got = { big: new Uint8Array(big.byteLength), wide: new Uint8Array(wide.byteLength) };
    const calls = { big: 0, wide: 0 };
    const streamed = await readSnapshotFile(path, "key-1", undefined, {
      header: plain.header,
      sinks: (name) => (name === "big" || name === "wide" ? (bytes, at) => (calls[name]++, got[name].set(bytes, at)) : undefined),
    });
    if (!streamed.ok) throw new Error(streamed.problem);
    expect([streamed.sections.has("big"), streamed.sections.has("wide"), streamed.sections.has("half")]).toEqual([false, false, true]);
    expect(calls.big).toBeGreaterThan(1);
    expect(calls.wide).toBeGreaterThan(1);
    expect(Buffer.from(got.big).equals(Buffer.from(big.buffer))).toBe(true);
    expect(Buffer.from(got.wide).equals(Buffer.from(wide.buffer))).toBe(true);
    // A sunk section's checksum is still checked (after its bytes went to the sink)
    const original = readFileSync(path);
    const bad = Buffer.from(original);
    bad[bad.length - 100 - wide.byteLength / 2]! ^= 1;
    writeFileSync(path, bad);
    expect(await readSnapshotFile(path, "key-1", undefined, { sinks: (name) => (name === "wide" ? () => undefined : undefined) })).toEqual({ ok: false, problem: "corrupt (section wide)" });
    // Another file in its place (rewritten since): refused by the earlier header
    await writeSnapshotFile(path, "key-1", { other: true }, sections());
    expect(await readSnapshotFile(path, "key-1", undefined, { header: plain.header })).toEqual({ ok: false, problem: "replaced while it was read" });
  });

  it("f16 sections refuse values that half precision would change (they must be rounded before storing)", async () => {
    const path = join(tempDir("hipporag-snapfile-"), "b.snap");
    await expect(writeSnapshotFile(path, "k", {}, [{ name: "v", type: "f16", data: Float32Array.from([0.1]) }])).rejects.toThrow(/not exact in half precision/);
    expect(readdirSync(join(path, ".."))).toEqual([]);
  });

  it("an aborted signal stops a read with INTERRUPTED (and the write, leaving no file)", async () => {
    const { path, dir } = await written();
    const controller = new AbortController();
    controller.abort();
    await expect(readSnapshotFile(path, "key-1", controller.signal)).rejects.toMatchObject({ code: "INTERRUPTED" });
    await expect(writeSnapshotFile(join(dir, "c.snap"), "k", {}, sections(), controller.signal)).rejects.toMatchObject({ code: "INTERRUPTED" });
    expect(readdirSync(dir)).toEqual(["a.snap"]);
  });
});
