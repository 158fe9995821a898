import { writeFileSync } from "node:fs";
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

export async function runRetrieveCommand(common: ResolvedCommon, options: RetrieveOptions, output: Output): Promise<number> {
  // A comma list on a numeric option is a sweep: every combination is a stored run of its own.
  const sweep = resolveRetrievalSweep(options);
  if (options.explain) resolveRetrieval(options, "--explain");
  if (options.predictionsOut) resolveRetrieval(options, "--predictions-out");
  checkOutputFile("--predictions-out", options.predictionsOut);
  const hippo = await openHippo(common, options, sweep[0]!, { mustExist: true });
  try {
    if (options.explain) {
      const [result] = await hippo.retrieve([options.explain]);
      output.stdout(common.json ? JSON.stringify(result, null, 2) : explainText(result!));
      return 0;
    }
    const dataset = await loadCommandDataset(common, output, { embeddingName: options.embeddingName, requireQuestions: true });
    hippo.workspace.acquireWriterLock("retrieve");
    // Rankings of a corpus the index no longer matches would not be what a fresh workspace gives.
    hippo.memoryIndex().assertFresh(dataset.passages.map((p) => p.id));
    if (options.dryRun || options.maxCost !== undefined) {
      const plans = planRetrievals(hippo, dataset.questions, sweep);
      if (options.dryRun) {
        printPlan(plans, output, common.json);
        return 0;
      }
      checkMaxCost(plans, options.maxCost);
    }
    const quiet = isQuiet(common);
    const interrupt = installInterruptHandler();
    const runs: { run: string; report: EvalReport; reused: number; recomputed: Record<string, number>; fallbacks: Record<string, number> }[] = [];
    let llmErrors = 0;
    try {
      for (const retrieval of sweep) {
        const progress = createProgress({ label: `retrieve ${runLabel(retrieval)}`, total: dataset.questions.length, quiet });
        const { run, results, reused, recomputed, fallbacks } = await hippo
          .retrieveQuestions(dataset.questions, retrieval, (done, todo) => progress.update(dataset.questions.length - todo + done), interrupt.signal)
          .finally(() => progress.stop());
        if (options.predictionsOut) {
          writeFileSync(options.predictionsOut, JSON.stringify(dataset.questions.map((q) => ({ id: q.id, question: q.question, docs: results.get(q.id)!.docs, ...(results.get(q.id)!.metadata ? { metadata: results.get(q.id)!.metadata } : {}) })), null, 1));
        }
        const report = evaluate(dataset.questions.map((q) => ({ docs: results.get(q.id)!.docs, goldDocs: q.goldDocs, goldAnswers: q.goldAnswers })), { topK: retrieval.topK });
        runs.push({ run, report, reused, recomputed: recomputed.reasons, fallbacks });
        if (!common.json) {
          const fallbackText = Object.entries(fallbacks).map(([k, v]) => `${v} ${k}`).join(", ");
          output.stderr(`retrieve ${run}: ${reuseLine(dataset.questions.length, "question", recomputed)}${fallbackText ? `; dense fallback: ${fallbackText}` : ""}${options.predictionsOut ? `; wrote ${options.predictionsOut}` : ""}`);
        }
        llmErrors += reportLlmFallbacks(fallbacks, output);
      }
    } finally {
      interrupt.dispose();
    }
    const partial = hippo.memoryIndex().excluded();
    if (partial.length && !common.json) output.stderr(partialLine(partial));
    if (common.json) {
      const bodies = runs.map(({ run, reused, recomputed, fallbacks, report }) => ({ run, questions: dataset.questions.length, reused, recomputed, fallbacks, ...(partial.length ? { partial: { excluded: partial.length } } : {}), ...report }));
      output.stdout(JSON.stringify(bodies.length === 1 ? bodies[0] : bodies, null, 2));
    } else output.stdout(formatEvalTable(runs.map(({ run, report }) => ({ name: run, report }))));
    return llmErrors > 0 || partial.length > 0 ? 5 : 0;
  } finally {
    hippo.close();
  }
}

/** Says how many questions fell back to dense retrieval because an LLM call failed (retried on the next run); returns that count. */
export function reportLlmFallbacks(fallbacks: Record<string, number>, output: Output): number {
  const filter = fallbacks["filter-error"] ?? 0;
  const ner = fallbacks["ner-error"] ?? 0;
  if (filter > 0) output.stderr(`${plural(filter, "question")} fell back to dense retrieval because the filter LLM failed; re-run to retry them`);
  if (ner > 0) output.stderr(`${plural(ner, "question")} fell back to dense retrieval because query NER failed; re-run to retry them`);
  return filter + ner;
}

/** A people-facing account of one retrieval: what was linked, kept, seeded and ranked. */
export function explainText(result: RetrievedDocs): string {
  const t = result.trace;
  const linking = t.linking ? `, linking: ${t.linking === "fact" ? "query-to-fact" : t.linking === "query" ? "query-to-node" : "NER-to-node"}` : "";
  const lines = [`question: ${result.question}`, `method: ${t.method}${linking}${t.fallback ? ` (dense fallback: ${t.fallback})` : ""}`];
  if (t.ner) {
    lines.push("", `question entities (LLM NER)${t.ner.error ? ` (error: ${t.ner.error})` : ""}:`);
    if (t.ner.linked.length) lines.push(formatTable(["similarity", "entity", "linked phrase"], t.ner.linked.map((l) => [l.score, l.entity, l.phrase])));
  }
  if (t.candidateFacts.length) {
    lines.push("", "candidate facts (query-to-fact, min-max normalised):");
    lines.push(formatTable(["score", "subject", "predicate", "object"], t.candidateFacts.map((c) => [c.score, c.fact[0]!, c.fact[1]!, c.fact[2]!])));
  }
  if (t.filter) {
    lines.push("", `filter kept ${t.filter.kept.length}${t.filter.error ? ` (error: ${t.filter.error})` : ""}:`);
    for (const fact of t.filter.kept) lines.push(`  (${fact.join(", ")})`);
  }
  if (t.seeds.length) {
    lines.push("", `seed phrases (reset weight = ${t.linking === "query" || t.linking === "ner" ? "similarity" : "fact score"} / passages mentioning it):`);
    lines.push(formatTable(["weight", "link score", "passages", "phrase"], t.seeds.map((s) => [s.weight, s.linkScore, s.passageCount, s.phrase])));
  }
  lines.push("", "top passages:");
  const scored = t.method !== "hipporag" || t.fallback ? "score" : t.passageNodes === false ? "Σ phrase PPR" : "PPR";
  lines.push(formatTable(["rank", scored, "dense", "title"], t.top.map((p, i) => [i + 1, p.score, p.dense, p.title])));
  if (result.metadata) lines.push("", "sources:", ...t.top.map((_, i) => `  ${i + 1}. ${describeSource(result.metadata![i])}`));
  return lines.join("\n");
}

/** "guide.md, chunk 2 of 5 (chars 1200-2480)" from a passage's metadata. */
function describeSource(metadata: Record<string, unknown> | null | undefined): string {
  if (!metadata) return "-";
  const chunk = typeof metadata.chunk === "number" ? `, chunk ${metadata.chunk + 1} of ${String(metadata.chunks)} (chars ${String(metadata.start)}-${String(metadata.end)})` : "";
  const record = typeof metadata.record === "number" ? ` record ${metadata.record}` : "";
  return `${String(metadata.source ?? "?")}${record}${chunk}`;
}
