import type { EvalReport } from "./evaluate.js";
import { evalMarkdown, type NamedReport } from "./format-eval-report.js";
import { RECALL_KS } from "./metrics.js";
import { paperNumbers } from "./paper-numbers.js";

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
  createdAt: string;
  settings: Record<string, unknown>;
  notes: string[];
  results: (NamedReport & { fallbacks?: Record<string, number> })[];
  stages: Record<string, Record<string, unknown>>;
  costs: StageCost[];
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

export function runMarkdown(report: RunReport): string {
  const parts = [evalMarkdown(`HippoRAG run: ${report.dataset}`, report.results, report.notes)];
  const paper = paperNumbers(report.dataset);
  if (paper) {
    parts.push(
      `## The paper's numbers: ${paper.name}`,
      "",
      paper.exact ? "Same dataset name as the paper's evaluation split." : `**Not the same split**: ${report.dataset} is not the paper's test set, so these numbers are context, not a target.`,
      "",
      "| system | R@2 | R@5 | F1 |",
      "|---|---:|---:|---:|",
      ...paper.rows.map((r) => `| ${r.system} | ${r.recall2 ?? "-"} | ${r.recall5 ?? "-"} | ${r.f1 ?? "-"} |`),
      "",
    );
  }
  if (report.costs.length) {
    parts.push("## LLM usage", "", "| stage | calls | tokens in | tokens out | est. USD |", "|---|---:|---:|---:|---:|");
    for (const c of report.costs) parts.push(`| ${c.stage} | ${c.calls} | ${c.promptTokens} | ${c.completionTokens} | ${c.estimatedUsd ?? "n/a"} |`);
    parts.push("");
  }
  parts.push("## Timings", "", ...Object.entries(report.timingsMs).map(([k, v]) => `- ${k}: ${(v / 1000).toFixed(1)} s`), "");
  return parts.join("\n");
}

/** A self-contained HTML page: the result table and an SVG chart of Recall@k per run, with the paper's R@2/R@5. */
export function runHtml(report: RunReport): string {
  const width = 640;
  const height = 320;
  const pad = 48;
  const ks = RECALL_KS;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / (ks.length - 1);
  const y = (v: number) => height - pad - (v / 100) * (height - 2 * pad);
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
  const series = report.results.filter((r) => r.report.recall);
  const lines = series.map((r, s) => {
    const points = ks.map((k, i) => `${x(i).toFixed(1)},${y(100 * (r.report.recall![String(k)] ?? 0)).toFixed(1)}`).join(" ");
    // legend (top left, inside the plot) rather than end-of-line labels, which collide when lines meet
    return `<polyline fill="none" stroke="${colors[s % colors.length]}" stroke-width="2" points="${points}"/>` +
      `<line x1="${pad + 10}" x2="${pad + 28}" y1="${pad - 20 + s * 14}" y2="${pad - 20 + s * 14}" stroke="${colors[s % colors.length]}" stroke-width="2"/>` +
      `<text x="${pad + 32}" y="${pad - 16 + s * 14}" font-size="11">${escapeHtml(r.name)}</text>`;
  });
  const paper = paperNumbers(report.dataset);
  const marks = (paper?.rows ?? []).flatMap((row) =>
    [[1, row.recall2], [2, row.recall5]].filter(([, v]) => v !== undefined).map(([i, v]) =>
      `<g><circle cx="${x(i!)}" cy="${y(v!)}" r="4" fill="none" stroke="#555"/><title>paper: ${escapeHtml(row.system)} R@${ks[i!]} ${v}</title></g>`,
    ),
  );
  const paperTable = paper
    ? `<h2>The paper's numbers: ${escapeHtml(paper.name)}</h2><table><tr><th>system</th><th>R@2</th><th>R@5</th><th>F1</th></tr>${paper.rows.map((r) => `<tr><td>${escapeHtml(r.system)}</td><td>${r.recall2 ?? "-"}</td><td>${r.recall5 ?? "-"}</td><td>${r.f1 ?? "-"}</td></tr>`).join("")}</table>`
    : "";
  const axis = ks.map((k, i) => `<text x="${x(i)}" y="${height - pad + 16}" font-size="11" text-anchor="middle">${k}</text>`).join("") +
    [0, 25, 50, 75, 100].map((v) => `<line x1="${pad}" x2="${width - pad}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${pad - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v}</text>`).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 120}" height="${height}" role="img" aria-label="Recall at k">${axis}${lines.join("")}${marks.join("")}<text x="${width / 2}" y="${height - 8}" font-size="12" text-anchor="middle">k (passages)</text><text x="14" y="${height / 2}" font-size="12" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">Recall@k (%)</text></svg>`;
  const rows = report.results.map((r) => `<tr><td>${escapeHtml(r.name)}</td>${[1, 2, 5, 10, 20].map((k) => `<td>${fmt(r.report.recall?.[String(k)])}</td>`).join("")}<td>${fmt(r.report.em)}</td><td>${fmt(r.report.f1)}</td></tr>`).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>HippoRAG run: ${escapeHtml(report.dataset)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:900px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}</style></head>
<body><h1>HippoRAG run: ${escapeHtml(report.dataset)}</h1><p>${report.notes.map(escapeHtml).join("<br>")}</p>
<table><tr><th>run</th><th>R@1</th><th>R@2</th><th>R@5</th><th>R@10</th><th>R@20</th><th>EM</th><th>F1</th></tr>${rows}</table>
<h2>Recall@k</h2>${svg}<p>${paper ? `Circles: the paper's R@2 and R@5 (hover for the system)${paper.exact ? "" : ", on the paper's test split, not this dataset"}.` : ""}</p>${paperTable}</body></html>
`;
}

function fmt(value: number | undefined): string {
  return value === undefined ? "-" : (100 * value).toFixed(1);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export type { EvalReport };
