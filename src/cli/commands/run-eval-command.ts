import { usageError } from "../../core/errors.js";
import { resolveBootstrap } from "../bootstrap-options.js";
import type { CommonOptions } from "../common-options.js";
import type { ResolvedCommon } from "../common-options.js";
import { checkDefaultWorkspace } from "../other-chunkings.js";
import { plural, type Output } from "../output.js";

export interface EvalOptions extends CommonOptions {
  corpus?: string;
  questions?: string;
  predictions?: string;
  run?: string;
  compare?: string[];
  bootstrap: number;
  seed: number;
}

/** `hipporag eval`: returns the exit code (only cli/main.ts ends the process). */
export async function runEvalCommand(common: ResolvedCommon, raw: EvalOptions, output: Output): Promise<number> {
  if (raw.compare && raw.compare.length !== 2) throw usageError(`--compare takes two run names, got ${raw.compare.length}`, "e.g. --compare hipporag2-nofilter dense");
  if (!raw.predictions) checkDefaultWorkspace(common, true, false); // a predictions file needs no workspace
  const { runEval } = await import("../../eval/run-eval.js");
  const { bootstrapNote, formatComparisonTable, formatEvalTable, formatIntervalTable, metricsOf } = await import("../../eval/format-eval-report.js");
  const result = runEval({ ...common, predictions: raw.predictions, run: raw.run, compare: raw.compare as [string, string] | undefined, bootstrap: resolveBootstrap(raw) });
  // The dataset's notes (a subset of predictions, gold nothing matches) go with every run's own in JSON.
  const shared = result.notes.filter((note) => !result.reports.some((r) => r.notes?.includes(note)));
  const bodies = result.reports.map(({ name, report, ircot, notes: own, stale }) => {
    const notes = [...shared, ...(own ?? [])];
    return { run: name, ...(stale ? { stale } : {}), ...report, ...(ircot ? { ircot } : {}), ...(notes.length ? { notes } : {}) };
  });
  if (common.json) {
    const [comparison] = result.comparisons;
    const out = comparison ? { ...comparison, bootstrap: result.bootstrap, reports: bodies } : bodies.length === 1 ? bodies[0] : bodies;
    output.stdout(JSON.stringify(out, null, 2));
  } else {
    output.stdout(formatEvalTable(result.reports));
    // No metric to score (no gold passages, no answers): the notes below say why; no empty interval table.
    if (metricsOf(result.reports.map((r) => r.report)).length > 0) output.stdout(`\n${formatIntervalTable(result.reports)}`);
    for (const comparison of result.comparisons) output.stdout(`\n${comparison.a} vs ${comparison.b} (paired, ${plural(comparison.count, "question")})\n${formatComparisonTable(comparison, result.reports)}`);
    output.stdout(`\n${bootstrapNote(result.bootstrap, result.comparisons.length > 0)}`);
    for (const note of result.notes) output.stderr(`note: ${note}`);
    if (result.written) output.stderr(`report: ${result.written.markdownPath} (+ .json, .html; index: ${result.written.indexPath})`);
  }
  return 0;
}
