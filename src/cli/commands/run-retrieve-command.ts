import { writeOutputFile } from "../../core/write-output-file.js";
import { usageError } from "../../core/errors.js";
import { evaluate } from "../../eval/evaluate.js";
import { formatEvalTable } from "../../eval/format-eval-report.js";
import type { RetrievedDocs } from "../../hipporag.js";
import { loadCommandDataset } from "../load-command-dataset.js";
import { isQuiet, type ResolvedCommon } from "../common-options.js";
import { createProgress } from "../../core/progress.js";
import { runLabel } from "../../hipporag.js";
import { installInterruptHandler } from "../interrupt.js";
import { openHippo } from "../open-hippo.js";
import { checkMaxCost, planRetrievals, printPlan } from "../dry-run.js";
import { checkOutputFile } from "../output-path.js";
import { formatTable, plural, reuseLine, type Output } from "../output.js";
import { resolveRetrieval, resolveRetrievalSweep } from "../retrieval-options.js";
import { partialLine } from "./run-index-command.js";
import type { EvalReport } from "../../eval/evaluate.js";
import type { CommonOptions, PlanCliOptions } from "../common-options.js";
import type { CorpusCliOptions } from "../corpus-options.js";
import type { LlmOptions, StageLlmCliOptions } from "../llm-options.js";
import type { EmbeddingCliOptions } from "../embedding-options.js";
import type { RetrievalCliOptions } from "../retrieval-options.js";

/** Options of the command, as commander parses them. */
export interface RetrieveOptions extends CommonOptions, PlanCliOptions, CorpusCliOptions, LlmOptions, StageLlmCliOptions, EmbeddingCliOptions, RetrievalCliOptions {
  explain?: string;
  predictionsOut?: string;
}
import { RETRIEVAL_METHODS } from "../../retrieval/method-registry.js";
import type { LlmFailure } from "../../retrieval/count-fallbacks.js";
import type { IrcotUsage } from "../../retrieval/ircot/ircot-usage.js";
import { planRetrieval, retrieveQuestions } from "../../experiment/stored-runs.js";

