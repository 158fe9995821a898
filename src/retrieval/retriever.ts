import { minMaxNormalize, topK } from "../embedding/dense-search.js";
import type { VectorMatrix } from "../embedding/encoder.js";
import { VectorCorpus } from "../embedding/vector-search.js";
import type { MemoryGraph } from "../graph/build-graph.js";
import type { MemoryIndex } from "../graph/memory-index.js";
import pLimit from "p-limit";
import { cooperative } from "../core/cooperate.js";
import { HippoError, isFatal, usageError } from "../core/errors.js";
import { csrFromEdges, type CsrGraph } from "../graph/csr-graph.js";
import { personalizedPageRankMany } from "../graph/personalized-pagerank.js";
import type { ChatModel } from "../llm/chat-model.js";
import { generateComplete } from "../llm/generate-complete.js";
import { parseNerOutput } from "../openie/parse-openie-output.js";
import { Bm25Index } from "./bm25.js";
import { filterMessages } from "./filter-prompt.js";
import { mapToCandidates, parseFilterOutput } from "./parse-filter-output.js";
import { queryNerMessages } from "./query-ner-prompt.js";
import { nodeSeeds, seedWeights, type Seed, type SeedWeighting } from "./seed-weights.js";

export type RetrievalMethod = "hipporag" | "dense" | "bm25";

/**
 * How a question finds its seed phrases (paper Table 4):
 * - "fact": HippoRAG 2's query-to-triple linking, then the filter (default);
 * - "query": the question embedding matched to phrase nodes directly ("w/ Query-to-node");
 * - "ner": an LLM lists the question's named entities, each linked to its nearest phrase node
 *   (HippoRAG 1's linking, "w/ NER-to-node").
 * The filter judges facts, so the node linkings run without it, as in the paper.
 */
export type Linking = "fact" | "query" | "ner";

/** Retrieval settings; defaults are upstream's (config_utils.py) and the paper's. */
export interface RetrievalOptions {
  method: RetrievalMethod;
  /** Passages returned per question (upstream retrieval_top_k = 200). */
  topK: number;
  /** Candidate facts sent to the filter, and the maximum number of seed phrases (linking_top_k = 5). */
  linkingTopK: number;
  /** Scales the passages' dense scores in the reset vector (passage_node_weight = 0.05). */
  passageNodeWeight: number;
  damping: number;
  seedWeighting: SeedWeighting;
  /** The recognition-memory filter (an LLM call); off = the paper's "w/o filter" ablation. */
  filter: boolean;
  /** Minimum difflib ratio for mapping a generated fact to a candidate (upstream: 0, maps everything). */
  filterMatchCutoff: number;
  linking: Linking;
  /**
   * Passage nodes in the PPR graph (default). Off = the "w/o passage nodes" ablation: PPR runs over
   * phrase nodes only, seeded by the phrases alone, and a passage scores the sum of its phrases'
   * PageRank (HippoRAG 1's passage ranking).
   */
  passageNodes: boolean;
}

export const DEFAULT_RETRIEVAL: RetrievalOptions = {
  method: "hipporag",
  topK: 200,
  linkingTopK: 5,
  passageNodeWeight: 0.05,
  damping: 0.5,
  seedWeighting: "paper",
  filter: true,
  filterMatchCutoff: 0,
  linking: "fact",
  passageNodes: true,
};

/** The options as they take effect: node linkings have no filter. */
export function effectiveRetrievalOptions(options: RetrievalOptions): RetrievalOptions {
  return options.linking === "fact" ? options : { ...options, filter: false };
}

/** Why PPR was skipped and the dense ranking returned; "*-error" ones are retried on the next run. */
export type Fallback = "no-facts" | "filter-empty" | "filter-error" | "no-seeds" | "ner-error";

