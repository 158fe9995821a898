import { createProgress, type Progress, type ProgressFields } from "../core/progress.js";
import type { IndexProgress } from "../graph/memory-index.js";
import type { OpenIESummary } from "../openie/run-openie.js";
import { formatOpenIEProgress, openieFields } from "./openie-progress.js";

/**
 * Progress of `hipporag.index()` for people: OpenIE of the passages that lack it (counts, tokens,
 * cache hits), a line as each index stage starts, and within long stages (embedding tens of
 * thousands of texts through a server, the synonymy search) counts and rate: a bar on a TTY,
 * otherwise a line every few seconds. Nothing when quiet.
 */
export function indexProgress(
  quiet: boolean,
  say: (line: string) => void,
  stream?: NodeJS.WriteStream,
): IndexProgress & { onOpenIEProgress(summary: OpenIESummary, done: number): void; stop(): void } {
  let bar: Progress | undefined;
  let current = "";
  const stop = () => {
    bar?.stop();
    bar = undefined;
    current = "";
  };
  const show = (key: string, label: string, total: number, done: number, fields?: ProgressFields, format?: (f: ProgressFields) => string) => {
    if (quiet || total === 0) return;
    if (current !== key) {
      stop();
      bar = createProgress({ label, total, format, stream });
      current = key;
    }
    bar!.update(done, fields);
  };
  return {
    onOpenIEProgress(s, done) {
      show("openie", "openie", s.total, done, openieFields(s), formatOpenIEProgress);
    },
    onStage(stage) {
      stop();
      if (!quiet) say(`index: ${stage}…`);
    },
    onProgress(stage, done, total) {
      // A stage may count a second pass with its own total (synonymy: new phrases, then re-searches).
      show(`${stage}/${total}`, `index: ${stage}`, total, done);
    },
    stop,
  };
}
