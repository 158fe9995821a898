import { checkGraphFormat, exportGraph } from "../../graph/export-graph.js";
import { loadCommandDataset } from "../load-command-dataset.js";
import { isQuiet, type PlanCliOptions, type ResolvedCommon } from "../common-options.js";
import type { EmbeddingCliOptions } from "../embedding-options.js";
import { indexProgress } from "../index-progress.js";
import { installInterruptHandler } from "../interrupt.js";
import type { LlmOptions, StageLlmCliOptions } from "../llm-options.js";
import { openHippo } from "../open-hippo.js";
import { checkDefaultWorkspace } from "../other-chunkings.js";
import { checkOutputFile } from "../output-path.js";
import { checkMaxCost, planEmbeddings, planOpenIE, printPlan, workspaceFolder, type StagePlan } from "../dry-run.js";
import type { Passage } from "../../datasets/dataset-types.js";
import type { HippoRag } from "../../hipporag.js";
import type { MemoryIndex } from "../../graph/memory-index.js";
import { loadOpenIEPrompts } from "../../openie/prompts/load-openie-prompts.js";
import type { OpenIEPrompts } from "../../openie/prompts/openie-prompts.js";
import { formatTable, plural, type Output } from "../output.js";
import { passageName } from "../passage-name.js";

export async function runIndexCommand(common: ResolvedCommon, options: LlmOptions & StageLlmCliOptions & EmbeddingCliOptions & PlanCliOptions & { exportGraph?: string; openiePrompts?: string; skipFailed?: boolean }, output: Output): Promise<number> {
  checkOutputFile("--export-graph", options.exportGraph);
  if (options.exportGraph) checkGraphFormat(options.exportGraph); // before the index is built (a remote encoder would be paid first)
  const dataset = await loadCommandDataset(common, output, { embeddingName: options.embeddingName });
  checkDefaultWorkspace(common, false); // on the folder named, also in a dry run (which opens a temporary one)
  const folder = workspaceFolder(common.saveDir, options.dryRun);
  const hippo = await openHippo({ ...common, saveDir: folder.saveDir, saveDirDefaulted: false }, options);
  const interrupt = installInterruptHandler();
  try {
    if (options.dryRun || options.maxCost !== undefined) {
      const plans = await planIndex(hippo, dataset.passages, loadOpenIEPrompts(options.openiePrompts), undefined, options.skipFailed);
      if (options.dryRun) {
        // The index becomes exactly the corpus: say what that removes, adds, rebuilds or reorders before it is done.
        const { removed: wouldRemove, ...changes } = planIndexChanges(hippo, dataset.passages, options.skipFailed);
        const said = changes.added || changes.changed || changes.leftOut || changes.reordered ? `index would change: ${indexChanges({ ...changes, removed: 0 })}${changes.maybe ? ` (at most: ${changes.maybe})` : ""}` : undefined;
        printPlan(plans, output, common.json, { wouldRemove, indexChanges: { counts: { added: changes.added, changed: changes.changed, leftOut: changes.leftOut, reordered: changes.reordered }, said } });
        checkMaxCost(plans, options.maxCost); // what the real run would refuse, the dry run says (exit 2)
        return 0;
      }
      checkMaxCost(plans, options.maxCost);
    }
    hippo.workspace.acquireWriterLock("index");
    const progress = indexProgress(isQuiet(common), (line) => output.stderr(line));
    // The index holds exactly the corpus, in its order: what a fresh workspace would build from it.
    const update = await hippo
      .index(dataset.passages, { sync: true, skipFailed: options.skipFailed, signal: interrupt.signal, onOpenIEPlan: (plan) => isQuiet(common) || output.stderr(openiePlanLine(plan)), ...progress })
      .finally(() => progress.stop());
    const index = hippo.memoryIndex();
    let graphFile: { file: string; nodes: number; edges: number } | undefined;
    if (options.exportGraph) {
      const { graph } = index.load();
      const texts = index.passageContents(graph.passageIds);
      const contents = new Map(graph.passageIds.map((id, i) => [id, texts[i]!]));
      graphFile = { file: options.exportGraph, ...exportGraph(graph, contents, options.exportGraph) };
    }
    const report = { dataset: common.dataset, index: update.indexId, openieModel: index.openieModel, encoder: index.encoder.id, added: update.added, removed: update.removed, leftOut: update.leftOut, changed: update.changed, reordered: update.reordered, excluded: update.excluded, partial: update.excluded.length > 0, synonymQueries: update.synonymQueries, ...update.stats, timingsMs: update.timings, graphFile };
    if (common.json) output.stdout(JSON.stringify(report, null, 2));
    else {
      output.stdout(formatTable(["phrase nodes", "passage nodes", "facts", "fact keys", "passage edges", "synonymy edges", "graph edges"], [[
        update.stats.phraseNodes, update.stats.passageNodes, update.stats.facts, update.stats.factEdges, update.stats.passageEdges, update.stats.synonymyEdges, update.stats.undirectedEdges,
      ]]));
      output.stderr(`index ${update.indexId}: ${indexChanges(update)}${graphFile ? `; graph written to ${graphFile.file}` : ""}`);
      if (update.excluded.length) output.stderr(partialLine(update.excluded, dataset.passages));
    }
    return update.excluded.length ? 5 : 0;
  } finally {
    interrupt.dispose();
    hippo.close();
    folder.done();
  }
}

