/** Where commands write: machine output to stdout, people-facing lines to stderr. Swappable in tests. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** A plain text table with right-aligned numbers, for people. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header.map(String), ...rows.map((row) => row.map((cell) => (typeof cell === "number" ? formatNumber(cell) : cell)))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const isNumeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number"));
  const render = (row: readonly string[]) =>
    row.map((cell, column) => (isNumeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd();
  return [render(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(render)].join("\n");
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(4);
}

/** "1 question", "2 questions". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** One line on what a stage reused and recomputed, and why: "50 questions: 38 reused, 12 recomputed (12 question text changed)". */
export function reuseLine(total: number, noun: string, tally: { reused: number; recomputed: number; describe(): string }): string {
  const recomputed = tally.recomputed ? `, ${tally.recomputed} computed (${tally.describe()})` : "";
  return `${plural(total, noun)}: ${tally.reused} reused${recomputed}`;
}
