import type { IrcotUsage } from "../retrieval/ircot/ircot-usage.js";
import { formatTable } from "../core/format-table.js";
import type { BootstrapOptions } from "./bootstrap-means.js";
import type { RunComparison } from "./compare-runs.js";
import type { EvalReport } from "./evaluate.js";
import type { Interval, PerMetric } from "./metric-intervals.js";
import { RECALL_KS } from "./metrics.js";
import { plural } from "../core/plural.js";

export interface NamedReport {
  name: string;
  report: EvalReport;
  /** IRCoT runs: what the reasoning cost and did (retrieval/ircot/ircot-usage.ts). */
  ircot?: IrcotUsage;
  /** What the numbers do not show (eval/run-notes.ts): fallbacks, missing answers, a partial index. */
  notes?: string[];
  /** Retrieved from an index that has changed since: tables mark it "(stale)", JSON says `stale: true`. */
  stale?: boolean;
  /** Stored runs: the run label alone (`name` may add the indexes), and the indexes ("<openie>|<encoder>[|f16]") its rankings come from. */
  run?: string;
  indexes?: string[];
}

/** A run as tables show it: its name, and "(stale)" when it is not current. */
export function runLabel(report: Pick<NamedReport, "name" | "stale">): string {
  return report.stale ? `${report.name} (stale)` : report.name;
}

/** The paper's † threshold (Table 2: bootstrap p < 0.05 against NV-Embed-v2). */
export const SIGNIFICANCE = 0.05;
/** Shown for a metric a run does not have: Recall@k beyond its top-k, or EM/F1 without answers. */
export const MISSING = "–";

/** A metric of a report: Recall@k (with its k) or EM / F1. Means, intervals and p-values share its shape. */
interface Metric {
  label: string;
  /** The metric's value in any per-metric record: means (EvalReport, RunComparison), `ci95`, `p`. */
  get<T>(values: PerMetric<T> | undefined): T | undefined;
}

function recallMetric(k: number): Metric {
  return { label: `R@${k}`, get: (values) => values?.recall?.[String(k)] };
}

function answerMetric(name: "em" | "f1"): Metric {
  return { label: name.toUpperCase(), get: (values) => values?.[name] };
}

/** The metrics present in any of the reports, in report order: R@k by k, then EM and F1. */
export function metricsOf(reports: readonly PerMetric<number>[]): Metric[] {
  const ks = RECALL_KS.filter((k) => reports.some((r) => r.recall?.[String(k)] !== undefined));
  const metrics = ks.map(recallMetric);
  if (reports.some((r) => r.em !== undefined)) metrics.push(answerMetric("em"), answerMetric("f1"));
  return metrics;
}

export function pct(value: number | undefined): string {
  return value === undefined ? MISSING : (value * 100).toFixed(1);
}

/** A difference in points with its sign: "+12.7", "−0.3". */
export function signedPct(value: number | undefined): string {
  if (value === undefined) return MISSING;
  const text = (Math.abs(value) * 100).toFixed(1);
  return text === "0.0" ? "0.0" : `${value > 0 ? "+" : "−"}${text}`;
}

export function pctInterval(interval: Interval | undefined, signed = false): string {
  if (!interval) return "";
  const f = signed ? signedPct : pct;
  return `[${f(interval[0])}, ${f(interval[1])}]`;
}

/**
 * A bootstrap p-value as printed: below what its resamples can resolve (1/resamples, at best 0.001)
 * it is "<" that, so 20 resamples never claim "<0.001"; † marks p < 0.05.
 */
export function formatP(p: number | undefined, resamples?: number): string {
  if (p === undefined) return MISSING;
  const floor = Math.max(0.001, resamples ? 1 / resamples : 0);
  return `${p < floor ? `<${floor.toFixed(3)}` : p.toFixed(3)}${p < SIGNIFICANCE ? " †" : ""}`;
}

/** Header and rows of the means table: run, n, R@k…, EM, F1 (%), "–" where a run has no value. */
export function evalRows(rows: readonly NamedReport[], withIntervals = false): { header: string[]; body: (string | number)[][] } {
  const metrics = metricsOf(rows.map((r) => r.report));
  const header = ["run", "n", ...metrics.map((m) => m.label)];
  const body = rows.map((row) => [
    runLabel(row),
    row.report.count,
    ...metrics.map((m) => {
      const mean = m.get(row.report);
      const interval = withIntervals ? m.get(row.report.ci95) : undefined;
      return interval && mean !== undefined ? `${pct(mean)} ${pctInterval(interval)}` : pct(mean);
    }),
  ]);
  return { header, body };
}

