import type { CsrGraph } from "./csr-graph.js";
import { degreeOrder, permuteCsr } from "./node-order.js";

/**
 * The graph as the PageRank kernels sweep it: renumbered by descending degree (node-order.ts), each
 * weight pre-divided by its target's degree. Computed once per graph: at the paper's size 0.2–0.5 s
 * (most of it the renumbering), which the first query after an open would pay, so an index snapshot
 * stores it (open-memory-index.ts). n nodes, nnz adjacency entries (2 per undirected edge).
 */
export interface PprSweepGraph {
  /** (n) order[r] = the original node swept at position r. */
  order: Uint32Array;
  /** (n + 1) where each row's entries start, rows in sweep order. */
  offsets: Uint32Array;
  /** (nnz) each entry's target as a sweep position; a row's targets ascend. */
  targets: Uint32Array;
  /** (nnz) w(row, target) / deg(target). */
  scaled: Float64Array;
}

export function sweepGraph(csr: CsrGraph): PprSweepGraph {
  const order = degreeOrder(csr);
  const swept = permuteCsr(csr, order);
  return { order: order.order, offsets: swept.offsets, targets: swept.targets, scaled: scaledWeights(swept) };
}

/** scaled[k] = w(j, targets[k]) / deg(targets[k]) for the entry k in row j. */
export function scaledWeights(csr: CsrGraph): Float64Array {
  const { nodeCount: n, offsets, targets, weights } = csr;
  const inverse = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let degree = 0;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) degree += weights[k]!;
    inverse[i] = degree > 0 ? 1 / degree : 0;
  }
  const scaled = new Float64Array(weights.length);
  for (let k = 0; k < weights.length; k++) scaled[k] = weights[k]! * inverse[targets[k]!]!;
  return scaled;
}

/** Throws unless `sweep` has the shape of a sweep graph of `csr` (a stored one read back for another graph, say). */
export function checkSweepGraph(csr: CsrGraph, sweep: PprSweepGraph): void {
  const n = csr.nodeCount;
  const nnz = csr.targets.length;
  const ok = sweep.order.length === n && sweep.offsets.length === n + 1 && sweep.targets.length === nnz && sweep.scaled.length === nnz && sweep.offsets[n] === nnz;
  if (!ok) throw new RangeError(`the PageRank sweep graph (${sweep.order.length} nodes, ${sweep.targets.length} entries) is not one of this graph (${n} nodes, ${nnz} entries)`);
}
