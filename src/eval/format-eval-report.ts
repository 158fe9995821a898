import { formatTable } from "../core/format-table.js";
import type { EvalReport } from "./evaluate.js";
import { RECALL_KS } from "./metrics.js";

export interface NamedReport {
  name: string;
  report: EvalReport;
}

/** Header and rows shared by the text table and the Markdown table: Recall@k (%), then EM and F1 (%). */
function evalRows(rows: readonly NamedReport[]): { header: string[]; body: (string | number)[][] } {
  const ks = RECALL_KS.filter((k) => rows.some((row) => row.report.recall?.[String(k)] !== undefined));
  const hasQa = rows.some((row) => row.report.em !== undefined);
  const header = ["run", "n", ...ks.map((k) => `R@${k}`), ...(hasQa ? ["EM", "F1"] : [])];
  const body = rows.map(({ name, report }) => [
    name,
    report.count,
    ...ks.map((k) => pct(report.recall?.[String(k)])),
    ...(hasQa ? [pct(report.em), pct(report.f1)] : []),
  ]);
  return { header, body };
}

export function formatEvalTable(rows: readonly NamedReport[]): string {
  const { header, body } = evalRows(rows);
  return formatTable(header, body);
}

export function evalMarkdown(title: string, rows: readonly NamedReport[], notes: readonly string[] = []): string {
  const { header, body } = evalRows(rows);
  const lines = [
    `# ${title}`,
    "",
    "Percentages: passage Recall@k, exact match and token F1, means over questions (upstream definitions).",
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...body.map((row) => `| ${row.join(" | ")} |`),
    ...(notes.length ? ["", ...notes.map((note) => `- ${note}`)] : []),
    "",
  ];
  return lines.join("\n");
}

function pct(value: number | undefined): string {
  return value === undefined ? "-" : (value * 100).toFixed(1);
}
