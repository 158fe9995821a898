import type { CsrGraph } from "./csr-graph.js";

/**
 * The node order the PageRank kernels sweep in: by descending degree (ties by node id), computed
 * once per graph. Each sweep gathers u[t] for every neighbour t of a row; HippoRAG graphs are
 * skewed (a few phrases occur in many passages and relations), so most gathers hit a few thousand
 * hubs. Numbered first, the hubs share cache lines (8 per line for the single kernel's u; for sweep8
 * each node's 8 values are one line, and the hub lines stay in L2) instead of being spread over the
 * whole vector. Measured at the paper's size (min of 10 interleaved runs, one thread): a single
 * query 25 ms vs 36 ms in the original order, 19 vs 22 ms per question in sweep8; reverse
 * Cuthill–McKee did worse (32 ms; the hubs make its breadth-first levels huge). The sweep count is
 * the same (9.2 on average) in either order.
 */
export interface NodeOrder {
  /** order[r] = the original node at position r. */
  order: Uint32Array;
  /** rank[i] = the position of original node i (the inverse of order). */
  rank: Uint32Array;
}

export function degreeOrder(csr: CsrGraph): NodeOrder {
  const { nodeCount: n, offsets } = csr;
  // Counting sort by descending degree; stable, so ties keep the original (ascending) order.
  let maxDegree = 0;
  for (let i = 0; i < n; i++) maxDegree = Math.max(maxDegree, offsets[i + 1]! - offsets[i]!);
  const start = new Uint32Array(maxDegree + 2);
  for (let i = 0; i < n; i++) start[maxDegree - (offsets[i + 1]! - offsets[i]!) + 1]!++;
  for (let k = 1; k < start.length; k++) start[k]! += start[k - 1]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[start[maxDegree - (offsets[i + 1]! - offsets[i]!)]!++] = i;
  return { order, rank: rankOf(order) };
}

/** rank[i] = the position of original node i in `order` (its inverse). */
export function rankOf(order: Uint32Array): Uint32Array {
  const rank = new Uint32Array(order.length);
  for (let r = 0; r < order.length; r++) rank[order[r]!] = r;
  return rank;
}

/**
 * The symmetric graph renumbered by `order` (new row r = original node order[r]), each row sorted
 * by new target, in O(nnz): walking the new columns c in ascending order and appending c to the row
 * of each of its neighbours fills every row in ascending order (row t lists c iff row c lists t, with
 * the same weight: csrFromEdges builds both entries of an edge identically).
 */
export function permuteCsr(csr: CsrGraph, { order, rank }: NodeOrder): CsrGraph {
  const { nodeCount: n, offsets, targets, weights } = csr;
  const newOffsets = new Uint32Array(n + 1);
  for (let r = 0; r < n; r++) newOffsets[r + 1] = newOffsets[r]! + (offsets[order[r]! + 1]! - offsets[order[r]!]!);
  const fill = newOffsets.slice(0, n);
  const newTargets = new Uint32Array(targets.length);
  const newWeights = new Float64Array(weights.length);
  for (let c = 0; c < n; c++) {
    const i = order[c]!;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      const row = rank[targets[k]!]!;
      newTargets[fill[row]!] = c;
      newWeights[fill[row]!++] = weights[k]!;
    }
  }
  return { nodeCount: n, offsets: newOffsets, targets: newTargets, weights: newWeights };
}