export async function runRetrieveCommand(common: ResolvedCommon, options: RetrieveOptions, output: Output): Promise<number> {
  // A comma list on a numeric option is a sweep: every combination is a stored run of its own.
  const sweep = resolveRetrievalSweep(options);
  // An empty question is no question: without this check `--explain ""` ran the whole dataset.
  if (options.explain !== undefined && options.explain.trim() === "") throw usageError("--explain needs a question, e.g. --explain \"Who wrote Hamlet?\"");
  if (options.explain !== undefined) resolveRetrieval(options, "--explain");
  if (options.predictionsOut) resolveRetrieval(options, "--predictions-out");
  checkOutputFile("--predictions-out", options.predictionsOut);
  const hippo = await openHippo(common, options, sweep[0]!, { mustExist: true });
  try {
    if (options.explain !== undefined) {
      const [result] = await hippo.retrieve([options.explain]);
      output.stdout(common.json ? JSON.stringify(result, null, 2) : explainText(result!));
      // A ranking an LLM failure cut short is not the method's answer: say so, and exit as a run with failures does.
      const failure = explainFailure(result!.trace);
      if (failure) output.stderr(failure);
      return failure ? 5 : 0;
    }
    const dataset = await loadCommandDataset(common, output, { embeddingName: options.embeddingName, requireQuestions: true });
    hippo.workspace.acquireWriterLock("retrieve");
    // Rankings of a corpus the index no longer matches would not be what a fresh workspace gives.
    hippo.memoryIndex().assertFresh(dataset.passages.map((p) => p.id));
    if (options.dryRun || options.maxCost !== undefined) {
      // what the real run refuses (the filter without an LLM), the dry run refuses too, where it has questions to retrieve
      for (const setting of sweep) {
        const plan = planRetrieval(hippo, dataset.questions, setting);
        if (plan.todo.length > 0) hippo.checkRetrievalLlms(plan.options);
      }
      const plans = await planRetrievals(hippo, dataset.questions, sweep);
      if (options.dryRun) {
        printPlan(plans, output, common.json);
        checkMaxCost(plans, options.maxCost); // what the real run would refuse, the dry run says (exit 2)
        return 0;
      }
      checkMaxCost(plans, options.maxCost);
    }
    const quiet = isQuiet(common);
    const interrupt = installInterruptHandler();
    const runs: { run: string; report: EvalReport; reused: number; recomputed: Record<string, number>; fallbacks: Record<string, number>; ircot?: IrcotUsage }[] = [];
    let llmErrors = 0;
    try {
      for (const retrieval of sweep) {
        const progress = createProgress({ label: `retrieve ${runLabel(retrieval)}`, total: dataset.questions.length, quiet });
        const { run, results, reused, recomputed, fallbacks, llmErrors: errors, ircot } = await retrieveQuestions(
          hippo, dataset.questions, retrieval, (done, todo) => progress.update(dataset.questions.length - todo + done), interrupt.signal)
          .finally(() => progress.stop());
        if (options.predictionsOut) {
          writeOutputFile(options.predictionsOut, JSON.stringify(dataset.questions.map((q) => ({ id: q.id, question: q.question, docs: results.get(q.id)!.docs, ...(results.get(q.id)!.metadata ? { metadata: results.get(q.id)!.metadata } : {}) })), null, 1));
        }
        const report = evaluate(dataset.questions.map((q) => ({ docs: results.get(q.id)!.docs, goldDocs: q.goldDocs, goldAnswers: q.goldAnswers })), { topK: retrieval.topK });
        runs.push({ run, report, reused, recomputed: recomputed.reasons, fallbacks, ...(ircot ? { ircot } : {}) });
        if (!common.json) {
          const fallbackText = Object.entries(fallbacks).filter(([k]) => k !== "ircot-error").map(([k, v]) => `${v} ${k}`).join(", ");
          output.stderr(`retrieve ${run}: ${reuseLine(dataset.questions.length, "question", recomputed)}${fallbackText ? `; dense fallback: ${fallbackText}` : ""}${options.predictionsOut ? `; wrote ${options.predictionsOut}` : ""}`);
          if (ircot) output.stderr(`IRCoT: ${ircot.calls} reasoning calls (at most ${ircot.maxCallsPerQuestion} per question), ${ircot.meanSteps.toFixed(2)} steps per question, ${ircot.concluded} of ${ircot.questions} concluded${ircot.failed ? `, ${ircot.failed} failed` : ""}; ${ircot.tokens.prompt} prompt + ${ircot.tokens.completion} completion tokens`);
        }
        llmErrors += reportLlmFallbacks(fallbacks, errors, output);
      }
    } finally {
      interrupt.dispose();
    }
    const partial = hippo.memoryIndex().excluded();
    if (partial.length && !common.json) output.stderr(partialLine(partial, dataset.passages));
    if (common.json) {
      const bodies = runs.map(({ run, reused, recomputed, fallbacks, report, ircot }) => ({ run, questions: dataset.questions.length, reused, recomputed, fallbacks, ...(ircot ? { ircot } : {}), ...(partial.length ? { partial: { excluded: partial.length } } : {}), ...report }));
      output.stdout(JSON.stringify(bodies.length === 1 ? bodies[0] : bodies, null, 2));
    } else output.stdout(formatEvalTable(runs.map(({ run, report }) => ({ name: run, report }))));
    return llmErrors > 0 || partial.length > 0 ? 5 : 0;
  } finally {
    hippo.close();
  }
}

/** Why an explained question's ranking is not the method's own (an LLM call failed), or undefined. */
function explainFailure(trace: RetrievedDocs["trace"]): string | undefined {
  if (trace.fallback === "filter-error") return "the filter LLM failed, so this ranking is the dense fallback; re-run to retry";
  if (trace.fallback === "ner-error") return "query NER failed, so this ranking is the dense fallback; re-run to retry";
  if (trace.ircot?.error !== undefined) return "an IRCoT reasoning call failed, so this ranking stops at the steps before it; re-run to retry";
  return undefined;
}

