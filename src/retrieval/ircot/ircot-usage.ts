import type { RetrievalTrace } from "../retrieval-types.js";

/** What an IRCoT run cost and did, over its questions (for the retrieve/run output and reports). */
export interface IrcotUsage {
  questions: number;
  /** Reasoning calls in all (cached replies included), and the most any one question made. */
  calls: number;
  maxCallsPerQuestion: number;
  /** Mean retrieval steps per question. */
  meanSteps: number;
  /** Questions whose reasoning ended with "So the answer is" (the rest reached the step limit or failed). */
  concluded: number;
  failed: number;
  /** Tokens of uncached reasoning calls, when the results were computed. */
  tokens: { prompt: number; completion: number };
}

/** Usage over results (fresh or stored); undefined traces (single-step results) are skipped. */
export function ircotUsage(results: readonly { trace: RetrievalTrace }[]): IrcotUsage {
  const traces = results.map((r) => r.trace.ircot).filter((t) => t !== undefined);
  const tokens = { prompt: 0, completion: 0 };
  for (const t of traces) (tokens.prompt += t.tokens.prompt), (tokens.completion += t.tokens.completion);
  return {
    questions: traces.length,
    calls: traces.reduce((n, t) => n + t.calls, 0),
    maxCallsPerQuestion: Math.max(0, ...traces.map((t) => t.calls)),
    meanSteps: traces.length ? traces.reduce((n, t) => n + t.steps.length, 0) / traces.length : 0,
    concluded: traces.filter((t) => t.answer !== undefined).length,
    failed: traces.filter((t) => t.error !== undefined).length,
    tokens,
  };
}
