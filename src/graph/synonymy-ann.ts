import { cooperative } from "../core/cooperate.js";
import type { Matrix } from "../embedding/encoder.js";
import type { MatmulEngine } from "../embedding/onnx-matmul.js";

/**
 * Phrases above which a full synonymy build searches approximately. Exact all-pairs costs grow with
 * the square: 24–27 s at the paper's 85k phrases here (scripts/bench-index.ts), so ~4 min at 256k
 * (×3) and ~45 min at 850k (×10); this path grows with N · probes · N/partitions instead.
 */
export const ANN_SYNONYMY_THRESHOLD = 250_000;

export interface AnnOptions {
  /** Rows per partition on average (k-means centroids = rows / this). */
  rowsPerPartition: number;
  /** Partitions each query scores (its nearest centroids); "auto": `autoProbes` of the partition count. */
  probes: number | "auto";
  /** k-means rounds on the sample. */
  rounds: number;
}
export const DEFAULT_ANN: AnnOptions = { rowsPerPartition: 512, probes: "auto", rounds: 4 };

/**
 * Probes for a partition count: 8 up to the paper's size (167 partitions of 512), then 8 more for
 * each step of √(partitions / 167), rounded up. With 8 probes throughout, edge recall against exact
 * all-pairs fell from 99.21% at the paper's size to 98.3% at 3× (500 partitions), where the
 * approximate path is first used; 16 probes gave 99.33% there (12: 98.99%; partitions of 1,024 with
 * 8 probes, the same rows scanned: 96.25%), for 44 s instead of 23 (scripts/bench-ann-synonymy.ts).
 * At 10× this gives 32 probes.
 */
export function autoProbes(partitions: number): number {
  return 8 * Math.max(1, Math.ceil(Math.sqrt(partitions / 167) - 1e-9));
}

/** onnxruntime's GEMM gives every product the same bits only in calls at least this wide (see synonymy.ts). */
const MIN_WIDTH = 512;

/**
 * Approximate synonymy candidates (IVF): spherical k-means partitions the eligible rows; each query
 * row scores only the rows of its `probes` nearest partitions, each partition in one GEMM against
 * all queries that probe it. Synonyms (cosine ≥ 0.8) sit close to their query, so they share its
 * nearest partitions: what is found is complete for most rows, and every score found is the exact
 * path's, bit for bit (every call is padded to the width at which GEMM bits do not depend on the
 * call's shape). Candidates are filtered to ≥ threshold and sorted as `synonymCandidates` sorts them.
 */
