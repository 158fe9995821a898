import { evaluateRuns } from "../../eval/run-eval.js";
import { formatEvalTable } from "../../eval/format-eval-report.js";
import { writeReport } from "../../eval/report-writer.js";
import { estimateUsd, runHtml, runMarkdown, type RunReport, type StageCost } from "../../eval/run-report.js";
import { paperNumbers } from "../../eval/paper-numbers.js";
import { emptyKeptLine, emptyStoredLine, importOpenIEFile, planImport, modelFromOpenIEFileName, type ImportSummary } from "../../openie/openie-file.js";
import type { RetrievalOptions } from "../../retrieval/retriever.js";
import { loadCommandDataset } from "../load-command-dataset.js";
import { isQuiet, type ResolvedCommon } from "../common-options.js";
import { createProgress } from "../../core/progress.js";
import { indexProgress } from "../index-progress.js";
import { installInterruptHandler } from "../interrupt.js";
import { llmConfigured } from "../llm-options.js";
import { openHippo } from "../open-hippo.js";
import { checkDefaultWorkspace } from "../other-chunkings.js";
import { plural, reuseLine, type Output } from "../output.js";
import { indexChanges, openiePlanLine, partialLine } from "./run-index-command.js";
import { resolveRetrievalSweep } from "../retrieval-options.js";
import type { LlmFailure } from "../../retrieval/count-fallbacks.js";
import { datasetSource } from "../../datasets/dataset-source.js";
import { retrieveCommandLine } from "../retrieve-command-line.js";
import { reportLlmFallbacks } from "./run-retrieve-command.js";
import { checkMaxCost, encoderModel, planQa, planRetrievals, priced, printPlan, promptTokens, workspaceFolder, type StagePlan } from "../dry-run.js";
import { planIndex } from "./run-index-command.js";
import { readOpenIEFile } from "../../openie/openie-file.js";
import { loadOpenIEPrompts } from "../../openie/prompts/load-openie-prompts.js";
import { runLabel, type HippoRag } from "../../hipporag.js";
import type { Dataset, Question } from "../../datasets/dataset-types.js";
import { loadAnswers, loadRetrievals, questionKey } from "../../retrieval/retrieval-store.js";

/** Answers `run` lists for questions without gold answers (as `qa` does); --show lists its own. */
const SHOWN_ANSWERS = 5;
import type { CommonOptions, PlanCliOptions } from "../common-options.js";
import type { CorpusCliOptions } from "../corpus-options.js";
import type { LlmOptions, StageLlmCliOptions } from "../llm-options.js";
import type { EmbeddingCliOptions } from "../embedding-options.js";
import type { RetrievalCliOptions } from "../retrieval-options.js";
import { answerStored, planRetrieval, retrieveQuestions } from "../../experiment/stored-runs.js";
import type { LlmCacheStore } from "../../store/llm-cache-store.js";
import { queryNerMessages } from "../../retrieval/query-ner-prompt.js";

/** `hipporag run`: every stage in order, each reusing what the workspace already holds. */
/** Options of the command, as commander parses them. */
export interface RunOptions extends CommonOptions, PlanCliOptions, CorpusCliOptions, LlmOptions, StageLlmCliOptions, EmbeddingCliOptions, RetrievalCliOptions {
  skipQa: boolean;
  openiePrompts?: string;
  importOpenie?: string;
  baselines: boolean;
  show: number;
  qaTopK: number;
  skipFailed: boolean;
}

