import { existsSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "../core/errors.js";
import type { Passage } from "../datasets/dataset-types.js";
import { Workspace, WORKSPACE_FILE } from "../store/workspace.js";

/** Which document a passage came from, and how it was cut: "whole" or "<size>/<overlap>/<tokenizer>". */
function origin(metadata: Record<string, unknown>): { document: string; cut: string } | undefined {
  if (typeof metadata.source !== "string") return undefined;
  const document = `${metadata.source}${metadata.record === undefined ? "" : ` record ${String(metadata.record)}`}`;
  const cut = metadata.chunkSize === undefined ? "whole" : `${String(metadata.chunkSize)}/${String(metadata.chunkOverlap)}/${String(metadata.tokenizer)}`;
  return { document, cut };
}

/**
 * Chunk ids are content-addressed, so the same documents cut another way are other passages. Adding
 * them to a workspace that already indexes the first cut would mix two corpora in one graph; refuse
 * that and say how to keep them apart. (The default --save-dir already differs per chunk setting.)
 */
export function checkChunking(saveDir: string, passages: readonly Passage[]): void {
  const ours = new Map<string, string>();
  for (const passage of passages) {
    const found = passage.metadata && origin(passage.metadata);
    if (found) ours.set(found.document, found.cut);
  }
  if (ours.size === 0 || !existsSync(join(saveDir, WORKSPACE_FILE))) return;
  const workspace = Workspace.open(saveDir);
  try {
    for (const metadata of workspace.passages.allMetadata()) {
      const stored = origin(metadata);
      const mine = stored && ours.get(stored.document);
      if (stored && mine && mine !== stored.cut) {
        throw usageError(
          `${workspace.path} already holds ${stored.document} cut as ${describe(stored.cut)}; cutting it as ${describe(mine)} would mix two corpora in one index`,
          "keep the same --chunk-tokens/--chunk-overlap/--chunk-tokenizer (with --chunk-tokenizer auto an onnx --embedding-name brings its own tokenizer: pass the one the workspace was cut with), or use another --save-dir (the default, outputs/<name>-c<N>o<M>, differs by size and overlap only, not by tokenizer)",
        );
      }
    }
  } finally {
    workspace.close();
  }
}

function describe(cut: string): string {
  if (cut === "whole") return "whole passages (no --chunk-tokens)";
  const [size, overlap, tokenizer] = cut.split("/");
  return `chunks of ${size} tokens, overlap ${overlap}, counted by ${tokenizer}`;
}
