import { Command } from "commander";
import { commonOptions, resolveCommon, type CommonOptions } from "../common-options.js";
import type { CommandContext } from "../register-commands.js";

interface EvalOptions extends CommonOptions {
  predictions?: string;
  run?: string;
}

export function evalCommand(context: CommandContext): Command {
  const command = new Command("eval")
    .description("score retrieval (Recall@k) and QA (EM, token F1) of stored runs or of a --predictions file")
    .option("--predictions <file>", "JSON array of {question|id, docs: [\"title\\ntext\", ...], answer?} from any system")
    .option("--run <name>", "score only this stored run");
  commonOptions(command).action(async (raw: EvalOptions) => {
    const common = resolveCommon(raw, "eval");
    const { runEval } = await import("../../eval/run-eval.js");
    const { formatEvalTable } = await import("../../eval/format-eval-report.js");
    const result = runEval({ ...common, predictions: raw.predictions, run: raw.run });
    if (common.json) {
      const bodies = result.reports.map(({ name, report }) => ({ run: name, ...report }));
      context.output.stdout(JSON.stringify(bodies.length === 1 ? bodies[0] : bodies, null, 2));
    } else {
      context.output.stdout(formatEvalTable(result.reports));
      if (result.written) context.output.stderr(`report: ${result.written.jsonPath} (+ .md)`);
    }
  });
  return command;
}
