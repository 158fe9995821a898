import type { RetrievalMethod } from "./retrieval-method.js";
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
