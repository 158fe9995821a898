import { existsSync } from "node:fs";
import { HippoError } from "../core/errors.js";
import { datasetPaths, DEFAULT_DATASET_DIR } from "../datasets/load-dataset.js";
import { hubDatasets } from "../datasets/hub/hub-dataset-names.js";
import { listHubFiles } from "../datasets/hub/list-hub-files.js";
import type { ResolvedCommon } from "./common-options.js";
import { isQuiet } from "./common-options.js";
import { resolveHub } from "./hub-options.js";
import type { Output } from "./output.js";
import { pullWithProgress } from "./pull-with-progress.js";

/**
 * First use: when `--dataset NAME` has no local corpus and the Hub repository has it, pull it (saying
 * so) before the command reads it. Offline, or when the Hub does not have the name, the loader's own
 * "not found" error follows; without network the error gives the exact pull command to run later.
 */
export async function fetchMissingDataset(common: ResolvedCommon, output: Output): Promise<void> {
  if (common.source?.corpus) return;
  const { corpusPath } = datasetPaths(common.dataset, common.datasetDir);
  if (existsSync(corpusPath)) return;
  if (!/^[A-Za-z0-9_.-]+$/.test(common.dataset)) return; // the loader reports the bad name
  const settings = resolveHub({ offline: common.source?.offline });
  if (settings.offline) return;
  const command = `hipporag datasets pull ${common.dataset}${common.datasetDir === DEFAULT_DATASET_DIR ? "" : ` --dataset-dir ${common.datasetDir}`}`;
  let names: string[];
  try {
    names = hubDatasets(await listHubFiles(settings)).map((d) => d.name);
  } catch (error) {
    if (!HippoError.isInstance(error) || error.code !== "REMOTE") throw error;
    throw new HippoError("REMOTE", `dataset "${common.dataset}" is not in ${common.datasetDir} and ${settings.repo} could not be asked for it: ${error.message}`, {
      cause: error,
      suggestion: `once online, run: ${command}; or copy ${common.dataset}_corpus.json (and ${common.dataset}.json) into ${common.datasetDir}, or pass --corpus`,
    });
  }
  if (!names.includes(common.dataset)) return;
  if (!isQuiet(common)) output.stderr(`dataset "${common.dataset}" is not in ${common.datasetDir}: pulling it from ${settings.repo} (${command})`);
  await pullWithProgress([common.dataset], common.datasetDir, settings, output, isQuiet(common));
}
