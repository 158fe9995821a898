import { cooperative } from "../core/cooperate.js";
import { HippoError } from "../core/errors.js";
import { isSparse, type Matrix, type VectorMatrix } from "../embedding/encoder.js";
import { dotAll, entriesAtLeast, type Entries } from "../embedding/dense-search.js";
import type { MatmulEngine } from "../embedding/onnx-matmul.js";
import { VectorCorpus } from "../embedding/vector-search.js";
import { ANN_SYNONYMY_THRESHOLD, annSynonymCandidates, DEFAULT_ANN, type AnnOptions } from "./synonymy-ann.js";

/** Above this many multiply-adds, dense KNN goes through onnxruntime's GEMM instead of JS. */
const ONNX_THRESHOLD = 2e9;
/** Columns per product when few rows query (an incremental update): 512 × 65,536 scores = 134 MB. */
const FEW_QUERIES_COLUMNS = 65_536;

/** Upstream synonymy settings (config_utils.py): cosine ≥ 0.8, at most 101 accepted neighbours. */
export interface SynonymyOptions {
  threshold: number;
  /** Upstream stops once more than 100 are accepted: 101 at most. */
  maxNeighbors: number;
  /**
   * Phrases from which a search with many query rows goes approximate (default
   * ANN_SYNONYMY_THRESHOLD), and the IVF's settings (default DEFAULT_ANN). Left out of the
   * defaults, so stored index configs and fingerprints stay as they were.
   */
  annAbove?: number;
  ann?: AnnOptions;
}
export const DEFAULT_SYNONYMY: SynonymyOptions = { threshold: 0.8, maxNeighbors: 101 };

export type NeighborList = [phrase: string, score: number][];

/** Whether a phrase looks for synonyms: more than 2 alphanumeric characters (spec §5.1). */
export function queriesForSynonyms(phrase: string): boolean {
  return phrase.replace(/[^A-Za-z0-9]/g, "").length > 2;
}

/**
 * Candidates of each query phrase among all (eligible) phrases, by descending cosine, filtered to
 * score ≥ threshold. `matrix` holds the raw (unweighted) embeddings of `phrases`, one row each.
 */
