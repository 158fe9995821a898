/** Where commands write: machine output to stdout, people-facing lines to stderr. Swappable in tests. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

// The table formatter lives in core so that src/eval can use it; commands keep importing it from here.
export { formatNumber, formatTable } from "../core/format-table.js";
/** "1 question", "2 questions". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** One line on what a stage reused and recomputed, and why: "50 questions: 38 reused, 12 recomputed (12 question text changed)". */
export function reuseLine(total: number, noun: string, tally: { reused: number; recomputed: number; describe(): string }): string {
  const recomputed = tally.recomputed ? `, ${tally.recomputed} computed (${tally.describe()})` : "";
  // Results are kept per distinct text: repeated questions share one, so the counts add up to that.
  const distinct = tally.reused + tally.recomputed;
  return `${plural(total, noun)}${distinct < total ? ` (${distinct} distinct)` : ""}: ${tally.reused} reused${recomputed}`;
}
