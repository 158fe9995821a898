import type { BootstrapOptions } from "./bootstrap-means.js";
import type { RunComparison } from "./compare-runs.js";
import type { EvalReport } from "./evaluate.js";
import { evalHtmlBody } from "./eval-html.js";
import { evalMarkdown, markdownTable, type NamedReport } from "./format-eval-report.js";
import { escapeHtml, htmlList, htmlPage, htmlTable } from "./html.js";
import { paperNumbers, paperValue } from "./paper-numbers.js";
import { recallChart } from "./recall-chart.js";
import type { DatasetSource } from "../datasets/dataset-source.js";

export interface StageCost {
  stage: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** USD at list prices, when the model's price is known. */
  estimatedUsd?: number;
}

export interface RunReport {
  dataset: string;
  /** Where the run read the dataset (for `hipporag report`). */
  source?: DatasetSource;
  createdAt: string;
  settings: Record<string, unknown>;
  notes: string[];
  /** Things that make the numbers incomplete (e.g. passages left out of a partial index); shown first. */
  warnings?: string[];
  results: (NamedReport & { fallbacks?: Record<string, number> })[];
  /** The HippoRAG run against each baseline: paired differences with intervals and p. */
  comparisons?: RunComparison[];
  bootstrap?: BootstrapOptions;
  stages: Record<string, Record<string, unknown>>;
  /** Per run, the questions whose QA failed in this run (id and error): retried by the next one. */
  qaFailures?: Record<string, { id: string; error: string }[]>;
  /** The LLM usage of this run: the replies it stored (cached replies cost nothing). */
  costs: StageCost[];
  /** Every reply the workspace holds, each paid once, whichever run asked for it. */
  workspaceCosts?: StageCost[];
  timingsMs: Record<string, number>;
}

/** List prices per million tokens (input, output), USD; unknown and local models have none. */
const PRICES: [RegExp, number, number][] = [
  [/^gpt-4o-mini/, 0.15, 0.6],
  [/^gpt-4o/, 2.5, 10],
  [/^gpt-4\.1-mini/, 0.4, 1.6],
  [/^gpt-4\.1-nano/, 0.1, 0.4],
  [/^gpt-4\.1/, 2, 8],
  [/^gpt-3\.5-turbo/, 0.5, 1.5],
];

export function estimateUsd(model: string, promptTokens: number, completionTokens: number): number | undefined {
  const price = PRICES.find(([pattern]) => pattern.test(model));
  return price ? Math.round(((promptTokens * price[1] + completionTokens * price[2]) / 1e6) * 10_000) / 10_000 : undefined;
}

/**
 * The report's sections after the result tables, as (heading, intro, table) so that Markdown and HTML
 * are rendered from the same content and cannot drift apart.
 */
interface Section {
  heading: string;
  intro?: string;
  header?: string[];
  body?: (string | number)[][];
  list?: string[];
  /** Text columns (settings, stage counts as key/value): left-aligned in Markdown. */
  leftAligned?: boolean;
}


