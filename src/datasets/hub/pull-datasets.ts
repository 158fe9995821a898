import { join } from "node:path";
import { usageError } from "../../core/errors.js";
import { downloadHubFile, type DownloadHooks, type DownloadOutcome } from "./download-hub-file.js";
import { hubDatasets, type HubDataset } from "./hub-dataset-names.js";
import type { HubSettings } from "./hub-settings.js";
import { listHubFiles, type HubFile } from "./list-hub-files.js";

export interface PulledFile extends DownloadOutcome {
  dataset: string;
  hubPath: string;
  size: number;
}

export interface PullHooks extends DownloadHooks {
  onStart?(file: HubFile, dest: string): void;
  onDone?(file: PulledFile): void;
}

/**
 * Pulls `<name>_corpus.json` and `<name>.json` of each name into `dir`, under those names whatever
 * folder they sit in on the Hub. Unknown names fail before anything is downloaded.
 */
export async function pullDatasets(names: readonly string[], dir: string, settings: HubSettings, hooks: PullHooks = {}): Promise<PulledFile[]> {
  const available = hubDatasets(await listHubFiles(settings));
  const chosen = names.map((name) => findDataset(available, name, settings));
  const pulled: PulledFile[] = [];
  for (const dataset of chosen) {
    for (const [file, local] of [[dataset.corpus, `${dataset.name}_corpus.json`], [dataset.questions, `${dataset.name}.json`]] as const) {
      if (!file) continue;
      const dest = join(dir, local);
      hooks.onStart?.(file, dest);
      const outcome = await downloadHubFile(settings, file, dest, hooks);
      const result = { ...outcome, dataset: dataset.name, hubPath: file.path, size: file.size };
      hooks.onDone?.(result);
      pulled.push(result);
    }
  }
  return pulled;
}

export function findDataset(available: readonly HubDataset[], name: string, settings: HubSettings): HubDataset {
  const found = available.find((d) => d.name === name) ?? available.find((d) => d.name.toLowerCase() === name.toLowerCase());
  if (found) return found;
  const names = available.map((d) => d.name);
  throw usageError(
    `${settings.repo}@${settings.revision} has no dataset "${name}" (no ${name}_corpus.json anywhere in its tree)`,
    names.length ? `available: ${names.join(", ")}` : "the repository lists no *_corpus.json files; check --repo and --revision",
  );
}
