import { isFatal, usageError } from "../../core/errors.js";
import { generateComplete } from "../../llm/generate-complete.js";
import { parseNerOutput } from "../../openie/parse-openie-output.js";
import { QUERY_NER_MAX_TOKENS, queryNerMessages } from "../query-ner-prompt.js";
import type { RetrievalTrace } from "../retrieval-types.js";
import { nodeSeeds } from "../seed-weights.js";
import type { SeedPlan, SeedPolicy } from "./seed-policy.js";

type Ner = NonNullable<RetrievalTrace["ner"]>;

/**
 * "w/ NER-to-node" (Table 4, HippoRAG 1's linking): the LLM lists each question's entities
 * (concurrently, cached), then every mention is embedded once and linked to its most similar phrase.
 */
export const nerSeedPolicy: SeedPolicy = {
  linking: "ner",
  name: "NER-to-node",
  labelPart: () => "-nernode",
  llmUse: () => ({ prompt: queryNerMessages("{question}"), missing: ["NER-to-node linking needs an LLM for the questions' named entities", "configure an LLM (--llm-base-url and --llm-name on the command line; llm: { model, baseUrl } in the library)"] }),
  emptyFallback: "no-seeds",
  weightBasis: "similarity",
  async doSeed(memory, group, _options, { limit, signal }) {
    const chat = memory.chat;
    if (!chat) throw usageError("NER-to-node linking needs an LLM for the questions' named entities", "configure one with --llm-base-url and --llm-name");
    const replies = await Promise.all(
      group.map((question) =>
        limit(async (): Promise<Omit<Ner, "linked">> => {
          try {
            const reply = await generateComplete(chat, { messages: queryNerMessages(question), stage: "query-ner", maxTokens: memory.chatMaxTokens ?? QUERY_NER_MAX_TOKENS }, { accept: (r) => parseNerOutput(r.text, r.finishReason).ok, signal });
            const parsed = parseNerOutput(reply.text, reply.finishReason);
            return parsed.ok ? { entities: parsed.value, cacheHit: reply.cacheHit } : { entities: [], error: parsed.error, cacheHit: reply.cacheHit };
          } catch (error) {
            if (isFatal(error)) throw error;
            return { entities: [], error: (error as Error).message };
          }
        }),
      ),
    );
    const ner = await link(memory, replies, signal);
    const graph = memory.graph;
    return ner.map((n): SeedPlan => {
      const trace = { candidateFacts: [], ner: n };
      if (n.error) return { trace, fallback: "ner-error" };
      const seeds = nodeSeeds(graph, n.linked.map((l) => ({ node: graph.phraseIndex.get(l.phrase)!, score: l.score })), Number.POSITIVE_INFINITY);
      return seeds.length ? { trace, seeds } : { trace, fallback: "no-seeds" };
    });
  },
};

/** Each distinct mention embedded once and linked to its most similar phrase node (the empty phrase excluded). */
async function link(memory: Parameters<SeedPolicy["doSeed"]>[0], replies: Omit<Ner, "linked">[], signal?: AbortSignal): Promise<Ner[]> {
  const mentions = [...new Set(replies.flatMap((r) => r.entities))];
  if (mentions.length === 0) return replies.map((r) => ({ ...r, linked: [] }));
  const corpus = await memory.entities();
  const vectors = await memory.queryVectors(mentions, "ner_to_node", signal);
  const scores = await corpus.scoresMany(vectors, mentions.map((_, i) => i));
  const E = corpus.rows;
  const emptyPhrase = memory.graph.phraseIndex.get("") ?? -1;
  const best = mentions.map((_, m) => {
    let node = -1;
    let score = -Infinity;
    for (let v = 0; v < E; v++) if (v !== emptyPhrase && scores[m * E + v]! > score) (score = scores[m * E + v]!), (node = v);
    return { node, score };
  });
  const bestOf = new Map(mentions.map((m, i) => [m, best[i]!]));
  return replies.map((r) => ({
    ...r,
    linked: r.entities.filter((e) => bestOf.get(e)!.node >= 0).map((entity) => ({ entity, phrase: memory.graph.phrases[bestOf.get(entity)!.node]!, score: bestOf.get(entity)!.score })),
  }));
}
