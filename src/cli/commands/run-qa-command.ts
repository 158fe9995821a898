import { type CorpusCliOptions } from "../corpus-options.js";
import { type PlanCliOptions, isQuiet, type CommonOptions } from "../common-options.js";
import { type EmbeddingCliOptions } from "../embedding-options.js";
import { type LlmOptions, type StageLlmCliOptions } from "../llm-options.js";
import type { ResolvedCommon } from "../common-options.js";
import type { Output } from "../output.js";

export interface QaOptions extends CommonOptions, PlanCliOptions, CorpusCliOptions, LlmOptions, StageLlmCliOptions, EmbeddingCliOptions {
  run?: string;
  qaTopK: number;
  ircotAnswer?: boolean;
}

/** `hipporag qa`: returns the exit code (only cli/main.ts ends the process). */
export async function runQaCommand(common: ResolvedCommon, raw: QaOptions, output: Output): Promise<number> {
  const { loadCommandDataset } = await import("../load-command-dataset.js");
  const { openHippo } = await import("../open-hippo.js");
  const { evaluateRun } = await import("../../eval/run-eval.js");
  const { formatEvalTable } = await import("../../eval/format-eval-report.js");
  const { storedRuns } = await import("../../retrieval/retrieval-store.js");
  const { usageError } = await import("../../core/errors.js");
  const dataset = await loadCommandDataset(common, output, { embeddingName: raw.embeddingName, requireQuestions: true });
  const hippo = await openHippo(common, raw, {}, { qaTopK: raw.qaTopK, mustExist: true });
  try {
    const runs = storedRuns(hippo.workspace);
    // Without --run: the default HippoRAG 2 run, else the one HippoRAG 2 run there is (a graph-only
    // workspace holds hipporag2-nofilter, not hipporag2).
    const hipporagRuns = runs.filter((r) => r.startsWith("hipporag2"));
    const run = raw.run ?? (runs.includes("hipporag2") ? "hipporag2" : hipporagRuns.length === 1 ? hipporagRuns[0]! : undefined);
    if (!run) throw usageError(`no --run given and ${hipporagRuns.length ? `several HippoRAG 2 runs are stored (${hipporagRuns.join(", ")})` : `no HippoRAG 2 run is stored (have: ${runs.join(", ") || "none"})`}`, "pick one with --run, or run hipporag retrieve first");
    if (!runs.includes(run)) {
      throw usageError(`no stored retrieval run "${run}" (have: ${runs.join(", ") || "none"})`, "run hipporag retrieve first, or pick a run with --run");
    }
    hippo.memoryIndex().assertFresh(dataset.passages.map((p) => p.id));
    if (raw.dryRun || raw.maxCost !== undefined) {
      const { checkMaxCost, planQa, printPlan } = await import("../dry-run.js");
      const plans = [planQa(hippo, run, dataset.questions, true)];
      if (raw.dryRun) {
        printPlan(plans, output, common.json);
        return 0;
      }
      checkMaxCost(plans, raw.maxCost);
    }
    hippo.workspace.acquireWriterLock("qa");
    if (raw.ircotAnswer) {
      // The answers are in the stored reasoning: nothing to ask, so no progress bar and no LLM.
      const { storeIrcotAnswersOf } = await import("../../experiment/stored-runs.js");
      const own = storeIrcotAnswersOf(hippo, run, dataset.questions);
      const report = evaluateRun(hippo.workspace, own.run, dataset.questions);
      if (common.json) output.stdout(JSON.stringify({ run: own.run, answered: own.answered, unconcluded: own.unconcluded, ...report }, null, 2));
      else {
        output.stdout(formatEvalTable([{ name: own.run, report }]));
        output.stderr(`qa ${own.run}: IRCoT's own answers of ${run}; ${own.answered} concluded, ${own.unconcluded} reached the step limit without an answer (scored as empty)`);
      }
      return 0;
    }
    const { createProgress } = await import("../../core/progress.js");
    const { answerStored } = await import("../../experiment/stored-runs.js");
    const progress = createProgress({ label: `qa ${run}`, total: dataset.questions.length, quiet: isQuiet(common) });
    const { installInterruptHandler } = await import("../interrupt.js");
    const interrupt = installInterruptHandler();
    const outcome = await answerStored(hippo, run, dataset.questions, (done) => progress.update(done), interrupt.signal).finally(() => {
      progress.stop();
      interrupt.dispose();
    });
    const report = evaluateRun(hippo.workspace, run, dataset.questions);
    if (common.json) output.stdout(JSON.stringify({ run: run, answered: outcome.answered, reused: outcome.reused, recomputed: outcome.recomputed.reasons, failed: outcome.failed.length, tokens: outcome.tokens, ...report }, null, 2));
    else {
      output.stdout(formatEvalTable([{ name: run, report }]));
      const { reuseLine } = await import("../output.js");
      output.stderr(`qa ${run}: ${reuseLine(dataset.questions.length, "question", outcome.recomputed)}; ${outcome.answered} answered, ${outcome.failed.length} failed`);
      const { questionKey } = await import("../../retrieval/retrieval-store.js");
      const idOf = new Map(dataset.questions.map((q) => [questionKey(q.question), q.id]));
      for (const f of outcome.failed.slice(0, 3)) output.stderr(`failed ${idOf.get(f.key) ?? f.key}: ${f.error}`);
      if (outcome.failed.length > 3) output.stderr(`… and ${outcome.failed.length - 3} more`);
    }
    return outcome.failed.length > 0 ? 5 : 0;
  } finally {
    hippo.close();
  }
  return 0;
}
