import { plural } from "../core/plural.js";

/** Where commands write: machine output to stdout, people-facing lines to stderr. Swappable in tests. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/**
 * A failed write to stdout or stderr is an unhandled 'error' event (a stack trace, exit 1) unless
 * someone listens. A reader that closes the pipe early (`hipporag eval | head -1`: EPIPE) only loses
 * what it did not read: the work is stored, so the command ends as it would, with its own exit code.
 * Any other failure (a full device: `> /dev/full`) ends it at once with one line and exit 4, as a
 * workspace that cannot be written does; what was stored before stays.
 */
export function handleOutputErrors(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount("error") > 0) continue;
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") return;
      const reason = error.code === "ENOSPC" ? "no space left on device" : error.message;
      if (stream === process.stdout) process.stderr.write(`error: cannot write the command's output: ${reason} (${error.code ?? "error"}) (hint: write it where there is room, e.g. > file on another disk)\n`);
      process.exit(4);
    });
  }
}

// The table formatter lives in core so that src/eval can use it; commands keep importing it from here.
export { formatNumber, formatTable } from "../core/format-table.js";
export { plural };

/** One line on what a stage reused and recomputed, and why: "50 questions: 38 reused, 12 recomputed (12 question text changed)". */
export function reuseLine(total: number, noun: string, tally: { reused: number; recomputed: number; describe(): string }): string {
  const recomputed = tally.recomputed ? `, ${tally.recomputed} computed (${tally.describe()})` : "";
  // Results are kept per distinct text: repeated questions share one, so the counts add up to that.
  const distinct = tally.reused + tally.recomputed;
  return `${plural(total, noun)}${distinct < total ? ` (${distinct} distinct)` : ""}: ${tally.reused} reused${recomputed}`;
}
