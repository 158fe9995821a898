import pLimit from "p-limit";
import { personalizedPageRankMany } from "../../graph/personalized-pagerank.js";
import type { MethodExplanation, RetrievalMethod } from "../retrieval-method.js";
import { DEFAULT_RETRIEVAL, type RetrievalResult, type RetrievalTrace } from "../retrieval-types.js";
import { SEED_POLICIES } from "../seed-policies/seed-policy-registry.js";

/**
 * HippoRAG 2 (spec §7): the linking's seed phrases (a seed policy per --linking) plus every passage
 * weighted by its dense score × passage_node_weight form the reset vector of a Personalized
 * PageRank over the memory graph; passages rank by their PageRank. No seeds: the dense ranking.
 */
export const hipporag2Method: RetrievalMethod = {
  id: "hipporag",
  description: "HippoRAG 2",
  label(options) {
    const d = DEFAULT_RETRIEVAL;
    return [
      `hipporag2${SEED_POLICIES[options.linking].labelPart(options)}`,
      options.passageNodes ? "" : "-nopassagenodes",
      options.passageNodes && options.passageNodeWeight !== d.passageNodeWeight ? `-pnw${options.passageNodeWeight}` : "",
      options.linkingTopK !== d.linkingTopK ? `-link${options.linkingTopK}` : "",
      options.damping !== d.damping ? `-damping${options.damping}` : "",
      options.filter && options.filterMatchCutoff !== d.filterMatchCutoff ? `-cutoff${options.filterMatchCutoff}` : "",
      options.seedWeighting === "head" ? "-headseeds" : "",
      options.topK !== d.topK ? `-top${options.topK}` : "",
    ].join("");
  },
  llmUse: (options) => SEED_POLICIES[options.linking].llmUse(options),
  async doRetrieve(memory, questions, options, { onEach, signal, tick }) {
    const policy = SEED_POLICIES[options.linking];
    const queryPassage = await memory.queryVectors(questions, "query_to_passage", signal);
    const limit = pLimit(memory.concurrency);
    const graph = memory.graph;
    const entityCount = graph.phrases.length;
    const results: RetrievalResult[] = [];
    // Groups of 64 questions: each reset and PPR vector is one float per node (0.8 MB at the paper's
    // size), so a 1,000-question run held at once would need ~1.6 GB.
    for (let start = 0; start < questions.length; start += 64) {
      await tick();
      const group = questions.slice(start, start + 64);
      const dense = await memory.denseScores(queryPassage, group.map((_, i) => start + i));
      await tick();
      // ---------- phase 1: linking (and the filter's LLM calls, concurrently)
      const plans = await policy.doSeed(memory, group, options, { limit, signal });
      await tick();
      // ---------- phase 2: the reset vectors, then Personalized PageRank of every seeded question in one batch
      const planned = plans.map((plan, i) => {
        const trace: RetrievalTrace = { method: "hipporag", linking: options.linking, passageNodes: options.passageNodes, ...plan.trace, seeds: [], top: [] };
        if (!plan.seeds) return { trace: { ...trace, fallback: plan.fallback }, reset: undefined };
        trace.seeds = plan.seeds;
        // With passage nodes the reset spans every node; without, the phrase-only graph's nodes.
        const reset = new Float64Array(options.passageNodes ? graph.csr.nodeCount : entityCount);
        let positive = false;
        for (const seed of plan.seeds) if (seed.weight > 0) (reset[seed.node] = seed.weight), (positive = true);
        if (options.passageNodes) {
          const d = dense[i]!;
          for (let j = 0; j < d.length; j++) {
            const w = d[j]! * options.passageNodeWeight;
            if (w > 0) (reset[entityCount + j] = w), (positive = true);
          }
        }
        return positive ? { trace, reset } : { trace: { ...trace, fallback: policy.emptyFallback }, reset: undefined };
      });
      const seeded = planned.filter((p) => p.reset);
      // The group's resets in one batch (blocks of 4 columns share each pass over the graph: at ten
      // times the paper's size 0.7 of the time of 2 resets a call), Ctrl-C heard between sweeps.
      const solved = await personalizedPageRankMany(options.passageNodes ? graph.csr : memory.phraseOnlyGraph(), seeded.map((p) => p.reset!), { damping: options.damping, pause: tick });
      const pprOf = new Map(seeded.map((p, k) => [p, solved[k]!]));
      planned.forEach((p, i) => {
        const ppr = pprOf.get(p);
        const scores = !ppr ? dense[i]! : options.passageNodes ? ppr.subarray(entityCount) : memory.passageScoresFromPhrases(ppr);
        results.push(memory.result(group[i]!, scores, dense[i]!, options, p.trace));
        onEach?.(results.length);
      });
    }
    await tick(); // a signal during the last group stops the run here, not after it
    return results;
  },
  explain(trace) {
    const policy = trace.linking ? SEED_POLICIES[trace.linking] : undefined;
    const sections: MethodExplanation["sections"] = [];
    if (trace.ner) {
      sections.push({
        title: `question entities (LLM NER)${trace.ner.error ? ` (error: ${trace.ner.error})` : ""}:`,
        ...(trace.ner.linked.length ? { columns: ["similarity", "entity", "linked phrase"], rows: trace.ner.linked.map((l) => [l.score, l.entity, l.phrase]) } : {}),
      });
    }
    if (trace.candidateFacts.length) {
      sections.push({ title: "candidate facts (query-to-fact, min-max normalised):", columns: ["score", "subject", "predicate", "object"], rows: trace.candidateFacts.map((c) => [c.score, c.fact[0]!, c.fact[1]!, c.fact[2]!]) });
    }
    if (trace.filter) {
      sections.push({ title: `filter kept ${trace.filter.kept.length}${trace.filter.error ? ` (error: ${trace.filter.error})` : ""}:`, lines: trace.filter.kept.map((fact) => `  (${fact.join(", ")})`) });
    }
    if (trace.seeds.length) {
      sections.push({
        title: `seed phrases (reset weight = ${policy?.weightBasis ?? "fact score"} / passages mentioning it):`,
        columns: ["weight", "link score", "passages", "phrase"],
        rows: trace.seeds.map((s) => [s.weight, s.linkScore, s.passageCount, s.phrase]),
      });
    }
    return {
      detail: policy ? `, linking: ${policy.name}` : "",
      sections,
      scoreColumn: trace.fallback ? "score" : trace.passageNodes === false ? "Σ phrase PPR" : "PPR",
    };
  },
};