export async function runRunCommand(common: ResolvedCommon, options: RunOptions, output: Output): Promise<number> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const notes: string[] = [];
  const warnings: string[] = [];
  const quiet = isQuiet(common);
  const say = (line: string) => quiet || output.stderr(line);
  const dataset = await loadCommandDataset(common, output, { embeddingName: options.embeddingName, requireQuestions: true });
  const hasLlm = llmConfigured(options);
  // The imported file names whose OpenIE it is (openie_results_ner_<model>.json), never the QA model.
  const importModel = options.importOpenie ? (options.openieLlmName ?? modelFromOpenIEFileName(options.importOpenie, [options.llmName]) ?? (hasLlm ? undefined : options.llmName)) : undefined;
  // A comma list on a numeric retrieval option sweeps: one HippoRAG 2 run per combination.
  const sweep = resolveRetrievalSweep(options);
  const base = sweep[0]!;
  checkDefaultWorkspace(common, false); // on the folder named, also in a dry run (which opens a temporary one)
  const folder = workspaceFolder(common.saveDir, options.dryRun);
  const hippo = await openHippo({ ...common, saveDir: folder.saveDir, saveDirDefaulted: false }, { ...options, openieLlmName: options.openieLlmName ?? importModel }, base, { qaTopK: options.qaTopK });
  // Each stage asks its own LLM: a --filter-llm-base-url or --qa-llm-base-url alone configures that stage.
  const llmFor = { filter: hippo.stageLlm("filter") !== undefined, qa: hippo.stageLlm("qa") !== undefined };
  if (options.dryRun || options.maxCost !== undefined) {
    let closeNow = false;
    try {
      const plans = await planRun(hippo, dataset, options, sweep, base, llmFor);
      if (options.dryRun) {
        printPlan(plans, output, common.json);
        closeNow = true;
        checkMaxCost(plans, options.maxCost); // what the real run would refuse, the dry run says (exit 2)
        return 0;
      }
      checkMaxCost(plans, options.maxCost);
    } catch (error) {
      closeNow = true;
      throw error;
    } finally {
      if (closeNow) {
        hippo.close();
        folder.done();
      }
    }
  }
  const interrupt = installInterruptHandler();
  try {
    hippo.workspace.acquireWriterLock("run");
    // ---------- openie (import) + index
    let t = Date.now();
    let imported: ImportSummary | undefined;
    if (options.importOpenie) {
      const summary = (imported = importOpenIEFile(hippo.workspace, hippo.workspace.openie(importModel ?? hippo.openieModel()), options.importOpenie));
      say(`openie: imported ${plural(summary.docs, "doc")} for ${summary.model} (${summary.newPassages} new passages, ${summary.unchanged} unchanged${summary.replaced ? `, ${plural(summary.replaced, "finished result")} replaced by different ones` : ""})`);
      if (summary.emptyStored) say(`openie: ${emptyStoredLine(summary)}`);
      if (summary.emptyKept) say(`openie: ${emptyKeptLine(summary, "hipporag openie --import --force replaces them")}`);
    }
    const progress = indexProgress(quiet, say);
    const update = await hippo
      .index(dataset.passages, { sync: true, skipFailed: options.skipFailed, signal: interrupt.signal, onOpenIEPlan: (plan) => say(openiePlanLine(plan)), ...progress })
      .finally(() => progress.stop());
    if (update.excluded.length) {
      warnings.push(partialLine(update.excluded, dataset.passages));
      say(partialLine(update.excluded, dataset.passages));
    }
    timings["openie + index"] = Date.now() - t;
    say(`index: ${plural(update.stats.passageNodes, "passage")}, ${plural(update.stats.phraseNodes, "phrase")}, ${plural(update.stats.facts, "fact")}, ${plural(update.stats.synonymyEdges, "synonymy edge")} (${indexChanges(update)})`);

    // ---------- retrieve
    const filter = base.filter && llmFor.filter;
    // (the filter follows the QA stage's LLM: without one, neither has an LLM)
    if (base.filter && !llmFor.filter) notes.push("No LLM configured: graph-only path (HippoRAG 2 without the recognition-memory filter, no QA).");
    const runs: Partial<RetrievalOptions>[] = sweep.map((setting) => ({ ...setting, method: "hipporag" as const, filter }));
    if (options.baselines) runs.push({ ...base, method: "dense" }, { ...base, method: "bm25" });
    const qaRuns = new Set<string>(); // BM25 is a retrieval baseline only, as in the paper
    const fallbacks: Record<string, Record<string, number>> = {};
    const llmErrorsOf: Record<string, Partial<Record<LlmFailure, string>>> = {};
    const labels: string[] = [];
    t = Date.now();
    for (const overrides of runs) {
      const progress = createProgress({ label: `retrieve ${runLabel(hippo.retrievalOptions(overrides))}`, total: dataset.questions.length, quiet });
      const { run, fallbacks: f, llmErrors: errors, recomputed } = await retrieveQuestions(hippo, dataset.questions, overrides, (done, todo) => progress.update(dataset.questions.length - todo + done), interrupt.signal);
      progress.stop();
      labels.push(run);
      if (overrides.method !== "bm25") qaRuns.add(run);
      fallbacks[run] = f;
      llmErrorsOf[run] = errors;
      say(`retrieve ${run}: ${reuseLine(dataset.questions.length, "question", recomputed)}`);
    }
    timings.retrieve = Date.now() - t;

    // ---------- qa
    const doQa = llmFor.qa && !options.skipQa;
    if (!doQa) notes.push(options.skipQa ? "QA skipped (--skip-qa)." : llmFor.filter ? "QA skipped: no QA LLM configured (--qa-llm-base-url, or --llm-base-url, configures one)." : "QA skipped: no LLM configured.");
    let qaFailed = 0;
    const qaFailures: Record<string, { id: string; error: string }[]> = {};
    t = Date.now();
    if (doQa) {
      const idOf = new Map(dataset.questions.map((q) => [questionKey(q.question), q.id]));
      for (const run of labels.filter((l) => qaRuns.has(l))) {
        const progress = createProgress({ label: `qa ${run}`, total: dataset.questions.length, quiet });
        const outcome = await answerStored(hippo, run, dataset.questions, (done) => progress.update(done), interrupt.signal);
        progress.stop();
        qaFailed += outcome.failed.length;
        say(`qa ${run}: ${reuseLine(dataset.questions.length, "question", outcome.recomputed)}; ${outcome.answered} newly answered, ${outcome.failed.length} failed`);
        const failures = outcome.failed.map((f) => ({ id: idOf.get(f.key) ?? f.key, error: f.error ?? "failed" }));
        if (failures.length) qaFailures[run] = failures;
        // The exit-5 line says "listed above": the first failures, under their run's line (in JSON: qaFailures).
        if (!common.json) {
          for (const f of failures.slice(0, 3)) output.stderr(`failed ${f.id}: ${f.error}`);
          if (failures.length > 3) output.stderr(`… and ${failures.length - 3} more`);
        }
      }
      timings.qa = Date.now() - t;
    }

    // ---------- eval + report
    const evaluated = evaluateRuns(hippo.workspace, labels, dataset.questions);
    const results = evaluated.results.map((r) => ({ ...r, fallbacks: fallbacks[r.name] }));
    // What eval would say beside each run (questions without an answer, a partial index, …): the run's report says it too.
    for (const r of results) notes.push(...(r.notes ?? []));
    timings.total = Date.now() - started;
    const paper = paperNumbers(common.dataset);
    if (paper && !paper.exact) notes.push(`${common.dataset} is not the paper's evaluation split: the paper's ${paper.name} numbers are shown for context only.`);
    const fb = fallbacks[labels[0]!] ?? {}; // the HippoRAG 2 run comes first (its fallbacks are among the run notes above)
    const report: RunReport = {
      dataset: common.dataset,
      source: datasetSource(common.datasetDir, common.source),
      createdAt: new Date().toISOString(),
      // (the filter's LLM also serves query NER; a sweep's settings are its runs' labels, the first one's listed)
      settings: {
        openieModel: hippo.openieModel(),
        encoder: hippo.encoder.id,
        llm: { openie: hippo.stageLlm("openie")?.modelId ?? null, filter: filter || base.linking === "ner" ? (hippo.stageLlm("filter")?.modelId ?? null) : null, qa: hippo.stageLlm("qa")?.modelId ?? null },
        ...hippo.retrievalOptions(base),
        filter,
        qaTopK: options.qaTopK,
        ...(sweep.length > 1 ? { sweep: labels.slice(0, sweep.length) } : {}),
      },
      notes,
      warnings,
      results,
      comparisons: evaluated.comparisons,
      bootstrap: evaluated.bootstrap,
      stages: { ...(imported ? { import: { ...imported } } : {}), index: { ...update.stats, added: update.added, removed: update.removed, leftOut: update.leftOut, changed: update.changed, excluded: update.excluded, timingsMs: update.timings } },
      ...(Object.keys(qaFailures).length ? { qaFailures } : {}),
      // what this run paid (replies new to the workspace: cached ones cost nothing), and every reply the workspace holds
      costs: llmCosts(hippo.workspace.llmCache, new Date(started).toISOString()),
      workspaceCosts: llmCosts(hippo.workspace.llmCache),
      timingsMs: timings,
    };
    const written = writeReport(hippo.workspace, { kind: "run", dataset: common.dataset, label: labels[0]!, runs: labels, body: report, markdown: runMarkdown(report), html: runHtml(report) });
    // The HippoRAG 2 run's answers, when QA ran: beside --show's passages, and for questions without
    // gold answers (your own) always, since no EM/F1 stands for them (`qa` shows them the same way).
    const answerOf = doQa ? loadAnswers(hippo.workspace, labels[0]!) : undefined;
    const answerLine = (q: Question) => {
      const answer = answerOf?.get(questionKey(q.question))?.answer;
      return answerOf ? `\n  A: ${answer ?? "(no answer)"}${q.goldAnswers.length ? `   (gold: ${q.goldAnswers.join(" | ")})` : ""}` : "";
    };
    if (options.show > 0 && !common.json) {
      const { results: shown } = await retrieveQuestions(hippo, dataset.questions.slice(0, options.show), { ...base, method: "hipporag", filter });
      for (const q of dataset.questions.slice(0, options.show)) {
        const r = shown.get(q.id)!;
        const gold = new Set(q.goldDocs);
        output.stdout(`\nQ: ${q.question}\n${r.docs.slice(0, 5).map((d, i) => `  ${i + 1}. ${gold.has(d) ? "[gold] " : ""}${d.split("\n")[0]}`).join("\n")}${answerLine(q)}`);
      }
      output.stdout("");
    } else if (answerOf && !common.json && dataset.questions.every((q) => q.goldAnswers.length === 0)) {
      const listed = dataset.questions.slice(0, SHOWN_ANSWERS);
      output.stdout(`${listed.map((q) => `\nQ: ${q.question}${answerLine(q)}`).join("")}${dataset.questions.length > listed.length ? `\n… and ${dataset.questions.length - listed.length} more (hipporag qa --run ${labels[0]} --answers-out FILE writes them all)` : ""}\n`);
    }
    const denseRun = labels.find((l) => l.startsWith("dense"));
    // The filter follows the QA stage's LLM unless it has settings of its own (resolveStageLlmCli): so does the command.
    const ownFilter = options.filterLlmName !== undefined || options.filterLlmBaseUrl !== undefined || options.filterLlmKeyEnv !== undefined;
    const explainCommand = (question: string) => retrieveCommandLine(common, {
      openieModel: hippo.openieModel(), llmName: options.llmName, llmBaseUrl: options.llmBaseUrl,
      filterLlm: ownFilter ? { name: options.filterLlmName, baseUrl: options.filterLlmBaseUrl, keyEnv: options.filterLlmKeyEnv } : { name: options.qaLlmName, baseUrl: options.qaLlmBaseUrl, keyEnv: options.qaLlmKeyEnv },
      embeddingName: options.embeddingName, embeddingBaseUrl: options.embeddingBaseUrl,
    }, { ...hippo.retrievalOptions(base), filter }, ["--explain", question]);
    const gains = denseRun ? graphGains(hippo, dataset.questions, labels[0]!, denseRun, explainCommand) : undefined;
    if (common.json) output.stdout(JSON.stringify({ ...report, ...(gains ? { graphVsDense: gains.summary } : {}), report: written }, null, 2));
    else {
      output.stdout(formatEvalTable(results));
      if (gains) output.stdout(gains.text);
      for (const note of notes) output.stdout(`note: ${note}`);
      output.stderr(`report: ${written.markdownPath} (+ .json, .html)`);
    }
    const llmErrors = reportLlmFallbacks(fb, llmErrorsOf[labels[0]!] ?? {}, output);
    if (warnings.length && !common.json) for (const warning of warnings) output.stderr(`warning: ${warning}`);
    return qaFailed > 0 || llmErrors > 0 || update.excluded.length > 0 ? 5 : 0;
  } finally {
    interrupt.dispose();
    hippo.close();
  }
}

