import { HippoError, InputError, usageError } from "../../core/errors.js";
import { createLogger } from "../../core/logger.js";
import { createProgress } from "../../core/progress.js";
import { loadDataset } from "../../datasets/load-dataset.js";
import type { Passage } from "../../datasets/dataset-types.js";
import { CachedChatModel } from "../../llm/cached-chat-model.js";
import { OpenAIChatModel } from "../../llm/openai-chat-model.js";
import { exportOpenIEBatch, importOpenIEBatch } from "../../openie/openie-batch.js";
import { emptyKeptLine, emptyStoredLine, exportOpenIEFile, importOpenIEFile, modelFromOpenIEFileName } from "../../openie/openie-file.js";
import { openieSetId, openieSetModel } from "../../openie/openie-set.js";
import { loadOpenIEPrompts } from "../../openie/prompts/load-openie-prompts.js";
import { runOpenIE, type OpenIESummary } from "../../openie/run-openie.js";
import { Workspace } from "../../store/workspace.js";
import { loadCommandDataset } from "../load-command-dataset.js";
import { checkDefaultWorkspace } from "../other-chunkings.js";
import { noteWorkspaceOpening } from "../refused-workspaces.js";
import { isQuiet, type ResolvedCommon } from "../common-options.js";
import { installInterruptHandler } from "../interrupt.js";
import { DEFAULT_LLM, resolveLlm } from "../llm-options.js";
import { formatOpenIEProgress, openieFields } from "../openie-progress.js";
import { passageName } from "../passage-name.js";
import { formatTable, plural, type Output } from "../output.js";
import { checkOutputFile } from "../output-path.js";
import { checkMaxCost, planOpenIE, printPlan, workspaceFolder } from "../dry-run.js";
import type { CommonOptions, PlanCliOptions } from "../common-options.js";
import type { CorpusCliOptions } from "../corpus-options.js";
import type { LlmOptions } from "../llm-options.js";

/** `hipporag openie`: import/export, batch export/import, or the online run. Returns the exit code. */
/** Options of the command, as commander parses them. */
export interface OpenIECommandOptions extends CommonOptions, PlanCliOptions, CorpusCliOptions, LlmOptions {
  import?: string;
  export?: string;
  exportBatch?: string;
  importBatch?: string;
  openiePrompts?: string;
  force: boolean;
}