function sections(report: RunReport): Section[] {
  const out: Section[] = [];
  const paper = paperNumbers(report.dataset);
  if (paper) {
    out.push({
      heading: `The paper's numbers: ${paper.name}`,
      intro: paper.exact ? "Same dataset name as the paper's evaluation split." : `Not the same split: ${report.dataset} is not the paper's test set, so these numbers are context, not a target.`,
      header: ["system", "R@2", "R@5", "EM", "F1"],
      body: paper.rows.map((r) => [r.system, ...[r.recall2, r.recall5, r.em, r.f1].map(paperValue)]),
    });
  }
  const usage = (costs: StageCost[]) => costs.map((c) => [c.stage, c.calls, c.promptTokens, c.completionTokens, c.estimatedUsd ?? "n/a"]);
  out.push({
    heading: "LLM usage of this run (the replies it stored; cached ones cost nothing)",
    header: ["stage", "calls", "tokens in", "tokens out", "est. USD"],
    body: report.costs.length ? usage(report.costs) : [["none: every reply came from the workspace's cache", "", "", "", ""]],
  });
  if (report.workspaceCosts?.length) {
    out.push({ heading: "LLM usage of the workspace (every stored reply, each paid once, whichever run asked for it)", header: ["stage", "calls", "tokens in", "tokens out", "est. USD"], body: usage(report.workspaceCosts) });
  }
  const fallbacks = report.results.filter((r) => r.fallbacks && Object.keys(r.fallbacks).length);
  const ircot = report.results.filter((r) => r.ircot);
  if (ircot.length) {
    out.push({
      heading: "IRCoT",
      header: ["run", "questions", "reasoning calls", "max per question", "steps per question", "concluded", "failed"],
      body: ircot.map((r) => [r.name, r.ircot!.questions, r.ircot!.calls, r.ircot!.maxCallsPerQuestion, r.ircot!.meanSteps.toFixed(2), r.ircot!.concluded, r.ircot!.failed]),
    });
  }
  // "ircot-error" is no dense fallback: IRCoT's reasoning stopped early and the ranking so far was kept.
  if (fallbacks.length) out.push({ heading: "Fallbacks (dense ranking; ircot-error: IRCoT's ranking so far)", list: fallbacks.map((r) => `${r.name}: ${Object.entries(r.fallbacks!).map(([k, v]) => `${v} ${k}`).join(", ")}`) });
  for (const [stage, stats] of Object.entries(report.stages)) {
    out.push({ heading: `Stage: ${stage}`, header: ["", "value"], body: valueRows(stats), leftAligned: true });
  }
  out.push({ heading: "Settings", header: ["setting", "value"], body: valueRows(report.settings), leftAligned: true });
  out.push({ heading: "Timings", list: Object.entries(report.timingsMs).map(([k, v]) => `${k}: ${(v / 1000).toFixed(1)} s`) });
  return out;
}

/**
 * A record as table rows for people: a nested record one row per field ("llm.openie"), a list as
 * its items, null or an empty list as "none"; an undefined field is left out.
 */
function valueRows(record: Record<string, unknown>, prefix = ""): string[][] {
  return Object.entries(record).flatMap(([key, value]): string[][] => {
    const name = `${prefix}${key}`;
    if (value === undefined) return [];
    if (value === null || (Array.isArray(value) && value.length === 0)) return [[name, "none"]];
    if (Array.isArray(value)) return [[name, value.map((item) => (typeof item === "object" && item !== null ? JSON.stringify(item) : String(item))).join(", ")]];
    if (typeof value === "object") return valueRows(value as Record<string, unknown>, `${name}.`);
    return [[name, String(value)]];
  });
}

export function runMarkdown(report: RunReport): string {
  const warnings = (report.warnings ?? []).map((w) => `**Warning:** ${w}`);
  const parts = [evalMarkdown(`HippoRAG run: ${report.dataset}`, report.results, { notes: [...warnings, ...report.notes], comparisons: report.comparisons, bootstrap: report.bootstrap })];
  for (const s of sections(report)) {
    parts.push(`## ${s.heading}`, "");
    if (s.intro) parts.push(s.intro, "");
    if (s.header) parts.push(...markdownTable(s.header, s.body ?? [], s.leftAligned), "");
    if (s.list) parts.push(...s.list.map((item) => `- ${item}`), "");
  }
  return parts.join("\n");
}

/** A self-contained HTML page with everything the Markdown has, plus the Recall@k chart. */
export function runHtml(report: RunReport): string {
  const paper = paperNumbers(report.dataset);
  const caption = paper ? `The paper${paper.exact ? "" : " (its test split)"}:` : "";
  const body = [
    htmlList(report.warnings ?? [], "warn"),
    evalHtmlBody(report.results, { notes: report.notes, comparisons: report.comparisons, bootstrap: report.bootstrap }),
    "<h2>Recall@k</h2>",
    recallChart(report.results, paper ? { rows: paper.rows, caption } : undefined),
    `<p>Curves stop at each run's top-k. ${paper ? "Circles: the paper's R@2 and R@5, labelled by letter (key at the right)." : ""}</p>`,
    ...sections(report).map((s) =>
      [`<h2>${escapeHtml(s.heading)}</h2>`, s.intro ? `<p>${escapeHtml(s.intro)}</p>` : "", s.header ? htmlTable(s.header, s.body ?? []) : "", s.list ? htmlList(s.list) : ""].join(""),
    ),
  ];
  return htmlPage(`HippoRAG run: ${report.dataset}`, body.join("\n"));
}

export type { EvalReport };