export interface RetrievalTrace {
  method: RetrievalMethod;
  /** Set for HippoRAG 2 runs. */
  linking?: Linking;
  /** False in the w/o-passage-nodes ablation: passage scores are sums of their phrases' PageRank. */
  passageNodes?: boolean;
  candidateFacts: { fact: string[]; score: number }[];
  filter?: { kept: string[][]; error?: string; cacheHit?: boolean };
  /** NER-to-node: the question's entities as the LLM listed them, and the phrase each linked to. */
  ner?: { entities: string[]; linked: { entity: string; phrase: string; score: number }[]; error?: string; cacheHit?: boolean };
  /** Why PPR was skipped and the dense ranking returned (counted in reports). */
  fallback?: Fallback;
  seeds: Seed[];
  top: { passageId: string; title: string; score: number; dense: number }[];
  tokens?: { prompt: number; completion: number };
}

export interface RetrievalResult {
  question: string;
  passageIds: string[];
  scores: number[];
  trace: RetrievalTrace;
}

/**
 * Answers questions from a loaded memory: HippoRAG 2 (fact linking → filter → seeds + passage weights
 * → PPR), or the dense / BM25 baselines on the same passages.
 */
export class Retriever {
  private readonly passageCorpus: VectorCorpus;
  private readonly factCorpus: VectorCorpus;
  private bm25?: Bm25Index;
  /** Phrase vectors, loaded for the node linkings only. */
  private entityCorpus?: VectorCorpus;
  /** The graph without passage nodes, built for that ablation only. */
  private phraseGraph?: CsrGraph;

  private constructor(
    private readonly index: MemoryIndex,
    readonly graph: MemoryGraph,
    readonly contents: string[],
    private readonly weigh: (m: VectorMatrix) => VectorMatrix,
    passages: VectorMatrix,
    facts: VectorMatrix,
    private readonly chat?: ChatModel,
    private readonly concurrency = 8,
  ) {
    this.passageCorpus = new VectorCorpus(passages);
    this.factCorpus = new VectorCorpus(facts);
  }

  static async create(index: MemoryIndex, chat?: ChatModel, concurrency = 8): Promise<Retriever> {
    const { graph } = index.load();
    // Passage text comes from the workspace (what was indexed), never from a dataset file.
    const contents = index.passageContents(graph.passageIds);
    const vectors = await index.vectors(graph, contents);
    // Encoders with corpus statistics (the lexical encoder's IDF) reweight the search space here.
    const weighting = index.encoder.searchWeighting?.(vectors.passages) ?? ((m: VectorMatrix) => m);
    return new Retriever(index, graph, contents, weighting, weighting(vectors.passages), weighting(vectors.facts), chat, concurrency);
  }

