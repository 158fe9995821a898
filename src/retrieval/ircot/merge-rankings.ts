/**
 * IRCoT's union of the steps' retrievals as one ranking: round robin over the steps in order (rank 1
 * of step 1, rank 1 of step 2, …, then rank 2 of each step, …), each passage at its first
 * occurrence, cut at `topK`. At any depth k every step has ≈ k / steps places, so a later hop's
 * passages reach the top 5 (IRCoT gives each step K new paragraphs; ranking the concatenation
 * instead would leave step 1's top-k untouched). Scores are each passage's score in the step that
 * placed it, so they need not decrease down the ranking.
 */
export function mergeRankings(steps: readonly { passageIds: readonly string[]; scores: readonly number[] }[], topK: number): { passageIds: string[]; scores: number[]; steps: number[] } {
  const passageIds: string[] = [];
  const scores: number[] = [];
  /** Per passage, the index of the step that placed it. */
  const from: number[] = [];
  const taken = new Set<string>();
  const depth = Math.max(0, ...steps.map((s) => s.passageIds.length));
  for (let rank = 0; rank < depth && passageIds.length < topK; rank++) {
    for (const [s, step] of steps.entries()) {
      const id = step.passageIds[rank];
      if (id === undefined || taken.has(id)) continue;
      taken.add(id);
      passageIds.push(id);
      scores.push(step.scores[rank]!);
      from.push(s);
      if (passageIds.length === topK) break;
    }
  }
  return { passageIds, scores, steps: from };
}
