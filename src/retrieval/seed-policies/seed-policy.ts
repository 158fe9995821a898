import type pLimit from "p-limit";
import type { MethodLlmUse } from "../retrieval-method.js";
import type { Fallback, Linking, RetrievalMemory, RetrievalOptions, RetrievalTrace } from "../retrieval-types.js";
import type { Seed } from "../seed-weights.js";

/** A question's seed phrases (before the passage weights are added), or why there are none. */
export interface SeedPlan {
  /** What the linking recorded: candidate facts, the filter's verdict, the LLM's entities, tokens. */
  trace: Pick<RetrievalTrace, "candidateFacts" | "filter" | "ner" | "tokens">;
  seeds?: Seed[];
  /** No seeds: PPR is skipped and the dense ranking returned. */
  fallback?: Fallback;
}

/**
 * How HippoRAG 2 links a question to phrase nodes (paper Table 4): one small policy per `--linking`,
 * registered in seed-policies/seed-policy-registry.ts. The method adds the passage weights and runs PPR.
 */
export interface SeedPolicy {
  readonly linking: Linking;
  /** "query-to-fact", … as --explain names it. */
  readonly name: string;
  /** The run label's part after "hipporag2": "", "-nofilter", "-querynode", "-nernode". */
  labelPart(options: RetrievalOptions): string;
  llmUse(options: RetrievalOptions): MethodLlmUse | null;
  /** Seeds for each question of a group (LLM calls run concurrently under `limit`). */
  doSeed(memory: RetrievalMemory, group: readonly string[], options: RetrievalOptions, context: { limit: ReturnType<typeof pLimit>; signal?: AbortSignal }): Promise<SeedPlan[]>;
  /** The fallback when every seed weighs 0. */
  readonly emptyFallback: Fallback;
  /** What a seed's reset weight divides by its passage count, for --explain. */
  readonly weightBasis: string;
}