  async retrieve(questions: readonly string[], options: RetrievalOptions, onEach?: (done: number) => void, signal?: AbortSignal): Promise<RetrievalResult[]> {
    // Scoring is synchronous work: give Ctrl-C a turn as it goes, and stop once it is pressed.
    const tick = cooperative(signal, "during retrieval: the questions of finished groups are stored");
    if (options.method === "bm25") {
      this.bm25 ??= new Bm25Index(this.contents);
      const results: RetrievalResult[] = [];
      for (const question of questions) {
        await tick();
        const scores = this.bm25.scores(question);
        results.push(this.result(question, scores, scores, options, { method: "bm25", candidateFacts: [], seeds: [], top: [] }));
        onEach?.(results.length);
      }
      return results;
    }
    const queryPassage = this.weigh(await this.index.embeddings.matrix(questions, "query_to_passage"));
    if (options.method === "dense") {
      const results: RetrievalResult[] = [];
      for (let start = 0; start < questions.length; start += 64) {
        await tick();
        const rows = questions.slice(start, start + 64).map((_, i) => start + i);
        const block = await this.passageCorpus.scoresMany(queryPassage, rows);
        rows.forEach((q, i) => {
          const dense = minMaxNormalize(block.subarray(i * this.passageCorpus.rows, (i + 1) * this.passageCorpus.rows));
          results.push(this.result(questions[q]!, dense, dense, options, { method: "dense", candidateFacts: [], seeds: [], top: [] }));
          onEach?.(results.length);
        });
      }
      return results;
    }
    options = effectiveRetrievalOptions(options);
    if (options.linking === "ner" && !this.chat) throw usageError("NER-to-node linking needs an LLM for the questions' named entities", "configure one with --llm-base-url and --llm-name");
    // Query-to-fact (default) or query-to-node vectors; NER-to-node embeds the entities per group.
    const queryLink =
      options.linking === "ner" ? undefined : this.weigh(await this.index.embeddings.matrix(questions, options.linking === "fact" ? "query_to_fact" : "query_to_node"));
    const linkCorpus = options.linking === "fact" ? this.factCorpus : await this.entities();
    // Groups of 64 questions: each reset and PPR vector is one float per node (0.8 MB at the paper's
    // size), so a 1,000-question run held at once would need ~1.6 GB.
    const limit = pLimit(this.concurrency);
    const entityCount = this.graph.phrases.length;
    const results: RetrievalResult[] = [];
    for (let start = 0; start < questions.length; start += 64) {
      await tick();
      const group = questions.slice(start, start + 64);
      const rows = group.map((_, i) => start + i);
      // Dense scores of the whole group in one product each: (64 × d) · (passages × d)ᵀ, and
      // (64 × d) · (facts × d)ᵀ or (64 × d) · (phrases × d)ᵀ for the linking.
      const passageBlock = await this.passageCorpus.scoresMany(queryPassage, rows);
      const linkBlock = queryLink ? await linkCorpus.scoresMany(queryLink, rows) : undefined;
      const P = this.passageCorpus.rows;
      const L = linkCorpus.rows;
      const ner = options.linking === "ner" ? await this.linkEntities(group, limit) : undefined;
      // ---------- phase 1: linking and the filter (LLM calls run concurrently)
      const planned = await Promise.all(
        group.map((question, i) =>
          limit(async () => {
            const dense = minMaxNormalize(passageBlock.subarray(i * P, (i + 1) * P));
            const link = linkBlock?.subarray(i * L, (i + 1) * L);
            return { question, dense, plan: await this.plan(question, link, ner?.[i], dense, options, signal) };
          }),
        ),
      );
      // ---------- phase 2: Personalized PageRank for every question that has seeds, in one batch
      const withReset = planned.filter((p) => p.plan.reset);
      const graph = options.passageNodes ? this.graph.csr : this.phraseOnlyGraph();
      const solved = await personalizedPageRankMany(graph, withReset.map((p) => p.plan.reset!), { damping: options.damping });
      const pprOf = new Map(withReset.map((p, i) => [p, solved[i]!]));
      for (const p of planned) {
        const ppr = pprOf.get(p);
        const scores = !ppr ? p.dense : options.passageNodes ? ppr.subarray(entityCount) : this.passageScoresFromPhrases(ppr);
        results.push(this.result(p.question, scores, p.dense, options, p.plan.trace));
        onEach?.(results.length);
      }
    }
    return results;
  }

  private async entities(): Promise<VectorCorpus> {
    this.entityCorpus ??= new VectorCorpus(this.weigh(await this.index.embeddings.matrix(this.graph.phrases, "entity")));
    return this.entityCorpus;
  }

  /** The phrase-to-phrase part of the graph (fact and synonymy edges), for "w/o passage nodes". */
  private phraseOnlyGraph(): CsrGraph {
    if (!this.phraseGraph) {
      const { offsets, targets, weights } = this.graph.csr;
      const E = this.graph.phrases.length;
      const edges: [number, number, number][] = [];
      for (let i = 0; i < E; i++) for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (targets[k]! < E && targets[k]! >= i) edges.push([i, targets[k]!, targets[k] === i ? weights[k]! / 2 : weights[k]!]);
      this.phraseGraph = csrFromEdges(E, edges);
    }
    return this.phraseGraph;
  }

