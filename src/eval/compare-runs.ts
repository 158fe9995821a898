import type { IrcotUsage } from "../retrieval/ircot/ircot-usage.js";
import { usageError } from "../core/errors.js";
import { bootstrapMeans, type BootstrapOptions } from "./bootstrap-means.js";
import type { QuestionScores } from "./evaluate.js";
import { metricColumns, perMetric, roundInterval, type MetricIntervals, type PerMetric } from "./metric-intervals.js";
import { round4 } from "./metrics.js";

/** A run's per-question scores with the question ids they belong to (same order). */
export interface ScoredRun {
  name: string;
  ids: readonly string[];
  scores: QuestionScores;
  /** IRCoT runs: reasoning calls, steps per question, conclusions (from the stored traces). */
  ircot?: IrcotUsage;
  /** Stored runs: what the numbers do not show (eval/run-notes.ts). */
  notes?: string[];
  /** Retrieved from an index that has changed since (the notes say why); the name stays the run's own. */
  stale?: boolean;
  /** Stored runs: the run label alone (`name` may add the indexes), and the indexes its scored rankings come from. */
  run?: string;
  indexes?: string[];
}

/** Run A against run B on the questions both answered, as the paper's † (bootstrap p < 0.05). */
export interface RunComparison {
  a: string;
  b: string;
  /** Questions scored in both runs: the pairs that are resampled. */
  count: number;
  /** Mean paired difference A − B per metric (Recall@k only for k within both runs' top-k), 4 dp. */
  recall?: Record<string, number>;
  em?: number;
  f1?: number;
  /** 95% percentile-bootstrap interval of each difference. */
  ci95: MetricIntervals;
  /** One-sided paired bootstrap p-value: the share of resamples in which A − B ≤ 0. */
  p: PerMetric<number>;
  /** The resamples behind p: it moves in steps of 1/resamples, so 0 means "below 1/resamples". */
  resamples?: number;
}

export function compareRuns(a: ScoredRun, b: ScoredRun, options: BootstrapOptions): RunComparison {
  const positionInB = new Map(b.ids.map((id, i) => [id, i]));
  const pairs: [number, number][] = [];
  a.ids.forEach((id, i) => {
    const j = positionInB.get(id);
    if (j !== undefined) pairs.push([i, j]);
  });
  if (pairs.length === 0) throw usageError(`runs "${a.name}" and "${b.name}" have no question in common`, "compare two runs retrieved for the same dataset");
  const columnsB = new Map(metricColumns(b.scores).map((c) => [c.name, c.values]));
  const names: string[] = [];
  const differences: Float64Array[] = [];
  for (const { name, values } of metricColumns(a.scores)) {
    const other = columnsB.get(name);
    if (!other) continue; // e.g. QA scored in one run only, or Recall@k beyond the other run's top-k
    names.push(name);
    differences.push(Float64Array.from(pairs, ([i, j]) => values[i]! - other[j]!));
  }
  if (names.length === 0) return { a: a.name, b: b.name, count: pairs.length, ci95: {}, p: {}, resamples: options.resamples };
  const summaries = bootstrapMeans(differences, options);
  const means = perMetric(names, differences.map((d) => round4(d.reduce((sum, x) => sum + x, 0) / d.length)));
  return { a: a.name, b: b.name, count: pairs.length, ...means, ci95: perMetric(names, summaries.map(roundInterval)), p: perMetric(names, summaries.map((s) => s.atOrBelowZero)), resamples: options.resamples };
}
