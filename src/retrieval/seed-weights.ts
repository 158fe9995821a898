import type { MemoryGraph } from "../graph/build-graph.js";

/**
 * How filtered facts become entity seed weights (spec §7.4). Both give ≤ 5 seeds with weight
 * ~ score / n(v) (n = passages mentioning the phrase: node specificity).
 * - "paper" (the code behind the paper's numbers, default): w = score/n of the *last* fact containing
 *   the phrase; phrases ranked by the mean raw score of their facts.
 * - "head" (upstream since 2025-06): w = mean over occurrences of score/n; ranked by w.
 */
export type SeedWeighting = "paper" | "head";

export interface Seed {
  node: number;
  phrase: string;
  weight: number;
  /** The value phrases were ranked by (mean raw score for "paper", w for "head"). */
  linkScore: number;
  passageCount: number;
}

export function seedWeights(
  graph: MemoryGraph,
  facts: readonly number[],
  /** The min-max normalised score of a fact (one of `facts`). */
  factScore: (fact: number) => number,
  mode: SeedWeighting,
  maxSeeds: number,
): Seed[] {
  const weight = new Map<number, number>();
  const sums = new Map<number, number>();
  const counts = new Map<number, number>();
  for (const f of facts) {
    const score = factScore(f);
    for (const node of [graph.factNodes[2 * f]!, graph.factNodes[2 * f + 1]!]) {
      const n = graph.phrasePassageCount[node]!;
      const w = n > 0 ? score / n : score;
      counts.set(node, (counts.get(node) ?? 0) + 1);
      if (mode === "paper") {
        weight.set(node, w);
        sums.set(node, (sums.get(node) ?? 0) + score);
      } else {
        sums.set(node, (sums.get(node) ?? 0) + w);
      }
    }
  }
  const seeds: Seed[] = [...counts.keys()].map((node) => {
    const mean = sums.get(node)! / counts.get(node)!;
    return {
      node,
      phrase: graph.phrases[node]!,
      weight: mode === "paper" ? weight.get(node)! : mean,
      linkScore: mean,
      passageCount: graph.phrasePassageCount[node]!,
    };
  });
  // Stable sort by link score, descending; insertion order (first seen) breaks ties.
  return seeds.sort((a, b) => b.linkScore - a.linkScore).slice(0, maxSeeds);
}

/**
 * Seeds for the node-linking ablations (query-to-node, NER-to-node): each linked phrase with its
 * similarity score, weighted like fact seeds (w = score / n(v), node specificity), the highest
 * score kept when a phrase is linked twice, the best `maxSeeds` by score.
 */
export function nodeSeeds(graph: MemoryGraph, linked: readonly { node: number; score: number }[], maxSeeds: number): Seed[] {
  const best = new Map<number, number>();
  for (const { node, score } of linked) if (!(best.get(node)! >= score)) best.set(node, score);
  const seeds = [...best].map(([node, score]) => {
    const n = graph.phrasePassageCount[node]!;
    const clamped = score > 0 ? score : 0;
    return { node, phrase: graph.phrases[node]!, weight: n > 0 ? clamped / n : clamped, linkScore: score, passageCount: n };
  });
  return seeds.sort((a, b) => b.linkScore - a.linkScore).slice(0, maxSeeds);
}
