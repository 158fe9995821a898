import { basename } from "node:path";
import { createProgress, type Progress } from "../core/progress.js";
import type { HubSettings } from "../datasets/hub/hub-settings.js";
import { pullDatasets, type PulledFile } from "../datasets/hub/pull-datasets.js";
import { formatBytes } from "./format-bytes.js";
import type { Output } from "./output.js";

/**
 * `pullDatasets` with a progress display per file (a bar on a TTY, plain lines otherwise; counted in
 * KB so the rate reads as KB/s) and one line per file when it is done.
 */
export async function pullWithProgress(names: readonly string[], dir: string, settings: HubSettings, output: Output, quiet: boolean): Promise<PulledFile[]> {
  let progress: Progress | undefined;
  let started = 0;
  const say = (line: string) => quiet || output.stderr(line);
  try {
    return await pullDatasets(names, dir, settings, {
      onStart: (file, dest) => {
        started = Date.now();
        progress = createProgress({
          label: `pull ${basename(dest)} (KB)`,
          total: Math.max(1, Math.ceil(file.size / 1000)),
          quiet,
          format: (fields) => String(fields.of ?? ""),
        });
      },
      onProgress: (done, total) => progress?.update(Math.floor(done / 1000), { of: `${formatBytes(done)} of ${formatBytes(total)}` }),
      onNote: (line) => say(line),
      onDone: (file) => {
        progress?.stop();
        progress = undefined;
        if (file.status === "up-to-date") say(`${file.dest}: already up to date (${file.verified} checked), nothing downloaded`);
        else {
          const seconds = Math.max(0.001, (Date.now() - started) / 1000);
          const resumed = file.resumes ? `, resumed ${file.resumes}×` : "";
          say(`${file.dest}: ${formatBytes(file.size)} from ${settings.repo}/${file.hubPath} (${formatBytes(file.received / seconds)}/s${resumed}; ${file.verified} verified)`);
        }
      },
    });
  } finally {
    progress?.stop();
  }
}
