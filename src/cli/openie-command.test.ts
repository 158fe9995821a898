import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../test-support/cli-harness.js";

const DEMO = resolve(import.meta.dirname, "../../reproduce/demo");
const OPENIE = join(DEMO, "openie_results_ner_handwritten.json");

describe("hipporag openie with nothing left to extract", () => {
  it("needs no LLM: it says every passage is done and exits 0 (and a dry run plans nothing)", async () => {
    const saveDir = join(tempDir(), "ws");
    const at = ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];
    const env = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect((await runCli(["openie", ...at, "--import", OPENIE])).code).toBe(0);
      const again = await runCli(["openie", ...at, "--llm-name", "handwritten"]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/nothing to extract: all 18 passages have OpenIE of model handwritten/);
      const plan = await runCli(["openie", ...at, "--llm-name", "handwritten", "--dry-run", "--json"]);
      expect(plan.code, plan.stderr).toBe(0);
      const stages = (JSON.parse(plan.stdout) as { stages: { stage: string; calls: number }[] }).stages;
      expect(stages.map((s) => [s.stage, s.calls])).toEqual([["openie-ner", 0], ["openie-triples", 0]]);
      // Without --llm-name the default model is meant, which has nothing: refused, naming the model that covers the corpus.
      const unnamed = await runCli(["openie", ...at]);
      expect(unnamed.code).toBe(2);
      expect(unnamed.stderr).toMatch(/no LLM configured.*none of the 18 passages has any OpenIE of model gpt-4o-mini \(hint: the workspace's OpenIE of handwritten covers every passage: pass --llm-name handwritten/);
    } finally {
      if (env !== undefined) process.env.OPENAI_API_KEY = env;
    }
  });
});
