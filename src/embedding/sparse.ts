import type { SparseMatrix } from "./encoder.js";

/** Builds a CSR matrix from per-row feature maps (feature id → value), rows L2-normalised. */
export function sparseFromRows(rows: readonly Map<number, number>[]): SparseMatrix {
  const indptr = new Uint32Array(rows.length + 1);
  let nnz = 0;
  rows.forEach((row, r) => {
    nnz += row.size;
    indptr[r + 1] = nnz;
  });
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  rows.forEach((row, r) => {
    const features = [...row.keys()].sort((a, b) => a - b);
    let norm = 0;
    for (const f of features) norm += row.get(f)! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    let at = indptr[r]!;
    for (const f of features) {
      indices[at] = f;
      values[at] = row.get(f)! * scale;
      at++;
    }
  });
  return { kind: "sparse", rows: rows.length, indptr, indices, values };
}

/** Inverted index of a sparse corpus: per feature, the rows that have it and their values. */
export interface InvertedIndex {
  postings: Map<number, { rows: Uint32Array; values: Float32Array }>;
  rows: number;
}

export function invertedIndex(corpus: SparseMatrix): InvertedIndex {
  const counts = new Map<number, number>();
  for (const f of corpus.indices) counts.set(f, (counts.get(f) ?? 0) + 1);
  const postings = new Map<number, { rows: Uint32Array; values: Float32Array }>();
  const fill = new Map<number, number>();
  for (const [f, n] of counts) {
    postings.set(f, { rows: new Uint32Array(n), values: new Float32Array(n) });
    fill.set(f, 0);
  }
  for (let r = 0; r < corpus.rows; r++) {
    for (let at = corpus.indptr[r]!; at < corpus.indptr[r + 1]!; at++) {
      const f = corpus.indices[at]!;
      const posting = postings.get(f)!;
      const k = fill.get(f)!;
      posting.rows[k] = r;
      posting.values[k] = corpus.values[at]!;
      fill.set(f, k + 1);
    }
  }
  return { postings, rows: corpus.rows };
}

/** Dot products of query row `q` of `queries` with every corpus row, accumulated into `out` (zeroed first). */
export function sparseScoresInto(index: InvertedIndex, queries: SparseMatrix, q: number, out: Float32Array): void {
  out.fill(0);
  for (let at = queries.indptr[q]!; at < queries.indptr[q + 1]!; at++) {
    const posting = index.postings.get(queries.indices[at]!);
    if (!posting) continue;
    const weight = queries.values[at]!;
    const { rows, values } = posting;
    for (let k = 0; k < rows.length; k++) out[rows[k]!]! += weight * values[k]!;
  }
}