export async function synonymCandidates(
  phrases: readonly string[],
  matrix: VectorMatrix,
  queryRows: readonly number[],
  threshold: number,
  eligible: (row: number) => boolean = () => true,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
  /** Rows from which a full build (many queries) searches approximately (`synonymy-ann.ts`). */
  annAbove = ANN_SYNONYMY_THRESHOLD,
  ann: AnnOptions = DEFAULT_ANN,
  /** Few queries: the columns scored per call (≥ 512), which bounds the product onnxruntime holds. */
  columnsPerCall = FEW_QUERIES_COLUMNS,
  /**
   * Candidates kept per query, the first in the lists' order (default all). A full build needs only
   * what the walk can take (synonymLists): encoders whose vectors barely differ (a server not serving
   * a model gives a few distinct vectors) put every pair above the threshold, and holding all of
   * them (37M pairs for 16k phrases) ran out of memory.
   */
  keep = Number.POSITIVE_INFINITY,
): Promise<Map<number, [number, number][]>> {
  const stopIfAborted = () => {
    if (signal?.aborted) throw new HippoError("INTERRUPTED", "interrupted during the synonymy search: nothing of this update was committed", { suggestion: "re-run to resume; every vector computed so far is kept" });
  };
  const out = new Map<number, [number, number][]>();
  // Ties go to the smaller phrase (= the lower row when rows are the sorted phrases, as upstream's
  // np.unique order gives), so any row order (e.g. a cache file's) yields the same lists.
  const collect = (q: number, scores: ArrayLike<number>, offset: number) => {
    const found: [number, number][] = [];
    for (let j = 0; j < phrases.length; j++) {
      const s = scores[offset + j]!;
      if (s >= threshold && eligible(j)) found.push([j, s]);
    }
    out.set(q, sortCandidates(found));
  };
  // The lists' order is total (phrases are distinct), so the first `keep` are the same whenever pruned.
  const sortCandidates = (found: [number, number][]) => {
    found.sort((x, y) => y[1] - x[1] || (phrases[x[0]]! < phrases[y[0]]! ? -1 : phrases[x[0]]! > phrases[y[0]]! ? 1 : 0));
    if (found.length > keep) found.length = keep;
    return found;
  };
  const pruneAt = Math.max(1024, 2 * keep);
  /** Appends a candidate, sorting and cutting the list to `keep` whenever it grows past twice that. */
  const add = (list: [number, number][], row: number, score: number) => {
    list.push([row, score]);
    if (list.length > pruneAt) sortCandidates(list);
  };
  // Ctrl-C must be handled within a second: the search gives the event loop a turn as it goes.
  const tick = cooperative(signal, "during the synonymy search: nothing of this update was committed");
  if (isSparse(matrix)) {
    const corpus = new VectorCorpus(matrix);
    const scores = new Float32Array(phrases.length);
    for (let i = 0; i < queryRows.length; i++) {
      if (i % 64 === 0) {
        await tick();
        if (i % 1024 === 0) onProgress?.(i, queryRows.length);
      }
      collect(queryRows[i]!, corpus.scores(matrix, queryRows[i]!, scores), 0);
    }
    onProgress?.(queryRows.length, queryRows.length);
    return out;
  }
  // Dense. Cosine is symmetric, so each pair of query rows is scored once (the upper triangle) and
  // given to both rows: an all-vs-all build does half the multiply-adds. Eligible rows that do not
  // query are only scored as columns. Rows are copied once into C = [query rows Q …, other eligible
  // rows X …] (c × d), and each block of 512 query rows is multiplied by a contiguous tail of C:
  //   (512 × d) · (C[from …] × d)ᵀ, from = the block's start, moved back so the product is ≥ 512 wide.
  // Why that width: onnxruntime's GEMM gives C[i][j] = C[j][i] bit for bit, and the same bits
  // whichever rows and columns share a call, only when a call is large enough (measured: fewer than
  // ~200 columns, or a single row, use kernels that round differently). Keeping every call wide
  // (and doubling a one-row block) makes scores, hence lists, independent of how the work was cut:
  // a full build and an incremental one see the same bits.
  const dense = matrix as Matrix;
  const d = dense.dim;
  const Q = [...new Set(queryRows)];
  let engine: MatmulEngine | undefined;
  // Decided by the index's size, not by how many rows query: GEMM and the JS loop round differently,
  // so an incremental update (a few new rows) must score with the arithmetic of a full build of
  // the same rows, or its lists differ from a fresh build's in the last bits.
  if (dense.rows * dense.rows * d > ONNX_THRESHOLD) {
    const { createOnnxMatmul } = await import("../embedding/onnx-matmul.js");
    engine = await createOnnxMatmul();
  }
  const gather = (rows: readonly number[]): Matrix => {
    const data = new Float32Array(Math.max(2, rows.length) * d);
    rows.forEach((r, i) => data.set(dense.data.subarray(r * d, (r + 1) * d), i * d));
    if (rows.length === 1) data.copyWithin(d, 0, d); // a one-row product would round differently
    return { rows: Math.max(2, rows.length), dim: d, data };
  };
  // The entries ≥ threshold of A · Bᵀ: found inside onnxruntime (the product never reaches JS), or
  // scanned here from the JS product for indices too small for GEMM.
  const above = (a: Matrix, b: Matrix): Promise<Entries> | Entries =>
    engine ? engine.above(a, b, threshold) : entriesAtLeast(dotAll(a, b), b.rows, threshold);
  if (Q.length * 4 < dense.rows) {
    // Few queries (an incremental update): each block against every row, nothing copied but the
    // block; the triangle would save little. The rows are scored in slices of `columns`: at 10× the
    // paper's size one 512 × 850k product is 1.7 GB inside onnxruntime (a slice of 64k, 134 MB).
    // Same bits as the triangle path: every call is wide (a last slice under 512 starts earlier, and
    // the columns it repeats are skipped).
    const columns = Math.max(512, columnsPerCall);
    try {
      for (let start = 0; start < Q.length; start += 512) {
        const block = Q.slice(start, start + 512);
        const a = gather(block);
        const found = block.map((): [number, number][] => []);
        for (let first = 0; first < dense.rows; first += columns) {
          stopIfAborted();
          await tick();
          const end = Math.min(first + columns, dense.rows);
          const from = Math.max(0, Math.min(first, end - 512));
          const { rows, cols, scores } = await above(a, { rows: end - from, dim: d, data: dense.data.subarray(from * d, end * d) });
          // rows[k] < block.length: a one-row block's doubled row is skipped
          for (let k = 0; k < scores.length; k++) {
            const col = from + cols[k]!;
            if (rows[k]! < block.length && col >= first && eligible(col)) add(found[rows[k]!]!, col, scores[k]!);
          }
        }
        block.forEach((q, i) => out.set(q, sortCandidates(found[i]!)));
        onProgress?.(start + block.length, Q.length);
      }
    } finally {
      await engine?.dispose();
    }
    return out;
  }
  if (engine && dense.rows >= annAbove) {
    // A full build at ten times the paper's size: exact all-pairs would take about an hour here.
    // Incremental updates that add under a quarter of the rows (the branch above) stay exact: each
    // new phrase is scored against all. Either way every score found is the exact path's (same
    // bits), so an incremental index has the approximate path's guarantees (found edges carry the
    // exact weight; recall at least the build's), though its lists can differ from a fresh
    // approximate build's: measured in synonymy-ann.test.ts and bench-scale.ts.
    try {
      return await annSynonymCandidates(phrases, dense, Q, threshold, eligible, engine, ann, signal, onProgress);
    } finally {
      await engine.dispose();
    }
  }
  const isQuery = new Uint8Array(phrases.length);
  for (const q of Q) isQuery[q] = 1;
  const order = [...Q];
  for (let j = 0; j < phrases.length; j++) if (!isQuery[j] && eligible(j)) order.push(j);
  const all = new Float32Array(order.length * d);
  order.forEach((r, i) => all.set(dense.data.subarray(r * d, (r + 1) * d), i * d));
  const rowsOf = (from: number, to: number): Matrix => ({ rows: to - from, dim: d, data: all.subarray(from * d, to * d) });
  const found = Q.map((): [number, number][] => []);
  try {
    for (let start = 0; start < Q.length; start += 512) {
      stopIfAborted();
      await tick();
      const end = Math.min(start + 512, Q.length);
      const from = Math.max(0, Math.min(start, order.length - 512));
      const block = end - start === 1 ? gather([Q[start]!]) : rowsOf(start, end);
      const { rows, cols, scores } = await above(block, rowsOf(from, order.length));
      for (let k = 0; k < scores.length; k++) {
        const i = start + rows[k]!;
        const c = from + cols[k]!;
        // Query columns below i were (or will be) scored in their own row and mirrored here; a
        // one-row block's doubled row lands at i = end.
        if (c < i || i >= end) continue;
        const score = scores[k]!;
        const rowC = order[c]!;
        if (eligible(rowC)) add(found[i]!, rowC, score);
        if (c > i && c < Q.length && eligible(Q[i]!)) add(found[c]!, Q[i]!, score);
      }
      onProgress?.(end, Q.length);
    }
  } finally {
    await engine?.dispose();
  }
  Q.forEach((row, i) => out.set(row, sortCandidates(found[i]!)));
  return out;
}