  /** Passage score = Σ PageRank of the phrases it mentions (its passage–phrase edges). */
  private passageScoresFromPhrases(ppr: Float64Array): Float64Array {
    const { offsets, targets } = this.graph.csr;
    const E = this.graph.phrases.length;
    const out = new Float64Array(this.graph.passageIds.length);
    for (let j = 0; j < out.length; j++) {
      let sum = 0;
      for (let k = offsets[E + j]!; k < offsets[E + j + 1]!; k++) if (targets[k]! < E) sum += ppr[targets[k]!]!;
      out[j] = sum;
    }
    return out;
  }

  /**
   * NER-to-node for a group: the LLM lists each question's entities (concurrently, cached), then
   * every mention is embedded once and linked to its most similar phrase node.
   */
  private async linkEntities(group: readonly string[], limit: ReturnType<typeof pLimit>): Promise<NonNullable<RetrievalTrace["ner"]>[]> {
    const replies = await Promise.all(
      group.map((question) =>
        limit(async () => {
          try {
            const reply = await generateComplete(this.chat!, { messages: queryNerMessages(question), stage: "query-ner", maxTokens: 256 }, { accept: (r) => parseNerOutput(r.text, r.finishReason).ok });
            const parsed = parseNerOutput(reply.text, reply.finishReason);
            return parsed.ok ? { entities: parsed.value, cacheHit: reply.cacheHit } : { entities: [], error: parsed.error, cacheHit: reply.cacheHit };
          } catch (error) {
            if (isFatal(error)) throw error;
            return { entities: [], error: (error as Error).message };
          }
        }),
      ),
    );
    const mentions = [...new Set(replies.flatMap((r) => r.entities))];
    if (mentions.length === 0) return replies.map((r) => ({ ...r, linked: [] }));
    const corpus = await this.entities();
    const vectors = this.weigh(await this.index.embeddings.matrix(mentions, "ner_to_node"));
    const scores = await corpus.scoresMany(vectors, mentions.map((_, i) => i));
    const E = corpus.rows;
    const emptyPhrase = this.graph.phraseIndex.get("") ?? -1;
    const best = mentions.map((_, m) => {
      let node = -1;
      let score = -Infinity;
      for (let v = 0; v < E; v++) if (v !== emptyPhrase && scores[m * E + v]! > score) (score = scores[m * E + v]!), (node = v);
      return { node, score };
    });
    const bestOf = new Map(mentions.map((m, i) => [m, best[i]!]));
    return replies.map((r) => ({
      ...r,
      linked: r.entities.filter((e) => bestOf.get(e)!.node >= 0).map((entity) => ({ entity, phrase: this.graph.phrases[bestOf.get(entity)!.node]!, score: bestOf.get(entity)!.score })),
    }));
  }