export async function annSynonymCandidates(
  phrases: readonly string[],
  dense: Matrix,
  queryRows: readonly number[],
  threshold: number,
  eligible: (row: number) => boolean,
  engine: MatmulEngine,
  options: AnnOptions = DEFAULT_ANN,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<Map<number, [number, number][]>> {
  const d = dense.dim;
  const tick = cooperative(signal, "during the synonymy search: nothing of this update was committed");
  const columns: number[] = [];
  for (let j = 0; j < dense.rows; j++) if (eligible(j)) columns.push(j);
  const Q = [...new Set(queryRows)];
  const partitions = Math.max(1, Math.round(columns.length / options.rowsPerPartition));
  const probes = Math.min(options.probes === "auto" ? autoProbes(partitions) : options.probes, partitions);
  const gather = (rows: readonly number[], minRows = 2): Matrix => {
    const count = Math.max(minRows, rows.length);
    const data = new Float32Array(count * d);
    rows.forEach((r, i) => data.set(dense.data.subarray(r * d, (r + 1) * d), i * d));
    // Padding rows repeat the first one: their scores are ignored, they only keep the call wide.
    for (let i = rows.length; i < count; i++) data.copyWithin(i * d, 0, d);
    return { rows: count, dim: d, data };
  };

  // 1. Spherical k-means on an evenly spaced sample (deterministic: no random seed to record).
  const sampleSize = Math.min(columns.length, partitions * 64);
  const sample = Array.from({ length: sampleSize }, (_, i) => columns[Math.floor((i * columns.length) / sampleSize)]!);
  let centroids = gather(Array.from({ length: partitions }, (_, c) => sample[Math.floor((c * sample.length) / partitions)]!), 1);
  for (let round = 0; round < options.rounds; round++) {
    const sums = new Float64Array(partitions * d);
    const counts = new Uint32Array(partitions);
    await nearest(sample, 1, (row, best) => {
      counts[best[0]!]++;
      const base = best[0]! * d;
      for (let k = 0; k < d; k++) sums[base + k]! += dense.data[row * d + k]!;
    });
    const next = new Float32Array(partitions * d);
    for (let c = 0; c < partitions; c++) {
      let norm = 0;
      for (let k = 0; k < d; k++) norm += sums[c * d + k]! ** 2;
      norm = Math.sqrt(norm);
      // An empty partition keeps its centroid; the others move to their members' normalised mean.
      for (let k = 0; k < d; k++) next[c * d + k] = counts[c] && norm > 0 ? sums[c * d + k]! / norm : centroids.data[c * d + k]!;
    }
    centroids = { rows: partitions, dim: d, data: next };
  }

  // 2. Every eligible row joins its nearest partition; every query lists its `probes` nearest.
  const members: number[][] = Array.from({ length: partitions }, () => []);
  await nearest(columns, 1, (row, best) => members[best[0]!]!.push(row));
  const probing: number[][] = Array.from({ length: partitions }, () => []);
  await nearest(Q, probes, (row, best) => {
    for (const c of best) probing[c]!.push(row);
  });

  // 3. Each partition: (queries probing it) × (its members)ᵀ, 512 queries per call.
  const found = new Map<number, [number, number][]>(Q.map((q) => [q, []]));
  let done = 0;
  for (let c = 0; c < partitions; c++) {
    const cols = members[c]!;
    const queries = probing[c]!;
    if (cols.length > 0 && queries.length > 0) {
      const block = gather(cols, MIN_WIDTH);
      for (let start = 0; start < queries.length; start += 512) {
        await tick();
        const rows = queries.slice(start, start + 512);
        const hits = await engine.above(gather(rows), block, threshold);
        const lists = rows.map((q) => found.get(q)!);
        for (let k = 0; k < hits.scores.length; k++) {
          // rows of a one-row call are doubled, columns padded to MIN_WIDTH: neither is a candidate
          const i = hits.rows[k]!;
          const j = hits.cols[k]!;
          if (i < rows.length && j < cols.length) lists[i]!.push([cols[j]!, hits.scores[k]!]);
        }
      }
    }
    done += queries.length;
    onProgress?.(Math.floor(done / probes), Q.length);
  }
  for (const list of found.values()) list.sort((x, y) => y[1] - x[1] || (phrases[x[0]]! < phrases[y[0]]! ? -1 : phrases[x[0]]! > phrases[y[0]]! ? 1 : 0));
  return found;

  /** The `count` nearest centroids of each row (by inner product), in blocks of 4096 rows. */
  async function nearest(rows: readonly number[], count: number, take: (row: number, best: number[]) => void): Promise<void> {
    const cent = padCentroids(centroids);
    for (let start = 0; start < rows.length; start += 4096) {
      await tick();
      const chunk = rows.slice(start, start + 4096);
      const scores = await engine.dotAll(gather(chunk), cent);
      chunk.forEach((row, i) => take(row, topIndices(scores, i * cent.rows, centroids.rows, count)));
    }
  }
}

/** A one-centroid matrix gets a zero second row (a one-row product takes another kernel); only real centroids are ranked. */
function padCentroids(centroids: Matrix): Matrix {
  if (centroids.rows >= 2) return centroids;
  const data = new Float32Array(2 * centroids.dim);
  data.set(centroids.data);
  return { rows: 2, dim: centroids.dim, data };
}

/** Indices of the `count` largest of scores[offset … offset+length), best first. */
function topIndices(scores: Float32Array, offset: number, length: number, count: number): number[] {
  const best: number[] = [];
  for (let c = 0; c < length; c++) {
    const s = scores[offset + c]!;
    if (best.length < count) {
      best.push(c);
      best.sort((a, b) => scores[offset + b]! - scores[offset + a]!);
    } else if (s > scores[offset + best[count - 1]!]!) {
      best[count - 1] = c;
      best.sort((a, b) => scores[offset + b]! - scores[offset + a]!);
    }
  }
  return best;
}