/** Tokens per stage from the LLM cache (every cached reply was paid for once), with list-price estimates. */
function llmCosts(cache: LlmCacheStore, since?: string): StageCost[] {
  return cache.usage(since).map(({ stage, model, ...c }) => ({ stage: `${stage} (${model})`, ...c, estimatedUsd: estimateUsd(model, c.promptTokens, c.completionTokens) }));
}

/**
 * `run --dry-run`: every stage's requests before anything is sent. When the index will change (new,
 * changed or imported passages), every question is retrieved and answered again, counted as such.
 */
async function planRun(hippo: HippoRag, dataset: Dataset, options: RunOptions, sweep: RetrievalOptions[], base: Partial<RetrievalOptions>, llmFor: { filter: boolean; qa: boolean }): Promise<StagePlan[]> {
  const records = options.importOpenie ? readOpenIEFile(options.importOpenie) : [];
  const imported = new Set(records.map((r) => r.passageId));
  // An import changes the index only where it changes a corpus passage's finished result (the rule the import applies).
  const corpusIds = new Set(dataset.passages.map((p) => p.id));
  const importChanges = planImport(records, hippo.memoryIndex().openie.all()).changed.filter((r) => corpusIds.has(r.passageId)).length;
  const plans = await planIndex(hippo, dataset.passages, loadOpenIEPrompts(options.openiePrompts), imported, options.skipFailed);
  // OpenIE to extract (the passages a partial --skip-failed index left out, retried) changes the index
  // too, once any of it succeeds: the runs on it are then retrieved and answered again.
  const extracting = plans.some((plan) => plan.stage.startsWith("openie-"));
  const indexWillChange = importChanges > 0 || extracting || hippo.memoryIndex().staleness(dataset.passages.map((p) => p.id)) !== undefined;
  const filter = sweep[0]!.filter && llmFor.filter;
  const hipporagRuns = sweep.map((setting) => ({ ...setting, method: "hipporag" as const, filter }));
  // as the run retrieves them (the same settings)
  const baselines: Partial<RetrievalOptions>[] = options.baselines ? [{ ...base, method: "dense" }, { ...base, method: "bm25" }] : [];
  const questions = new Set(dataset.questions.map((q) => q.question)).size;
  if (indexWillChange) {
    for (const setting of hipporagRuns) {
      // --linking ner asks the LLM for each question's entities instead of filtering facts
      const ner = setting.linking === "ner";
      if (!ner && !filter) {
        plans.push({ stage: `retrieve ${runLabel(hippo.retrievalOptions(setting))}`, model: "-", calls: 0, cached: 0, tokensIn: 0, tokensOut: 0, note: `${plural(questions, "question")} to retrieve, no LLM` });
        continue;
      }
      const stage = `${ner ? "query-ner" : "filter"} ${runLabel(setting)}`;
      const nerTokens = () => [...new Set(dataset.questions.map((q) => q.question))].reduce((n, q) => n + promptTokens(queryNerMessages(q)), 0);
      plans.push(priced({ stage, model: hippo.stageLlm("filter")?.modelId ?? "-", calls: questions, cached: 0, tokensIn: ner ? nerTokens() : questions * 1600, tokensOut: questions * (ner ? 40 : 80), note: "at most: the index changes first" }));
    }
    // the baselines, retrieved again too (no LLM)
    for (const baseline of baselines) plans.push({ stage: `retrieve ${runLabel(hippo.retrievalOptions(baseline))}`, model: "-", calls: 0, cached: 0, tokensIn: 0, tokensOut: 0, note: `${plural(questions, "question")} to retrieve, no LLM` });
    // query-to-passage and query-to-fact vectors of every question (a remote encoder only)
    if (hippo.encoder.endpoint) plans.push(priced({ stage: "embeddings (queries)", model: encoderModel(hippo), calls: 2 * questions, cached: 0, tokensIn: Math.ceil(dataset.questions.reduce((n, q) => n + q.question.length, 0) / 2), tokensOut: 0, note: "at most: the index changes first" }));
  } else plans.push(...(await planRetrievals(hippo, dataset.questions, [...hipporagRuns, ...baselines])));
  if (llmFor.qa && !options.skipQa) {
    const qaRuns = [...hipporagRuns, ...(options.baselines ? [{ ...sweep[0]!, method: "dense" as const }] : [])];
    for (const setting of qaRuns) {
      plans.push(planQa(hippo, runLabel(setting), dataset.questions, indexWillChange ? "all" : planRetrieval(hippo, dataset.questions, setting).todo));
    }
  }
  return plans;
}

