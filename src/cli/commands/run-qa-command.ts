import { ircotAnswerBase } from "../../retrieval/ircot/store-ircot-answers.js";
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
  answersOut?: string;
}

/** Questions shown with their answers in the text output (all go to --answers-out and --json). */
const SHOWN_ANSWERS = 5;

/** `hipporag qa`: returns the exit code (only cli/main.ts ends the process). */
export async function runQaCommand(common: ResolvedCommon, raw: QaOptions, output: Output): Promise<number> {
  const { loadCommandDataset } = await import("../load-command-dataset.js");
  const { openHippo } = await import("../open-hippo.js");
  const { evaluateRun } = await import("../../eval/run-eval.js");
  const { formatEvalTable } = await import("../../eval/format-eval-report.js");
  const { loadAnswers, questionKey, storedRuns } = await import("../../retrieval/retrieval-store.js");
  const { usageError } = await import("../../core/errors.js");
  const { checkOutputFile } = await import("../output-path.js");
  checkOutputFile("--answers-out", raw.answersOut);
  const dataset = await loadCommandDataset(common, output, { embeddingName: raw.embeddingName, requireQuestions: true });
  // The run's answers, question by question (what the scores are computed from), for people and files.
  const answersOf = async (name: string) => {
    const stored = loadAnswers(hippo.workspace, name);
    const answers = dataset.questions.map((q) => ({ id: q.id, question: q.question, answer: stored.get(questionKey(q.question))?.answer ?? null, gold: q.goldAnswers }));
    if (raw.answersOut) {
      const { writeOutputFile } = await import("../../core/write-output-file.js");
      writeOutputFile(raw.answersOut, `${JSON.stringify(answers, null, 1)}\n`);
    }
    return answers;
  };
  const showAnswers = async (answers: Awaited<ReturnType<typeof answersOf>>) => {
    const { formatTable } = await import("../output.js");
    const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
    const rows = answers.slice(0, SHOWN_ANSWERS).map((a) => [cut(a.question, 60), a.answer === null ? "(no answer)" : cut(a.answer, 40), cut(a.gold.join(" | "), 40)]);
    const more = answers.length > SHOWN_ANSWERS ? `\n… and ${answers.length - SHOWN_ANSWERS} more${raw.answersOut ? "" : " (--answers-out FILE writes them all)"}` : "";
    output.stdout(`${formatTable(["question", "answer", "gold"], rows)}${more}${raw.answersOut ? `\nanswers written to ${raw.answersOut}` : ""}\n`);
  };
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
    // A run of IRCoT's own answers holds the reasoner's: a reader's answers filed there would be scored as IRCoT's.
    const ircotBase = ircotAnswerBase(run);
    if (ircotBase !== undefined) {
      throw usageError(`run ${run} holds IRCoT's own answers of ${ircotBase} (qa --ircot-answer wrote it): the reader's answers are not filed there`, `qa --run ${ircotBase} --ircot-answer reads them again (retrieve ${ircotBase} again first to retry failed reasoning); qa --run ${ircotBase} has the reader answer`);
    }
    hippo.memoryIndex().assertFresh(dataset.passages.map((p) => p.id));
    if (raw.dryRun || raw.maxCost !== undefined) {
      const { checkMaxCost, planQa, printPlan } = await import("../dry-run.js");
      const plans = [planQa(hippo, run, dataset.questions)];
      if (raw.dryRun) {
        printPlan(plans, output, common.json);
        checkMaxCost(plans, raw.maxCost); // what the real run would refuse, the dry run says (exit 2)
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
      const answers = await answersOf(own.run);
      if (common.json) output.stdout(JSON.stringify({ run: own.run, answered: own.answered, unconcluded: own.unconcluded, failed: own.failed, ...report, answers }, null, 2));
      else {
        await showAnswers(answers);
        output.stdout(formatEvalTable([{ name: own.run, report }]));
        const failed = own.failed ? `, ${own.failed} without one because a reasoning call failed (retrieve ${run} again to retry ${own.failed === 1 ? "it" : "them"}, then qa --ircot-answer)` : "";
        output.stderr(`qa ${own.run}: IRCoT's own answers of ${run}; ${own.answered} concluded, ${own.unconcluded} reached the step limit without an answer (scored as empty)${failed}`);
      }
      return own.failed > 0 ? 5 : 0;
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
    const answers = await answersOf(run);
    const idOf = new Map(dataset.questions.map((q) => [questionKey(q.question), q.id]));
    const failures = outcome.failed.map((f) => ({ id: idOf.get(f.key) ?? f.key, error: f.error }));
    if (common.json) output.stdout(JSON.stringify({ run: run, answered: outcome.answered, reused: outcome.reused, recomputed: outcome.recomputed.reasons, failed: outcome.failed.length, ...(failures.length ? { failures } : {}), tokens: outcome.tokens, ...report, answers }, null, 2));
    else {
      await showAnswers(answers);
      output.stdout(formatEvalTable([{ name: run, report }]));
      const { reuseLine } = await import("../output.js");
      output.stderr(`qa ${run}: ${reuseLine(dataset.questions.length, "question", outcome.recomputed)}; ${outcome.answered} newly answered, ${outcome.failed.length} failed`);
      for (const f of failures.slice(0, 3)) output.stderr(`failed ${f.id}: ${f.error}`);
      if (outcome.failed.length > 3) output.stderr(`… and ${outcome.failed.length - 3} more`);
    }
    return outcome.failed.length > 0 ? 5 : 0;
  } finally {
    hippo.close();
  }
  return 0;
}