  /** Everything before PPR: linking, the filter, seeds and the reset vector (or a fallback). */
  private async plan(
    question: string,
    rawLinkScores: Float32Array | undefined,
    ner: RetrievalTrace["ner"] | undefined,
    dense: Float64Array,
    options: RetrievalOptions,
    signal?: AbortSignal,
  ): Promise<{ trace: RetrievalTrace; reset?: Float64Array }> {
    const graph = this.graph;
    const trace: RetrievalTrace = { method: "hipporag", linking: options.linking, passageNodes: options.passageNodes, candidateFacts: [], seeds: [], top: [] };
    const fallback = (reason: Fallback) => {
      trace.fallback = reason;
      return { trace };
    };
    let seeds: Seed[];
    if (options.linking === "ner") {
      trace.ner = ner!;
      if (ner!.error) return fallback("ner-error");
      seeds = nodeSeeds(graph, ner!.linked.map((l) => ({ node: graph.phraseIndex.get(l.phrase)!, score: l.score })), Number.POSITIVE_INFINITY);
      if (seeds.length === 0) return fallback("no-seeds");
    } else if (options.linking === "query") {
      const phraseScores = minMaxNormalize(rawLinkScores!);
      const emptyPhrase = graph.phraseIndex.get(""); // upstream's empty-phrase node is no entity to link to
      const top = topK(phraseScores, options.linkingTopK + 1).filter((v) => v !== emptyPhrase).slice(0, options.linkingTopK);
      seeds = nodeSeeds(graph, top.map((node) => ({ node, score: phraseScores[node]! })), options.linkingTopK);
      if (seeds.length === 0) return fallback("no-seeds");
    } else {
      if (graph.facts.length === 0) return fallback("no-facts");
      const factScores = minMaxNormalize(rawLinkScores!);
      const candidates = topK(factScores, options.linkingTopK);
      trace.candidateFacts = candidates.map((f) => ({ fact: graph.facts[f]!, score: factScores[f]! }));

      let kept = candidates;
      if (options.filter) {
        if (!this.chat) throw usageError("the recognition-memory filter needs an LLM", "configure one, or pass --no-filter (the paper's w/o-filter ablation)");
        const candidateFacts = candidates.map((f) => graph.facts[f]!);
        try {
          const reply = await generateComplete(
            this.chat,
            { messages: filterMessages(question, candidateFacts), stage: "filter", maxTokens: 512 },
            { accept: (r) => parseFilterOutput(r.text).ok, signal },
          );
          trace.tokens = { prompt: reply.promptTokens, completion: reply.completionTokens };
          const parsed = parseFilterOutput(reply.text);
          const picked = parsed.ok ? mapToCandidates(parsed.facts, candidateFacts, options.linkingTopK, options.filterMatchCutoff) : [];
          kept = picked.map((i) => candidates[i]!);
          trace.filter = { kept: kept.map((f) => graph.facts[f]!), cacheHit: reply.cacheHit, ...(parsed.ok ? {} : { error: parsed.error }) };
          if (!parsed.ok) return fallback("filter-error");
        } catch (error) {
          if (signal?.aborted) throw new HippoError("INTERRUPTED", "interrupted during retrieval: the questions of finished groups are stored", { suggestion: "re-run the same command to resume" });
          if (isFatal(error)) throw error; // a rejected key or an unreachable server: stop, do not fall back for every question
          trace.filter = { kept: [], error: (error as Error).message };
          return fallback("filter-error");
        }
        if (kept.length === 0) return fallback("filter-empty");
      }
      seeds = seedWeights(graph, kept, factScores, options.seedWeighting, options.linkingTopK);
    }
    trace.seeds = seeds;
    const entityCount = graph.phrases.length;
    // With passage nodes the reset spans every node; without, the phrase-only graph's nodes.
    const reset = new Float64Array(options.passageNodes ? graph.csr.nodeCount : entityCount);
    let positive = false;
    for (const seed of seeds) if (seed.weight > 0) (reset[seed.node] = seed.weight), (positive = true);
    if (options.passageNodes) {
      for (let j = 0; j < dense.length; j++) {
        const w = dense[j]! * options.passageNodeWeight;
        if (w > 0) (reset[entityCount + j] = w), (positive = true);
      }
    }
    if (!positive) return fallback(options.linking === "fact" ? "filter-empty" : "no-seeds");
    return { trace, reset };
  }

  private result(question: string, scores: ArrayLike<number>, dense: ArrayLike<number>, options: RetrievalOptions, trace: RetrievalTrace): RetrievalResult {
    const order = topK(scores, options.topK);
    const passageIds = order.map((j) => this.graph.passageIds[j]!);
    trace.top = order.slice(0, 10).map((j) => ({
      passageId: this.graph.passageIds[j]!,
      title: this.contents[j]!.split("\n")[0]!,
      score: scores[j]!,
      dense: dense[j]!,
    }));
    return { question, passageIds, scores: order.map((j) => scores[j]!), trace };
  }
}
