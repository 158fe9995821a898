import { describe, expect, it } from "vitest";
import { SyntheticEncoder } from "../../scripts/synthetic-corpus.js";
import { createOnnxMatmul } from "../embedding/onnx-matmul.js";
import { annSynonymCandidates } from "./synonymy-ann.js";
import { synonymCandidates } from "./synonymy.js";

describe("approximate synonymy (IVF over the GEMM)", () => {
  it("finds ≥ 99% of the exact candidate pairs, each with the exact path's score bit for bit, and nothing the exact path lacks", async () => {
    // 6,000 names in clusters of 14 near-duplicates (cosine ≈ 0.85), 128-d: the paper-like shape, small.
    const phrases = Array.from({ length: 6000 }, (_, e) => `entity ${Math.floor(e / 14)} variant ${e % 14}`).sort();
    const matrix = await new SyntheticEncoder(128).embedFormatted(phrases);
    const rows = phrases.map((_, i) => i);
    const eligible = (row: number) => row % 97 !== 0; // some rows only query, as phrases outside the index
    const exact = await synonymCandidates(phrases, matrix, rows, 0.8, eligible);
    const engine = await createOnnxMatmul();
    try {
      const ann = await annSynonymCandidates(phrases, matrix, rows, 0.8, eligible, engine, { rowsPerPartition: 64, probes: 6, rounds: 4 });
      let total = 0;
      let found = 0;
      for (const q of rows) {
        const truth = new Map(exact.get(q)!.map(([j, s]) => [j, s]));
        total += truth.size;
        for (const [j, score] of ann.get(q)!) {
          expect(truth.get(j)).toBe(score); // found only what exact finds, with its very bits
          found++;
        }
        // Sorted as the exact lists are: by score, then phrase.
        const order = ann.get(q)!.map(([j]) => j);
        expect(order).toEqual(exact.get(q)!.map(([j]) => j).filter((j) => ann.get(q)!.some(([k]) => k === j)));
      }
      expect(total).toBeGreaterThan(50_000);
      expect(found / total).toBeGreaterThanOrEqual(0.99);
    } finally {
      await engine.dispose();
    }
  });
});
