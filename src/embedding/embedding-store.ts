import { cooperative } from "../core/cooperate.js";
import { HippoError } from "../core/errors.js";
import { md5Hex } from "../core/ids.js";
import { SqliteVectorStore } from "../store/sqlite-vector-store.js";
import type { VectorStore } from "../store/vector-store.js";
import type { Workspace } from "../store/workspace.js";
import { isSparse, type EmbedPurpose, type Encoder, type Matrix, type VectorMatrix } from "./encoder.js";
import { DenseRowCache } from "./dense-row-cache.js";
import { decodeFloat16Into, encodeFloat16, toHalfBits, type HalfMatrix } from "./float16.js";
import { sparseFromRows } from "./sparse.js";

export { decodeSparseRow, encodeSparseRow } from "../store/sparse-row.js";

export interface EmbedStats {
  requested: number;
  cached: number;
  embedded: number;
  /** Vectors the chosen store lacked that were copied from the workspace's SQLite instead of embedded. */
  copied: number;
}

/** The text whose vector identifies a remote encoder's model (see embedChecked). */
export const ENCODER_PROBE_TEXT = "The probe of hipporag-ts: a river flows through the old town to the sea.";
/** The same model gives ≥ 0.999 across hardware, batching and f16 serving; another model far less. */
const PROBE_MIN_COSINE = 0.99;
/** The models (probe keys) each encoder instance has been checked against, per vector store, in this process. */
const probed = new WeakMap<Encoder, WeakMap<VectorStore, Set<string>>>();
/** Where a model's probe vector is kept: a space of its own in the store that holds the model's vectors, never searched. */
const probeSpace = (probeKey: string) => `encoder-probe:${probeKey}`;
const PROBE_ID = md5Hex(ENCODER_PROBE_TEXT);

function cosineOf(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(aa * bb);
}

/** Rows copied from SQLite per read and write: bounds memory at the paper's size (~238k entity vectors). */
const COPY_BATCH = 4096;

/**
 * Embeddings keyed by (encoder id, md5 of the exact model input), held by a vector store (the
 * workspace's SQLite by default, or LanceDB / Chroma). Computes only what is missing, commits each
 * batch, and loads a kind as one contiguous row-major matrix. Sparse (lexical) vectors always stay in
 * the workspace's SQLite: the other stores hold dense vectors only.
 */
export class EmbeddingStore {
  readonly stats: EmbedStats = { requested: 0, cached: 0, embedded: 0, copied: 0 };
  /**
   * What rows are stored under: the encoder id, plus "|f16" for half-precision vectors. A stored
   * vector is an input to every score computed from it, so f32 and f16 vectors never mix: switching
   * `--vectors` gives the same vectors a fresh workspace would have.
   */
  readonly key: string;
  /** Where dense vectors go. */
  readonly vectors: VectorStore;
  private readonly sqlite: SqliteVectorStore;
  /** Known once the space is seen to hold sparse rows (or the encoder says it makes them). */
  private sparseSpace: boolean | undefined;
  /** copySources(), once listed. */
  private sources?: string[];

  constructor(
    workspace: Workspace,
    readonly encoder: Encoder,
    /** The stored precision of dense vectors. */
    readonly dtype: "f32" | "f16" = "f32",
    vectors?: VectorStore,
    private readonly notice?: (message: string) => void,
  ) {
    this.key = embeddingKey(encoder.id, dtype);
    this.sqlite = vectors instanceof SqliteVectorStore ? vectors : workspace.vectors;
    this.vectors = vectors ?? this.sqlite;
  }

  /** Whether this encoder's vectors are sparse: the encoder says so, or SQLite already holds sparse rows of it. */
  private isSparseSpace(): boolean {
    if (this.sparseSpace === undefined) {
      const stored = this.sqlite.storedKind(this.key);
      if (stored) this.sparseSpace = stored === "sparse";
      else if (this.encoder.sparse) this.sparseSpace = true;
      else return false; // nothing stored yet: decided by the first batch
      if (this.sparseSpace && this.vectors !== this.sqlite) this.notice?.(`${this.encoder.id} gives sparse (lexical) vectors: they stay in the workspace's SQLite, not in the ${this.vectors.kind} store (${this.vectors.location})`);
    }
    return this.sparseSpace;
  }

