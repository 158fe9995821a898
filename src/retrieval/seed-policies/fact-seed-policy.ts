import { minMaxNormalize, minMaxTopK, topK } from "../../embedding/dense-search.js";
import { HippoError, isFatal, usageError } from "../../core/errors.js";
import { generateComplete } from "../../llm/generate-complete.js";
import { filterMessages, FILTER_MAX_TOKENS } from "../filter-prompt.js";
import { mapToCandidates, parseFilterOutput } from "../parse-filter-output.js";
import { seedWeights } from "../seed-weights.js";
import type { SeedPlan, SeedPolicy } from "./seed-policy.js";

/**
 * HippoRAG 2's linking (spec §7.2–7.4): the question's top `linkingTopK` facts by query-to-fact
 * similarity, kept or dropped by the recognition-memory filter (an LLM; off = "w/o filter"), their
 * subject and object phrases weighted by fact score / passage count.
 */
export const factSeedPolicy: SeedPolicy = {
  linking: "fact",
  name: "query-to-fact",
  labelPart: (options) => (options.filter ? "" : "-nofilter"),
  llmUse: (options) =>
    options.filter
      ? { prompt: filterMessages("{question}", [["{s}", "{p}", "{o}"]]), missing: ["the recognition-memory filter needs an LLM", "configure one (--llm-base-url, or llm in the library), or turn the filter off (--no-filter, or retrieval: { filter: false } in the library; the paper's w/o-filter ablation)"] }
      : null,
  emptyFallback: "filter-empty",
  weightBasis: "fact score",
  async doSeed(memory, group, options, { limit, signal }) {
    const graph = memory.graph;
    if (graph.facts.length === 0) return group.map(() => ({ trace: { candidateFacts: [] }, fallback: "no-facts" }));
    const queryFact = await memory.queryVectors(group, "query_to_fact", signal);
    // (group × d) · (facts × d)ᵀ a block of facts at a time, keeping each question's best raw scores
    // and its min and max (not a score per fact: 1.4M facts × 64 questions = 358 MB at 10× MuSiQue).
    // A few more than linkingTopK, so that the normalised top-k is provably the same (minMaxTopK).
    const F = memory.factCorpus.rows;
    const best = await memory.factCorpus.topMany(queryFact, group.map((_, i) => i), options.linkingTopK + 16);
    return Promise.all(
      group.map((question, i) =>
        limit(async (): Promise<SeedPlan> => {
          let top = minMaxTopK(best[i]!, options.linkingTopK, F);
          if (!top) {
            // A tie at the cut after rounding: the whole normalised vector decides, as upstream does;
            // scored with the same batch, so by the same kernels, as the best rows were.
            const rowsOfGroup = group.map((_, j) => j);
            const all = minMaxNormalize((await memory.factCorpus.scoresMany(queryFact, rowsOfGroup)).subarray(i * F, (i + 1) * F));
            const rows = topK(all, options.linkingTopK);
            top = { rows, scores: rows.map((f) => all[f]!) };
          }
          const candidates = top.rows;
          const scoreOf = new Map(candidates.map((f, c) => [f, top.scores[c]!]));
          const factScore = (f: number) => scoreOf.get(f)!;
          const trace: SeedPlan["trace"] = { candidateFacts: candidates.map((f) => ({ fact: graph.facts[f]!, score: factScore(f) })) };
          let kept = candidates;
          if (options.filter) {
            if (!memory.chat) throw usageError("the recognition-memory filter needs an LLM", "configure one, or pass --no-filter (the paper's w/o-filter ablation)");
            const candidateFacts = candidates.map((f) => graph.facts[f]!);
            try {
              const reply = await generateComplete(
                memory.chat,
                { messages: filterMessages(question, candidateFacts), stage: "filter", maxTokens: memory.chatMaxTokens ?? FILTER_MAX_TOKENS },
                { accept: (r) => parseFilterOutput(r.text).ok, signal },
              );
              trace.tokens = { prompt: reply.promptTokens, completion: reply.completionTokens };
              const parsed = parseFilterOutput(reply.text);
              const picked = parsed.ok ? mapToCandidates(parsed.facts, candidateFacts, options.linkingTopK, options.filterMatchCutoff) : [];
              kept = picked.map((p) => candidates[p]!);
              trace.filter = { kept: kept.map((f) => graph.facts[f]!), cacheHit: reply.cacheHit, ...(parsed.ok ? {} : { error: parsed.error }) };
              if (!parsed.ok) return { trace, fallback: "filter-error" };
            } catch (error) {
              if (signal?.aborted) throw new HippoError("INTERRUPTED", "interrupted during retrieval: the questions of finished groups are stored", { suggestion: "re-run the same command to resume" });
              if (isFatal(error)) throw error; // a rejected key or an unreachable server: stop, do not fall back for every question
              trace.filter = { kept: [], error: (error as Error).message };
              return { trace, fallback: "filter-error" };
            }
            if (kept.length === 0) return { trace, fallback: "filter-empty" };
          }
          return { trace, seeds: seedWeights(graph, kept, factScore, options.seedWeighting, options.linkingTopK) };
        }),
      ),
    );
  },
};
