import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { HippoError } from "../../core/errors.js";
import { HubUnreachable } from "../../datasets/hub/hub-fetch.js";
import { hubDatasets, type HubDataset } from "../../datasets/hub/hub-dataset-names.js";
import { listHubFiles } from "../../datasets/hub/list-hub-files.js";
import { localDatasets } from "../../datasets/hub/local-datasets.js";
import { DEFAULT_DATASET_DIR } from "../../datasets/load-dataset.js";
import { formatBytes } from "../format-bytes.js";
import { resolveHub, type HubCliOptions } from "../hub-options.js";
import { formatTable } from "../output.js";
import { pullWithProgress } from "../pull-with-progress.js";
import type { Output } from "../output.js";

export interface DatasetsOptions extends HubCliOptions {
  datasetDir: string;
  json: boolean;
}

/** `hipporag datasets list`: what the Hub repository holds, and what is local; returns the exit code. */
export async function runDatasetsList(options: DatasetsOptions, output: Output): Promise<number> {
  const settings = resolveHub(options);
  const local = localDatasets(options.datasetDir);
  let hub: HubDataset[] | null = null;
  if (settings.offline) output.stderr(`offline: ${settings.repo} not consulted; local datasets in ${options.datasetDir} only`);
  else {
    try {
      hub = hubDatasets(await listHubFiles(settings));
    } catch (error) {
      // The Hub out of reach (no network): the local datasets are still worth listing, said so. (A refusal,
      // 401 or 404, is an answer: that stays an error.)
      if (!(error instanceof HubUnreachable)) throw error;
      output.stderr(`${settings.repo} could not be reached (${error.message}): local datasets in ${options.datasetDir} only (--offline skips the Hub)`);
    }
  }
  if (options.json) {
    output.stdout(JSON.stringify({ repo: settings.repo, revision: settings.revision, datasetDir: options.datasetDir, hub: hub?.map(describe) ?? null, local }, null, 2));
    return 0;
  }
  const names = [...new Set([...(hub ?? []).map((d) => d.name), ...local.map((d) => d.name)])].sort();
  const rows = names.map((name) => {
    const remote = hub?.find((d) => d.name === name);
    const here = local.find((d) => d.name === name);
    return [
      name,
      remote ? `${formatBytes((remote.corpus?.size ?? 0) + (remote.questions?.size ?? 0))}${remote.questions ? "" : " (corpus only)"}` : hub ? "-" : "?",
      here ? `yes${here.hasQuestions ? "" : " (corpus only)"}` : "no",
    ];
  });
  output.stdout(rows.length ? formatTable(["dataset", `on ${settings.repo}`, `in ${options.datasetDir}`], rows) : noDatasets(options.datasetDir, hub !== null));
  for (const d of hub ?? []) if (d.shadowed.length) output.stderr(`${d.name}: using ${d.corpus?.path}${d.questions ? ` and ${d.questions.path}` : ""}; ignoring ${d.shadowed.join(", ")}`);
  if (hub && rows.length) output.stderr(`pull one with: hipporag datasets pull <name>${options.datasetDir === DEFAULT_DATASET_DIR ? "" : ` --dataset-dir ${options.datasetDir}`}`);
  return 0;
}

/** Where an empty listing looked, and how to get datasets there. */
function noDatasets(datasetDir: string, hubConsulted: boolean): string {
  const where = resolve(datasetDir);
  const looked = existsSync(where) ? `no <name>_corpus.json under ${where}` : `${where} does not exist`;
  const pull = `hipporag datasets pull <name>${datasetDir === DEFAULT_DATASET_DIR ? "" : ` --dataset-dir ${datasetDir}`}`;
  return `no datasets: ${looked}${hubConsulted ? " and the repository lists none" : ""}. Give the folder that holds them with --dataset-dir, or download one (online) with: ${pull}`;
}

/** `hipporag datasets pull <name…>`: verified, resumable downloads into --dataset-dir; returns the exit code. */
export async function runDatasetsPull(names: string[], options: DatasetsOptions, output: Output): Promise<number> {
  const settings = resolveHub(options);
  if (settings.offline) {
    throw new HippoError("USAGE", `offline (HF_HUB_OFFLINE=1 or --offline): cannot pull ${names.join(", ")}`, {
      suggestion: "unset HF_HUB_OFFLINE / drop --offline, or copy the files into --dataset-dir yourself",
    });
  }
  const pulled = await pullWithProgress(names, options.datasetDir, settings, output, options.json);
  if (options.json) output.stdout(JSON.stringify({ repo: settings.repo, revision: settings.revision, files: pulled }, null, 2));
  else {
    const downloaded = pulled.filter((f) => f.status === "downloaded");
    output.stdout(`${downloaded.length} downloaded (${formatBytes(downloaded.reduce((sum, f) => sum + f.received, 0))}), ${pulled.length - downloaded.length} already up to date, in ${options.datasetDir}`);
  }
  return 0;
}

function describe(dataset: HubDataset) {
  return {
    name: dataset.name,
    corpus: dataset.corpus && { path: dataset.corpus.path, size: dataset.corpus.size, sha256: dataset.corpus.sha256 },
    questions: dataset.questions && { path: dataset.questions.path, size: dataset.questions.size, sha256: dataset.questions.sha256 },
    shadowed: dataset.shadowed,
  };
}
