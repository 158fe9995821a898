import type { RetrievalTrace } from "./retrieval-types.js";

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
