import { HippoError } from "../core/errors.js";
import { md5Hex } from "../core/ids.js";
import type { Matrix } from "../embedding/encoder.js";
import { innerProduct, rankHits } from "./vector-hits.js";
import type { VectorHit, VectorPrecision, VectorStore } from "./vector-store.js";

type ChromaModule = typeof import("chromadb");
type Client = InstanceType<ChromaModule["ChromaClient"]>;
type Collection = Awaited<ReturnType<Client["getOrCreateCollection"]>>;

/** Records per request: below Chroma's maximum batch size, and a few MB of JSON at 768-d. */
const RECORDS_PER_REQUEST = 500;
/** Chroma answers nearest neighbours from HNSW: ask for more than k and re-rank, so recall at k is high. */
const OVERFETCH = 4;

/**
 * Vectors on a Chroma server (`--vector-store-url http://host:8000`), shared by every process and
 * machine pointed at it: a collection per space (`hipporag-<md5 of the space>`, inner-product HNSW).
 * Search is approximate (HNSW); hits are re-scored in double precision. The `chromadb` client is
 * loaded only when this store is used.
 */
export class ChromaVectorStore implements VectorStore {
  readonly kind = "chroma" as const;
  readonly exactSearch = false;
  private readonly collections = new Map<string, Promise<Collection>>();

  private constructor(
    private readonly client: Client,
    readonly location: string,
  ) {}

  static async open(url: string): Promise<ChromaVectorStore> {
    let chroma: ChromaModule;
    try {
      chroma = await import("chromadb");
    } catch (error) {
      throw new HippoError("INPUT", "the Chroma vector store needs the chromadb client, which is not installed", { cause: error, suggestion: "npm install chromadb@3.0.6 (or choose --vector-store sqlite or lancedb)" });
    }
    const parsed = new URL(url);
    const ssl = parsed.protocol === "https:";
    const client = new chroma.ChromaClient({ host: parsed.hostname, port: Number(parsed.port || (ssl ? 443 : 8000)), ssl });
    try {
      await client.heartbeat();
    } catch (error) {
      throw new HippoError("REMOTE", `cannot reach the Chroma server at ${url}: ${(error as Error).message}`, { cause: error, fatal: true, suggestion: "start it (npx chroma run --path DIR --port P) or check --vector-store-url" });
    }
    return new ChromaVectorStore(client, url);
  }

  private collection(space: string): Promise<Collection> {
    let collection = this.collections.get(space);
    if (!collection) {
      collection = this.client.getOrCreateCollection({
        name: `hipporag-${md5Hex(space)}`,
        metadata: { space },
        // Vectors are L2-normalised, so inner product ranks as cosine; no embedding function: hipporag embeds.
        configuration: { hnsw: { space: "ip" } },
        embeddingFunction: NO_EMBEDDING,
      });
      collection.catch(() => this.collections.delete(space));
      this.collections.set(space, collection);
    }
    return collection;
  }

  async dimension(space: string): Promise<number | undefined> {
    const rows = await (await this.collection(space)).get({ limit: 1, include: ["embeddings" as never] });
    return rows.embeddings?.[0]?.length;
  }

  async has(space: string, ids: readonly string[]): Promise<Set<string>> {
    const collection = await this.collection(space);
    const found = new Set<string>();
    for (const chunk of chunks([...new Set(ids)])) for (const id of (await collection.get({ ids: chunk, include: [] })).ids) found.add(id);
    return found;
  }

  async upsert(space: string, ids: readonly string[], vectors: Matrix, _precision: VectorPrecision): Promise<void> {
    if (ids.length !== vectors.rows) throw new Error(`upsert of ${ids.length} ids with ${vectors.rows} vectors`);
    const collection = await this.collection(space);
    const { dim, data } = vectors;
    // A batch larger than one request is several requests: a failure midway leaves earlier requests
    // stored, which is harmless (each vector is a pure function of its id) and the re-run skips them.
    for (let start = 0; start < ids.length; start += RECORDS_PER_REQUEST) {
      const end = Math.min(ids.length, start + RECORDS_PER_REQUEST);
      const embeddings = [];
      for (let r = start; r < end; r++) embeddings.push(Array.from(data.subarray(r * dim, (r + 1) * dim)));
      await collection.upsert({ ids: ids.slice(start, end), embeddings });
    }
  }

  async get(space: string, ids: readonly string[], onRow: (index: number, vector: Float32Array) => void): Promise<void> {
    const collection = await this.collection(space);
    const positions = new Map<string, number[]>();
    ids.forEach((id, i) => positions.set(id, [...(positions.get(id) ?? []), i]));
    for (const chunk of chunks([...positions.keys()])) {
      const rows = await collection.get({ ids: chunk, include: ["embeddings" as never] });
      rows.ids.forEach((id, r) => {
        const vector = Float32Array.from(rows.embeddings![r]!);
        for (const i of positions.get(id) ?? []) onRow(i, vector);
      });
    }
  }

  async search(space: string, query: Float32Array, k: number): Promise<VectorHit[]> {
    if (k <= 0) return [];
    const collection = await this.collection(space);
    const count = await collection.count();
    if (count === 0) return [];
    const result = await collection.query({ queryEmbeddings: [Array.from(query)], nResults: Math.min(count, k * OVERFETCH), include: [] });
    // The vectors a query returns are the index's copies, which differ from the stored ones in the
    // last bits; re-score against the stored vectors so scores equal every other store's.
    const ids = result.ids[0] ?? [];
    const hits: VectorHit[] = [];
    await this.get(space, ids, (i, vector) => hits.push({ id: ids[i]!, score: innerProduct(query, vector) }));
    return rankHits(hits, k);
  }

  async delete(space: string, ids: readonly string[]): Promise<void> {
    const collection = await this.collection(space);
    for (const chunk of chunks([...new Set(ids)])) await collection.delete({ ids: chunk });
  }

  /** The client holds no connection beyond its HTTP requests. */
  async close(): Promise<void> {
    this.collections.clear();
  }
}

/** An embedding function that refuses to embed: every vector comes from hipporag's encoder. */
const NO_EMBEDDING = {
  name: "hipporag-none",
  async generate(): Promise<number[][]> {
    throw new Error("hipporag stores precomputed vectors; Chroma must not embed");
  },
} as never;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += RECORDS_PER_REQUEST) out.push(items.slice(start, start + RECORDS_PER_REQUEST));
  return out;
}
