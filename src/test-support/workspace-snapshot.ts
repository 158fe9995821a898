import type { HippoRag } from "../hipporag.js";

/** The memory graph of a HippoRag in comparable form (content-keyed edges, sorted). */
export function graphSnapshot(hippo: HippoRag) {
  const { graph } = hippo.memoryIndex().load();
  const name = (i: number) => (i < graph.phrases.length ? `e:${graph.phrases[i]}` : `p:${graph.passageIds[i - graph.phrases.length]}`);
  const edges: string[] = [];
  const { offsets, targets, weights } = graph.csr;
  for (let i = 0; i < graph.csr.nodeCount; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (targets[k]! >= i) edges.push([name(i), name(targets[k]!)].sort().join(" ~ ") + ` ${weights[k]!.toFixed(6)}`);
  }
  return { phrases: graph.phrases, passages: [...graph.passageIds].sort(), facts: graph.facts.map((f) => f.join("|")).sort(), stats: graph.stats, edges: edges.sort() };
}
