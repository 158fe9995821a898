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

/**
 * Builds a symmetric CSR from undirected [source, target, weight] edges (parallel edges summed).
 * Entries are bucketed by row in input order, then each row is stably sorted by target and equal
 * targets merged: parallel weights are summed in input order, the same on both rows of an edge, and
 * rows come out sorted, so sums in PPR are deterministic. (A Map keyed by node pair did the same
 * at ~3× the time and with ~1M boxed keys for the garbage collector, at the paper's size.)
 */
export function csrFromEdges(nodeCount: number, edges: Iterable<readonly [number, number, number]>): CsrGraph {
  const list = new EdgeList();
  for (const [a, b, w] of edges) {
    if (!(a >= 0 && a < nodeCount && b >= 0 && b < nodeCount) || !Number.isInteger(a) || !Number.isInteger(b)) {
      throw new RangeError(`edge [${a}, ${b}] is outside 0..${nodeCount - 1}`);
    }
    list.push(a, b, w);
  }
  return list.toCsr(nodeCount);
}

/** Undirected edges in growable typed arrays (no tuple per edge), turned into a CSR graph. */
export class EdgeList {
  private from = new Uint32Array(1024);
  private to = new Uint32Array(1024);
  private weight = new Float64Array(1024);
  private m = 0;

  /** Adds the undirected edge {a, b} (nodes already validated); a non-positive weight is dropped. */
  push(a: number, b: number, w: number): void {
    if (!(w > 0)) return;
    if (this.m === this.from.length) {
      this.from = grow(this.from, new Uint32Array(this.m * 2));
      this.to = grow(this.to, new Uint32Array(this.m * 2));
      this.weight = grow(this.weight, new Float64Array(this.m * 2));
    }
    this.from[this.m] = a;
    this.to[this.m] = b;
    this.weight[this.m++] = w;
  }

  toCsr(nodeCount: number): CsrGraph {
    return buildCsr(nodeCount, this.from, this.to, this.weight, this.m);
  }
}

function buildCsr(nodeCount: number, from: Uint32Array, to: Uint32Array, weight: Float64Array, m: number): CsrGraph {
  const count = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < m; e++) {
    count[from[e]!]!++;
    if (from[e] !== to[e]) count[to[e]!]!++;
  }
  // Bucket: row i's entries at start[i] .. start[i+1], in input order.
  const start = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) start[i + 1] = start[i]! + count[i]!;
  const rowTargets = new Uint32Array(start[nodeCount]!);
  const rowWeights = new Float64Array(start[nodeCount]!);
  const fill = start.slice(0, nodeCount);
  for (let e = 0; e < m; e++) {
    const a = from[e]!;
    const b = to[e]!;
    const w = weight[e]!;
    if (a === b) {
      rowTargets[fill[a]!] = a;
      rowWeights[fill[a]!++] = 2 * w; // igraph's undirected self-loop: one diagonal entry of 2w
      continue;
    }
    rowTargets[fill[a]!] = b;
    rowWeights[fill[a]!++] = w;
    rowTargets[fill[b]!] = a;
    rowWeights[fill[b]!++] = w;
  }
  // Sort each row by target (stable) and merge equal targets, compacting forward in place.
  const offsets = new Uint32Array(nodeCount + 1);
  let out = 0;
  let order = new Uint32Array(64);
  let targets = new Uint32Array(64);
  let weights = new Float64Array(64);
  for (let i = 0; i < nodeCount; i++) {
    const lo = start[i]!;
    const hi = start[i + 1]!;
    const length = hi - lo;
    if (length > order.length) {
      order = new Uint32Array(length * 2);
      targets = new Uint32Array(length * 2);
      weights = new Float64Array(length * 2);
    }
    for (let k = 0; k < length; k++) order[k] = lo + k;
    const idx = order.subarray(0, length);
    if (length <= 32) {
      for (let k = 1; k < length; k++) {
        const x = idx[k]!;
        let j = k - 1;
        while (j >= 0 && rowTargets[idx[j]!]! > rowTargets[x]!) {
          idx[j + 1] = idx[j]!;
          j--;
        }
        idx[j + 1] = x;
      }
    } else {
      idx.set(Array.from(idx).sort((x, y) => rowTargets[x]! - rowTargets[y]! || x - y));
    }
    // Read the whole row before writing: `out` may overlap its range.
    for (let k = 0; k < length; k++) {
      targets[k] = rowTargets[idx[k]!]!;
      weights[k] = rowWeights[idx[k]!]!;
    }
    for (let k = 0; k < length; k++) {
      if (k > 0 && targets[k] === targets[k - 1]) rowWeights[out - 1]! += weights[k]!;
      else {
        rowTargets[out] = targets[k]!;
        rowWeights[out++] = weights[k]!;
      }
    }
    offsets[i + 1] = out;
  }
  return { nodeCount, offsets, targets: rowTargets.slice(0, out), weights: rowWeights.slice(0, out) };
}

function grow<T extends Uint32Array | Float64Array>(old: T, bigger: T): T {
  bigger.set(old);
  return bigger;
}