/** Says how many questions fell back to dense retrieval because an LLM call failed (retried on the next run); returns that count. */
export function reportLlmFallbacks(fallbacks: Record<string, number>, errors: Partial<Record<LlmFailure, string>>, output: Output): number {
  const filter = fallbacks["filter-error"] ?? 0;
  const ner = fallbacks["ner-error"] ?? 0;
  const ircot = fallbacks["ircot-error"] ?? 0;
  const first = (kind: LlmFailure) => (errors[kind] !== undefined ? ` (first: ${errors[kind]})` : "");
  if (ircot > 0) output.stderr(`${plural(ircot, "question")} stopped IRCoT early because a reasoning call failed${first("ircot-error")}; the ranking so far is stored; re-run to retry them`);
  if (filter > 0) output.stderr(`${plural(filter, "question")} fell back to dense retrieval because the filter LLM failed${first("filter-error")}; re-run to retry them`);
  if (ner > 0) output.stderr(`${plural(ner, "question")} fell back to dense retrieval because query NER failed${first("ner-error")}; re-run to retry them`);
  return filter + ner + ircot;
}

/**
 * A people-facing account of one retrieval: what was linked, kept, seeded and ranked (each method
 * explains its own steps, RetrievalMethod.explain), and for IRCoT every step's query, new passages
 * and reasoning sentence.
 */
export function explainText(result: RetrievedDocs): string {
  const t = result.trace;
  const explained = RETRIEVAL_METHODS.find((m) => m.id === t.method)?.explain(t) ?? { detail: "", sections: [], scoreColumn: "score" };
  const ircot = t.ircot ? ` + IRCoT (${plural(t.ircot.steps.length, "step")} of at most ${t.ircot.maxSteps})` : "";
  const lines = [`question: ${result.question}`, `method: ${t.method}${explained.detail}${ircot}${t.fallback ? ` (dense fallback: ${t.fallback})` : ""}`];
  for (const section of explained.sections) {
    lines.push("", section.title);
    if (section.columns && section.rows) lines.push(formatTable(section.columns, section.rows));
    if (section.lines) lines.push(...section.lines);
  }
  if (t.ircot) {
    lines.push("", "IRCoT steps (the sections above are step 1's, the question alone):");
    t.ircot.steps.forEach((step, i) => {
      lines.push(`  ${i + 1}. query: ${step.query}`);
      lines.push(`     new passages: ${step.newPassages.map((p) => p.title).join("; ") || "(none)"}`);
      lines.push(`     sentence: ${step.sentence ?? "(none)"}`);
    });
    if (t.ircot.answer !== undefined) lines.push(`  answer: ${t.ircot.answer}`);
    if (t.ircot.error) lines.push(`  reasoning failed: ${t.ircot.error}`);
  }
  lines.push("", t.ircot ? "top passages (the steps' rankings merged round robin):" : "top passages:");
  // A document's chunks share its title: their position tells them apart in the ranking itself.
  const chunkOf = (i: number) => {
    const metadata = result.metadata?.[i];
    return typeof metadata?.chunk === "number" ? ` (chunk ${metadata.chunk + 1}/${String(metadata.chunks)})` : "";
  };
  // The dense score beside the method's own only where they differ (HippoRAG 2's PageRank); BM25's
  // and dense retrieval's traces carry their own score in both.
  const withDense = t.method === "hipporag";
  lines.push(formatTable(["rank", explained.scoreColumn, ...(withDense ? ["dense"] : []), "title"], t.top.map((p, i) => [i + 1, p.score, ...(withDense ? [p.dense] : []), `${p.title}${chunkOf(i)}`])));
  if (result.metadata) lines.push("", "sources:", ...t.top.map((_, i) => `  ${i + 1}. ${describeSource(result.metadata![i])}`));
  return lines.join("\n");
}

/** "guide.md, chunk 2 of 5 (chars 1200-2480)" from a passage's metadata. */
function describeSource(metadata: Record<string, unknown> | null | undefined): string {
  if (!metadata) return "-";
  const chunk = typeof metadata.chunk === "number" ? `, chunk ${metadata.chunk + 1} of ${String(metadata.chunks)} (chars ${String(metadata.start)}-${String(metadata.end)})` : "";
  const record = typeof metadata.record === "number" ? ` record ${metadata.record}` : typeof metadata.line === "number" ? ` line ${metadata.line}` : "";
  return `${String(metadata.source ?? "?")}${record}${chunk}`;
}
