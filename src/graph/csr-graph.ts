/**
 * An undirected weighted graph as symmetric CSR: node i's neighbours are
 * targets[offsets[i] .. offsets[i+1]) with weights; parallel edges are summed, non-positive weights
 * dropped, and a self-loop of weight w is one diagonal entry of weight 2w (igraph's undirected
 * convention, which PRPACK follows). HippoRAG graphs have no self-loops: upstream skips them.
 */
export interface CsrGraph {
  nodeCount: number;
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float64Array;
}

/** Builds a symmetric CSR from undirected [source, target, weight] edges (parallel edges summed). */
export function csrFromEdges(nodeCount: number, edges: Iterable<readonly [number, number, number]>): CsrGraph {
  const sums = new Map<number, number>();
  for (const [a, b, w] of edges) {
    if (!(a >= 0 && a < nodeCount && b >= 0 && b < nodeCount) || !Number.isInteger(a) || !Number.isInteger(b)) {
      throw new RangeError(`edge [${a}, ${b}] is outside 0..${nodeCount - 1}`);
    }
    if (!(w > 0)) continue;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = lo * nodeCount + hi;
    sums.set(key, (sums.get(key) ?? 0) + (a === b ? 2 * w : w));
  }
  const degree = new Uint32Array(nodeCount);
  for (const key of sums.keys()) {
    const lo = Math.floor(key / nodeCount);
    const hi = key % nodeCount;
    degree[lo]!++;
    if (hi !== lo) degree[hi]!++;
  }
  const offsets = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const targets = new Uint32Array(offsets[nodeCount]!);
  const weights = new Float64Array(offsets[nodeCount]!);
  const fill = offsets.slice(0, nodeCount);
  // Sorted keys give each row's neighbours in ascending order (deterministic sums in PPR).
  const keys = Float64Array.from(sums.keys()).sort();
  for (const key of keys) {
    const lo = Math.floor(key / nodeCount);
    const hi = key % nodeCount;
    const w = sums.get(key)!;
    targets[fill[lo]!] = hi;
    weights[fill[lo]!++] = w;
    if (hi === lo) continue;
    targets[fill[hi]!] = lo;
    weights[fill[hi]!++] = w;
  }
  // Keys ascending means every row receives its lower neighbours (as "hi") before its higher ones,
  // each in ascending order: rows come out sorted, so sums in PPR are deterministic.
  return { nodeCount, offsets, targets, weights };
}


