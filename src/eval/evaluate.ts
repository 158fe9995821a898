import type { MetricIntervals } from "./per-metric.js";
import { bestOverGold, exactMatch, recallAtK, RECALL_KS, round4, tokenF1 } from "./metrics.js";

export interface EvalItem {
  /** Ranked passage strings (`title\ntext`); absent when only QA is scored. */
  docs?: readonly string[];
  goldDocs: readonly string[];
  answer?: string;
  goldAnswers: readonly string[];
}

export interface EvalReport {
  count: number;
  /**
   * Recall@k keyed by k as a string ("1", "2", "5", …), means rounded to 4 dp; absent with no docs.
   * With a `topK`, only k up to it: beyond the run's cut-off upstream carries the last value forward.
   */
  recall?: Record<string, number>;
  em?: number;
  f1?: number;
  /** Questions with fewer retrieved docs than the largest k (upstream warns about this). */
  shortRankings?: number;
  /** The run's `--top-k` when known: Recall@k above it is left out. */
  topK?: number;
  /** 95% bootstrap intervals over questions, the same shape as the means beside them. */
  ci95?: MetricIntervals;
}

/** Every question's score, in item order: what the pooled means and the bootstrap are computed from. */
export interface QuestionScores {
  count: number;
  /** Per-question recall@k for each k in RECALL_KS up to topK; absent with no docs. */
  recall?: Map<number, Float64Array>;
  em?: Float64Array;
  f1?: Float64Array;
  topK?: number;
  shortRankings?: number;
}

export interface ScoreOptions {
  /**
   * The run's cut-off (`--top-k`): Recall@k is scored only for k up to it. A ranking shorter than
   * the cut-off (a corpus smaller than k) is complete, so its Recall@k stays defined. Without it,
   * every k is scored, as upstream does.
   */
  topK?: number;
}

export function scoreQuestions(items: readonly EvalItem[], options: ScoreOptions = {}): QuestionScores {
  const scores: QuestionScores = { count: items.length };
  if (items.length === 0) return scores;
  // Questions without any gold passage (a QA-only file): Recall@k would be 0 by construction, so it
  // is not scored ("–"), as EM/F1 are not without gold answers. Some without gold count 0, as upstream.
  if (items.every((item) => item.docs !== undefined) && items.some((item) => item.goldDocs.length > 0)) {
    scores.topK = options.topK;
    scores.recall = new Map();
    for (const k of RECALL_KS) {
      if (options.topK !== undefined && k > options.topK) break;
      scores.recall.set(k, Float64Array.from(items, (item) => recallAtK(item.docs!, item.goldDocs, k)));
    }
    scores.shortRankings = items.filter((item) => item.docs!.length < RECALL_KS[RECALL_KS.length - 1]!).length;
  }
  // Questions without any gold answer (a questions-only file): EM/F1 would be 0 by construction.
  if (items.every((item) => item.answer !== undefined) && items.some((item) => item.goldAnswers.length > 0)) {
    scores.em = Float64Array.from(items, (item) => bestOverGold(exactMatch, item.goldAnswers, item.answer!));
    scores.f1 = Float64Array.from(items, (item) => bestOverGold(tokenF1, item.goldAnswers, item.answer!));
  }
  return scores;
}

/** Means over questions, rounded to 4 dp, exactly as upstream's evaluators pool them (summed in question order). */
export function poolScores(scores: QuestionScores): EvalReport {
  const report: EvalReport = { count: scores.count };
  if (scores.recall) {
    report.recall = {};
    for (const [k, values] of scores.recall) report.recall[String(k)] = round4(sum(values) / scores.count);
    report.shortRankings = scores.shortRankings;
    if (scores.topK !== undefined) report.topK = scores.topK;
  }
  if (scores.em && scores.f1) {
    report.em = round4(sum(scores.em) / scores.count);
    report.f1 = round4(sum(scores.f1) / scores.count);
  }
  return report;
}

export function evaluate(items: readonly EvalItem[], options: ScoreOptions = {}): EvalReport {
  return poolScores(scoreQuestions(items, options));
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
