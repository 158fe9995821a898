import { DEFAULT_SYNONYMY, walkCandidates, type NeighborList } from "../src/graph/synonymy.js";

/** Each query row's accepted list (upstream's walk over its sorted candidates), by phrase. */
export function walkedLists(phrases: readonly string[], rows: readonly number[], candidates: Map<number, [number, number][]>): Map<string, NeighborList> {
  return new Map(rows.map((q) => [phrases[q]!, walkCandidates(phrases, q, candidates.get(q) ?? [], DEFAULT_SYNONYMY)]));
}

/**
 * Synonymy edges (phrase → neighbour) of `truth` that `got` has too, as a share (4 decimals), and
 * how many of those carry another weight (the goal is none).
 */
export function edgeRecall(truth: Map<string, NeighborList>, got: Map<string, NeighborList>): { recall: number; differentWeights: number } {
  let total = 0;
  let found = 0;
  let differentWeights = 0;
  for (const [phrase, list] of truth) {
    const mine = new Map(got.get(phrase) ?? []);
    for (const [other, weight] of list) {
      total++;
      if (!mine.has(other)) continue;
      found++;
      if (mine.get(other) !== weight) differentWeights++;
    }
  }
  return { recall: total ? Math.round((found / total) * 10000) / 10000 : 1, differentWeights };
}