export async function runOpenIECommand(common: ResolvedCommon, options: OpenIECommandOptions, output: Output): Promise<number> {
  const modes = [options.import, options.export, options.exportBatch, options.importBatch].filter(Boolean).length;
  if (modes > 1) throw usageError("use one of --import, --export, --export-batch, --import-batch at a time");
  checkOutputFile("--export", options.export);
  checkOutputFile("--export-batch", options.exportBatch);
  const logger = createLogger(common.logLevel);
  const print = (human: string, json: unknown) => output.stdout(common.json ? JSON.stringify(json, null, 2) : human);
  const prompts = loadOpenIEPrompts(options.openiePrompts);

  if (options.import) {
    const model = options.llmName ?? modelFromOpenIEFileName(options.import) ?? DEFAULT_LLM;
    // The dataset (for the coverage line) is read first: a malformed corpus refuses the import before anything is written.
    const passages = coveragePassages(common);
    checkDefaultWorkspace(common, false);
    noteWorkspaceOpening(common.saveDir);
    const workspace = Workspace.open(common.saveDir);
    try {
      workspace.acquireWriterLock("openie --import");
      const summary = importOpenIEFile(workspace, workspace.openie(model), options.import, { force: options.force });
      const coverage = passages && datasetCoverage(workspace, model, passages);
      const replaced = summary.replaced ? `; ${plural(summary.replaced, "finished result")} replaced by different ones (indexes built on them are rebuilt by the next hipporag index)` : "";
      const kept = [emptyStoredLine(summary), emptyKeptLine(summary, "--force replaces them")].filter(Boolean).join("\n");
      print(`imported ${summary.docs} OpenIE docs for model ${model} (${plural(summary.newPassages, "new passage")}, ${summary.unchanged} unchanged${replaced})${coverage ? `; dataset ${common.dataset}: ${coverage.done}/${coverage.total} passages have OpenIE` : ""}${kept ? `\n${kept}` : ""}`, { ...summary, coverage });
      return 0;
    } finally {
      workspace.close();
    }
  }

  const dataset = await loadCommandDataset(common, output);
  const model = options.llmName ?? DEFAULT_LLM;
  checkDefaultWorkspace(common, false);
  const folder = workspaceFolder(common.saveDir, options.dryRun);
  noteWorkspaceOpening(folder.saveDir);
  const workspace = Workspace.open(folder.saveDir);
  try {
    workspace.acquireWriterLock("openie");
    if (!options.dryRun) workspace.passages.insert(dataset.passages); // a dry run writes nothing
    // Custom prompts extract into a set of their own: results of other prompts are never reused.
    const store = workspace.openie(openieSetId(model, prompts));

    if (options.export) {
      // The export is of results the workspace holds: without --llm-name, of the one model there;
      // nothing to export is refused rather than written over an earlier file as an empty list.
      const held = workspace.openieModels().filter((m) => m.done > 0);
      const have = held.map((m) => `${m.model} (${m.done} done)`).join(", ") || "none";
      const chosen = options.llmName ? openieSetId(options.llmName, prompts) : held.length === 1 ? held[0]!.model : undefined;
      if (!chosen) throw usageError(`the workspace holds OpenIE results of ${held.length ? "several models" : "no model"} (have: ${have})`, held.length ? "name one with --llm-name" : "run hipporag openie (or openie --import) first");
      const source = chosen === store.model ? store : workspace.openie(chosen);
      const { docs } = exportOpenIEFile(workspace, source, options.export, new Set(dataset.passages.map((p) => p.id)), `the workspace has: ${have}; name the model with --llm-name`);
      print(`wrote ${docs} docs of model ${chosen} to ${options.export}`, { file: options.export, docs, model: chosen });
      return 0;
    }
    if (options.exportBatch) {
      const summary = exportOpenIEBatch(dataset.passages, store, prompts, options.exportBatch, options.maxTokens, model);
      print(`wrote ${summary.ner} NER and ${summary.triples} triple requests to ${summary.file}${summary.ner + summary.triples === 0 ? " (nothing pending)" : ""}`, summary);
      return 0;
    }
    if (options.importBatch) {
      const cache = new CachedChatModel({ modelId: model, generate: () => Promise.reject(new Error("offline")) }, workspace.llmCache);
      const summary = importOpenIEBatch(workspace, dataset.passages, store, prompts, cache, options.importBatch, {
        maxTokens: options.maxTokens,
        force: options.force,
        acceptTruncated: options.acceptTruncated,
        secrets: [process.env.OPENAI_API_KEY ?? ""],
        model,
      });
      // A file of another dataset's (or corpus's) passages matches nothing: that is a wrong file, not an empty round.
      const matched = summary.ner + summary.triples + summary.failed + summary.keptFinished + summary.replaced + summary.duplicates + summary.staleTriples;
      if (summary.unknown > 0 && matched === 0) {
        throw new InputError(`none of its ${summary.unknown} lines is for a passage of this corpus (${plural(dataset.passages.length, "passage")}): nothing imported`, { file: options.importBatch }, {
          suggestion: "import a batch with the --dataset (or --corpus and chunk settings) it was exported for",
        });
      }
      if (summary.unknown > 0 && !common.json) output.stderr(`${plural(summary.unknown, "line")} of ${options.importBatch} for passages not in this corpus ignored`);
      const next = summary.pendingTriples > 0 ? `; ${plural(summary.pendingTriples, "passage")} need triples: run --export-batch again` : "";
      print(`imported ${summary.ner} NER and ${summary.triples} triple results, ${summary.failed} failed${next}`, summary);
      if (!common.json) {
        if (summary.replaced) output.stderr(`${plural(summary.replaced, "finished result")} replaced by different triples from ${options.importBatch}`);
        if (summary.duplicates) output.stderr(`${plural(summary.duplicates, "line")} repeating a passage's result (or failure) already in the file counted once`);
        if (summary.staleTriples) {
          output.stderr(`${plural(summary.staleTriples, "triple line")} answering requests made from an older NER result of their passage (it changed since the export) ignored: export again (--export-batch) to ask for ${summary.staleTriples === 1 ? "its" : "their"} triples`);
        }
        if (summary.keptFinished) output.stderr(`${plural(summary.keptFinished, "line")} for passages whose OpenIE is finished ignored (an earlier round, or failures): pass --force to overwrite finished results`);
        for (const f of summary.failures) output.stderr(`failed ${passageName(dataset.passages, f.passageId)}: ${f.error}`);
        if (summary.failed) output.stderr(`${plural(summary.failed, "passage")} failed and ${summary.failed === 1 ? "is" : "are"} recorded; export again (--export-batch) to retry only ${summary.failed === 1 ? "it" : "them"}`);
      }
      return summary.failed > 0 ? 5 : 0;
    }

    // ---------- online OpenIE
    // Nothing to extract needs no LLM: a re-run after an import (or a finished run) says so, exit 0.
    const statuses = store.statuses();
    const pending = dataset.passages.filter((p) => statuses.get(p.id) !== "done").length;
    let settings: ReturnType<typeof resolveLlm>;
    try {
      settings = resolveLlm(options);
    } catch (error) {
      if (!HippoError.isInstance(error) || error.code !== "USAGE") throw error;
      if (pending === 0 && options.dryRun) {
        // The plan of a run that sends nothing (its usual shape, all zeros): no LLM is asked.
        const offline = new CachedChatModel({ modelId: model, generate: () => Promise.reject(new Error("offline")) }, workspace.llmCache);
        printPlan(planOpenIE(dataset.passages, store, offline, prompts, options.maxTokens), output, common.json);
        return 0;
      }
      if (pending === 0) {
        const summary = { model, total: dataset.passages.length, skipped: dataset.passages.length, extracted: 0, failed: 0, llmCalls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, interrupted: false, retries: 0, failures: [] };
        print(`nothing to extract: all ${plural(dataset.passages.length, "passage")} have OpenIE of model ${model}`, summary);
        return 0;
      }
      // Without --llm-name the default model is asked for; say which held model already covers the corpus.
      // (only sets of these prompts: another prompt's results are not these)
      const complete = options.llmName ? [] : workspace.openieModels().map((m) => m.model).filter((set) => set !== store.model && openieSetId(openieSetModel(set), prompts) === set && coversAll(workspace, set, dataset.passages));
      if (complete.length === 0) throw error;
      const lacking = pending === dataset.passages.length ? `none of the ${plural(pending, "passage")} has` : `${pending} of ${dataset.passages.length} passages have no`;
      throw usageError(`${error.message}, and ${lacking} OpenIE of model ${model}`.replace("has OpenIE", "has any OpenIE"), `the workspace's OpenIE of ${complete.map(openieSetModel).join(", ")} covers every passage: pass --llm-name ${openieSetModel(complete[0]!)} to use it (index, retrieve and run take it without being told); or configure an LLM to extract with ${model}`);
    }
    let retries = 0;
    const chat = new CachedChatModel(
      new OpenAIChatModel(settings.model, {
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        timeoutMs: settings.timeoutMs,
        retry: { maxRetries: settings.maxRetries, maxRetryAfterMs: settings.maxRetryAfterMs },
        onRetry: (info) => {
          retries++;
          logger.debug(`retry ${info.attempt} in ${Math.round(info.delayMs)} ms: ${info.reason}`);
        },
      }),
      workspace.llmCache,
    );
    if (options.dryRun || options.maxCost !== undefined) {
      const plans = planOpenIE(dataset.passages, store, chat, prompts, settings.maxTokens);
      if (options.dryRun) {
        printPlan(plans, output, common.json);
        checkMaxCost(plans, options.maxCost); // what the real run would refuse, the dry run says (exit 2)
        return 0;
      }
      checkMaxCost(plans, options.maxCost);
    }
    const interrupt = installInterruptHandler();
    const progress = createProgress({
      label: "openie",
      total: dataset.passages.length,
      quiet: isQuiet(common),
      format: formatOpenIEProgress,
    });
    let summary: OpenIESummary;
    try {
      summary = await runOpenIE(dataset.passages, {
        store,
        chat,
        prompts,
        concurrency: settings.concurrency,
        maxTokens: settings.maxTokens,
        acceptTruncated: options.acceptTruncated,
        signal: interrupt.signal,
        onProgress: (s, done) => progress.update(done, openieFields(s, retries)),
      });
    } finally {
      progress.stop();
      interrupt.dispose();
    }
    const report = { model, ...summary, retries, failures: summary.failures.slice(0, 20) };
    if (common.json) output.stdout(JSON.stringify(report, null, 2));
    else {
      output.stdout(formatTable(["passages", "already done", "extracted", "failed", "LLM calls", "cache hits", "tokens in", "tokens out"], [[
        summary.total, summary.skipped, summary.extracted, summary.failed, summary.llmCalls, summary.cacheHits, summary.promptTokens, summary.completionTokens,
      ]]));
      for (const failure of summary.failures.slice(0, 5)) output.stderr(`failed ${passageName(dataset.passages, failure.passageId)} (${failure.stage}): ${failure.error}`);
      if (summary.failed > 0) output.stderr(`${plural(summary.failed, "passage")} failed and ${summary.failed === 1 ? "is" : "are"} recorded; re-run the same command to retry only ${summary.failed === 1 ? "it" : "them"}`);
    }
    if (summary.interrupted) {
      throw new HippoError("INTERRUPTED", `interrupted: ${summary.skipped + summary.extracted}/${summary.total} passages have OpenIE`, {
        suggestion: "re-run the same command to resume; finished passages are kept",
      });
    }
    return summary.failed > 0 ? 5 : 0;
  } finally {
    workspace.close();
    folder.done();
  }
}

/** The named dataset's passages, or undefined when none is named or its files are absent (an import needs no dataset). */
function coveragePassages(common: ResolvedCommon): Passage[] | undefined {
  if (!common.dataset) return undefined;
  try {
    return loadDataset(common.dataset, common.datasetDir).passages;
  } catch (error) {
    if (HippoError.isInstance(error) && /not found/.test(error.message)) return undefined;
    throw error;
  }
}

function datasetCoverage(workspace: Workspace, model: string, passages: Passage[]): { done: number; total: number } {
  workspace.passages.insert(passages);
  const records = workspace.openie(model).all();
  return { done: passages.filter((p) => records.get(p.id)?.status === "done").length, total: passages.length };
}

/** Whether a model's OpenIE is finished for every one of the passages. */
function coversAll(workspace: Workspace, model: string, passages: readonly Passage[]): boolean {
  const statuses = workspace.openie(model).statuses();
  return passages.every((p) => statuses.get(p.id) === "done");
}
