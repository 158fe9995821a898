import type { SparseMatrix } from "../embedding/encoder.js";

/** Sparse row blob: u32 nnz, then nnz u32 feature ids, then nnz f32 values (little-endian). */
export function encodeSparseRow(matrix: SparseMatrix, row: number): Buffer {
  const start = matrix.indptr[row]!;
  const nnz = matrix.indptr[row + 1]! - start;
  const out = Buffer.alloc(4 + nnz * 8);
  out.writeUInt32LE(nnz, 0);
  for (let k = 0; k < nnz; k++) {
    out.writeUInt32LE(matrix.indices[start + k]!, 4 + k * 4);
    out.writeFloatLE(matrix.values[start + k]!, 4 + nnz * 4 + k * 4);
  }
  return out;
}

export function decodeSparseRow(blob: Buffer): Map<number, number> {
  const nnz = blob.readUInt32LE(0);
  const row = new Map<number, number>();
  for (let k = 0; k < nnz; k++) row.set(blob.readUInt32LE(4 + k * 4), blob.readFloatLE(4 + nnz * 4 + k * 4));
  return row;
}
