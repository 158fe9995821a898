import { bootstrapMeans, type BootstrapOptions, type BootstrapSummary } from "./bootstrap-means.js";
import type { QuestionScores } from "./evaluate.js";
import { round4 } from "./metrics.js";

import type { Interval, MetricIntervals, PerMetric } from "./per-metric.js";

export type { Interval, MetricIntervals, PerMetric } from "./per-metric.js";

/** The per-question columns of a score set, named as in the report: "recall.5", "em", "f1". */
export function metricColumns(scores: QuestionScores): { name: string; values: Float64Array }[] {
  const columns: { name: string; values: Float64Array }[] = [];
  for (const [k, values] of scores.recall ?? []) columns.push({ name: `recall.${k}`, values });
  if (scores.em) columns.push({ name: "em", values: scores.em });
  if (scores.f1) columns.push({ name: "f1", values: scores.f1 });
  return columns;
}

/** Lays per-column values back out in the report's shape. */
export function perMetric<T>(names: readonly string[], values: readonly T[]): PerMetric<T> {
  const out: PerMetric<T> = {};
  names.forEach((name, i) => {
    if (name.startsWith("recall.")) (out.recall ??= {})[name.slice("recall.".length)] = values[i]!;
    else out[name as "em" | "f1"] = values[i]!;
  });
  return out;
}

/** 95% percentile-bootstrap intervals of every metric's mean over questions, rounded to 4 dp like the means. */
export function metricIntervals(scores: QuestionScores, options: BootstrapOptions): MetricIntervals {
  const columns = metricColumns(scores);
  if (columns.length === 0 || scores.count === 0) return {};
  const summaries = bootstrapMeans(columns.map((c) => c.values), options);
  return perMetric(columns.map((c) => c.name), summaries.map(roundInterval));
}

export function roundInterval(summary: BootstrapSummary): Interval {
  return [round4(summary.ci95[0]), round4(summary.ci95[1])];
}
