import { HippoError } from "../core/errors.js";
import { isSparse, type Matrix, type VectorMatrix } from "../embedding/encoder.js";
import { dotAll } from "../embedding/dense-search.js";
import type { MatmulEngine } from "../embedding/onnx-matmul.js";
import { VectorCorpus } from "../embedding/vector-search.js";

/** Above this many multiply-adds, dense KNN goes through onnxruntime's GEMM instead of JS. */
const ONNX_THRESHOLD = 2e9;

/** Upstream synonymy settings (config_utils.py): cosine ≥ 0.8, at most 101 accepted neighbours. */
export interface SynonymyOptions {
  threshold: number;
  /** Upstream stops once more than 100 are accepted: 101 at most. */
  maxNeighbors: number;
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
    found.sort((x, y) => y[1] - x[1] || (phrases[x[0]]! < phrases[y[0]]! ? -1 : phrases[x[0]]! > phrases[y[0]]! ? 1 : 0));
    out.set(q, found);
  };
  if (isSparse(matrix)) {
    const corpus = new VectorCorpus(matrix);
    const scores = new Float32Array(phrases.length);
    queryRows.forEach((q, i) => {
      if (i % 1000 === 0) {
        stopIfAborted();
        onProgress?.(i, queryRows.length);
      }
      collect(q, corpus.scores(matrix, q, scores), 0);
    });
    onProgress?.(queryRows.length, queryRows.length);
    return out;
  }
  // Dense: queries in blocks of 512 rows against all phrases: (512 × d) · (N × d)ᵀ = 512 × N scores.
  const dense = matrix as Matrix;
  let engine: MatmulEngine | undefined;
  if (queryRows.length * dense.rows * dense.dim > ONNX_THRESHOLD) {
    const { createOnnxMatmul } = await import("../embedding/onnx-matmul.js");
    engine = await createOnnxMatmul();
  }
  try {
    for (let start = 0; start < queryRows.length; start += 512) {
      stopIfAborted();
      const block = queryRows.slice(start, start + 512);
      const data = new Float32Array(block.length * dense.dim);
      block.forEach((q, i) => data.set(dense.data.subarray(q * dense.dim, (q + 1) * dense.dim), i * dense.dim));
      const queries = { rows: block.length, dim: dense.dim, data };
      const scores = engine ? await engine.dotAll(queries, dense) : dotAll(queries, dense);
      block.forEach((q, i) => collect(q, scores, i * phrases.length));
      onProgress?.(start + block.length, queryRows.length);
    }
  } finally {
    await engine?.dispose();
  }
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
  const candidates = await synonymCandidates(phrases, matrix, rows, options.threshold, eligible, signal, onProgress);
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
