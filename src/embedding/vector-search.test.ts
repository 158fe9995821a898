import { describe, expect, it } from "vitest";
import { minMaxNormalize, minMaxTopK, topK } from "./dense-search.js";
import { normalizeRows, type Matrix } from "./encoder.js";
import { roundToFloat16 } from "./embedding-store.js";
import { decodeHalfRows, toHalfBits, toFloat16Bits, type HalfMatrix } from "./float16.js";
import { createOnnxMatmul } from "./onnx-matmul.js";
import { VectorCorpus } from "./vector-search.js";

let seed = 11;
const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
const make = (rows: number, dim: number): Matrix => normalizeRows({ rows, dim, data: Float32Array.from({ length: rows * dim }, random) });
const half = (m: Matrix): HalfMatrix => ({ kind: "f16", rows: m.rows, dim: m.dim, bits: toHalfBits(m.data) });

describe("VectorCorpus in blocks", () => {
  // 64 × 9,000 × 256 multiply-adds: the GEMM path; blocks of ~1,000 rows (9 calls) against one call.
  const corpus = roundToFloat16(make(9000, 256));
  const queries = make(70, 256);
  const rows = Array.from({ length: 64 }, (_, i) => i + 3);

  it("GEMM scores a block at a time with the bits of one call over the whole corpus, f16 or f32 held", async () => {
    const engine = await createOnnxMatmul();
    const batch: Matrix = { rows: 64, dim: 256, data: queries.data.slice(3 * 256, 67 * 256) };
    const whole = await engine.dotAll(batch, corpus);
    await engine.dispose();
    expect(await new VectorCorpus(corpus, 1000).scoresMany(queries, rows)).toEqual(whole);
    expect(await new VectorCorpus(half(corpus), 1000).scoresMany(queries, rows)).toEqual(whole);
  });

  it("one query (the JS loop) scores the same in blocks as over the whole corpus", () => {
    const whole = new VectorCorpus(corpus, Number.MAX_SAFE_INTEGER).scores(queries, 5);
    expect(new VectorCorpus(half(corpus), 1000).scores(queries, 5)).toEqual(whole);
  });

  it("a query scores the same bits alone, in a pair or in a batch of 64: the path is chosen by the corpus, not by how many ask", async () => {
    for (const held of [corpus, half(corpus)]) {
      const blocked = new VectorCorpus(held, 1000);
      const batch = await blocked.scoresMany(queries, rows);
      for (const i of [0, 17, 63]) expect(await blocked.scoresMany(queries, [rows[i]!])).toEqual(batch.subarray(i * 9000, (i + 1) * 9000));
      expect(await blocked.scoresMany(queries, rows.slice(0, 2))).toEqual(batch.subarray(0, 2 * 9000));
      const [alone] = await blocked.topMany(queries, [rows[5]!], 21);
      expect(alone).toEqual((await blocked.topMany(queries, rows, 21))[5]);
    }
  });

  it("topMany gives each query's top rows, raw scores and min/max as topK over all its scores", async () => {
    const blocked = new VectorCorpus(half(corpus), 1000);
    const all = await blocked.scoresMany(queries, rows);
    const tops = await blocked.topMany(queries, rows, 21);
    rows.forEach((_, i) => {
      const scores = all.subarray(i * 9000, (i + 1) * 9000);
      const order = topK(scores, 21);
      expect(tops[i]!.rows).toEqual(order);
      expect(tops[i]!.scores).toEqual(order.map((j) => scores[j]!));
      expect(tops[i]!.min).toBe(Math.min(...scores));
      expect(tops[i]!.max).toBe(Math.max(...scores));
    });
  });
});

describe("minMaxTopK", () => {
  it("equals topK over the whole normalised vector, or says it cannot tell (ties at the cut)", () => {
    const cases: Float32Array[] = [
      Float32Array.from({ length: 500 }, random),
      Float32Array.from({ length: 500 }, () => Math.round(random() * 8) / 8), // many ties
      new Float32Array(500).fill(0.25), // constant: every row ties
      Float32Array.from({ length: 3 }, random), // fewer rows than asked for
    ];
    let undecided = 0;
    for (const scores of cases) {
      const raw = topK(scores, 21);
      const best = { rows: raw, scores: raw.map((j) => scores[j]!), min: Math.min(...scores), max: Math.max(...scores) };
      const got = minMaxTopK(best, 5, scores.length);
      const normalised = minMaxNormalize(scores);
      const want = topK(normalised, 5);
      if (!got) {
        undecided++;
        continue;
      }
      expect(got.rows).toEqual(want);
      expect(got.scores).toEqual(want.map((j) => normalised[j]!));
    }
    // The tied cases: ~30 rows share the top eighth, and the constant vector ties everywhere.
    expect(undecided).toBe(2);
  });
});

describe("half-precision bits", () => {
  it("toHalfBits equals rounding every value, and decodeHalfRows gives the f16 values back", () => {
    const values = Float32Array.from([...Array.from({ length: 4000 }, random), 0, -0, 1e-6, -3e-8, 70000, 65504, 6.1e-5, Number.NaN]);
    const bits = toHalfBits(values);
    values.forEach((v, i) => expect(bits[i]).toBe(toFloat16Bits(v)));
    const rounded = roundToFloat16({ rows: 1, dim: values.length, data: values });
    const back = new Float32Array(values.length);
    decodeHalfRows({ kind: "f16", rows: 1, dim: values.length, bits: toHalfBits(rounded.data) }, 0, 1, back);
    expect(back).toEqual(rounded.data);
  });
});
