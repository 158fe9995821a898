import { describe, expect, it } from "vitest";
import { mulberry32, syntheticGraph, syntheticReset } from "../../scripts/synthetic-graph.js";
import { csrFromEdges } from "./csr-graph.js";
import { degreeOrder, permuteCsr } from "./node-order.js";
import { personalizedPageRank } from "./personalized-pagerank.js";

describe("the PageRank sweep order", () => {
  const g = syntheticGraph(0.01, 13);
  const n = g.entities + g.passages;
  const csr = csrFromEdges(n, g.edges);
  const degree = (i: number) => csr.offsets[i + 1]! - csr.offsets[i]!;

  it("is a permutation by descending degree, ties by node id", () => {
    const { order, rank } = degreeOrder(csr);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    for (let r = 1; r < n; r++) {
      const [a, b] = [order[r - 1]!, order[r]!];
      expect(degree(a) > degree(b) || (degree(a) === degree(b) && a < b)).toBe(true);
    }
    order.forEach((node, r) => expect(rank[node]).toBe(r));
  });

  it("renumbers the CSR exactly as building it from relabelled edges would", () => {
    const o = degreeOrder(csr);
    const relabelled = csrFromEdges(n, g.edges.map(([a, b, w]) => [o.rank[a]!, o.rank[b]!, w] as const));
    // csrFromEdges merges parallel edges; compare with the merged graph's edges relabelled instead.
    const merged: [number, number, number][] = [];
    for (let i = 0; i < n; i++) for (let k = csr.offsets[i]!; k < csr.offsets[i + 1]!; k++) if (i < csr.targets[k]!) merged.push([o.rank[i]!, o.rank[csr.targets[k]!]!, csr.weights[k]!]);
    const expected = csrFromEdges(n, merged);
    const permuted = permuteCsr(csr, o);
    expect(permuted).toEqual(expected);
    expect(permuted.offsets).toEqual(relabelled.offsets);
  });

  it("in sweep order still converges to the tight solution (tolerance 1e-15) within 1e-9", () => {
    const random = mulberry32(3);
    const reset = syntheticReset(g, random);
    const tight = personalizedPageRank(csr, reset, { tolerance: 1e-15 });
    const normal = personalizedPageRank(csr, reset);
    expect(Math.max(...normal.map((x, i) => Math.abs(x - tight[i]!)))).toBeLessThan(1e-9);
  });
});
