/**
 * An undirected weighted graph as symmetric CSR: node i's neighbours are
 * targets[offsets[i] .. offsets[i+1]) with weights; parallel edges are already summed and self-loops
 * and non-positive weights dropped (igraph PRPACK semantics, spec §7.5).
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
    if (a === b || !(w > 0)) continue;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = lo * nodeCount + hi;
    sums.set(key, (sums.get(key) ?? 0) + w);
  }
  const degree = new Uint32Array(nodeCount);
  for (const key of sums.keys()) {
    degree[Math.floor(key / nodeCount)]!++;
    degree[key % nodeCount]!++;
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
    targets[fill[hi]!] = lo;
    weights[fill[hi]!++] = w;
  }
  // Keys ascending means every row receives its lower neighbours (as "hi") before its higher ones,
  // each in ascending order: rows come out sorted, so sums in PPR are deterministic.
  return { nodeCount, offsets, targets, weights };
}

export function edgeCount(graph: CsrGraph): number {
  return graph.targets.length / 2;
}