  /** The store of this encoder's rows: SQLite for sparse vectors, else the chosen one. */
  private store(): VectorStore {
    return this.isSparseSpace() ? this.sqlite : this.vectors;
  }

/** Embeds (if missing) and returns the matrix of `texts`, in order. */
  async matrix(texts: readonly string[], purpose: EmbedPurpose, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<VectorMatrix> {
    return (await this.load(texts, purpose, false, onProgress, signal)) as VectorMatrix;
  }

  /**
   * The matrix of `texts` to search over, as `matrix`, but held in half precision when the vectors
   * are stored so (nothing is lost: f16 holds them exactly), at half the memory: 1.4M facts × 768-d
   * are 2.2 GB instead of 4.3 GB at 10× MuSiQue, and no f32 copy of the whole is ever made.
   */
  async searchMatrix(texts: readonly string[], purpose: EmbedPurpose): Promise<VectorMatrix | HalfMatrix> {
    return this.load(texts, purpose, this.dtype === "f16" && !this.encoder.searchWeighting, undefined, undefined, true);
  }

  /** `lost`: the texts' vectors were stored once (an index's), so any embedded now are said (a paid encoder's cost). */
  private async load(texts: readonly string[], purpose: EmbedPurpose, half: boolean, onProgress?: (done: number, total: number) => void, signal?: AbortSignal, lost = false): Promise<VectorMatrix | HalfMatrix> {
    const inputs = texts.map((text) => this.encoder.formatInput(text, purpose));
    const hashes = inputs.map((input) => md5Hex(input));
    // Read first and embed only what was not there: opening an index (everything stored) then costs
    // one read, with no separate existence check over the encoder's hashes.
    const out = new MatrixBuilder(this.key, hashes.length, half);
    const missing = await this.readRows(hashes, out);
    this.stats.requested += inputs.length;
    this.stats.cached += inputs.length - missing.length;
    if (missing.length > 0) {
      await this.ensureInputs(purpose, missing.map((row) => inputs[row]!), missing.map((row) => hashes[row]!), onProgress, false, signal, lost ? texts.length : undefined);
      const gone = await this.readRows(missing.map((row) => hashes[row]!), out, missing);
      if (gone.length > 0) throw new HippoError("WORKSPACE", `embedding ${hashes[missing[gone[0]!]!]} of ${this.encoder.id} vanished from the workspace`);
    }
    return out.build();
  }

  /**
   * All vectors of `texts` for a search over them, possibly in a different row order with extra rows:
   * dense vectors come from a row cache file in `cacheDir` (one read instead of a lookup per row),
   * sparse ones straight from the store. `names[i]` is the text of row i.
   */
  async searchSpace(texts: readonly string[], purpose: EmbedPurpose, cacheDir: string, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<{ names: string[]; matrix: VectorMatrix }> {
    const cache = new DenseRowCache(cacheDir, this.key, purpose);
    const cached = cache.list();
    const known = new Set(cached?.texts ?? []);
    const missing = [...new Set(texts)].filter((t) => !known.has(t));
    // The cached rows are read while the missing ones are embedded, into one matrix with room for both.
    const reading = cached && cache.read(cached.texts.length, cached.dim, cached.texts.length + missing.length);
    reading?.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    if (cached && missing.length === 0) return { names: cached.texts, matrix: { rows: cached.texts.length, dim: cached.dim, data: await reading! } };
    const fresh = await this.matrix(missing, purpose, onProgress, signal); // embeds what the store lacks, loads the rest
    // Sparse vectors are never cached (so `cached` is empty and `missing` holds every text).
    if (isSparse(fresh) || fresh.rows === 0) return { names: missing, matrix: fresh };
    if (cached && cached.dim !== fresh.dim) throw new HippoError("WORKSPACE", `the ${purpose} row cache in ${cacheDir} holds ${cached.dim}-d rows, but ${this.encoder.id} gives ${fresh.dim}-d`, { suggestion: `delete ${cacheDir} (it is rebuilt from the workspace)` });
    cache.append(cached?.texts ?? [], missing, fresh); // writes past the rows being read
    if (!cached) return { names: missing, matrix: fresh };
    const data = await reading!;
    data.set(fresh.data, cached.texts.length * fresh.dim);
    return { names: [...cached.texts, ...missing], matrix: { rows: cached.texts.length + fresh.rows, dim: fresh.dim, data } };
  }

  /**
   * How many distinct inputs of these (text, purpose) pairs have no stored vector yet (reads only:
   * what a dry run reports). Two purposes that format a text alike (no instruction) are one input.
   */
  async countMissing(items: Iterable<readonly [text: string, purpose: EmbedPurpose]>): Promise<{ missing: number; chars: number; distinct: number }> {
    const inputs = new Map<string, string>();
    for (const [text, purpose] of items) {
      const input = this.encoder.formatInput(text, purpose);
      inputs.set(md5Hex(input), input);
    }
    const known = await this.store().has(this.key, [...inputs.keys()]);
    // What the workspace's SQLite holds in this space or a sibling one is copied, not embedded (see copyFromSqlite).
    if (!this.isSparseSpace()) {
      for (const source of this.copySources()) for (const hash of this.sqlite.hasSync(source, [...inputs.keys()].filter((h) => !known.has(h)))) known.add(hash);
    }
    let missing = 0;
    let chars = 0;
    for (const [hash, input] of inputs) {
      if (known.has(hash)) continue;
      missing++;
      chars += input.length;
    }
    return { missing, chars, distinct: inputs.size };
  }


  /** Embeds (if missing) without loading: for texts that only need to be in the store. */
  async ensure(texts: readonly string[], purpose: EmbedPurpose, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    const inputs = texts.map((text) => this.encoder.formatInput(text, purpose));
    await this.ensureInputs(purpose, inputs, inputs.map((input) => md5Hex(input)), onProgress, true, signal);
  }

  /** `lostOf`: the inputs are the missing part of that many vectors an index had stored; embedding them is said. */
  private async ensureInputs(purpose: EmbedPurpose, inputs: readonly string[], hashes: readonly string[], onProgress?: (done: number, total: number) => void, countStats = true, signal?: AbortSignal, lostOf?: number): Promise<void> {
    const known = await this.store().has(this.key, [...new Set(hashes)]);
    const missing = new Map<string, string>();
    for (let i = 0; i < inputs.length; i++) {
      if (missing.has(hashes[i]!) || known.has(hashes[i]!)) continue;
      missing.set(hashes[i]!, inputs[i]!);
    }
    if (countStats) {
      this.stats.requested += inputs.length;
      this.stats.cached += inputs.length - missing.size;
    }
    await this.copyFromSqlite(purpose, missing);
    const entries = [...missing.entries()];
    if (lostOf !== undefined && entries.length > 0) {
      const store = this.store();
      this.notice?.(`${entries.length} of the index's ${lostOf} ${purpose} vectors are missing from the ${store.kind} store (${store.location}): embedding them again with ${this.encoder.id}`);
    }
    // Each batch commits on its own: an interrupted run keeps every vector computed.
    const tick = cooperative(signal, "while embedding: every batch computed so far is stored");
    for (let start = 0; start < entries.length; start += this.encoder.maxBatch) {
      await tick();
      const batch = entries.slice(start, start + this.encoder.maxBatch);
      const { matrix, checked } = await this.embedChecked(batch.map(([, input]) => input), signal);
      const ids = batch.map(([hash]) => hash);
      if (isSparse(matrix)) {
        checkVectors(matrix, batch.map(([, input]) => input), this.encoder, undefined);
        if (this.sparseSpace === undefined) this.sparseSpace = true;
        this.isSparseSpace(); // says once that sparse rows stay in SQLite
        this.sqlite.upsertSparse(this.key, ids, matrix);
      } else {
        // Nothing of a batch is stored unless all of it is usable: a NaN vector would score every
        // candidate alike, and since vectors are cached by text it would never be repaired.
        checkVectors(matrix, batch.map(([, input]) => input), this.encoder, await this.vectors.dimension(this.key));
        if (this.sparseSpace === undefined && !this.encoder.sparse) this.sparseSpace = false;
        // Half precision is rounded here, so every store holds the values SQLite's f16 blobs decode to.
        await this.vectors.upsert(this.key, ids, this.dtype === "f16" ? roundToFloat16(matrix) : matrix, this.dtype);
      }
      await checked?.(); // the probe is recorded only with a batch that was stored
      this.stats.embedded += batch.length;
      onProgress?.(start + batch.length, entries.length);
    }
  }

  /**
   * Embeds `inputs`; the first call of a process on a remote encoder's model (per vector store) carries
   * a probe text too, whose vector is compared with the one recorded when the model first embedded into
   * that store (kept in the store itself: a LanceDB folder or Chroma server several workspaces share is
   * checked as one). Vectors are keyed by the encoder's name, not its server, so that a moved server
   * keeps its vectors; a server serving another model under that name (TEI ignores the name) would
   * otherwise add its vectors to the other model's, and every score between them be meaningless. The
   * probe is the model's (its family: the text carries no instruction), so the spaces of another query
   * format or precision, which share their vectors (copyFromSqlite), share it too. `checked` records
   * a first probe once the caller has stored the batch: a batch refused records nothing.
   */
  private async embedChecked(inputs: string[], signal?: AbortSignal): Promise<{ matrix: VectorMatrix; checked?: () => Promise<void> }> {
    const probeKey = this.encoder.family ?? this.encoder.id;
    const ofEncoder = probed.get(this.encoder) ?? new WeakMap<VectorStore, Set<string>>();
    probed.set(this.encoder, ofEncoder);
    const seen = ofEncoder.get(this.vectors) ?? new Set<string>();
    ofEncoder.set(this.vectors, seen);
    if (!this.encoder.endpoint || seen.has(probeKey)) return { matrix: await this.encoder.embedFormatted(inputs, signal) };
    const reply = await this.encoder.embedFormatted([...inputs, ENCODER_PROBE_TEXT], signal);
    if (isSparse(reply)) return { matrix: reply }; // (remote encoders give dense vectors)
    const { rows, dim, data } = reply;
    const matrix = { rows: rows - 1, dim, data: data.slice(0, (rows - 1) * dim) };
    const fresh = data.slice((rows - 1) * dim, rows * dim);
    const usable = fresh.every(Number.isFinite) && fresh.some((x) => x !== 0);
    let recorded: Float32Array | undefined;
    await this.vectors.get(probeSpace(probeKey), [PROBE_ID], (_, vector) => (recorded = Float32Array.from(vector)));
    if (!recorded) {
      // Nothing to compare with: the first usable probe is recorded once its batch is stored (an
      // unusable one is not, and the next request carries the probe again).
      if (!usable) return { matrix };
      return {
        matrix,
        checked: async () => {
          // at the workspace's precision, as its vectors are (f16 moves a cosine by far less than the margin)
          const probe = { rows: 1, dim, data: fresh };
          await this.vectors.upsert(probeSpace(probeKey), [PROBE_ID], this.dtype === "f16" ? roundToFloat16(probe) : probe, this.dtype);
          seen.add(probeKey);
        },
      };
    }
    const cosine = usable && recorded.length === dim ? cosineOf(recorded, fresh) : Number.NaN;
    if (!(cosine >= PROBE_MIN_COSINE)) {
      const what = !usable ? "an unusable vector (NaN, infinite or all zero)" : recorded.length !== dim ? `${dim}-d vectors where it gave ${recorded.length}-d ones` : `a vector at cosine ${cosine.toFixed(3)} to the one it gave before`;
      throw new HippoError("INPUT", `the embedding server at ${this.encoder.endpoint} serves another model than the vectors ${this.vectors.kind === "sqlite" ? "this workspace holds" : `the ${this.vectors.kind} store (${this.vectors.location}) holds`} for ${probeKey}: for the same probe text it returns ${what}; nothing was stored`, {
        suggestion: "point --embedding-base-url at the server that made them, or give this model a name of its own (--embedding-name), so that the two models' vectors never mix",
      });
    }
    seen.add(probeKey);
    return { matrix };
  }

  /**
   * Vectors the chosen store lacks that the workspace's SQLite already holds for the same model input
   * are copied, not paid for again; they are removed from `missing`, and the copy is said. Sources:
   * - the same space, when another store is chosen (`--vector-store lancedb` on a workspace indexed
   *   with the default): bit for bit;
   * - the spaces of the encoder's family under another query format (`--instruction-format`): the
   *   same input (a passage, fact or entity has no instruction) gets the same vector;
   * - for f16 vectors, the f32 space of the same encoder: rounded to f16 as a fresh vector would be.
   */
  private async copyFromSqlite(purpose: EmbedPurpose, missing: Map<string, string>): Promise<void> {
    if (missing.size === 0 || this.isSparseSpace()) return;
    for (const source of this.copySources()) {
      if (missing.size === 0) return;
      await this.copySpace(source, purpose, missing);
    }
  }

  /** The SQLite spaces whose vectors are this space's too (see copyFromSqlite), this one first; listed once per store instance. */
  private copySources(): string[] {
    return (this.sources ??= this.listCopySources());
  }

  private listCopySources(): string[] {
    const sources = this.store() === this.sqlite ? [] : [this.key];
    const family = this.encoder.family;
    if (!family) return sources;
    // `<family>:<format label>` (labels hold no colon), then "|f16" for half precision
    const sibling = new RegExp(`^${family.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:[^:|]+(\\|f16)?$`);
    const spaces = this.sqlite.spaces().filter((space) => space !== this.key && sibling.test(space));
    // same precision first (bit for bit), then f32 into f16 (rounded); never f16 into f32 (a fresh f32 vector is not rounded)
    const half = (space: string) => space.endsWith("|f16");
    sources.push(...spaces.filter((space) => half(space) === (this.dtype === "f16")));
    if (this.dtype === "f16") sources.push(...spaces.filter((space) => !half(space)));
    return sources;
  }

  private async copySpace(source: string, purpose: EmbedPurpose, missing: Map<string, string>): Promise<void> {
    const held = [...this.sqlite.hasSync(source, [...missing.keys()])];
    const rounding = this.dtype === "f16" && !source.endsWith("|f16");
    for (let start = 0; start < held.length; start += COPY_BATCH) {
      const ids = held.slice(start, start + COPY_BATCH);
      let data = new Float32Array(0);
      let dim = 0;
      let rows = 0;
      await this.sqlite.get(source, ids, (i, vector) => {
        rows++;
        if (dim === 0) {
          dim = vector.length;
          data = new Float32Array(ids.length * dim);
        }
        data.set(vector, i * dim); // `vector` is reused by the store: copied out here
      });
      if (rows !== ids.length) throw new HippoError("WORKSPACE", `${ids.length - rows} vectors of ${this.encoder.id} vanished from ${this.sqlite.location} while being copied`, { suggestion: "re-run; is another process changing the workspace?" });
      // SQLite's f16 rows decode to values f16 keeps exactly, so the target stores them unchanged.
      const matrix = { rows: ids.length, dim, data };
      await this.vectors.upsert(this.key, ids, rounding ? roundToFloat16(matrix) : matrix, this.dtype);
      for (const id of ids) missing.delete(id);
    }
    if (held.length === 0) return;
    this.stats.copied += held.length;
    const from = source === this.key ? `sqlite (${this.sqlite.location})` : `${source} in sqlite (${this.sqlite.location})`;
    this.notice?.(`copied ${held.length} ${purpose} vectors of ${this.key} from ${from} into the ${this.vectors.kind} store (${this.vectors.location}) instead of embedding them again`);
  }

  /**
   * Places the stored vectors of `hashes` (row i of the result is `rows[i]`, default i) into `out`;
   * returns the indices into `hashes` that are not stored.
   */
  private async readRows(hashes: readonly string[], out: MatrixBuilder, rows?: readonly number[]): Promise<number[]> {
    const unique = [...new Set(hashes)];
    const positions = new Map<string, number[]>();
    hashes.forEach((hash, i) => {
      const list = positions.get(hash);
      if (list) list.push(i);
      else positions.set(hash, [i]);
    });
    const found = new Uint8Array(unique.length);
    const place = (u: number, put: (row: number) => void) => {
      found[u] = 1;
      for (const i of positions.get(unique[u]!)!) put(rows ? rows[i]! : i);
    };
    if (this.isSparseSpace()) this.sqlite.getSparse(this.key, unique, (u, vector) => place(u, (row) => out.putSparse(row, vector)));
    else await this.vectors.get(this.key, unique, (u, vector) => place(u, (row) => out.putDense(row, vector)));
    const missing: number[] = [];
    unique.forEach((hash, u) => {
      if (!found[u]) missing.push(...positions.get(hash)!);
    });
    return missing.sort((a, b) => a - b);
  }
}

/** Collects stored rows into one dense matrix or one sparse matrix. */
class MatrixBuilder {
  private dim = 0;
  private data = new Float32Array(0);
  /** Dense rows as half-precision bits, when built `half`. */
  private bits?: Uint16Array;
  private sparse?: Map<number, number>[];

  constructor(
    private readonly encoderId: string,
    private readonly rows: number,
    private readonly half = false,
  ) {}

  putSparse(row: number, vector: Map<number, number>): void {
    if (this.dim > 0) throw this.mixed();
    (this.sparse ??= new Array<Map<number, number>>(this.rows))[row] = vector;
  }

  putDense(row: number, vector: Float32Array): void {
    if (this.sparse) throw this.mixed();
    if (this.dim === 0) {
      this.dim = vector.length;
      if (this.half) this.bits = new Uint16Array(this.rows * this.dim);
      else this.data = new Float32Array(this.rows * this.dim);
    } else if (vector.length !== this.dim) {
      throw new HippoError("WORKSPACE", `mixed dimensions for encoder ${this.encoderId} (${vector.length} vs ${this.dim})`);
    }
    if (this.bits) toHalfBits(vector, this.bits.subarray(row * this.dim, (row + 1) * this.dim));
    else this.data.set(vector, row * this.dim);
  }

  build(): VectorMatrix | HalfMatrix {
    if (this.sparse) return sparseFromRows(Array.from(this.sparse, (row) => row ?? new Map()));
    if (this.bits) return { kind: "f16", rows: this.rows, dim: this.dim, bits: this.bits };
    return { rows: this.rows, dim: this.dim, data: this.data };
  }

  private mixed(): HippoError {
    return new HippoError("WORKSPACE", `encoder ${this.encoderId} has both sparse and dense vectors in the workspace`);
  }
}

/** The values half-precision storage keeps (what an f16 blob decodes to), as a new f32 matrix. */
export function roundToFloat16(matrix: Matrix): Matrix {
  const data = new Float32Array(matrix.data.length);
  decodeFloat16Into(encodeFloat16(matrix.data), data, 0);
  return { rows: matrix.rows, dim: matrix.dim, data };
}

export function embeddingKey(encoderId: string, dtype: "f32" | "f16"): string {
  return dtype === "f16" ? `${encoderId}|f16` : encoderId;
}

/**
 * A batch of vectors is usable only if there is one per text, every value is finite and every row
 * has the dimension of the rows already stored: otherwise a remote failure naming the encoder (and
 * its server) and the texts affected.
 */
export function checkVectors(matrix: VectorMatrix, inputs: readonly string[], encoder: Encoder, storedDim: number | undefined): void {
  const where = `encoder ${encoder.id}${encoder.endpoint ? ` at ${encoder.endpoint}` : ""}`;
  const fail = (problem: string, rows: number[]) => {
    const shown = rows.slice(0, 3).map((r) => JSON.stringify(inputs[r]!.length > 60 ? `${inputs[r]!.slice(0, 60)}…` : inputs[r]));
    return new HippoError("REMOTE", `${where} ${problem} for ${rows.length} of ${inputs.length} texts (${shown.join(", ")}${rows.length > 3 ? ", …" : ""}); nothing of this batch was stored`, {
      suggestion: "check the embedding server (model, dimensions); re-run: vectors already stored are kept",
    });
  };
  if (matrix.rows !== inputs.length) throw fail(`returned ${matrix.rows} vectors`, inputs.map((_, i) => i));
  const values = isSparse(matrix) ? matrix.values : matrix.data;
  const bad = new Set<number>();
  if (isSparse(matrix)) {
    for (let r = 0; r < matrix.rows; r++) for (let k = matrix.indptr[r]!; k < matrix.indptr[r + 1]!; k++) if (!Number.isFinite(values[k]!)) bad.add(r);
  } else {
    if (storedDim !== undefined && matrix.dim !== storedDim) throw fail(`returned ${matrix.dim}-d vectors where the stored ones are ${storedDim}-d`, inputs.map((_, i) => i));
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) bad.add(Math.floor(i / matrix.dim));
  }
  if (bad.size > 0) throw fail("returned NaN or infinite values", [...bad]);
  // A dense model never gives a text the zero vector: it scores every candidate alike, and stored
  // (vectors are cached by text) it would never be repaired. (A sparse row may be empty: "?" has no words.)
  if (!isSparse(matrix)) {
    const zero: number[] = [];
    for (let r = 0; r < matrix.rows; r++) {
      let any = false;
      for (let i = r * matrix.dim; i < (r + 1) * matrix.dim && !any; i++) any = values[i] !== 0;
      if (!any) zero.push(r);
    }
    if (zero.length > 0) throw fail("returned all-zero vectors", zero);
  }
}
