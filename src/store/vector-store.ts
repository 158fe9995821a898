import type { Matrix } from "../embedding/encoder.js";

/** Which backend holds the dense vectors of a workspace (`--vector-store`). */
export type VectorStoreKind = "sqlite" | "lancedb" | "chroma";
export const VECTOR_STORE_KINDS: readonly VectorStoreKind[] = ["sqlite", "lancedb", "chroma"];

/** How a vector is kept: f16 vectors are rounded to half precision before they are stored. */
export type VectorPrecision = "f32" | "f16";

/** One search hit: the stored id and its inner product with the query (vectors are L2-normalised). */
export interface VectorHit {
  id: string;
  score: number;
}

/**
 * The vector role of the workspace: dense vectors by id within a named space (the embedding key:
 * encoder id, plus "|f16" for half precision), so two encoders never share a space. Every backend
 * gives the same answers for the same calls (`vector-store.contract.ts`); only `exactSearch` differs.
 */
export interface VectorStore {
  readonly kind: VectorStoreKind;
  /** Where the vectors live (a file, a folder, a server URL), for messages. */
  readonly location: string;
  /** True when `search` scores every row; false when it walks an approximate index (Chroma's HNSW). */
  readonly exactSearch: boolean;
  /** The dimension of the space's vectors; undefined while it has none. */
  dimension(space: string): Promise<number | undefined>;
  /** Which of `ids` are stored in the space. */
  has(space: string, ids: readonly string[]): Promise<Set<string>>;
  /** Stores row i of `vectors` under `ids[i]`, replacing what was there. All rows or none. */
  upsert(space: string, ids: readonly string[], vectors: Matrix, precision: VectorPrecision): Promise<void>;
  /**
   * Calls `onRow(i, vector)` for every stored `ids[i]` (ids not stored are skipped). `vector` may be
   * reused after the call returns: copy it out.
   */
  get(space: string, ids: readonly string[], onRow: (index: number, vector: Float32Array) => void): Promise<void>;
  /** The k stored vectors with the largest inner product with `query`, best first (ties: smaller id first). */
  search(space: string, query: Float32Array, k: number): Promise<VectorHit[]>;
  delete(space: string, ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
