import { HippoError } from "../core/errors.js";
import { md5Hex } from "../core/ids.js";
import type { Matrix } from "../embedding/encoder.js";
import { innerProduct, rankHits } from "./vector-hits.js";
import type { VectorHit, VectorPrecision, VectorStore } from "./vector-store.js";

type Lance = typeof import("@lancedb/lancedb");
type Connection = Awaited<ReturnType<Lance["connect"]>>;
type Table = Awaited<ReturnType<Connection["openTable"]>>;

/** Ids per `IN (…)` filter: keeps each predicate a few hundred KB. */
const IDS_PER_QUERY = 2000;
/** Above this share of a table's rows, one scan of the table beats filtered reads. */
const SCAN_SHARE = 0.25;

/**
 * Vectors in an embedded LanceDB folder (`<saveDir>/lancedb` by default): a table per space, rows
 * {id, vector}, on disk in columnar files, so a corpus whose vectors outgrow memory is read in
 * batches. Search is exact (flat, `bypassVectorIndex`) unless `annIndex` built an IVF index; hits
 * are re-scored in double precision so scores equal the other stores'.
 */
export class LanceDbVectorStore implements VectorStore {
  readonly kind = "lancedb" as const;
  exactSearch = true;
  private readonly tables = new Map<string, Table | undefined>();

  private constructor(
    private readonly lance: Lance,
    private readonly db: Connection,
    readonly location: string,
  ) {}

  static async open(location: string): Promise<LanceDbVectorStore> {
    const lance = await import("@lancedb/lancedb");
    // An object store (s3://, gs://, az://) that cannot be reached fails deep in LanceDB's Rust core
    // with a chain of messages: probed here (one listing), and said as a remote failure naming it.
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith("file://");
    try {
      const db = await lance.connect(location);
      if (remote) await db.tableNames();
      return new LanceDbVectorStore(lance, db, location);
    } catch (error) {
      if (!remote) throw error;
      // Rust's message: "lance error: LanceError(IO): <what>, /usr/local/cargo/…/aws.rs:224:13  Caused by: …":
      // the first clause says what; the source paths and the cause chain are for LanceDB's developers.
      const reason = String((error as Error).message ?? error).split("\n")[0]!.split(/,\s*\/\S+\.rs:\d+|\s+Caused by:/)[0]!.replace(/^lance error:\s*/, "").slice(0, 240);
      const scheme = location.slice(0, location.indexOf(":"));
      const credentials = scheme === "s3" ? "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION" : scheme === "gs" ? "GOOGLE_SERVICE_ACCOUNT" : scheme === "az" ? "AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_ACCOUNT_KEY" : "the store's own variables";
      throw new HippoError("REMOTE", `cannot reach the LanceDB store at ${location}: ${reason}`, {
        cause: error,
        fatal: true,
        suggestion: `check the URI, the network, and the object store's credentials (${credentials})`,
      });
    }
  }

  /** Table names allow [A-Za-z0-9_-.]: an encoder id (with "/", ":", "|") is hashed. */
  private static tableName(space: string): string {
    return `v_${md5Hex(space)}`;
  }

  private async table(space: string): Promise<Table | undefined> {
    if (this.tables.get(space)) return this.tables.get(space);
    const name = LanceDbVectorStore.tableName(space);
    const table = (await this.db.tableNames()).includes(name) ? await this.db.openTable(name) : undefined;
    if (table) this.tables.set(space, table);
    return table;
  }

  async dimension(space: string): Promise<number | undefined> {
    const table = await this.table(space);
    if (!table) return undefined;
    const field = (await table.schema()).fields.find((f) => f.name === "vector");
    return (field?.type as { listSize?: number } | undefined)?.listSize;
  }

  async has(space: string, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const wanted = new Set(ids);
    await this.read(space, ids, ["id"], (batch) => {
      const column = batch.getChild("id")!;
      for (let r = 0; r < batch.numRows; r++) {
        const id = column.get(r) as string;
        if (wanted.has(id)) found.add(id); // a scanned batch also holds rows not asked for
      }
    });
    return found;
  }

  async upsert(space: string, ids: readonly string[], vectors: Matrix, _precision: VectorPrecision): Promise<void> {
    if (ids.length !== vectors.rows) throw new Error(`upsert of ${ids.length} ids with ${vectors.rows} vectors`);
    if (ids.length === 0) return;
    const rows = arrowRows(ids, vectors);
    const table = await this.table(space);
    if (!table) {
      // One write creates the table with its first rows (atomic: all or none).
      this.tables.set(space, await this.db.createTable(LanceDbVectorStore.tableName(space), rows, { mode: "create" }));
      return;
    }
    await table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
  }

