import { dotAll } from "./dense-search.js";
import { isSparse, type Matrix, type SparseMatrix, type VectorMatrix } from "./encoder.js";
import { decodeHalfRows, type HalfMatrix } from "./float16.js";
import type { MatmulEngine } from "./onnx-matmul.js";
import { invertedIndex, sparseScoresInto, type InvertedIndex } from "./sparse.js";

/**
 * Multiply-adds per query (corpus rows × d) from which dense queries are scored through onnxruntime,
 * however many ask: GEMM and the JS loop round differently, so the choice is the corpus's, never the
 * batch's, and a question's scores (and ranking) are the same alone as among others. (It was
 * queries × rows × d ≥ 5e7: a question asked alone, or in a last group of fewer than 6, took the
 * JS loop and scored other bits, 87% of them, than in a full group.) About 1,400 rows at 768-d,
 * where one query costs ~1.5 ms in JS; above it a padded 2-row GEMM is ~4× faster than the loop.
 */
const GEMM_THRESHOLD = 1 << 20;

/**
 * Corpus rows scored per call. Bounds what a search holds beside the corpus: (queries × block)
 * scores (64 × 16,384 × 4 B = 4 MB) and onnxruntime's f32 cast of an f16 block (16,384 × 768 × 4 B
 * = 50 MB; the JS loop decodes into a scratch block of that size), instead of (queries × rows)
 * scores, 358 MB for 64 questions against 1.4M facts.
 */
export const DEFAULT_BLOCK_ROWS = 16_384;

/**
 * Calls narrower than this use other GEMM kernels, which round differently (see synonymy.ts):
 * blocks are cut evenly, so none is narrower than half a block, and a block never goes below this.
 */
const MIN_BLOCK = 512;

/** The best rows of one query, raw scores: `rows[i]` scored `scores[i]`, best first; min and max over every row. */
export interface TopRows {
  rows: number[];
  scores: number[];
  min: number;
  max: number;
}

/**
 * A searchable corpus of vectors (dense, f32 or f16, or sparse), prepared once: scores any query
 * row against every corpus row. Dense: one product per block of corpus rows (onnxruntime's GEMM
 * for big batches, blocked dot products in JS otherwise), an f16 corpus cast or decoded a block at a time;
 * sparse: an inverted index. Every path gives each score the same bits whatever the blocking.
 */
export class VectorCorpus {
  readonly rows: number;
  readonly dim: number;
  private readonly inverted?: InvertedIndex;
  private engine?: Promise<MatmulEngine>;
  private scratch?: Float32Array;

  constructor(
    readonly matrix: VectorMatrix | HalfMatrix,
    private readonly blockRows = DEFAULT_BLOCK_ROWS,
  ) {
    this.rows = matrix.rows;
    this.dim = isSparse(matrix as VectorMatrix) ? 0 : (matrix as Matrix | HalfMatrix).dim;
    if (isSparse(matrix as VectorMatrix)) this.inverted = invertedIndex(matrix as SparseMatrix);
  }

  /** Bytes the corpus vectors take in memory (f16 corpora: half of f32). */
  get bytes(): number {
    const m = this.matrix as Partial<Matrix & HalfMatrix>;
    return (m.data ?? m.bits)?.byteLength ?? 0;
  }

  /**
   * Scores of several query rows at once: row i of the result (length = corpus rows) belongs to
   * `queryRows[i]`. Large dense products go through onnxruntime's GEMM (queries × blockᵀ per block),
   * ~30× faster than scoring one query at a time in JS.
   */
  async scoresMany(queries: VectorMatrix, queryRows: readonly number[]): Promise<Float32Array> {
    const R = this.rows;
    const out = new Float32Array(queryRows.length * R);
    await this.eachBlock(queries, queryRows, (scores, from, to, first, count) => {
      const width = to - from;
      if (width === R) out.set(scores.subarray(0, count * R), first * R);
      else for (let i = 0; i < count; i++) out.set(scores.subarray(i * width, (i + 1) * width), (first + i) * R + from);
    });
    return out;
  }

  /**
   * The `k` best corpus rows of each query row, raw scores (ties: the higher row first, as `topK`),
   * with each query's min and max score: what min-max normalised top-k linking needs, without
   * holding a score per corpus row and query (1.4M facts × 64 questions = 358 MB at 10× MuSiQue).
   */
  async topMany(queries: VectorMatrix, queryRows: readonly number[], k: number): Promise<TopRows[]> {
    const take = Math.min(k, this.rows);
    const tops = queryRows.map((): TopRows => ({ rows: [], scores: [], min: Infinity, max: -Infinity }));
    await this.eachBlock(queries, queryRows, (scores, from, to, first, count) => {
      const width = to - from;
      for (let i = 0; i < count; i++) {
        const top = tops[first + i]!;
        const base = i * width;
        let { min, max } = top;
        const { rows, scores: best } = top;
        // The score to beat: the last kept one once `take` are kept (a tie wins: see below).
        let worst = best.length === take ? best[take - 1]! : -Infinity;
        for (let c = 0; c < width; c++) {
          const s = scores[base + c]!;
          if (s < min) min = s;
          if (s > max) max = s;
          if (s < worst || take === 0) continue;
          // Rows arrive in ascending order, so a later equal score is a higher row: it wins the tie.
          let at: number;
          if (best.length < take) {
            best.push(s);
            rows.push(from + c);
            at = best.length - 1;
          } else at = take - 1;
          while (at > 0 && s >= best[at - 1]!) {
            best[at] = best[at - 1]!;
            rows[at] = rows[at - 1]!;
            at--;
          }
          best[at] = s;
          rows[at] = from + c;
          if (best.length === take) worst = best[take - 1]!;
        }
        top.min = min;
        top.max = max;
      }
    });
    return tops;
  }

