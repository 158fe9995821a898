import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assembleWat } from "../../scripts/assemble-wat.js";
import { decodeFloat16Into } from "../embedding/float16.js";
import { decodeHalf } from "./half-decode.js";
import { HALF_DECODE_WASM_BASE64 } from "./half-decode-wasm.js";

describe("decodeHalf", () => {
  it("the committed WebAssembly is half-decode.wat assembled", async () => {
    const source = readFileSync(join(import.meta.dirname, "half-decode.wat"), "utf8");
    expect(HALF_DECODE_WASM_BASE64).toBe(Buffer.from(await assembleWat(source)).toString("base64"));
  });

  it("gives decodeFloat16Into's values bit for bit for every half (zeros, subnormals, infinities; NaN stays NaN), at any offset and length", () => {
    const all = new Uint8Array(new Uint16Array(Array.from({ length: 65536 }, (_, i) => i)).buffer);
    const expected = new Float32Array(65536 + 3);
    decodeFloat16Into(all, expected, 3);
    for (const length of [65536, 65531]) {
      const got = new Float32Array(65536 + 3);
      decodeHalf(all.subarray(0, 2 * length), got, 3);
      for (let i = 3; i < 3 + length; i++) {
        if (Number.isNaN(expected[i])) expect(Number.isNaN(got[i]), `half ${i - 3}`).toBe(true);
        else if (!Object.is(got[i], expected[i])) expect(got[i], `half ${(i - 3).toString(16)}`).toBe(expected[i]);
      }
      expect(got[3 + length] ?? 0).toBe(0); // nothing written past the values
    }
  });
});
