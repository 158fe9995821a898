import type { Passage } from "../datasets/dataset-types.js";

/**
 * The corpus passages of a workspace, in insertion order. Ids are content-addressed
 * ('chunk-' + md5 of content), so adding a passage twice adds it once.
 */
export interface PassageStore {
  /**
   * Adds passages not stored yet, after the stored ones, as one unit. Metadata given for a passage
   * stored earlier replaces its old metadata (none given keeps it); within one call the first
   * occurrence of a passage counts. Returns how many were new.
   */
  insert(passages: readonly Passage[]): number;
  /** The stored content (`title\ntext`) of each id, in the order given; undefined for an unknown id. */
  contents(ids: readonly string[]): (string | undefined)[];
  /** The stored metadata of each id (null when it has none or is unknown), in the order given. */
  metadata(ids: readonly string[]): (Record<string, unknown> | null)[];
  /** Every passage's id and content, in insertion order. */
  all(): { id: string; content: string }[];
  /** The metadata of every passage that has any, in insertion order. */
  allMetadata(): Record<string, unknown>[];
}

/** Splits an upstream passage string `title\ntext` back into its parts (the first newline separates them). */
export function splitPassage(content: string): { title: string; text: string } {
  const cut = content.indexOf("\n");
  return cut < 0 ? { title: "", text: content } : { title: content.slice(0, cut), text: content.slice(cut + 1) };
}

/** Metadata for a ranked list, or undefined when none of its passages has any (plain corpora stay as they were). */
export function rankedMetadata(passages: PassageStore, passageIds: readonly string[]): (Record<string, unknown> | null)[] | undefined {
  const metadata = passages.metadata(passageIds);
  return metadata.some((m) => m !== null) ? metadata : undefined;
}
