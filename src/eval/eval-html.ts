import { bootstrapNote, comparisonRows, evalRows, MISSING, pairingNote, type EvalMarkdownOptions, type NamedReport } from "./format-eval-report.js";
import { escapeHtml, htmlList, htmlPage, htmlTable } from "./html.js";
import { plural } from "../core/plural.js";

/** The HTML twin of evalMarkdown: the same tables, notes and comparisons. */
export function evalHtml(title: string, rows: readonly NamedReport[], options: EvalMarkdownOptions = {}): string {
  return htmlPage(title, evalHtmlBody(rows, options));
}

export function evalHtmlBody(rows: readonly NamedReport[], options: EvalMarkdownOptions = {}): string {
  const { header, body } = evalRows(rows, true);
  const parts = [
    `<p>Percentages: passage Recall@k, exact match and token F1, means over questions (upstream definitions)${options.bootstrap ? ", with 95% bootstrap intervals" : ""}. ${MISSING}: Recall@k beyond the run's top-k, or no answers.</p>`,
    htmlTable(header, body),
    htmlList(options.notes ?? [], "warn"),
  ];
  for (const comparison of options.comparisons ?? []) {
    const table = comparisonRows(comparison, rows);
    const note = pairingNote(comparison, rows);
    parts.push(`<h2>${escapeHtml(`${comparison.a} vs ${comparison.b} (paired, ${plural(comparison.count, "question")})`)}</h2>`, htmlTable(table.header, table.body), ...(note ? [`<p>${escapeHtml(note)}</p>`] : []));
  }
  if (options.bootstrap) parts.push(`<p>${escapeHtml(bootstrapNote(options.bootstrap, Boolean(options.comparisons?.length)))}</p>`);
  return parts.join("\n");
}
