import { writeOutputFile } from "../../core/write-output-file.js";
import { formatTable } from "../../core/format-table.js";
import type { LogLevel } from "../../core/logger.js";
import { resolveBootstrap } from "../bootstrap-options.js";
import { checkOutputFile } from "../output-path.js";
import type { Output } from "../output.js";

export interface ReportOptions {
  saveDir: string[];
  dataset?: string[];
  datasetDir?: string;
  corpus?: string[];
  questions?: string[];
  out?: string;
  json: boolean;
  logLevel: LogLevel;
  bootstrap: number;
  seed: number;
}

/** `hipporag report`: several workspaces' stored runs side by side with the paper's Tables 2–4; returns the exit code. */
export async function runReportCommand(saveDirs: string[], raw: ReportOptions, output: Output): Promise<number> {
  checkOutputFile("--out", raw.out);
  const { runPaperTables, paperTablesHtml, paperTablesMarkdown } = await import("../../eval/run-paper-tables.js");
  const result = runPaperTables({ saveDirs, datasets: raw.dataset, datasetDir: raw.datasetDir, corpus: raw.corpus, questions: raw.questions, bootstrap: resolveBootstrap(raw) });
  if (result.skipped.length) output.stderr(`note: skipped ${result.skipped.length === 1 ? "a path that holds" : `${result.skipped.length} paths that hold`} no workspace: ${result.skipped.join(", ")}`);
  if (result.missingDataset) output.stderr(`note: left out ${result.missingDataset.length === 1 ? "a workspace whose dataset is" : `${result.missingDataset.length} workspaces whose datasets are`} not in --dataset-dir ${raw.datasetDir}: ${result.missingDataset.join(", ")} (leave out --dataset-dir to read each from where its run read it)`);
  const json = JSON.stringify(result, null, 2);
  if (raw.out) {
    writeOutputFile(raw.out, raw.out.endsWith(".html") ? paperTablesHtml(result.tables) : raw.out.endsWith(".json") ? `${json}\n` : paperTablesMarkdown(result.tables));
  }
  if (raw.json) output.stdout(json);
  else {
    for (const table of result.tables) output.stdout(`${table.title}\n${formatTable(table.header, table.body)}\n\n`);
    const { allNotes } = await import("../../eval/paper-tables.js");
    output.stdout(allNotes(result.tables).map((n) => `note: ${n}`).join("\n"));
    if (raw.out) output.stderr(`report: ${raw.out}`);
  }
  return 0;
}