  /**
   * Scores of query row `q` against every corpus row (length = corpus rows), synchronously: the
   * inverted index for a sparse corpus, the JS loop for a dense one. Retrieval scores through
   * scoresMany/topMany, whose bits for a dense corpus above GEMM_THRESHOLD are GEMM's, not these.
   */
  scores(queries: VectorMatrix, q: number, out = new Float32Array(this.rows)): Float32Array {
    if (this.rows === 0) return out;
    if (this.inverted) {
      if (!isSparse(queries)) throw new Error("sparse corpus needs sparse queries");
      sparseScoresInto(this.inverted, queries, q, out);
      return out;
    }
    if (isSparse(queries)) throw new Error("dense corpus needs dense queries");
    const query: Matrix = { rows: 1, dim: queries.dim, data: queries.data.subarray(q * queries.dim, (q + 1) * queries.dim) };
    for (const [from, to] of this.blocks()) out.set(dotAll(query, this.block(from, to)), from);
    return out;
  }

  /**
   * Calls `visit(scores, from, to, first, count)` until every (query, corpus row) pair is scored:
   * `scores` holds the (count × (to − from)) row-major scores of query rows first … first + count − 1
   * (indices into `queryRows`) against corpus rows [from, to). Dense: all queries per block of rows;
   * sparse: one query against all rows at a time. `scores` is reused after `visit` returns.
   */
  private async eachBlock(
    queries: VectorMatrix,
    queryRows: readonly number[],
    visit: (scores: Float32Array, from: number, to: number, first: number, count: number) => void,
  ): Promise<void> {
    if (this.rows === 0 || queryRows.length === 0) return; // an empty corpus (no facts) has no dimension to check against
    if (this.inverted) {
      if (!isSparse(queries)) throw new Error("sparse corpus needs sparse queries");
      const out = new Float32Array(this.rows);
      queryRows.forEach((q, i) => {
        sparseScoresInto(this.inverted!, queries, q, out);
        visit(out, 0, this.rows, i, 1);
      });
      return;
    }
    if (isSparse(queries)) throw new Error("dense corpus needs dense queries");
    const d = queries.dim;
    if (d !== this.dim) throw new Error(`dimension mismatch: ${d} vs ${this.dim}`);
    const gemm = this.rows * d >= GEMM_THRESHOLD;
    // The query rows, contiguous: (queries × d). A one-row product would take GEMV kernels, which
    // round differently: a lone query is doubled, and its first row of scores used (measured: every
    // row of a 2- to 64-row GEMM has the same bits).
    const padded = gemm && queryRows.length === 1 ? 2 : queryRows.length;
    const data = new Float32Array(padded * d);
    queryRows.forEach((q, i) => data.set(queries.data.subarray(q * d, (q + 1) * d), i * d));
    if (padded > queryRows.length) data.copyWithin(d, 0, d);
    const batch: Matrix = { rows: padded, dim: d, data };
    if (gemm) this.engine ??= import("./onnx-matmul.js").then((m) => m.createOnnxMatmul());
    const m = this.matrix as Matrix | HalfMatrix;
    for (const [from, to] of this.blocks()) {
      // f16 rows go to onnxruntime as they are held (it casts them); the JS loop decodes a block.
      const scores = !gemm
        ? dotAll(batch, this.block(from, to))
        : "bits" in m
          ? await (await this.engine!).dotAllHalf(batch, { kind: "f16", rows: to - from, dim: m.dim, bits: m.bits.subarray(from * m.dim, to * m.dim) })
          : await (await this.engine!).dotAll(batch, this.block(from, to));
      visit(scores, from, to, 0, queryRows.length);
    }
  }

  /** [from, to) ranges of corpus rows, cut evenly (each ≥ MIN_BLOCK rows unless the corpus is smaller). */
  private blocks(): [number, number][] {
    const R = this.rows;
    const count = Math.max(1, Math.min(Math.ceil(R / this.blockRows), Math.floor(R / MIN_BLOCK)));
    return Array.from({ length: count }, (_, b) => [Math.floor((b * R) / count), Math.floor(((b + 1) * R) / count)]);
  }

  /** Corpus rows [from, to) as f32: a view of an f32 corpus, or an f16 corpus's rows decoded into scratch. */
  private block(from: number, to: number): Matrix {
    const m = this.matrix as Matrix | HalfMatrix;
    if ("data" in m) return { rows: to - from, dim: m.dim, data: m.data.subarray(from * m.dim, to * m.dim) };
    const need = (to - from) * m.dim;
    if (!this.scratch || this.scratch.length < need) this.scratch = new Float32Array(need);
    decodeHalfRows(m, from, to, this.scratch);
    return { rows: to - from, dim: m.dim, data: this.scratch.subarray(0, need) };
  }
}
