import { minMaxNormalize, topK } from "../embedding/dense-search.js";
import type { VectorMatrix } from "../embedding/encoder.js";
import { VectorCorpus } from "../embedding/vector-search.js";
import type { MemoryGraph } from "../graph/build-graph.js";
import type { MemoryIndex } from "../graph/memory-index.js";
import pLimit from "p-limit";
import { usageError } from "../core/errors.js";
import { personalizedPageRankMany } from "../graph/personalized-pagerank.js";
import type { ChatModel } from "../llm/chat-model.js";
import { Bm25Index } from "./bm25.js";
import { filterMessages } from "./filter-prompt.js";
import { mapToCandidates, parseFilterOutput } from "./parse-filter-output.js";
import { seedWeights, type Seed, type SeedWeighting } from "./seed-weights.js";

export type RetrievalMethod = "hipporag" | "dense" | "bm25";

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
};

export type Fallback = "no-facts" | "filter-empty" | "filter-error";

export interface RetrievalTrace {
  method: RetrievalMethod;
  candidateFacts: { fact: string[]; score: number }[];
  filter?: { kept: string[][]; error?: string; cacheHit?: boolean };
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

  async retrieve(questions: readonly string[], options: RetrievalOptions, onEach?: (done: number) => void): Promise<RetrievalResult[]> {
    if (options.method === "bm25") {
      this.bm25 ??= new Bm25Index(this.contents);
      return questions.map((question, i) => {
        const scores = this.bm25!.scores(question);
        onEach?.(i + 1);
        return this.result(question, scores, scores, options, { method: "bm25", candidateFacts: [], seeds: [], top: [] });
      });
    }
    const queryFact = this.weigh(await this.index.embeddings.matrix(questions, "query_to_fact"));
    const queryPassage = this.weigh(await this.index.embeddings.matrix(questions, "query_to_passage"));
    if (options.method === "dense") {
      const results: RetrievalResult[] = [];
      for (let start = 0; start < questions.length; start += 64) {
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
    // Groups of 64 questions: each reset and PPR vector is one float per node (0.8 MB at the paper's
    // size), so a 1,000-question run held at once would need ~1.6 GB.
    const limit = pLimit(this.concurrency);
    const entityCount = this.graph.phrases.length;
    const results: RetrievalResult[] = [];
    for (let start = 0; start < questions.length; start += 64) {
      const group = questions.slice(start, start + 64);
      const rows = group.map((_, i) => start + i);
      // Dense scores of the whole group in one product each: (64 × d) · (facts × d)ᵀ, (64 × d) · (passages × d)ᵀ.
      const passageBlock = await this.passageCorpus.scoresMany(queryPassage, rows);
      const factBlock = await this.factCorpus.scoresMany(queryFact, rows);
      const P = this.passageCorpus.rows;
      const F = this.factCorpus.rows;
      // ---------- phase 1: fact linking and the filter (LLM calls run concurrently)
      const planned = await Promise.all(
        group.map((question, i) =>
          limit(async () => {
            const dense = minMaxNormalize(passageBlock.subarray(i * P, (i + 1) * P));
            return { question, dense, plan: await this.plan(question, factBlock.subarray(i * F, (i + 1) * F), dense, options) };
          }),
        ),
      );
      // ---------- phase 2: Personalized PageRank for every question that has seeds, in one batch
      const withReset = planned.filter((p) => p.plan.reset);
      const solved = await personalizedPageRankMany(this.graph.csr, withReset.map((p) => p.plan.reset!), { damping: options.damping });
      const pprOf = new Map(withReset.map((p, i) => [p, solved[i]!]));
      for (const p of planned) {
        const ppr = pprOf.get(p);
        results.push(ppr ? this.result(p.question, ppr.subarray(entityCount), p.dense, options, p.plan.trace) : this.result(p.question, p.dense, p.dense, options, p.plan.trace));
        onEach?.(results.length);
      }
    }
    return results;
  }

  /** Everything before PPR: candidate facts, the filter, seeds and the reset vector (or a fallback). */
  private async plan(question: string, rawFactScores: Float32Array, dense: Float64Array, options: RetrievalOptions): Promise<{ trace: RetrievalTrace; reset?: Float64Array }> {
    const graph = this.graph;
    const trace: RetrievalTrace = { method: "hipporag", candidateFacts: [], seeds: [], top: [] };
    const fallback = (reason: Fallback) => {
      trace.fallback = reason;
      return { trace };
    };
    if (graph.facts.length === 0) return fallback("no-facts");
    const factScores = minMaxNormalize(rawFactScores);
    const candidates = topK(factScores, options.linkingTopK);
    trace.candidateFacts = candidates.map((f) => ({ fact: graph.facts[f]!, score: factScores[f]! }));

    let kept = candidates;
    if (options.filter) {
      if (!this.chat) throw usageError("the recognition-memory filter needs an LLM", "configure one, or pass --no-filter (the paper's w/o-filter ablation)");
      const candidateFacts = candidates.map((f) => graph.facts[f]!);
      try {
        const reply = await this.chat.generate(
          { messages: filterMessages(question, candidateFacts), stage: "filter", maxTokens: 512 },
          { accept: (r) => parseFilterOutput(r.text).ok },
        );
        trace.tokens = { prompt: reply.promptTokens, completion: reply.completionTokens };
        const parsed = parseFilterOutput(reply.text);
        const picked = parsed.ok ? mapToCandidates(parsed.facts, candidateFacts, options.linkingTopK, options.filterMatchCutoff) : [];
        kept = picked.map((i) => candidates[i]!);
        trace.filter = { kept: kept.map((f) => graph.facts[f]!), cacheHit: reply.cacheHit, ...(parsed.ok ? {} : { error: parsed.error }) };
        if (!parsed.ok) return fallback("filter-error");
      } catch (error) {
        trace.filter = { kept: [], error: (error as Error).message };
        return fallback("filter-error");
      }
      if (kept.length === 0) return fallback("filter-empty");
    }

    const seeds = seedWeights(graph, kept, factScores, options.seedWeighting, options.linkingTopK);
    trace.seeds = seeds;
    const entityCount = graph.phrases.length;
    const reset = new Float64Array(graph.csr.nodeCount);
    for (const seed of seeds) reset[seed.node] = seed.weight > 0 ? seed.weight : 0;
    for (let j = 0; j < dense.length; j++) {
      const w = dense[j]! * options.passageNodeWeight;
      reset[entityCount + j] = w > 0 ? w : 0;
    }
    if (!(reset.reduce((a, b) => a + b, 0) > 0)) return fallback("filter-empty");
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
