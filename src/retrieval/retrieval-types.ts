import type { EmbedPurpose, VectorMatrix } from "../embedding/encoder.js";
import type { VectorCorpus } from "../embedding/vector-search.js";
import type { MemoryGraph } from "../graph/build-graph.js";
import type { CsrGraph } from "../graph/csr-graph.js";
import type { ChatMessage, ChatModel } from "../llm/chat-model.js";
import type { Bm25Index } from "./bm25.js";
import type { Seed, SeedWeighting } from "./seed-weights.js";

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
  /** A registered method's id ("hipporag", "dense", "bm25"; see method-registry.ts) or a method object. */
  method: string | RetrievalMethod;
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
  /**
   * IRCoT (Trivedi et al., 2023) around the method: at most this many retrieval steps, each after
   * the first queried with one more reasoning sentence (ircot/ircot-retrieve.ts). Undefined = one
   * step, no reasoning; left out of DEFAULT_RETRIEVAL so that single-step settings fingerprint as before.
   */
  ircotSteps?: number;
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

/** One IRCoT step: the query it retrieved with, the passages it added, and the sentence that followed. */
export interface IrcotStep {
  /** The retrieval query: the question at step 1, then the question plus the previous sentence. */
  query: string;
  /** Passages this step ranked that no earlier step had in its top-k (first 10). */
  newPassages: { passageId: string; title: string }[];
  /** The reasoning sentence the LLM wrote after this step's retrieval (absent when the call failed). */
  sentence?: string;
  cacheHit?: boolean;
}

export interface IrcotTrace {
  maxSteps: number;
  steps: IrcotStep[];
  /** The text after "So the answer is" in the concluding sentence; absent when the limit was reached first. */
  answer?: string;
  /** A reasoning call that failed (not fatal): the ranking so far is kept, and the question is retried on the next run. */
  error?: string;
  /** A reasoning reply was cut off by the token limit and kept (only under acceptTruncated): a run without it reasons again. */
  truncated?: boolean;
  /** Reasoning calls made (cached replies included) and tokens spent by uncached ones. */
  calls: number;
  tokens: { prompt: number; completion: number };
}

export interface RetrievalTrace {
  /** The id of the method that ranked (for IRCoT: the wrapped method). */
  method: string;
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
  /** IRCoT runs: every step; the other fields describe step 1 (the question alone). */
  ircot?: IrcotTrace;
}

export interface RetrievalResult {
  question: string;
  passageIds: string[];
  scores: number[];
  trace: RetrievalTrace;
}

/**
 * The loaded memory as methods and seed policies see it (`Retriever` implements it). An interface
 * here, beside RetrievalMethod, so that methods, the options that carry them and the retriever that
 * dispatches to them form no import cycle.
 */
export interface RetrievalMemory {
  readonly graph: MemoryGraph;
  /** Passage strings (`title\ntext`) in graph order. */
  readonly contents: string[];
  readonly passageCorpus: VectorCorpus;
  readonly factCorpus: VectorCorpus;
  /** The filter / query-NER LLM, when one is configured. */
  readonly chat?: ChatModel;
  /** Max tokens per filter / query-NER reply set for that stage (--filter-max-tokens); else each call's own. */
  readonly chatMaxTokens?: number;
  readonly concurrency: number;
  /** `signal` cancels a remote encoder's requests in flight. */
  queryVectors(texts: readonly string[], purpose: EmbedPurpose, signal?: AbortSignal): Promise<VectorMatrix>;
  denseScores(queryPassage: VectorMatrix, rows: readonly number[]): Promise<Float64Array[]>;
  bm25(): Bm25Index;
  entities(): Promise<VectorCorpus>;
  phraseOnlyGraph(): CsrGraph;
  passageScoresFromPhrases(ppr: Float64Array): Float64Array;
  result(question: string, scores: ArrayLike<number>, dense: ArrayLike<number>, options: RetrievalOptions, trace: RetrievalTrace): RetrievalResult;
}


/** What a method may use while ranking, besides the memory: progress, Ctrl-C, and a cooperative tick. */
export interface MethodContext {
  /** Called with the number of questions finished so far in this call. */
  onEach?: (done: number) => void;
  signal?: AbortSignal;
  /** Gives the event loop a turn during long synchronous work; throws INTERRUPTED once the signal is aborted. */
  tick: () => Promise<void>;
}

/** An LLM a method needs with some options: the prompt (fingerprinted with the model) and what to say without one. */
export interface MethodLlmUse {
  /** The messages with placeholders ({question}, …): a change of wording recomputes stored results. */
  prompt: ChatMessage[];
  /** The usage error when no LLM is configured, and its hint. */
  missing: [message: string, hint: string];
}

/** What --explain prints for a method, beside the question and the top passages every method has. */
export interface MethodExplanation {
  /** After "method: <id>", e.g. ", linking: query-to-fact". */
  detail: string;
  sections: { title: string; columns?: string[]; rows?: (string | number)[][]; lines?: string[] }[];
  /** The heading of the top passages' score column ("PPR", "score", …). */
  scoreColumn: string;
}

/**
 * A retrieval method: ranks a batch of questions over the loaded memory (`RetrievalMemory`, which
 * `Retriever` implements). Each one is a
 * file in `methods/` registered in `method-registry.ts`, which feeds the CLI's --method choices,
 * run labels and --explain; the library also takes a method object in `RetrievalOptions.method`.
 */
export interface RetrievalMethod {
  /** The --method value and the trace's `method`. */
  readonly id: string;
  /** One phrase for --help. */
  readonly description: string;
  /** The stored run's name for these options: the method's name plus a suffix per setting away from its default. */
  label(options: RetrievalOptions): string;
  /**
   * The options this method's ranking depends on, for the stored run's inputs (default: all of them).
   * Dense and BM25 read only topK: HippoRAG 2's settings (--no-filter, damping, …) must not make their
   * stored runs look changed.
   */
  settingsOf?(options: RetrievalOptions): Partial<RetrievalOptions>;
  /** The LLM this method calls with these options, or null when it calls none. */
  llmUse(options: RetrievalOptions): MethodLlmUse | null;
  /** Ranks `questions` (one result each, in order); options arrive as they take effect (effectiveRetrievalOptions). */
  doRetrieve(memory: RetrievalMemory, questions: readonly string[], options: RetrievalOptions, context: MethodContext): Promise<RetrievalResult[]>;
  explain(trace: RetrievalTrace): MethodExplanation;
}
