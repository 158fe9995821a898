import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { personalizedPageRank } from "../index.js";
import { csrFromEdges } from "./csr-graph.js";

interface Case {
  name: string;
  nodeCount: number;
  edges: [number, number, number][];
  reset: number[];
  damping: number;
  scores: number[];
}
const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, "__fixtures__", "ppr-igraph.json"), "utf8")) as { cases: Case[] };

describe("personalizedPageRank agrees with igraph PRPACK (fixtures from scripts/make-ppr-fixtures.py)", () => {
  for (const c of fixtures.cases) {
    it(`${c.name}: max abs difference < 1e-8`, () => {
      const options = c.damping === 0.5 ? {} : { damping: c.damping };
      const scores = personalizedPageRank({ nodeCount: c.nodeCount, edges: c.edges }, c.reset, options);
      expect(scores).toBeInstanceOf(Float64Array);
      let maxDiff = 0;
      c.scores.forEach((expected, i) => (maxDiff = Math.max(maxDiff, Math.abs(scores[i]! - expected))));
      expect(maxDiff).toBeLessThan(1e-8);
      expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });
  }
  it("accepts the project's CSR type and gives the same answer", () => {
    const c = fixtures.cases.find((x) => x.name === "hipporag-shaped")!;
    const a = personalizedPageRank({ nodeCount: c.nodeCount, edges: c.edges }, c.reset);
    const b = personalizedPageRank(csrFromEdges(c.nodeCount, c.edges), c.reset);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
  it("rejects bad input clearly", () => {
    expect(() => personalizedPageRank({ nodeCount: 2, edges: [[0, 1, 1]] }, [0, 0])).toThrow(/sums to 0/);
    expect(() => personalizedPageRank({ nodeCount: 2, edges: [[0, 1, 1]] }, [1])).toThrow(/reset has 1 values for 2 nodes/);
    expect(() => personalizedPageRank({ nodeCount: 2, edges: [[0, 1, 1]] }, [1, Number.NaN])).toThrow(/non-negative/);
    expect(() => personalizedPageRank({ nodeCount: 2, edges: [[0, 5, 1]] }, [1, 0])).toThrow(/outside/);
  });
  it("an isolated node with no reset scores exactly 0", () => {
    const scores = personalizedPageRank({ nodeCount: 3, edges: [[0, 1, 1]] }, [1, 0, 0]);
    expect(scores[2]).toBe(0);
  });
});

describe("personalizedPageRankMany on a large graph", () => {
  it("personalizedPageRankMany (queries shared with a worker) equals one-at-a-time solving exactly", async () => {
    const { syntheticGraph, syntheticReset, mulberry32 } = await import("../../scripts/synthetic-graph.js");
    const { personalizedPageRankMany } = await import("./personalized-pagerank.js");
    const g = syntheticGraph(0.2);
    const csr = csrFromEdges(g.entities + g.passages, g.edges);
    const random = mulberry32(4);
    const resets = Array.from({ length: 5 }, () => syntheticReset(g, random));
    expect(csr.targets.length).toBeGreaterThan(200_000); // large enough for the worker by default
    const many = await personalizedPageRankMany(csr, resets);
    resets.forEach((reset, i) => expect(Array.from(many[i]!)).toEqual(Array.from(personalizedPageRank(csr, reset))));
    // Concurrent batches queue for the one worker and still each get their own answers.
    const [a, b] = await Promise.all([personalizedPageRankMany(csr, resets.slice(0, 3)), personalizedPageRankMany(csr, resets.slice(2))]);
    expect(Array.from(a[2]!)).toEqual(Array.from(many[2]!));
    expect(Array.from(b[0]!)).toEqual(Array.from(many[2]!));
    expect(Array.from(b[2]!)).toEqual(Array.from(many[4]!));
  });

  it("with `pause`, gives the event loop turns between sweeps (same bits), and a pause that throws stops the whole batch, the worker's half too", async () => {
    const { syntheticGraph, syntheticReset, mulberry32 } = await import("../../scripts/synthetic-graph.js");
    const { personalizedPageRankMany } = await import("./personalized-pagerank.js");
    const g = syntheticGraph(0.2, 9);
    const csr = csrFromEdges(g.entities + g.passages, g.edges);
    const random = mulberry32(6);
    const resets = Array.from({ length: 12 }, () => syntheticReset(g, random));
    const plain = await personalizedPageRankMany(csr, resets);
    for (const threads of [1, 2]) {
      let pauses = 0;
      const paused = await personalizedPageRankMany(csr, resets, { threads, pauseEveryMs: 0, pause: async () => void pauses++ });
      expect(pauses, `${threads} thread(s)`).toBeGreaterThanOrEqual(8); // at least once a sweep of this thread's blocks
      paused.forEach((u, i) => expect(Buffer.from(u.buffer).equals(Buffer.from(plain[i]!.buffer)), `reset ${i}`).toBe(true));
      // A pause that throws (Ctrl-C) rejects the batch with its error; the next batch is whole and exact.
      let calls = 0;
      const stop = new Error("interrupted");
      await expect(personalizedPageRankMany(csr, resets, { threads, pauseEveryMs: 0, pause: async () => { if (++calls === 3) throw stop; } })).rejects.toBe(stop);
      const after = await personalizedPageRankMany(csr, resets, { threads });
      after.forEach((u, i) => expect(Buffer.from(u.buffer).equals(Buffer.from(plain[i]!.buffer)), `after the stop, reset ${i}`).toBe(true));
    }
  });
});
