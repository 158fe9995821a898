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
  /** Recall@k keyed by k as a string ("1", "2", "5", …), means rounded to 4 dp; absent with no docs. */
  recall?: Record<string, number>;
  em?: number;
  f1?: number;
  /** Questions with fewer retrieved docs than the largest k (upstream warns about this). */
  shortRankings?: number;
}

/** Means over questions, rounded to 4 dp, exactly as upstream's evaluators pool them. */
export function evaluate(items: readonly EvalItem[]): EvalReport {
  const report: EvalReport = { count: items.length };
  if (items.length === 0) return report;
  const withDocs = items.every((item) => item.docs !== undefined);
  if (withDocs) {
    report.recall = {};
    for (const k of RECALL_KS) {
      const mean = items.reduce((sum, item) => sum + recallAtK(item.docs!, item.goldDocs, k), 0) / items.length;
      report.recall[String(k)] = round4(mean);
    }
    report.shortRankings = items.filter((item) => item.docs!.length < RECALL_KS[RECALL_KS.length - 1]!).length;
  }
  if (items.every((item) => item.answer !== undefined)) {
    let em = 0;
    let f1 = 0;
    for (const item of items) {
      em += bestOverGold(exactMatch, item.goldAnswers, item.answer!);
      f1 += bestOverGold(tokenF1, item.goldAnswers, item.answer!);
    }
    report.em = round4(em / items.length);
    report.f1 = round4(f1 / items.length);
  }
  return report;
}
