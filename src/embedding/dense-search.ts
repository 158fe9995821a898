import type { Matrix } from "./encoder.js";

/** Sparse entries of an M × N product: entry k is (rows[k], cols[k]) with value scores[k]. */
export interface Entries {
  rows: Int32Array;
  cols: Int32Array;
  scores: Float32Array;
}

/** The entries ≥ threshold of a row-major product `width` columns wide, in row-major order (NaN never is). */
export function entriesAtLeast(product: Float32Array, width: number, threshold: number): Entries {
  const at: number[] = [];
  for (let k = 0; k < product.length; k++) if (product[k]! >= threshold) at.push(k);
  const rows = new Int32Array(at.length);
  const cols = new Int32Array(at.length);
  const scores = new Float32Array(at.length);
  at.forEach((k, n) => {
    rows[n] = Math.floor(k / width);
    cols[n] = k % width;
    scores[n] = product[k]!;
  });
  return { rows, cols, scores };
}

/**
 * Scores = A · Bᵀ for row-major A (n×d) and B (m×d): out is n×m row-major (out[i*m + j] = a_i·b_j).
 * Blocked over 4 rows of B at a time so each row of A is read once per block, with no allocation
 * per row. About 1–2 GFLOP/s in plain JS; `onnx-matmul.ts` is the fast path for big products.
 */
export function dotAll(a: Matrix, b: Matrix): Float32Array {
  if (a.dim !== b.dim) throw new Error(`dimension mismatch: ${a.dim} vs ${b.dim}`);
  const { rows: n, dim: d, data: A } = a;
  const { rows: m, data: B } = b;
  const out = new Float32Array(n * m);
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const b0 = j * d;
    const b1 = b0 + d;
    const b2 = b1 + d;
    const b3 = b2 + d;
    for (let i = 0; i < n; i++) {
      const ai = i * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const x = A[ai + k]!;
        s0 += x * B[b0 + k]!;
        s1 += x * B[b1 + k]!;
        s2 += x * B[b2 + k]!;
        s3 += x * B[b3 + k]!;
      }
      const o = i * m + j;
      out[o] = s0;
      out[o + 1] = s1;
      out[o + 2] = s2;
      out[o + 3] = s3;
    }
  }
  for (; j < m; j++) {
    const bj = j * d;
    for (let i = 0; i < n; i++) {
      const ai = i * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += A[ai + k]! * B[bj + k]!;
      out[i * m + j] = s;
    }
  }
  return out;
}

/**
 * Indices of the k largest values, descending. Ties: the higher index first (what a stable ascending
 * argsort reversed gives, upstream's `argsort[::-1]`). O(n log k) with a small binary heap.
 */
export function topK(scores: ArrayLike<number>, k: number, offset = 0, length = scores.length - offset): number[] {
  const take = Math.min(k, length);
  if (take <= 0) return [];
  const heap: number[] = [];
  const worse = (x: number, y: number) => {
    const sx = scores[offset + x]!;
    const sy = scores[offset + y]!;
    return sx < sy || (sx === sy && x < y);
  };
  const siftUp = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && worse(heap[l]!, heap[smallest]!)) smallest = l;
      if (r < heap.length && worse(heap[r]!, heap[smallest]!)) smallest = r;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  };
  for (let i = 0; i < length; i++) {
    if (heap.length < take) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (worse(heap[0]!, i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((x, y) => (worse(x, y) ? 1 : worse(y, x) ? -1 : 0));
}

/** Upstream min-max normalisation; a constant vector becomes all ones (HEAD behaviour, spec §7.2). */
export function minMaxNormalize(values: ArrayLike<number>): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Float64Array(values.length);
  const range = max - min;
  for (let i = 0; i < values.length; i++) out[i] = range > 0 ? (values[i]! - min) / range : 1;
  return out;
}

/**
 * The top `k` of a min-max normalised score vector, from the best raw rows only (`best`: rows and
 * raw scores best first, over `total` rows, with the min and max of all of them): equal, row for
 * row and bit for bit, to `topK(minMaxNormalize(all), k)` with those normalised scores. Normalising
 * is monotone, so no row outside `best` scores above its last row; when that last row's normalised
 * score ties the k-th (rounding can merge raw scores), a row outside could win the tie, and the
 * answer is undefined: the caller then normalises the whole vector.
 */
export function minMaxTopK(best: { rows: readonly number[]; scores: readonly number[]; min: number; max: number }, k: number, total: number): { rows: number[]; scores: number[] } | undefined {
  const { min, max } = best;
  const range = max - min;
  const normalised = best.scores.map((v) => (range > 0 ? (v - min) / range : 1));
  // topK's order: by score, descending; ties: the higher row first.
  const order = normalised.map((_, i) => i).sort((a, b) => normalised[b]! - normalised[a]! || best.rows[b]! - best.rows[a]!);
  const take = order.slice(0, Math.min(k, total));
  if (best.rows.length < total && take.length > 0) {
    const last = Math.min(...normalised);
    if (!(last < normalised[take[take.length - 1]!]!)) return undefined;
  }
  return { rows: take.map((i) => best.rows[i]!), scores: take.map((i) => normalised[i]!) };
}
