import { minMaxNormalize, topK } from "../embedding/dense-search.js";
import type { EmbedPurpose } from "../embedding/encoder.js";
import type { VectorMatrix } from "../embedding/encoder.js";
import type { HalfMatrix } from "../embedding/float16.js";
import { VectorCorpus } from "../embedding/vector-search.js";
import type { MemoryGraph } from "../graph/build-graph.js";
import type { MemoryIndex } from "../graph/memory-index.js";
import { cooperative } from "../core/cooperate.js";
import { csrFromEdges, type CsrGraph } from "../graph/csr-graph.js";
import { openMemoryIndex } from "../graph/open-memory-index.js";
import type { ChatModel } from "../llm/chat-model.js";
import { Bm25Index } from "./bm25.js";
import { methodOf } from "./method-registry.js";
import { effectiveRetrievalOptions, type RetrievalMemory, type RetrievalOptions, type RetrievalResult, type RetrievalTrace } from "./retrieval-types.js";

export { DEFAULT_RETRIEVAL, effectiveRetrievalOptions, type Fallback, type Linking, type RetrievalOptions, type RetrievalResult, type RetrievalTrace } from "./retrieval-types.js";

/**
 * The loaded memory every retrieval method ranks over: the graph, the passages' text, the passage
 * and fact vectors (and, on demand, phrase vectors, a BM25 index, the phrase-only graph), and the
 * LLM when one is configured. `retrieve` hands a batch to the method the options name
 * (methods/*.ts, registered in method-registry.ts).
 */
export class Retriever implements RetrievalMemory {
  readonly passageCorpus: VectorCorpus;
  readonly factCorpus: VectorCorpus;
  private bm25Cache?: Bm25Index;
  /** Phrase vectors, loaded for the node linkings only. */
  private entityCorpus?: VectorCorpus;
  /** The graph without passage nodes, built for that ablation only. */
  private phraseGraph?: CsrGraph;

  private constructor(
    private readonly index: MemoryIndex,
    readonly graph: MemoryGraph,
    readonly contents: string[],
    private readonly weigh: (m: VectorMatrix) => VectorMatrix,
    passages: VectorMatrix | HalfMatrix,
    facts: VectorMatrix | HalfMatrix,
    readonly chat?: ChatModel,
    readonly concurrency = 8,
    readonly chatMaxTokens?: number,
  ) {
    this.passageCorpus = new VectorCorpus(passages);
    this.factCorpus = new VectorCorpus(facts);
  }

  static async create(index: MemoryIndex, chat?: ChatModel, concurrency = 8, signal?: AbortSignal, fresh?: { fingerprint: string }, chatMaxTokens?: number): Promise<Retriever> {
    // From the index snapshot when one is stored for this state, else rebuilt (open-memory-index.ts);
    // the signal stops either between steps or chunks (nothing is written to the workspace while opening).
    const { graph, contents, passages: stored, facts } = await openMemoryIndex(index, signal, {}, fresh);
    const turn = cooperative(signal, "while opening the index: nothing was changed");
    await turn();
    // Encoders with corpus statistics (the lexical encoder's IDF) reweight the search space here
    // (their vectors are never held as f16: searchMatrix keeps f32 for them). f16 vectors stay f16
    // in memory (half the bytes): onnxruntime casts a block as it multiplies it.
    const reweigh = index.encoder.searchWeighting?.(stored as VectorMatrix);
    const weighting = reweigh ?? ((m: VectorMatrix) => m);
    const space = (m: VectorMatrix | HalfMatrix) => (reweigh ? reweigh(m as VectorMatrix) : m);
    const passages = space(stored);
    await turn();
    return new Retriever(index, graph, contents, weighting, passages, space(facts), chat, concurrency, chatMaxTokens);
  }

  async retrieve(questions: readonly string[], options: RetrievalOptions, onEach?: (done: number) => void, signal?: AbortSignal): Promise<RetrievalResult[]> {
    // Scoring is synchronous work: give Ctrl-C a turn as it goes, and stop once it is pressed.
    const tick = cooperative(signal, "during retrieval: the questions of finished groups are stored");
    return methodOf(options.method).doRetrieve(this, questions, effectiveRetrievalOptions(options), { onEach, signal, tick });
  }

  /** Query vectors for `purpose`, in the search space of the stored vectors (the encoder's weighting applied). */
  async queryVectors(texts: readonly string[], purpose: EmbedPurpose, signal?: AbortSignal): Promise<VectorMatrix> {
    return this.weigh(await this.index.embeddings.matrix(texts, purpose, undefined, signal));
  }

  /** Min-max normalised dense passage scores of each question: (questions × d) · (passages × d)ᵀ, one row each. */
  async denseScores(queryPassage: VectorMatrix, rows: readonly number[]): Promise<Float64Array[]> {
    const P = this.passageCorpus.rows;
    const block = await this.passageCorpus.scoresMany(queryPassage, rows);
    return rows.map((_, i) => minMaxNormalize(block.subarray(i * P, (i + 1) * P)));
  }

  bm25(): Bm25Index {
    this.bm25Cache ??= new Bm25Index(this.contents);
    return this.bm25Cache;
  }

  async entities(): Promise<VectorCorpus> {
    this.entityCorpus ??= new VectorCorpus(await this.queryVectors(this.graph.phrases, "entity"));
    return this.entityCorpus;
  }

  /** The phrase-to-phrase part of the graph (fact and synonymy edges), for "w/o passage nodes". */
  phraseOnlyGraph(): CsrGraph {
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
  passageScoresFromPhrases(ppr: Float64Array): Float64Array {
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

  /** The top `options.topK` passages by `scores`, with the first 10 in the trace beside their dense scores. */
  result(question: string, scores: ArrayLike<number>, dense: ArrayLike<number>, options: RetrievalOptions, trace: RetrievalTrace): RetrievalResult {
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
