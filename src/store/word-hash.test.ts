import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assembleWat } from "../../scripts/assemble-wat.js";
import { WordHash } from "./word-hash.js";
import { WORD_HASH_WASM_BASE64 } from "./word-hash-wasm.js";

const digest = (bytes: Uint8Array, wasm: boolean, piece = bytes.length) => {
  const hash = new WordHash(wasm);
  for (let at = 0; at < bytes.length; at += piece) hash.update(bytes.subarray(at, at + piece));
  return hash.digest();
};

describe("WordHash", () => {
  it("the committed WebAssembly is word-hash.wat assembled", async () => {
    const source = readFileSync(join(import.meta.dirname, "word-hash.wat"), "utf8");
    expect(WORD_HASH_WASM_BASE64).toBe(Buffer.from(await assembleWat(source)).toString("base64"));
  });

  it("the WebAssembly kernel equals the JS arithmetic, whatever the pieces (multiples of 32 but the last)", () => {
    const bytes = Uint8Array.from({ length: (3 << 20) + 77 }, (_, i) => (i * 2654435761) >>> 24);
    const reference = digest(bytes, false);
    expect(digest(bytes, true)).toBe(reference);
    expect(digest(bytes, true, 64)).toBe(reference);
    expect(digest(bytes, true, 1 << 20)).toBe(reference);
    expect(digest(bytes, true, 5 << 20)).toBe(reference);
    expect(() => digest(bytes, true, 33)).toThrow(/multiple of 32/);
  });

  it("any flipped byte, two swapped words, a zero appended or a byte cut off changes the digest", () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 255);
    const good = digest(bytes, true);
    for (let at = 0; at < bytes.length; at++) {
      for (const bit of [1, 0x80]) {
        const bad = Uint8Array.from(bytes);
        bad[at]! ^= bit;
        expect(digest(bad, true), `byte ${at}`).not.toBe(good);
      }
    }
    const swapped = Uint8Array.from(bytes);
    swapped.set(bytes.subarray(0, 4), 32);
    swapped.set(bytes.subarray(32, 36), 0);
    expect(digest(swapped, true)).not.toBe(good);
    expect(digest(Uint8Array.from([...bytes, 0]), true)).not.toBe(good);
    expect(digest(bytes.subarray(0, 999), true)).not.toBe(good);
  });
});