/** The terminal's means table (one line per run, as before intervals existed). */
export function formatEvalTable(rows: readonly NamedReport[]): string {
  const { header, body } = evalRows(rows);
  return formatTable(header, body);
}

/** Intervals for the terminal, one line per metric so that several runs still fit in 80 columns. */
export function formatIntervalTable(rows: readonly NamedReport[]): string {
  const metrics = metricsOf(rows.map((r) => r.report));
  return formatTable(
    ["metric", ...rows.map((r) => `${runLabel(r)} (95% CI)`)],
    metrics.map((m) => [m.label, ...rows.map(({ report }) => { const mean = m.get(report); return mean === undefined ? MISSING : `${pct(mean)} ${pctInterval(m.get(report.ci95))}`; })]),
  );
}

/** One comparison A vs B: per metric both means, the paired difference, its interval and p (†: p < 0.05). */
export function comparisonRows(comparison: RunComparison, reports: readonly NamedReport[]): { header: string[]; body: string[][] } {
  const a = reports.find((r) => r.name === comparison.a)?.report;
  const b = reports.find((r) => r.name === comparison.b)?.report;
  const header = ["metric", comparison.a, comparison.b, `${comparison.a} − ${comparison.b}`, "95% CI", "p (one-sided)"];
  const body = metricsOf([comparison]).map((m) => [
    m.label,
    pct(m.get(a)),
    pct(m.get(b)),
    signedPct(m.get(comparison)),
    pctInterval(m.get(comparison.ci95), true),
    formatP(m.get(comparison.p), comparison.resamples),
  ]);
  return { header, body };
}

export function formatComparisonTable(comparison: RunComparison, reports: readonly NamedReport[]): string {
  const { header, body } = comparisonRows(comparison, reports);
  const note = pairingNote(comparison, reports);
  return `${formatTable(header, body)}${note ? `\n${note}` : ""}`;
}

/**
 * When the runs did not score the same questions, their columns (each run's own means) and the
 * paired difference are over different sets: said, or A − B looks like a miscalculation.
 */
export function pairingNote(comparison: RunComparison, reports: readonly NamedReport[]): string | undefined {
  const countOf = (name: string) => reports.find((r) => r.name === name)?.report.count;
  const a = countOf(comparison.a);
  const b = countOf(comparison.b);
  if (a === comparison.count && b === comparison.count) return undefined;
  return `${comparison.a} and ${comparison.b} are each run's means over its own questions (${a ?? "?"} and ${b ?? "?"}); ${comparison.a} − ${comparison.b}, its interval and p are over the ${comparison.count} questions both scored.`;
}

/** How intervals were computed; how p and † are read only where runs were compared (there is no p otherwise). */
export function bootstrapNote(bootstrap: BootstrapOptions, compared = false): string {
  const p = compared ? ` p: one-sided paired bootstrap, the share of resamples in which A − B ≤ 0; † marks p < ${SIGNIFICANCE}.` : "";
  return `95% intervals: percentile bootstrap over questions, ${bootstrap.resamples.toLocaleString("en-US")} resamples, seed ${bootstrap.seed} (xoshiro128**).${p}`;
}

/** A Markdown table; columns after the first are right-aligned (numbers) unless `leftAligned`. */
export function markdownTable(header: readonly string[], body: readonly (readonly (string | number)[])[], leftAligned = false): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 || leftAligned ? "---" : "---:")).join("|")}|`, ...body.map((row) => `| ${row.join(" | ")} |`)];
}

export interface EvalMarkdownOptions {
  notes?: readonly string[];
  comparisons?: readonly RunComparison[];
  bootstrap?: BootstrapOptions;
}

export function evalMarkdown(title: string, rows: readonly NamedReport[], options: EvalMarkdownOptions = {}): string {
  const { header, body } = evalRows(rows, true);
  const lines = [
    `# ${title}`,
    "",
    `Percentages: passage Recall@k, exact match and token F1, means over questions (upstream definitions)${options.bootstrap ? ", with 95% bootstrap intervals" : ""}. ${MISSING}: Recall@k beyond the run's top-k, or no answers.`,
    "",
    ...markdownTable(header, body),
    ...(options.notes?.length ? ["", ...options.notes.map((note) => `- ${note}`)] : []),
    "",
  ];
  for (const comparison of options.comparisons ?? []) {
    const table = comparisonRows(comparison, rows);
    const note = pairingNote(comparison, rows);
    lines.push(`## ${comparison.a} vs ${comparison.b} (paired, ${plural(comparison.count, "question")})`, "", ...markdownTable(table.header, table.body), "", ...(note ? [note, ""] : []));
  }
  if (options.bootstrap) lines.push(bootstrapNote(options.bootstrap, Boolean(options.comparisons?.length)), "");
  return lines.join("\n");
}
