import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../test-support/cli-harness.js";

// The offline demo (hand-written OpenIE, lexical encoder, graph-only): fast enough to run `run` twice.
const DEMO = resolve(import.meta.dirname, "../../reproduce/demo");
const args = (saveDir: string) => ["run", "--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir, "--import-openie", join(DEMO, "openie_results_ner_handwritten.json"), "--json"];

describe("hipporag run: one report per dataset and run label, with intervals and comparisons", () => {
  it("a run with other settings writes its own report beside the first, and the index lists both", async () => {
    const saveDir = tempDir();
    const first = await runCli(args(saveDir));
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.report.markdownPath).toBe(join(saveDir, "reports", "run-demo-hipporag2-nofilter.md"));
    // the settings are the effective ones: defaults spelled out, not left undefined
    expect(report.settings).toMatchObject({ method: "hipporag", topK: 200, damping: 0.5, filter: false });
    expect(readFileSync(report.report.markdownPath, "utf8")).toContain("| method | hipporag |");
    // every run's means carry their 95% interval; HippoRAG 2 is compared with each baseline
    for (const { report: r } of report.results) {
      // the demo corpus is smaller than --top-k 200: its rankings are complete, so every Recall@k is defined
      expect(r.topK).toBe(200);
      expect(Object.keys(r.recall)).toHaveLength(10);
      expect(Object.keys(r.ci95.recall)).toEqual(Object.keys(r.recall));
      for (const [k, [low, high]] of Object.entries(r.ci95.recall as Record<string, [number, number]>)) {
        expect(low).toBeLessThanOrEqual(r.recall[k]);
        expect(high).toBeGreaterThanOrEqual(r.recall[k]);
      }
    }
    expect(report.comparisons.map((c: { a: string; b: string }) => `${c.a}-${c.b}`)).toEqual(["hipporag2-nofilter-dense", "hipporag2-nofilter-bm25"]);
    expect(report.bootstrap).toEqual({ resamples: 10_000, seed: 0 });
    const firstHtml = report.report.htmlPath as string;
    const before = readFileSync(firstHtml, "utf8");
    const mtime = statSync(firstHtml).mtimeMs;

    const second = await runCli([...args(saveDir), "--no-passage-nodes", "--no-baselines"]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).report.htmlPath).toBe(join(saveDir, "reports", "run-demo-hipporag2-nofilter-nopassagenodes.html"));
    expect(readFileSync(firstHtml, "utf8")).toBe(before);
    expect(statSync(firstHtml).mtimeMs).toBe(mtime);
    const index = readFileSync(join(saveDir, "reports", "index.html"), "utf8");
    expect(index).toContain('href="run-demo-hipporag2-nofilter.html"');
    expect(index).toContain('href="run-demo-hipporag2-nofilter-nopassagenodes.html"');
    expect(index).toContain("<td>hipporag2-nofilter, dense, bm25</td>");
    expect(JSON.parse(readFileSync(join(saveDir, "reports", "index.json"), "utf8")).map((e: { name: string }) => e.name)).toEqual(["run-demo-hipporag2-nofilter-nopassagenodes", "run-demo-hipporag2-nofilter"]);
  });
});
