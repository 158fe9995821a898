import { describe, expect, it } from "vitest";
import { SyntheticEncoder, syntheticCorpus } from "../../scripts/synthetic-corpus.js";
import { createOnnxMatmul } from "../embedding/onnx-matmul.js";
import { HippoRag, toPassages } from "../hipporag.js";
import { tempDir } from "../test-support/cli-harness.js";
import { MemoryIndex } from "./memory-index.js";
import { annSynonymCandidates } from "./synonymy-ann.js";
import { DEFAULT_SYNONYMY, synonymCandidates, type NeighborList, type SynonymyOptions } from "./synonymy.js";

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

describe("incremental insert above the ANN threshold", () => {
  it("keeps the approximate path's guarantees: found edges carry the exact weight, recall ≥ 99%, like a fresh approximate build", async () => {
    // 699 passages, 5,117 phrases (clusters of 14), 128-d: GEMM-sized from the first 90% on (the
    // arithmetic of a build this size, fresh or incremental). The ANN threshold is lowered to 1,000
    // phrases and 64 rows a partition (80 partitions, 4 probed), so both builds are approximate.
    const corpus = syntheticCorpus(0.06);
    const passages = toPassages(corpus.passages);
    const ann: SynonymyOptions = { ...DEFAULT_SYNONYMY, annAbove: 1000, ann: { rowsPerPartition: 64, probes: 4, rounds: 4 } };
    const build = async (options: SynonymyOptions, steps: number[]) => {
      const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: "synthetic", encoder: new SyntheticEncoder(128), vectorDtype: "f16" });
      hippo.workspace.passages.insert(passages);
      hippo.workspace.openie("synthetic").saveMany(passages.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "synthetic");
      const index = new MemoryIndex(hippo.workspace, "synthetic", hippo.encoder, options, "f16", hippo.vectors);
      const updates = [];
      for (const upTo of steps) updates.push(await index.update(passages.slice(0, upTo).map((p) => p.id)));
      const lists = index.storedLists();
      hippo.close();
      return { lists, updates };
    };
    const exact = (await build({ ...DEFAULT_SYNONYMY, annAbove: Infinity }, [passages.length])).lists;
    const fresh = (await build(ann, [passages.length])).lists;
    // 90% first (approximate: all its phrases are new), then the last 10% (few new phrases: exact against all).
    const { lists: incremental, updates } = await build(ann, [Math.round(passages.length * 0.9), passages.length]);
    expect(updates[1]!.synonymQueries).toBeLessThan(updates[0]!.synonymQueries / 4);
    const recall = (lists: Map<string, NeighborList>) => {
      let total = 0;
      let found = 0;
      for (const [phrase, truth] of exact) {
        const got = new Map(lists.get(phrase) ?? []);
        total += truth.length;
        for (const [other, weight] of truth) {
          if (!got.has(other)) continue;
          found++;
          expect(got.get(other)).toBe(weight); // the exact build's weight, bit for bit
        }
        // Nothing the exact lists lack (no list here reaches the cap, so none takes a lesser neighbour).
        for (const [other] of got) expect(truth.some(([o]) => o === other)).toBe(true);
      }
      return found / total;
    };
    expect(new Set(incremental.keys())).toEqual(new Set(exact.keys()));
    const freshRecall = recall(fresh);
    const incrementalRecall = recall(incremental);
    // Both approximate indeed (a few edges missed), both well above 99%. The new phrases of the
    // increment were searched exactly, so its lists are not the fresh build's: here they miss fewer.
    expect(freshRecall).toBeGreaterThanOrEqual(0.99);
    expect(freshRecall).toBeLessThan(1);
    expect(incrementalRecall).toBeGreaterThanOrEqual(0.99);
    expect(incrementalRecall).toBeLessThan(1);
    expect(incrementalRecall).toBeGreaterThanOrEqual(freshRecall);
  }, 120_000);
});
