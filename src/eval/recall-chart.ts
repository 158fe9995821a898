import type { NamedReport } from "./format-eval-report.js";
import { escapeHtml } from "./html.js";
import { RECALL_KS } from "./metrics.js";
import { paperValue, type PaperRow } from "./paper-numbers.js";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
/** Dash patterns by series, so that two identical curves still show both (with the small offset below). */
const DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 5"];
/** Vertical offset in px between series drawn at the same values; 2 px keeps both strokes visible. */
const SERIES_OFFSET = 2;
const LABEL_GAP = 11;

/**
 * The SVG Recall@k chart: one curve per run, drawn only up to the run's top-k (no carried-forward
 * values), and the paper's R@2/R@5 as hollow circles labelled in the chart by letter and value, with
 * the key (letter → system) in the right margin.
 */
export function recallChart(series: readonly NamedReport[], paper: { rows: readonly PaperRow[]; caption: string } | undefined): string {
  const width = 640;
  const margin = paper?.rows.length ? 330 : 20; // room for the key of the paper's points
  const height = 340;
  const pad = 48;
  const ks = RECALL_KS;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / (ks.length - 1);
  const y = (v: number) => height - pad - (v / 100) * (height - 2 * pad);
  const shown = series.filter((r) => r.report.recall);
  const parts: string[] = [];
  parts.push(...ks.map((k, i) => `<text x="${x(i)}" y="${height - pad + 16}" font-size="11" text-anchor="middle">${k}</text>`));
  parts.push(...[0, 25, 50, 75, 100].map((v) => `<line x1="${pad}" x2="${width - pad}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${pad - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v}</text>`));
  shown.forEach((r, s) => {
    const color = COLORS[s % COLORS.length]!;
    const dash = DASHES[s % DASHES.length]!;
    const dy = (s - (shown.length - 1) / 2) * SERIES_OFFSET;
    const points = ks.flatMap((k, i) => (r.report.recall![String(k)] === undefined ? [] : [[x(i), y(100 * r.report.recall![String(k)]!) + dy] as const]));
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""} points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")}"/>`);
    parts.push(...points.map(([px, py]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="2.5" fill="${color}"/>`));
    // legend top left inside the plot, rather than end-of-line labels, which collide when lines meet
    const ly = pad - 20 + s * 14;
    parts.push(`<line x1="${pad + 10}" x2="${pad + 34}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/><text x="${pad + 38}" y="${ly + 4}" font-size="11">${escapeHtml(r.name)}</text>`);
  });
  if (paper && paper.rows.length) {
    const letters = paper.rows.map((_, i) => String.fromCharCode(65 + i));
    for (const [column, key, side] of [[1, "recall2", -1], [2, "recall5", 1]] as const) {
      const marks = paper.rows.flatMap((row, i) => (row[key] === undefined ? [] : [{ letter: letters[i]!, value: row[key]!, system: row.system }])).sort((a, b) => b.value - a.value);
      let previous = -Infinity;
      for (const mark of marks) {
        const cy = y(mark.value);
        const labelY = Math.max(cy + 4, previous + LABEL_GAP);
        previous = labelY;
        const lx = x(column) + side * 8;
        parts.push(`<circle cx="${x(column)}" cy="${cy.toFixed(1)}" r="4" fill="none" stroke="#555"><title>paper: ${escapeHtml(mark.system)} R@${ks[column]} ${paperValue(mark.value)}</title></circle>`);
        if (labelY - cy > 7) parts.push(`<line x1="${x(column)}" y1="${cy.toFixed(1)}" x2="${lx}" y2="${(labelY - 4).toFixed(1)}" stroke="#999" stroke-width="0.5"/>`);
        parts.push(`<text x="${lx}" y="${labelY.toFixed(1)}" font-size="10" fill="#333" text-anchor="${side < 0 ? "end" : "start"}" stroke="#fff" stroke-width="3" paint-order="stroke">${mark.letter} ${paperValue(mark.value)}</text>`);
      }
    }
    parts.push(`<text x="${width + 4}" y="${pad - 20}" font-size="11" font-weight="bold">${escapeHtml(paper.caption)}</text>`);
    paper.rows.forEach((row, i) => {
      const values = [row.recall2 !== undefined ? `R@2 ${paperValue(row.recall2)}` : "", row.recall5 !== undefined ? `R@5 ${paperValue(row.recall5)}` : ""].filter(Boolean).join(", ");
      parts.push(`<text x="${width + 4}" y="${pad - 4 + i * 14}" font-size="11">${letters[i]} ${escapeHtml(row.system)}: ${values}</text>`);
    });
  }
  parts.push(`<text x="${width / 2}" y="${height - 8}" font-size="12" text-anchor="middle">k (passages)</text><text x="14" y="${height / 2}" font-size="12" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">Recall@k (%)</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width + margin}" height="${height}" role="img" aria-label="Recall at k">${parts.join("")}</svg>`;
}
