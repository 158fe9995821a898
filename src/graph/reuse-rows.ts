import type { Matrix, VectorMatrix } from "../embedding/encoder.js";
import type { HalfMatrix } from "../embedding/float16.js";

/** A dense matrix as a snapshot holds it: f32 rows, or half-precision bits. */
export type DenseRows = Matrix | HalfMatrix;

/** `rows` consecutive rows: held rows from..from+rows-1 go to output rows to..to+rows-1. */
export interface RowRun {
  from: number;
  to: number;
  rows: number;
}

/**
 * Rows of an earlier matrix by the text each was computed from (`texts[i]` is row i), copied out
 * on demand: a snapshot streams them from its file, so the earlier matrix is never held whole
 * beside the new one (2 GB of facts at 10× the paper's size in f16).
 */
export interface HeldRows {
  texts: readonly string[];
  kind: "f32" | "f16";
  dim: number;
  /** Copies the runs' rows (sorted by `from`) into `out`, the output matrix's bytes; false when they turned out unusable (`out` then partly written). */
  copy(runs: readonly RowRun[], out: Uint8Array): Promise<boolean>;
}

/** Its dense kind ("f32" or "f16"), or undefined for a sparse matrix (never reused). */
export function denseKind(matrix: VectorMatrix | HalfMatrix): "f32" | "f16" | undefined {
  if ((matrix as HalfMatrix).kind === "f16") return "f16";
  return (matrix as { kind?: string }).kind === undefined && (matrix as Matrix).data instanceof Float32Array ? "f32" : undefined;
}

/** A dense matrix's elements as bytes: f32 values or f16 bits, as stored. */
function bytesOf(matrix: DenseRows): Uint8Array {
  const elements = (matrix as HalfMatrix).kind === "f16" ? (matrix as HalfMatrix).bits : (matrix as Matrix).data;
  return new Uint8Array(elements.buffer, elements.byteOffset, elements.byteLength);
}

/**
 * Copies what of `runs` lies in `chunk` (bytes chunkAt.. of the source matrix, rows of `rowBytes`)
 * into `out`. Runs sorted by `from`; a chunk may end inside a row (its rest comes with the next).
 */
export function copyRunsFrom(chunk: Uint8Array, chunkAt: number, runs: readonly RowRun[], rowBytes: number, out: Uint8Array): void {
  const chunkEnd = chunkAt + chunk.byteLength;
  for (const run of runs) {
    const start = run.from * rowBytes;
    if (start >= chunkEnd) break;
    const end = start + run.rows * rowBytes;
    if (end <= chunkAt) continue;
    const lo = Math.max(start, chunkAt);
    const hi = Math.min(end, chunkEnd);
    out.set(chunk.subarray(lo - chunkAt, hi - chunkAt), run.to * rowBytes + (lo - start));
  }
}

/** Held rows of a matrix in memory. */
export function heldInMemory(texts: readonly string[], matrix: DenseRows): HeldRows {
  return {
    texts,
    kind: denseKind(matrix)!,
    dim: matrix.dim,
    copy: async (runs, out) => {
      copyRunsFrom(bytesOf(matrix), 0, runs, matrix.dim * (denseKind(matrix) === "f16" ? 2 : 4), out);
      return true;
    },
  };
}

/**
 * The matrix of `texts` (row i the vector of texts[i]), taking every row `held` has and reading only
 * the others (`read`, in their order). A vector is a pure function of (encoder, text), so a row held
 * by an earlier snapshot of the same index and vector store is the row the store would give. When
 * the rows read are not of the held kind and dimension, or the held rows turn out unusable (a
 * checksum), everything is read instead. Returns how many rows were taken from `held`.
 */
export async function reuseRows(texts: readonly string[], held: HeldRows | undefined, read: (texts: string[]) => Promise<VectorMatrix | HalfMatrix>): Promise<{ matrix: VectorMatrix | HalfMatrix; reused: number }> {
  const everything = async () => ({ matrix: await read([...texts]), reused: 0 });
  if (!held) return everything();
  // rowOf[i]: the held row of texts[i], or -1 to read. An update keeps the earlier order and appends,
  // so the next held row is tried first; the map (hashing every held text) is built only on a miss.
  const rowOf = new Int32Array(texts.length);
  const heldTexts = held.texts;
  let byText: Map<string, number> | undefined;
  let guess = 0;
  const missing: string[] = [];
  texts.forEach((text, i) => {
    let row = guess < heldTexts.length && heldTexts[guess] === text ? guess : undefined;
    if (row === undefined) {
      if (!byText) {
        byText = new Map();
        heldTexts.forEach((t, r) => {
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
  const { kind, dim } = held;
  const fresh = missing.length > 0 ? await read(missing) : undefined;
  if (fresh && (denseKind(fresh) !== kind || (fresh as DenseRows).dim !== dim)) return everything();
  // Runs of consecutive rows from one source, each copied at once (per-row copies cost 10× as much
  // at 70k rows). Both kinds are copied as their stored elements: f32 values or f16 bits.
  const heldRuns: RowRun[] = [];
  const freshRuns: RowRun[] = [];
  for (let i = 0, next = 0; i < texts.length; ) {
    const fromHeld = rowOf[i]! >= 0;
    let end = i + 1;
    if (fromHeld) while (end < texts.length && rowOf[end] === rowOf[i]! + (end - i)) end++;
    else while (end < texts.length && rowOf[end] === -1) end++;
    if (fromHeld) heldRuns.push({ from: rowOf[i]!, to: i, rows: end - i });
    else {
      freshRuns.push({ from: next, to: i, rows: end - i });
      next += end - i;
    }
    i = end;
  }
  const elementBytes = kind === "f16" ? 2 : 4;
  const elements = kind === "f16" ? new Uint16Array(texts.length * dim) : new Float32Array(texts.length * dim);
  const out = new Uint8Array(elements.buffer);
  if (fresh) copyRunsFrom(bytesOf(fresh as DenseRows), 0, freshRuns, dim * elementBytes, out);
  heldRuns.sort((a, b) => a.from - b.from);
  if (heldRuns.length > 0 && !(await held.copy(heldRuns, out))) return everything();
  const matrix: DenseRows = kind === "f16" ? { kind: "f16", rows: texts.length, dim, bits: elements as Uint16Array } : { rows: texts.length, dim, data: elements as Float32Array };
  return { matrix, reused: texts.length - missing.length };
}
