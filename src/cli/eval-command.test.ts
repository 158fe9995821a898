import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../datasets/load-dataset.js";
import { runCli, SHARED_DATASETS, tempDir, writeJson } from "../test-support/cli-harness.js";

const base = (saveDir: string) => ["eval", "--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir];

describe("hipporag eval with gold passages the corpus does not hold", () => {
  it("says so beside the numbers (a typo in a gold passage is otherwise a silent 0 at every k)", async () => {
    const dir = tempDir();
    const demo = resolve(import.meta.dirname, "../../reproduce/demo");
    const saveDir = `${dir}/ws`;
    const run = await runCli(["run", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--import-openie", `${demo}/openie_results_ner_handwritten.json`, "--skip-qa", "--no-filter"]);
    expect(run.code, run.stderr).toBe(0);
    const questions = JSON.parse(readFileSync(`${demo}/demo.json`, "utf8")) as { id: string; paragraphs: { title: string; paragraph_text: string }[] }[];
    questions[0]!.paragraphs[0]!.paragraph_text += " (edited)";
    const typo = writeJson(dir, "typo.json", questions);
    const flags = ["eval", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir];
    const plain = await runCli(flags);
    expect(plain.stderr).not.toMatch(/match no passage/);
    const edited = await runCli([...flags, "--questions", typo]);
    expect(edited.code).toBe(0);
    expect(edited.stderr).toMatch(new RegExp(`note: .*typo\\.json: 1 of \\d+ gold passages \\(in 1 of ${questions.length} questions\\) match no passage of .*demo_corpus\\.json exactly .*\\(question ${questions[0]!.id}: "${questions[0]!.paragraphs[0]!.title}"\\)`));
  });
});

describe("hipporag eval names the indexes runs come from only when the scored rankings differ", () => {
  it("a reworded question's old row (scored nowhere) does not make a run look retrieved from two indexes", async () => {
    const dir = tempDir();
    const demo = resolve(import.meta.dirname, "../../reproduce/demo");
    const saveDir = `${dir}/ws`;
    const questions = JSON.parse(readFileSync(`${demo}/demo.json`, "utf8")) as { question: string }[];
    const reworded = writeJson(dir, "reworded.json", questions.map((q, i) => (i === 1 ? { ...q, question: `${q.question} Briefly.` } : q)));
    const common = ["--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--openie-llm-name", "handwritten", "--no-filter"];
    expect((await runCli(["run", ...common, "--import-openie", `${demo}/openie_results_ner_handwritten.json`, "--skip-qa", "--no-baselines"])).code).toBe(0);
    expect((await runCli(["retrieve", ...common, "--questions", reworded])).code).toBe(0);
    // every question of demo.json retrieved again from the f16 index; the reworded one's f32 row stays
    expect((await runCli(["run", ...common, "--skip-qa", "--no-baselines", "--vectors", "f16"])).code).toBe(0);
    const scored = await runCli(["eval", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--json"]);
    const names = (stdout: string) => [JSON.parse(stdout)].flat().map((r: { run: string }) => r.run);
    expect(names(scored.stdout)).toEqual(["hipporag2-nofilter"]);
    // the reworded file's questions do come from two indexes, and say so
    const mixed = await runCli(["eval", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--questions", reworded, "--json"]);
    expect(names(mixed.stdout)[0]).toMatch(/^hipporag2-nofilter \[handwritten\|lexical-v1-t0\.35-b0 \+ handwritten\|lexical-v1-t0\.35-b0\|f16\]$/);
  });
});

describe("hipporag eval with questions that have no gold passages", () => {
  it("scores no Recall (not 0 at every k), says why, and prints no empty interval table or p-value legend", async () => {
    const dir = tempDir();
    const demo = resolve(import.meta.dirname, "../../reproduce/demo");
    const saveDir = `${dir}/ws`;
    expect((await runCli(["run", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--import-openie", `${demo}/openie_results_ner_handwritten.json`, "--skip-qa", "--no-filter"])).code).toBe(0);
    const questions = JSON.parse(readFileSync(`${demo}/demo.json`, "utf8")) as { id: string; question: string; answer: string }[];
    const bare = writeJson(dir, "bare.json", questions.map(({ id, question, answer }) => ({ id, question, answer })));
    const result = await runCli(["eval", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--questions", bare]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/R@|0\.0|95% CI|p: one-sided/);
    expect(result.stderr).toMatch(/note: no question of .*bare\.json has gold passages: Recall@k is not scored/);
    const json = JSON.parse((await runCli(["eval", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--questions", bare, "--json"])).stdout) as { recall?: unknown }[];
    expect(json.map((r) => r.recall)).toEqual(json.map(() => undefined));
    // with gold passages, the p legend still waits for a comparison
    const plain = await runCli(["eval", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir]);
    expect(plain.stdout).toMatch(/R@5/);
    expect(plain.stdout).not.toMatch(/p: one-sided/);
    expect((await runCli(["eval", "--dataset", "demo", "--dataset-dir", demo, "--save-dir", saveDir, "--compare", "hipporag2-nofilter", "dense"])).stdout).toMatch(/p: one-sided/);
  });
});

describe("hipporag eval --predictions", () => {
  it("scores a predictions file and stores the report", async () => {
    const dataset = loadDataset("musique_train_dev", SHARED_DATASETS);
    const dir = tempDir();
    // Question 0: gold first (recall@k = 1 for k >= #gold); the rest: one wrong doc then gold.
    const predictions = dataset.questions.map((q, i) => ({
      ...(i % 2 ? { question: q.question } : { id: q.id }),
      docs: i === 0 ? q.goldDocs : ["nobody\nnothing", ...q.goldDocs],
      answer: i === 0 ? q.goldAnswers[0] : "certainly not the answer",
    }));
    const file = writeJson(dir, "pred.json", predictions);
    const result = await runCli([...base(dir), "--predictions", file, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.count).toBe(50);
    const gold0 = dataset.questions[0]!.goldDocs.length;
    const expectedR1 = (1 / gold0) / 50;
    expect(report.recall["1"]).toBeCloseTo(expectedR1, 4);
    expect(report.em).toBe(0.02);
    // Recall@k only up to the longest ranking given (wrong doc + gold): never carried forward to 200
    const topK = Math.max(...predictions.map((p) => p.docs.length));
    expect(report.topK).toBe(topK);
    expect(Object.keys(report.recall)).toEqual(["1", "2", "5", "10", "20", "30", "50", "100", "150", "200"].filter((k) => Number(k) <= topK));
    expect(report.recall["200"]).toBeUndefined();
    expect(Object.keys(report.ci95.recall)).toEqual(Object.keys(report.recall));
    expect(report.ci95.em[0]).toBeLessThanOrEqual(0.02);
    expect(report.ci95.em[1]).toBeGreaterThan(0.02);
    // every ranking empty: Recall@k is 0 at every cut-off, as upstream reports it (not left out)
    const empty = writeJson(dir, "empty.json", predictions.map((p) => ({ ...p, docs: [] })));
    const none = JSON.parse((await runCli([...base(dir), "--predictions", empty, "--json"])).stdout);
    expect(none.recall).toEqual({ 1: 0, 2: 0, 5: 0, 10: 0, 20: 0, 30: 0, 50: 0, 100: 0, 150: 0, 200: 0 });
  });

  it("says when the file covers only some of the questions: the scores are over those only", async () => {
    const dataset = loadDataset("musique_train_dev", SHARED_DATASETS);
    const dir = tempDir();
    const file = writeJson(dir, "few.json", dataset.questions.slice(0, 3).map((q) => ({ id: q.id, docs: q.goldDocs, answer: q.goldAnswers[0] })));
    const human = await runCli([...base(dir), "--predictions", file]);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/note: .*few\.json has predictions for 3 of the 50 questions of .*musique_train_dev\.json: the scores are over those 3 only/);
    const json = JSON.parse((await runCli([...base(dir), "--predictions", file, "--json"])).stdout);
    expect(json.notes.join("\n")).toMatch(/predictions for 3 of the 50 questions/);
  });

  const malformed: [string, unknown, RegExp][] = [
    ["not JSON", "{oops", /pred\.json: not valid JSON \(.*line 1 column 2\)/],
    ["not an array", { docs: [] }, /pred\.json: expected a JSON array/],
    ["empty array", [], /pred\.json: no predictions \(empty array\)/],
    ["docs is a string", [{ id: "x", docs: "A\na" }], /pred\.json: record 0: field "docs": expected a list/],
    ["doc not a string", [{ question: "q", docs: [1] }], /record 0: field "docs": item 0: expected a string/],
    ["missing question and id", [{ docs: [] }], /record 0: field "question": missing/],
    ["answer not a string", [{ id: "x", answer: 3 }], /record 0: field "answer": expected a string, got a number/],
    ["unknown question", [{ question: "who?", docs: [] }], /record 0: field "question": no question in the dataset matches/],
  ];
  for (const [name, content, pattern] of malformed) {
    it(`rejects ${name} with one line and exit 2`, async () => {
      const dir = tempDir();
      const file = writeJson(dir, "pred.json", content);
      const result = await runCli([...base(dir), "--predictions", file]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(pattern);
    });
  }

  it("names the file, record and field of a malformed dataset", async () => {
    const dir = tempDir();
    writeJson(dir, "bad_corpus.json", [{ title: "A", text: "a" }, { title: "B", text: 7 }]);
    const result = await runCli(["eval", "--dataset", "bad", "--dataset-dir", dir, "--predictions", "x.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad_corpus\.json: record 1: field "text": expected a string, got a number/);
    writeJson(dir, "bad_corpus.json", [{ title: "A", text: "a" }]);
    writeJson(dir, "bad.json", [{ id: "1", question: "q", answer: "a" }, { id: "1", question: "r", answer: "b" }]);
    const dup = await runCli(["eval", "--dataset", "bad", "--dataset-dir", dir, "--predictions", "x.json"]);
    expect(dup.stderr).toMatch(/bad\.json: record 1: field "id": duplicate id "1" \(also record 0\)/);
  });

  it("the installed bin exits 2 with no stack trace", () => {
    const bin = resolve(import.meta.dirname, "../../bin/hipporag");
    const run = spawnSync(process.execPath, [bin, "eval", "--dataset", "nope", "--dataset-dir", SHARED_DATASETS], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: dataset "nope" not found.*\(hint: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const unknown = spawnSync(process.execPath, [bin, "eval", "--bogus"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
  });
});
