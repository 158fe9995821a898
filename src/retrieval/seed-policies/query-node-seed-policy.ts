import { minMaxNormalize, topK } from "../../embedding/dense-search.js";
import { nodeSeeds } from "../seed-weights.js";
import type { SeedPolicy } from "./seed-policy.js";

/** "w/ Query-to-node" (Table 4): the question embedding matched to phrase nodes directly; no LLM. */
export const queryNodeSeedPolicy: SeedPolicy = {
  linking: "query",
  name: "query-to-node",
  labelPart: () => "-querynode",
  llmUse: () => null,
  emptyFallback: "no-seeds",
  weightBasis: "similarity",
  async doSeed(memory, group, options, { signal }) {
    const graph = memory.graph;
    const corpus = await memory.entities();
    const vectors = await memory.queryVectors(group, "query_to_node", signal);
    // (group × d) · (phrases × d)ᵀ in one product.
    const E = corpus.rows;
    const block = await corpus.scoresMany(vectors, group.map((_, i) => i));
    const emptyPhrase = graph.phraseIndex.get(""); // upstream's empty-phrase node is no entity to link to
    return group.map((_, i) => {
      const phraseScores = minMaxNormalize(block.subarray(i * E, (i + 1) * E));
      const top = topK(phraseScores, options.linkingTopK + 1).filter((v) => v !== emptyPhrase).slice(0, options.linkingTopK);
      const seeds = nodeSeeds(graph, top.map((node) => ({ node, score: phraseScores[node]! })), options.linkingTopK);
      return seeds.length ? { trace: { candidateFacts: [] }, seeds } : { trace: { candidateFacts: [] }, fallback: "no-seeds" };
    });
  },
};
