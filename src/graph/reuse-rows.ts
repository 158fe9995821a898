import type { Matrix, VectorMatrix } from "../embedding/encoder.js";
import type { HalfMatrix } from "../embedding/float16.js";

/** A dense matrix as a snapshot holds it: f32 rows, or half-precision bits. */
export type DenseRows = Matrix | HalfMatrix;

/** Rows of an earlier matrix by the text each was computed from (`texts[i]` is row i of `matrix`). */
export interface HeldRows {
  texts: readonly string[];
  matrix: DenseRows;
}

/** Its dense kind ("f32" or "f16"), or undefined for a sparse matrix (never reused). */
export function denseKind(matrix: VectorMatrix | HalfMatrix): "f32" | "f16" | undefined {
  if ((matrix as HalfMatrix).kind === "f16") return "f16";
  return (matrix as { kind?: string }).kind === undefined && (matrix as Matrix).data instanceof Float32Array ? "f32" : undefined;
}

/**
 * The matrix of `texts` (row i the vector of texts[i]), taking every row `held` has and reading only
 * the others (`read`, in their order). A vector is a pure function of (encoder, text), so a row held
 * by an earlier snapshot of the same index and vector store is the row the store would give. When
 * the rows read are not of the held matrix's kind and dimension, everything is read instead.
 * Returns how many rows were taken from `held`.
 */
export async function reuseRows(texts: readonly string[], held: HeldRows | undefined, read: (texts: string[]) => Promise<VectorMatrix | HalfMatrix>): Promise<{ matrix: VectorMatrix | HalfMatrix; reused: number }> {
  if (!held || held.texts.length !== held.matrix.rows) return { matrix: await read([...texts]), reused: 0 };
  // rowOf[i]: the held row of texts[i], or -1 to read. An update keeps the earlier order and appends,
  // so the next held row is tried first; the map (hashing every held text) is built only on a miss.
  const rowOf = new Int32Array(texts.length);
  const held_ = held.texts;
  let byText: Map<string, number> | undefined;
  let guess = 0;
  const missing: string[] = [];
  texts.forEach((text, i) => {
    let row = guess < held_.length && held_[guess] === text ? guess : undefined;
    if (row === undefined) {
      if (!byText) {
        byText = new Map();
        held_.forEach((t, r) => {
          if (!byText!.has(t)) byText!.set(t, r);
        });
      }
      row = byText.get(text);
    }
    if (row === undefined) {
      rowOf[i] = -1;
      missing.push(text);
    } else {
      rowOf[i] = row;
      guess = row + 1;
    }
  });
  const kind = denseKind(held.matrix)!;
  const { dim } = held.matrix;
  const fresh = missing.length > 0 ? await read(missing) : undefined;
  if (fresh && (denseKind(fresh) !== kind || (fresh as DenseRows).dim !== dim)) return { matrix: await read([...texts]), reused: 0 };
  // Both kinds copied as their stored elements: f32 values or f16 bits, never converted; each run of
  // consecutive rows from one source in one copy (per-row copies cost 10× as much at 70k rows).
  const from = kind === "f16" ? (held.matrix as HalfMatrix).bits : (held.matrix as Matrix).data;
  const got = fresh && (kind === "f16" ? (fresh as HalfMatrix).bits : (fresh as Matrix).data);
  const out = kind === "f16" ? new Uint16Array(texts.length * dim) : new Float32Array(texts.length * dim);
  let next = 0;
  for (let i = 0; i < texts.length; ) {
    const heldRun = rowOf[i]! >= 0;
    const first = heldRun ? rowOf[i]! : next;
    let end = i + 1;
    if (heldRun) while (end < texts.length && rowOf[end] === first + (end - i)) end++;
    else while (end < texts.length && rowOf[end] === -1) end++;
    const source = heldRun ? from : got!;
    out.set(source.subarray(first * dim, (first + end - i) * dim), i * dim);
    if (!heldRun) next += end - i;
    i = end;
  }
  const matrix: DenseRows = kind === "f16" ? { kind: "f16", rows: texts.length, dim, bits: out as Uint16Array } : { rows: texts.length, dim, data: out as Float32Array };
  return { matrix, reused: texts.length - missing.length };
}