/**
 * The accepted neighbour list of each query phrase exactly as upstream walks it: in descending order,
 * stop below the threshold or once more than 100 are accepted; skip itself and the empty phrase.
 */
export async function synonymLists(
  phrases: readonly string[],
  matrix: VectorMatrix,
  queryRows: readonly number[],
  options: SynonymyOptions = DEFAULT_SYNONYMY,
  eligible?: (row: number) => boolean,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<Map<string, NeighborList>> {
  const rows = queryRows.filter((q) => queriesForSynonyms(phrases[q]!));
  // The walk skips at most the phrase itself and "", then takes maxNeighbors: no more candidates are needed.
  const candidates = await synonymCandidates(phrases, matrix, rows, options.threshold, eligible, signal, onProgress, options.annAbove, options.ann, undefined, options.maxNeighbors + 2);
  return new Map(queryRows.map((q) => [phrases[q]!, walkCandidates(phrases, q, candidates.get(q) ?? [], options)]));
}

/** Upstream's walk over one phrase's sorted candidates: skip itself and "", stop at the cap. */
export function walkCandidates(phrases: readonly string[], q: number, found: readonly [number, number][], options: SynonymyOptions): NeighborList {
  const list: NeighborList = [];
  for (const [j, score] of found) {
    if (list.length >= options.maxNeighbors) break;
    if (j === q || phrases[j] === "") continue;
    list.push([phrases[j]!, score]);
  }
  return list;
}

/** Top `cap` of two neighbour lists by descending score, ties by phrase (= row) order, as a fresh search orders them. */
export function mergeNeighbors(kept: NeighborList, added: NeighborList, cap: number): NeighborList {
  return [...kept, ...added].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, cap);
}
