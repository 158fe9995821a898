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