  async get(space: string, ids: readonly string[], onRow: (index: number, vector: Float32Array) => void): Promise<void> {
    const positions = new Map<string, number[]>();
    ids.forEach((id, i) => positions.set(id, [...(positions.get(id) ?? []), i]));
    await this.read(space, ids, ["id", "vector"], (batch) => {
      const idColumn = batch.getChild("id")!;
      const vectorColumn = batch.getChild("vector")!;
      for (let r = 0; r < batch.numRows; r++) {
        const at = positions.get(idColumn.get(r) as string);
        if (!at) continue;
        const vector = (vectorColumn.get(r) as { toArray(): Float32Array }).toArray();
        for (const i of at) onRow(i, vector);
      }
    });
  }

  async search(space: string, query: Float32Array, k: number): Promise<VectorHit[]> {
    const table = await this.table(space);
    if (!table || k <= 0) return [];
    // `_distance` is selected so lance does not warn that it will stop adding it (it is recomputed here anyway).
    let search = table.vectorSearch(query).distanceType("dot").limit(k).select(["id", "vector", "_distance"]);
    if (this.exactSearch) search = search.bypassVectorIndex();
    const hits: VectorHit[] = [];
    for (const row of await search.toArray()) hits.push({ id: row.id as string, score: innerProduct(query, (row.vector as { toArray(): Float32Array }).toArray()) });
    return rankHits(hits, k);
  }

  /**
   * Builds an approximate index (IVF-flat: k-means partitions, exact scores inside the partitions
   * probed) on a space and makes `search` use it. IVF-PQ was measured first: training its codebooks
   * took 164 s for 12k × 768 here, IVF-flat a fraction of that. Recall against exact search is what
   * `scripts/bench-scale.ts` measures.
   */
  async annIndex(space: string, options: { partitions?: number } = {}): Promise<void> {
    const table = await this.table(space);
    if (!table) return;
    const rows = await table.countRows();
    const config = this.lance.Index.ivfFlat({ distanceType: "dot", numPartitions: options.partitions ?? Math.max(1, Math.round(Math.sqrt(rows))) });
    await table.createIndex("vector", { config, replace: true });
    this.exactSearch = false;
  }

  async delete(space: string, ids: readonly string[]): Promise<void> {
    const table = await this.table(space);
    if (!table) return;
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) await table.delete(inList(ids.slice(start, start + IDS_PER_QUERY)));
  }

  async close(): Promise<void> {
    for (const table of this.tables.values()) table?.close();
    this.tables.clear();
    this.db.close();
  }

  /** Arrow batches of the rows of `ids`: a scan of the table when many are wanted, else filtered reads. */
  private async read(space: string, ids: readonly string[], columns: string[], onBatch: (batch: ArrowBatch) => void): Promise<void> {
    const table = await this.table(space);
    if (!table || ids.length === 0) return;
    const unique = [...new Set(ids)];
    if (unique.length > IDS_PER_QUERY && unique.length >= SCAN_SHARE * (await table.countRows())) {
      const wanted = new Set(unique);
      for await (const batch of table.query().select(columns)) if (batchHasAny(batch as ArrowBatch, wanted)) onBatch(batch as ArrowBatch);
      return;
    }
    for (let start = 0; start < unique.length; start += IDS_PER_QUERY) {
      for await (const batch of table.query().where(inList(unique.slice(start, start + IDS_PER_QUERY))).select(columns)) onBatch(batch as ArrowBatch);
    }
  }
}

/**
 * Rows {id, vector} with each vector a Float32Array view of the matrix: lance builds its Arrow
 * columns from typed arrays without a number[] per row (~2× faster at 768-d). A hand-made Arrow
 * table was tried and wrote no rows with this lance build.
 */
function arrowRows(ids: readonly string[], vectors: Matrix): { id: string; vector: Float32Array }[] {
  return ids.map((id, r) => ({ id, vector: vectors.data.subarray(r * vectors.dim, (r + 1) * vectors.dim) }));
}

interface ArrowBatch {
  numRows: number;
  getChild(name: string): { get(row: number): unknown } | null;
}

function batchHasAny(batch: ArrowBatch, wanted: Set<string>): boolean {
  const ids = batch.getChild("id")!;
  for (let r = 0; r < batch.numRows; r++) if (wanted.has(ids.get(r) as string)) return true;
  return false;
}

/** `id IN ('…', …)`: ids are md5 hex here, but quotes are escaped so any id is safe. */
function inList(ids: readonly string[]): string {
  return `id IN (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(", ")})`;
}