/** "12 passages added, 1 removed, 3 rebuilt (their OpenIE changed)", or "up to date". */
export function indexChanges(update: { added: number; removed: number; leftOut: number; changed: number; reordered?: boolean }): string {
  const { leftOut } = update;
  const parts = [
    update.added ? `${plural(update.added, "passage")} added` : "",
    update.removed ? `${update.removed} removed (no longer in the corpus)` : "",
    leftOut ? `${leftOut} taken out (${leftOut === 1 ? "its" : "their"} OpenIE is no longer finished)` : "",
    update.changed ? `${update.changed} rebuilt (their OpenIE changed)` : "",
    update.reordered ? "passages put in the corpus's order" : "",
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "up to date, nothing changed";
}

/** Whose OpenIE the index uses, and whether anything will be extracted (spending is never silent). */
export function openiePlanLine(plan: { model: string; missing: number; total: number; extract: boolean }): string {
  const have = plan.total - plan.missing;
  if (!plan.missing) return `openie: using the workspace's results of ${plan.model} (${have}/${plan.total} passages)`;
  return plan.extract
    ? `openie: extracting ${plural(plan.missing, "passage")} with ${plan.model} (${have}/${plan.total} have results)`
    : `openie: ${plan.missing} of ${plan.total} passages have no results of ${plan.model}; they are left out (--skip-failed)`;
}

/** The warning a partial index gives, with the first passages it left out. */
export function partialLine(excluded: readonly string[], passages: readonly Passage[]): string {
  const named = excluded.slice(0, 3).map((id) => passageName(passages, id));
  return `partial index: ${plural(excluded.length, "passage")} left out for lack of finished OpenIE (${named.join(", ")}${excluded.length > 3 ? ", …" : ""}); every result built on it is marked partial (exit 5)`;
}

/**
 * What index would change, as update() counts it: passages without finished OpenIE count as added
 * (or rebuilt) when they would be extracted, "at most" since an extraction may fail; left out when
 * --skip-failed has nothing to extract them with.
 */
export function planIndexChanges(hippo: HippoRag, passages: readonly Passage[], skipFailed?: boolean): ReturnType<MemoryIndex["changesFor"]> & { maybe?: string } {
  const index = hippo.memoryIndex();
  const ids = passages.map((p) => p.id);
  const lacking = index.missingOpenIE(ids);
  const extract = Boolean(lacking.missing.length && hippo.openieExtractor(passages.length, lacking, skipFailed));
  const leftOut = skipFailed && !extract ? new Set(lacking.missing) : new Set<string>();
  const hashes = index.openie.doneTriplesHashes();
  const changes = index.changesFor(ids.filter((id) => !leftOut.has(id)), [...leftOut], (id) => hashes.get(id));
  return extract ? { ...changes, maybe: `${plural(lacking.missing.length, "passage")} still to extract` } : changes;
}

/**
 * What indexing these passages would send: OpenIE of those lacking it (only with an LLM of the
 * index's OpenIE model: nothing else is ever extracted), then the vectors the index lacks.
 * `alreadyDone` are passages whose OpenIE an import in the same command provides.
 */
export async function planIndex(hippo: HippoRag, passages: readonly Passage[], prompts: OpenIEPrompts, alreadyDone: ReadonlySet<string> = new Set(), skipFailed?: boolean): Promise<StagePlan[]> {
  const index = hippo.memoryIndex();
  const missing = index.missingOpenIE(passages.map((p) => p.id)).missing.filter((id) => !alreadyDone.has(id));
  // What the real index would refuse (no LLM for the OpenIE it lacks, another model's), the plan refuses.
  const extractor = hippo.openieExtractor(passages.length, { missing, failed: 0 }, skipFailed);
  const lacking = new Set(missing);
  const plans: StagePlan[] = [];
  if (lacking.size && extractor) plans.push(...planOpenIE(passages.filter((p) => lacking.has(p.id)), index.openie, hippo.chat("openie"), prompts, extractor.maxTokens));
  plans.push(await planEmbeddings(hippo, passages, alreadyDone));
  return plans;
}
