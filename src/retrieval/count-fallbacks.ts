import type { RetrievalTrace } from "./retrieval-types.js";

/** The fallbacks an LLM failure caused (retried by the next run), as counted below. */
export type LlmFailure = "filter-error" | "ner-error" | "ircot-error";

/**
 * How many rankings fell back to the dense one, by reason ("no-facts", "filter-error", …), plus
 * IRCoT runs whose reasoning call failed ("ircot-error"): what `retrieve` prints after a run and
 * `eval` notes beside a stored run's numbers.
 */
export function countFallbacks(traces: Iterable<Pick<RetrievalTrace, "fallback" | "ircot">>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const trace of traces) {
    if (trace.fallback) counts[trace.fallback] = (counts[trace.fallback] ?? 0) + 1;
    if (trace.ircot?.error !== undefined) counts["ircot-error"] = (counts["ircot-error"] ?? 0) + 1;
  }
  return counts;
}

/** The first failure message of each kind of LLM failure among the traces: what to tell the user went wrong. */
export function firstLlmErrors(traces: Iterable<Pick<RetrievalTrace, "fallback" | "filter" | "ner" | "ircot">>): Partial<Record<LlmFailure, string>> {
  const first: Partial<Record<LlmFailure, string>> = {};
  for (const trace of traces) {
    if (trace.fallback === "filter-error" && trace.filter?.error !== undefined) first["filter-error"] ??= trace.filter.error;
    if (trace.fallback === "ner-error" && trace.ner?.error !== undefined) first["ner-error"] ??= trace.ner.error;
    if (trace.ircot?.error !== undefined) first["ircot-error"] ??= trace.ircot.error;
  }
  return first;
}