/**
 * Where the graph changed the answer set: questions whose gold passages HippoRAG 2 ranks in its top 2 (R@2, the paper's headline)
 * more often than its own dense retriever does (and the reverse), with the command that explains the
 * clearest one. Means alone can hide that (the demo's are equal while single questions differ).
 */
const TOP = 2;

function graphGains(hippo: HippoRag, questions: readonly Question[], graphRun: string, denseRun: string, explainCommand: (question: string) => string): { text: string; summary: Record<string, unknown> } | undefined {
  const graph = loadRetrievals(hippo.workspace, graphRun);
  const dense = loadRetrievals(hippo.workspace, denseRun);
  const found = (ids: string[] | undefined, gold: ReadonlySet<string>) => hippo.workspace.passages.contents((ids ?? []).slice(0, TOP)).filter((content) => content !== undefined && gold.has(content)).length;
  const rows = questions.filter((q) => q.goldDocs.length > 0).map((q) => {
    const gold = new Set(q.goldDocs);
    const key = questionKey(q.question);
    return { q, gold: gold.size, graph: found(graph.get(key)?.passageIds, gold), dense: found(dense.get(key)?.passageIds, gold) };
  });
  const better = rows.filter((r) => r.graph > r.dense).sort((a, b) => b.graph - b.dense - (a.graph - a.dense));
  const worse = rows.filter((r) => r.graph < r.dense);
  if (rows.length === 0) return undefined;
  const lines = [`\ngraph vs dense, gold passages in the top ${TOP}: the graph finds more for ${plural(better.length, "question")}, fewer for ${worse.length}, as many for ${rows.length - better.length - worse.length}`];
  for (const r of better.slice(0, 3)) lines.push(`  + ${r.q.question} (${graphRun} ${r.graph}/${r.gold}, ${denseRun} ${r.dense}/${r.gold})`);
  for (const r of worse.slice(0, 3)) lines.push(`  - ${r.q.question} (${graphRun} ${r.graph}/${r.gold}, ${denseRun} ${r.dense}/${r.gold})`);
  if (better[0]) lines.push(`  why: ${explainCommand(better[0].q.question)}`);
  return { text: lines.join("\n"), summary: { better: better.length, worse: worse.length, same: rows.length - better.length - worse.length, examples: better.slice(0, 3).map((r) => r.q.question) } };
}
