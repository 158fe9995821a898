import { Command } from "commander";
import { usageError } from "../../core/errors.js";
import { bootstrapOptions, resolveBootstrap } from "../bootstrap-options.js";
import { commonOptions, resolveCommon, type CommonOptions } from "../common-options.js";
import type { CommandContext } from "../command-context.js";

interface EvalOptions extends CommonOptions {
  predictions?: string;
  run?: string;
  compare?: string[];
  bootstrap: number;
  seed: number;
}

export function evalCommand(context: CommandContext): Command {
  const command = new Command("eval")
    .description("score retrieval (Recall@k) and QA (EM, token F1) of stored runs or of a --predictions file, with 95% bootstrap intervals")
    .option("--predictions <file>", "JSON array of {question|id, docs: [\"title\\ntext\", ...], answer?} from any system")
    .option("--run <name>", "score only this stored run")
    .option("--compare <runs...>", "two stored runs A B: the paired difference A − B per metric, its 95% interval and one-sided p");
  bootstrapOptions(commonOptions(command)).action(async (raw: EvalOptions) => {
    const common = resolveCommon(raw, "eval");
    if (raw.compare && raw.compare.length !== 2) throw usageError(`--compare takes two run names, got ${raw.compare.length}`, "e.g. --compare hipporag2-nofilter dense");
    const { runEval } = await import("../../eval/run-eval.js");
    const { bootstrapNote, formatComparisonTable, formatEvalTable, formatIntervalTable } = await import("../../eval/format-eval-report.js");
    const result = runEval({ ...common, predictions: raw.predictions, run: raw.run, compare: raw.compare as [string, string] | undefined, bootstrap: resolveBootstrap(raw) });
    const bodies = result.reports.map(({ name, report, ircot }) => ({ run: name, ...report, ...(ircot ? { ircot } : {}) }));
    if (common.json) {
      const [comparison] = result.comparisons;
      const out = comparison ? { ...comparison, bootstrap: result.bootstrap, reports: bodies } : bodies.length === 1 ? bodies[0] : bodies;
      context.output.stdout(JSON.stringify(out, null, 2));
    } else {
      context.output.stdout(formatEvalTable(result.reports));
      context.output.stdout(`\n${formatIntervalTable(result.reports)}`);
      for (const comparison of result.comparisons) context.output.stdout(`\n${comparison.a} vs ${comparison.b} (paired, ${comparison.count} questions)\n${formatComparisonTable(comparison, result.reports)}`);
      context.output.stdout(`\n${bootstrapNote(result.bootstrap)}`);
      if (result.written) context.output.stderr(`report: ${result.written.markdownPath} (+ .json, .html; index: ${result.written.indexPath})`);
    }
  });
  return command;
}
