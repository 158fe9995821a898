import { describe, expect, it } from "vitest";
import type { Matrix } from "../embedding/encoder.js";
import type { HalfMatrix } from "../embedding/float16.js";
import { copyRunsFrom, heldInMemory, reuseRows, type RowRun } from "./reuse-rows.js";

// Row r of a text's vector is [code(text), r-th position marker]: a copy from the wrong row or the
// wrong source shows in either element.
const dim = 3;
const code = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 65521, 7);
const f32 = (texts: readonly string[], tag: number): Matrix => ({ rows: texts.length, dim, data: Float32Array.from(texts.flatMap((t) => [code(t), tag, t.length])) });
const f16 = (texts: readonly string[], tag: number): HalfMatrix => ({ kind: "f16", rows: texts.length, dim, bits: Uint16Array.from(texts.flatMap((t) => [code(t), tag, t.length])) });

describe("reuseRows", () => {
  const heldTexts = ["a", "b", "c", "d", "e", "f"];
  const cases: Array<[string, string[]]> = [
    ["appended at the end", ["a", "b", "c", "d", "e", "f", "x", "y"]],
    ["new rows first, between and last", ["x", "a", "b", "y", "c", "d", "e", "f", "z"]],
    ["rows deleted", ["a", "c", "f"]],
    ["reordered, repeated", ["f", "e", "a", "b", "b", "x", "a", "d"]],
    ["nothing held", ["x", "y"]],
    ["empty", []],
  ];
  for (const [name, texts] of cases) {
    it(`takes held rows and reads only the others: ${name} (f32 and f16)`, async () => {
      for (const make of [f32, f16]) {
        const asked: string[][] = [];
        const { matrix, reused } = await reuseRows(texts, heldInMemory(heldTexts, make(heldTexts, 1)), async (t) => {
          asked.push(t);
          return make(t, 2);
        });
        const fresh = texts.filter((t) => !heldTexts.includes(t));
        expect(asked).toEqual(fresh.length > 0 ? [fresh] : []);
        expect(reused).toBe(texts.length - fresh.length);
        const values = Array.from("bits" in matrix ? matrix.bits : (matrix as Matrix).data);
        expect(values).toEqual(texts.flatMap((t) => [code(t), heldTexts.includes(t) ? 1 : 2, t.length]));
      }
    });
  }

  it("copies runs from a source streamed in chunks that end anywhere, even inside a row, overlapping runs too", () => {
    const rowBytes = 6;
    const source = Uint8Array.from({ length: 10 * rowBytes }, (_, i) => i + 1);
    const runs: RowRun[] = [
      { from: 0, to: 3, rows: 2 },
      { from: 1, to: 0, rows: 3 }, // overlaps the first (a repeated text)
      { from: 7, to: 5, rows: 3 },
    ];
    const expected = new Uint8Array(8 * rowBytes);
    for (const run of runs) expected.set(source.subarray(run.from * rowBytes, (run.from + run.rows) * rowBytes), run.to * rowBytes);
    for (const chunk of [1, 4, 6, 7, 13, 60]) {
      const out = new Uint8Array(8 * rowBytes);
      for (let at = 0; at < source.length; at += chunk) copyRunsFrom(source.subarray(at, at + chunk), at, runs, rowBytes, out);
      expect([...out], `chunks of ${chunk}`).toEqual([...expected]);
    }
  });

  it("reads everything when the rows read are of another kind or dimension than the held ones", async () => {
    const texts = ["a", "x"];
    const read = async (t: string[]) => f16(t, 2);
    const { matrix, reused } = await reuseRows(texts, heldInMemory(heldTexts, f32(heldTexts, 1)), read);
    expect(reused).toBe(0);
    expect(Array.from((matrix as HalfMatrix).bits)).toEqual([code("a"), 2, 1, code("x"), 2, 1]);
  });
});
