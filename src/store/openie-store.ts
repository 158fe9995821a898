export type OpenIEStatus = "ner" | "done" | "failed";

export interface OpenIERecord {
  passageId: string;
  status: OpenIEStatus;
  /** Raw NER strings (unique); present once NER succeeded. */
  entities?: string[];
  /** Raw triples as extracted or imported (imports may hold wrong-arity triples; indexing filters them). */
  triples?: unknown[][];
  error?: string;
  failedStage?: "ner" | "triples";
  attempts: number;
  source: string;
}

/**
 * OpenIE results per passage for one OpenIE model (the key is (model, passage id)). Each write
 * replaces the passage's record and is its own unit; `attempts` counts failures across writes.
 */
export interface OpenIEStore {
  readonly model: string;
  /** Where the results live (the workspace file), for messages. */
  readonly location: string;
  get(passageId: string): OpenIERecord | undefined;
  /** All records of this model, keyed by passage id. */
  all(): Map<string, OpenIERecord>;
  /**
   * The triples of every finished record (what building the graph reads: no other field parsed),
   * with the md5 of their stored JSON: what an index records to know its input has not changed.
   */
  doneTriples(): Map<string, { triples: unknown[][]; hash: string }>;
  /** Status of every record of this model (no JSON parsing: what completeness checks need). */
  statuses(): Map<string, OpenIEStatus>;
  /** NER done, triples pending (batch round 2). */
  saveNer(passageId: string, entities: readonly string[], source: string): void;
  saveDone(passageId: string, entities: readonly string[], triples: readonly unknown[][], source: string): void;
  /** Records a failure with its reason (one more attempt); NER results already obtained are kept so a retry redoes only triples. */
  saveFailure(passageId: string, stage: "ner" | "triples", error: string, source: string, entities?: readonly string[]): void;
  /** `saveDone` for each record, as one unit. */
  saveMany(records: readonly { passageId: string; entities: readonly string[]; triples: readonly unknown[][] }[], source: string): void;
}

/** The OpenIE models present in a workspace, with their count of finished passages. */
export interface OpenIEModelCount {
  model: string;
  done: number;
}

/** Where the OpenIE results of every model live: one store per model, and what models there are. */
export interface OpenIEResults {
  openie(model: string): OpenIEStore;
  /** Every model with a record, with its count of finished passages, sorted by model. */
  openieModels(): OpenIEModelCount[];
}
