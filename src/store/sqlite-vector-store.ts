import type { Matrix, SparseMatrix } from "../embedding/encoder.js";
import { decodeFloat16Into, encodeFloat16 } from "../embedding/float16.js";
import { decodeSparseRow, encodeSparseRow } from "./sparse-row.js";
import { innerProduct, TopHits } from "./vector-hits.js";
import type { VectorHit, VectorPrecision, VectorStore } from "./vector-store.js";
import type { Db } from "./sqlite-db.js";

/**
 * A whole space, read through the (encoder) index, whose entries are (encoder, rowid): rows come in
 * insertion order, i.e. in the order of the table's pages (migration 6), not in hash order.
 */
const SCAN_SPACE = "SELECT hash, dim, dtype, vector FROM embeddings INDEXED BY embeddings_by_encoder WHERE encoder = ?";

/** Above this many ids, one scan of the space beats a lookup per id (~4 µs a row against ~15 µs). */
const SCAN_THRESHOLD = 2000;

/**
 * Vectors in the workspace's `embeddings` table (the default store): a row per (space, id) with its
 * blob inline, f32 or f16 as asked, and the lexical encoder's sparse rows beside them. The table and
 * its blobs are exactly what hipporag stored before the store was an interface.
 */
export class SqliteVectorStore implements VectorStore {
  readonly kind = "sqlite" as const;
  readonly exactSearch = true;

  constructor(
    private readonly db: Db,
    readonly location: string,
  ) {}

  async dimension(space: string): Promise<number | undefined> {
    const dim = this.db.prepare("SELECT dim FROM embeddings WHERE encoder = ? LIMIT 1").pluck().get(space) as number | undefined;
    return dim ? dim : undefined; // sparse rows have dim 0: no dense dimension
  }

  async has(space: string, ids: readonly string[]): Promise<Set<string>> {
    return this.hasSync(space, ids);
  }

  /** Synchronous `has`, for callers inside a transaction. */
  hasSync(space: string, ids: readonly string[]): Set<string> {
    const found = new Set<string>();
    if (ids.length > SCAN_THRESHOLD) {
      // Answered from the (encoder) index, which carries the key: no vector is read.
      const wanted = new Set(ids);
      for (const id of this.db.prepare("SELECT hash FROM embeddings WHERE encoder = ?").pluck().iterate(space) as Iterable<string>) if (wanted.has(id)) found.add(id);
      return found;
    }
    const select = this.db.prepare("SELECT 1 FROM embeddings WHERE encoder = ? AND hash = ?").pluck();
    for (const id of ids) if (select.get(space, id) !== undefined) found.add(id);
    return found;
  }

  async upsert(space: string, ids: readonly string[], vectors: Matrix, precision: VectorPrecision): Promise<void> {
    if (ids.length !== vectors.rows) throw new Error(`upsert of ${ids.length} ids with ${vectors.rows} vectors`);
    const insert = this.db.prepare("INSERT OR REPLACE INTO embeddings (encoder, hash, dim, dtype, vector) VALUES (?, ?, ?, ?, ?)");
    const { dim, data } = vectors;
    this.db.transaction(() => {
      ids.forEach((id, row) => {
        const vector = data.subarray(row * dim, (row + 1) * dim);
        const blob = precision === "f16" ? encodeFloat16(vector) : Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
        insert.run(space, id, dim, precision, blob);
      });
    })();
  }

  async get(space: string, ids: readonly string[], onRow: (index: number, vector: Float32Array) => void): Promise<void> {
    let scratch = new Float32Array(0);
    this.readRows(space, ids, (i, row) => {
      if (row.dtype === "sparse") throw new Error(`space ${space} holds sparse vectors: read them with getSparse`);
      if (scratch.length !== row.dim) scratch = new Float32Array(row.dim);
      if (row.dtype === "f16") decodeFloat16Into(row.vector, scratch, 0);
      // Blobs are not guaranteed 4-byte aligned: copy bytes rather than view them as floats.
      else new Uint8Array(scratch.buffer).set(row.vector);
      onRow(i, scratch);
    });
  }

