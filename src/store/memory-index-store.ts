/** A synonym list: neighbour phrases with their cosine, in accepted order. */
export type PhraseNeighbors = [phrase: string, score: number][];

/** What identifies a memory index and what it was built with. */
export interface IndexRow {
  openieModel: string;
  encoder: string;
  /** The synonymy settings, as given to `ensure`. */
  config: unknown;
}

/**
 * The stored memory graph: per index id, its row, its passages in index order with the hash of the
 * OpenIE triples each was indexed with, the corpus passages it left out (a partial index), and a
 * synonym list per entity phrase. The graph itself is derived from these on load.
 */
export interface MemoryIndexStore {
  /** Creates the index's row, or marks an existing one updated (its identity and config are kept). */
  ensure(indexId: string, row: IndexRow): void;
  get(indexId: string): IndexRow | undefined;
  /** Every index's id and row, by id. */
  all(): (IndexRow & { id: string })[];
  /** Passage id → triples hash (null: indexed by an older version), in index order; empty for an unknown index. */
  passages(indexId: string): Map<string, string | null>;
  /** Replaces the passages (in this order) and the excluded list of an index `ensure` created, as one unit. */
  setPassages(indexId: string, passages: readonly (readonly [passageId: string, triplesHash: string])[], excluded: readonly string[]): void;
  /** Corpus passages the index left out for lack of finished OpenIE; empty when complete or unknown. */
  excluded(indexId: string): string[];
  /** Every stored synonym list of the index. */
  synonyms(indexId: string): Map<string, PhraseNeighbors>;
  /** Replaces the lists of `lists`' phrases and drops those of `removed`, as one unit. */
  writeSynonyms(indexId: string, lists: ReadonlyMap<string, PhraseNeighbors>, removed: readonly string[]): void;
}
