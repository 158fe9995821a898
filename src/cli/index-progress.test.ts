import { describe, expect, it } from "vitest";
import { loadDataset } from "../datasets/load-dataset.js";
import { LexicalEncoder } from "../embedding/lexical-encoder.js";
import { HippoRag } from "../hipporag.js";
import { importOpenIEFile } from "../openie/openie-file.js";
import { GPT35_OPENIE, SHARED_DATASETS, tempDir } from "../test-support/cli-harness.js";
import { indexProgress } from "./index-progress.js";

const MODEL = "gpt-3.5-turbo-1106";

describe("index progress (non-TTY: plain lines)", () => {
  it("names each stage as it starts and counts what long stages did; a re-run counts nothing new", async () => {
    const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: MODEL, encoder: new LexicalEncoder() });
    importOpenIEFile(hippo.workspace, hippo.workspace.openie(MODEL), GPT35_OPENIE);
    const passages = loadDataset("musique_train_dev", SHARED_DATASETS).passages.slice(0, 300);
    const run = async () => {
      const said: string[] = [];
      const written: string[] = [];
      const stream = { isTTY: false, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
      const progress = indexProgress(false, (line) => said.push(line), stream);
      await hippo.index(passages, progress).finally(() => progress.stop());
      return { said, written: written.join("") };
    };
    const first = await run();
    expect(first.said).toEqual(["index: embed passages…", "index: embed facts…", "index: embed entities…", "index: synonymy…", "index: count graph…"]);
    const { stats } = hippo.memoryIndex().load().graph;
    // a rate only when it means something (after half a second), never "(-/s)"
    const line = (stage: string, n: number) => new RegExp(`index: ${stage}: ${n}/${n}( \\(\\d+\\.\\d/s\\))?\\n`);
    expect(first.written).toMatch(line("embed passages", 300));
    expect(first.written).toMatch(line("embed facts", stats.facts));
    expect(first.written).toMatch(line("embed entities", stats.phraseNodes));
    expect(first.written).toMatch(/index: synonymy: (\d+)\/\1( \(\d+\.\d\/s\))?\n/);
    expect(first.written).not.toContain("(-/s)");

    const again = await run(); // nothing to embed or search: no count lines, only the stages
    expect(again.said).toHaveLength(5);
    expect(again.written).toBe("");

    const quiet: string[] = [];
    const silent = indexProgress(true, (line) => quiet.push(line));
    await hippo.index(passages.slice(0, 310), silent);
    expect(quiet).toEqual([]);
    hippo.close();
  });
});