  async search(space: string, query: Float32Array, k: number): Promise<VectorHit[]> {
    // Exact: every dense row of the space is scored (the retriever's in-memory search is the fast path).
    const top = new TopHits(k);
    let scratch = new Float32Array(query.length);
    for (const [id, dim, dtype, blob] of this.db.prepare(SCAN_SPACE).raw().iterate(space) as Iterable<[string, number, string, Buffer]>) {
      if (dtype === "sparse") continue;
      if (dim !== query.length) throw new Error(`query of dimension ${query.length} against ${dim}-d vectors in ${space}`);
      if (dtype === "f16") decodeFloat16Into(blob, scratch, 0);
      else new Uint8Array(scratch.buffer).set(blob);
      top.add(id, innerProduct(query, scratch));
    }
    return top.result();
  }

  async delete(space: string, ids: readonly string[]): Promise<void> {
    const drop = this.db.prepare("DELETE FROM embeddings WHERE encoder = ? AND hash = ?");
    this.db.transaction(() => {
      for (const id of ids) drop.run(space, id);
    })();
  }

  /** The workspace owns the connection: nothing to close here. */
  async close(): Promise<void> {}

  /** The spaces holding rows (one scan of the encoder index). */
  spaces(): string[] {
    return this.db.prepare("SELECT DISTINCT encoder FROM embeddings").pluck().all() as string[];
  }

  /** What the space holds: "sparse" or "dense" rows (a space never mixes them), undefined when empty. */
  storedKind(space: string): "sparse" | "dense" | undefined {
    const dtype = this.db.prepare("SELECT dtype FROM embeddings WHERE encoder = ? LIMIT 1").pluck().get(space) as string | undefined;
    return dtype === undefined ? undefined : dtype === "sparse" ? "sparse" : "dense";
  }

  /** Sparse rows (the lexical encoder's): never leave SQLite, whatever dense store is chosen. */
  upsertSparse(space: string, ids: readonly string[], matrix: SparseMatrix): void {
    const insert = this.db.prepare("INSERT OR REPLACE INTO embeddings (encoder, hash, dim, dtype, vector) VALUES (?, ?, 0, 'sparse', ?)");
    this.db.transaction(() => {
      ids.forEach((id, row) => insert.run(space, id, encodeSparseRow(matrix, row)));
    })();
  }

  getSparse(space: string, ids: readonly string[], onRow: (index: number, row: Map<number, number>) => void): void {
    this.readRows(space, ids, (i, row) => {
      if (row.dtype !== "sparse") throw new Error(`space ${space} holds dense vectors: read them with get`);
      onRow(i, decodeSparseRow(row.vector));
    });
  }

  /**
   * Many rows are read by one scan of the space in key order; a few by lookups, in key order too
   * (B-tree pages are then read sequentially: ~30% faster on 85k rows).
   */
  private readRows(space: string, ids: readonly string[], onRow: (index: number, row: StoredRow) => void): void {
    const wanted = new Map<string, number[]>();
    ids.forEach((id, i) => {
      const list = wanted.get(id);
      if (list) list.push(i);
      else wanted.set(id, [i]);
    });
    const place = (id: string, row: StoredRow) => {
      for (const i of wanted.get(id)!) onRow(i, row);
      wanted.delete(id);
    };
    const scan = wanted.size > SCAN_THRESHOLD && wanted.size * 4 >= (this.db.prepare("SELECT COUNT(*) FROM embeddings WHERE encoder = ?").pluck().get(space) as number);
    if (scan) {
      for (const [id, dim, dtype, vector] of this.db.prepare(SCAN_SPACE).raw().iterate(space) as Iterable<[string, number, StoredRow["dtype"], Buffer]>) {
        if (wanted.has(id)) place(id, { dim, dtype, vector });
      }
      return;
    }
    const select = this.db.prepare("SELECT dim, dtype, vector FROM embeddings WHERE encoder = ? AND hash = ?");
    for (const id of [...wanted.keys()].sort()) {
      const found = select.get(space, id) as StoredRow | undefined;
      if (found) place(id, found);
    }
  }
}

interface StoredRow {
  dim: number;
  dtype: "f32" | "f16" | "sparse";
  vector: Buffer;
}
