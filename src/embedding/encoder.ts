/**
 * What a text is embedded for. Stored items (passage, entity, fact) get no instruction, as upstream;
 * queries get one of two instructions (spec §4), or, in the linking ablations, the node ones.
 */
export type QueryPurpose = "query_to_fact" | "query_to_passage" | "query_to_node" | "ner_to_node";
export type EmbedPurpose = "passage" | "entity" | "fact" | QueryPurpose;

export const QUERY_INSTRUCTIONS: Record<QueryPurpose, string> = {
  // Upstream's instruction strings (prompts/linking.py), kept verbatim: NV-Embed results depend on them.
  query_to_fact: "Given a question, retrieve relevant triplet facts that matches this question.",
  query_to_passage: "Given a question, retrieve relevant documents that best answer the question.",
  query_to_node: "Given a question, retrieve relevant phrases that are mentioned in this question.",
  ner_to_node: "Given a phrase, retrieve synonymous or relevant phrases that best match this phrase.",
};

/** The instruction for a purpose; stored items have none. */
export function queryInstruction(purpose: EmbedPurpose): string | undefined {
  return Object.hasOwn(QUERY_INSTRUCTIONS, purpose) ? QUERY_INSTRUCTIONS[purpose as QueryPurpose] : undefined;
}

/** A row-major dense matrix: `rows` vectors of `dim` floats, L2-normalised. */
export interface Matrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

/**
 * A CSR sparse matrix (the lexical encoder's output): row r holds features
 * indices[indptr[r] .. indptr[r+1]) with those values; feature ids are sorted within a row.
 */
export interface SparseMatrix {
  kind: "sparse";
  rows: number;
  indptr: Uint32Array;
  indices: Uint32Array;
  values: Float32Array;
}

export type VectorMatrix = Matrix | SparseMatrix;

export function isSparse(matrix: VectorMatrix): matrix is SparseMatrix {
  return (matrix as SparseMatrix).kind === "sparse";
}

export interface Encoder {
  /** Identity of the vector space: part of the index identity, so two models never mix. */
  readonly id: string;
  /** Where vectors come from, for messages (a server URL); undefined for local encoders. */
  readonly endpoint?: string;
  /**
   * The id without the query instruction format (`<family>:<format label>` = id): the model and its
   * settings. Encoders of one family give a text the same vector whatever their query format, so a
   * stored document (or equal query) vector of one is the other's too (see EmbeddingStore). Undefined:
   * vectors are never shared with another id.
   */
  readonly family?: string;
  /** Texts per call. */
  readonly maxBatch: number;
  /** True when the vectors are sparse (lexical): they are stored in SQLite whatever the vector store. */
  readonly sparse?: boolean;
  /** The exact string sent to the model for `text` (instruction prefix included); the cache key. */
  formatInput(text: string, purpose: EmbedPurpose): string;
  /**
   * Embeds already formatted inputs; rows are L2-normalised. `signal` cancels the work: a remote
   * encoder aborts its requests in flight (Ctrl-C must not wait for a server's reply).
   */
  embedFormatted(inputs: readonly string[], signal?: AbortSignal): Promise<VectorMatrix>;
  /**
   * Optional search-time reweighting learnt from the indexed passages (the lexical encoder's IDF).
   * Returns a function that gives a reweighted, row-renormalised copy of any matrix searched against.
   */
  searchWeighting?(passages: VectorMatrix): (matrix: VectorMatrix) => VectorMatrix;
  dispose?(): Promise<void>;
}

/** Normalises every row to unit length in place (zero rows stay zero). */
export function normalizeRows(matrix: Matrix): Matrix {
  const { rows, dim, data } = matrix;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const base = r * dim;
    for (let j = 0; j < dim; j++) sum += data[base + j]! * data[base + j]!;
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let j = 0; j < dim; j++) data[base + j]! *= scale;
  }
  return matrix;
}

