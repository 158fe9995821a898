import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LexicalEncoder } from "./embedding/lexical-encoder.js";
import { HippoRag } from "./hipporag.js";
import { FakeOpenAIServer } from "./test-support/fake-openai-server.js";
import { fakeLlm } from "./test-support/fake-llm.js";
import { runCli, SHARED_DATASETS, tempDir } from "./test-support/cli-harness.js";
import { FILTER_SYSTEM } from "./retrieval/filter-prompt.js";
import { QA_SYSTEM } from "./qa/qa-prompt.js";

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("hipporag run: the full pipeline through the CLI with a loopback LLM", () => {
  it("runs OpenIE, index, filtered retrieval, QA and eval on sample.json; a re-run calls nothing", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm }).start();
    const saveDir = tempDir();
    const args = ["run", "--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--llm-base-url", server.url, "--llm-name", "test-model", "--json"];
    const first = await runCli(args);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    const runs = Object.fromEntries(report.results.map((r: any) => [r.name, r.report]));
    expect(Object.keys(runs)).toEqual(["hipporag2", "dense", "bm25"]);
    expect(runs.hipporag2.count).toBe(1);
    expect(runs.hipporag2.recall["5"]).toBe(1);
    // the fake reader answers with the top passage's title, and the gold answer is a passage title:
    // EM is 1 exactly when the top passage is the gold one
    expect(runs.hipporag2.em).toBe(runs.hipporag2.recall["1"]);
    expect(runs.dense.em).toBe(runs.dense.recall["1"]);
    expect(runs.bm25.em).toBeUndefined();
    const calls = server.chatRequests();
    const systems = calls.map((c) => c.messages[0]!.content);
    expect(systems.filter((s) => s === FILTER_SYSTEM)).toHaveLength(1);
    expect(systems.filter((s) => s === QA_SYSTEM)).toHaveLength(2); // hipporag2 and dense
    expect(calls.length).toBe(3 * 2 + 1 + 2); // NER + triples per passage, filter, QA ×2
    expect(report.costs.map((c: any) => c.stage).sort()).toEqual(["filter (test-model)", "openie-ner (test-model)", "openie-triples (test-model)", "qa (test-model)"]);
    const html = readFileSync(join(saveDir, "reports", "run-sample-hipporag2.html"), "utf8"); // one report per dataset and run label
    expect(html).toContain("<svg");
    expect(html).toContain("hipporag2");

    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(server.chatRequests()).toHaveLength(calls.length);
    expect(JSON.parse(second.stdout).results).toEqual(report.results);
    // what each run paid: the second nothing (every reply cached); the workspace's total is the first's
    expect(JSON.parse(second.stdout).costs).toEqual([]);
    expect(JSON.parse(second.stdout).workspaceCosts).toEqual(report.costs);
  });

  it("a server per stage alone (no --llm-base-url, no OPENAI_API_KEY) runs the filter and QA, in the plan as in the run", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm }).start();
    const saveDir = tempDir();
    const args = ["run", "--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--openie-llm-base-url", server.url, "--qa-llm-base-url", server.url, "--llm-name", "test-model", "--json"];
    const plan = JSON.parse((await runCli([...args, "--dry-run"])).stdout);
    expect(plan.stages.map((s: any) => s.stage)).toEqual(expect.arrayContaining([expect.stringMatching(/^filter hipporag2/), expect.stringMatching(/^qa hipporag2/), expect.stringMatching(/^qa dense/)]));
    const ran = await runCli(args);
    expect(ran.code, ran.stderr).toBe(0);
    const report = JSON.parse(ran.stdout);
    expect(report.results.map((r: any) => r.name)).toEqual(["hipporag2", "dense", "bm25"]); // filtered, not hipporag2-nofilter
    expect(report.results[0].report.em).toBeDefined();
    expect(JSON.stringify(report)).not.toMatch(/No LLM configured|QA skipped/);
    const systems = server.chatRequests().map((c) => c.messages[0]!.content);
    expect(systems.filter((s) => s === FILTER_SYSTEM)).toHaveLength(1);
    expect(systems.filter((s) => s === QA_SYSTEM)).toHaveLength(2);
  });

  it("--filter-max-tokens reaches the filter's requests and is an input of the stored retrieval", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm }).start();
    const saveDir = tempDir();
    const base = ["--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--llm-base-url", server.url, "--llm-name", "test-model"];
    expect((await runCli(["run", ...base, "--skip-qa", "--no-baselines"])).code).toBe(0);
    const filterCalls = () => server!.requests.filter((r) => r.path.endsWith("/chat/completions") && (r.body.messages as { content: string }[])[0]!.content === FILTER_SYSTEM);
    expect(filterCalls().map((r) => r.body.max_tokens)).toEqual([512]);
    const limited = await runCli(["retrieve", ...base, "--filter-max-tokens", "300", "--json"]);
    expect(limited.code, limited.stderr).toBe(0);
    expect(JSON.parse(limited.stdout).recomputed).toEqual({ "filter LLM, prompt or max tokens changed": 1 });
    expect(filterCalls().map((r) => r.body.max_tokens)).toEqual([512, 300]);
    // back to the default: computed again (the run holds one setting's results), from the cached reply
    const again = JSON.parse((await runCli(["retrieve", ...base, "--json"])).stdout);
    expect(again.recomputed).toEqual({ "filter LLM, prompt or max tokens changed": 1 });
    expect(filterCalls()).toHaveLength(2);
  });

  it("eval --compare says when the two runs' answers come from different QA settings", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm }).start();
    const saveDir = tempDir();
    const base = ["--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--llm-base-url", server.url, "--llm-name", "test-model"];
    expect((await runCli(["run", ...base])).code).toBe(0);
    const compare = ["eval", "--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--compare", "hipporag2", "dense"];
    expect((await runCli(compare)).stderr + (await runCli(compare)).stdout).not.toMatch(/different QA settings/);
    expect((await runCli(["qa", ...base, "--run", "dense", "--qa-llm-name", "other-reader"])).code).toBe(0);
    const mixed = await runCli(compare);
    expect(mixed.stdout + mixed.stderr).toMatch(/hipporag2 vs dense: their answers come from different QA settings \(model, prompt or max tokens\), so the EM\/F1 difference is not the retrieval's alone/);
  });

  it("qa shows its answers beside the gold ones, and --answers-out writes every one", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm }).start();
    const saveDir = tempDir();
    const base = ["--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--llm-base-url", server.url, "--llm-name", "test-model"];
    expect((await runCli(["run", ...base, "--skip-qa", "--no-baselines"])).code).toBe(0);
    const out = join(saveDir, "answers.json");
    const qa = await runCli(["qa", ...base, "--answers-out", out]);
    expect(qa.code, qa.stderr).toBe(0);
    expect(qa.stdout).toMatch(/question\s+answer\s+gold/);
    const answers = JSON.parse(readFileSync(out, "utf8")) as { id: string; question: string; answer: string; gold: string[] }[];
    expect(answers).toHaveLength(1);
    expect(answers[0]!.answer.length).toBeGreaterThan(0);
    expect(qa.stdout).toContain(answers[0]!.answer);
    expect(answers[0]!.gold.length).toBeGreaterThan(0);
    const json = JSON.parse((await runCli(["qa", ...base, "--json"])).stdout);
    expect(json.answers).toEqual(answers);
    const limited = await runCli(["qa", ...base, "--qa-max-tokens", "64"]);
    expect(limited.stderr).toMatch(/1 computed \(1 QA model, prompt or max tokens changed\)/);
  });

  it("a failing filter LLM: dense fallback counted, exit 5, and the next run retries just those questions", async () => {
    let filterDown = true;
    server = await new FakeOpenAIServer({ chat: fakeLlm, fault: ({ body }) => (filterDown && (body as any).messages?.[0]?.content === FILTER_SYSTEM ? { kind: "status", status: 500 } : undefined) }).start();
    const saveDir = tempDir();
    const args = ["run", "--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--llm-base-url", server.url, "--llm-name", "test-model", "--max-retries", "0", "--skip-qa", "--no-baselines"];
    const first = await runCli(args);
    expect(first.code).toBe(5);
    expect(first.stdout).toMatch(/note: hipporag2: 1 of 1 questions fell back \(1 filter-error\); the LLM errors are retried by the next retrieve/);
    expect(first.stderr).toMatch(/1 question fell back to dense retrieval because the filter LLM failed \(first: LLM call \(filter, model test-model\) failed after 1 attempt\(s\): HTTP 500: injected 500\); re-run to retry them/);
    filterDown = false;
    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/fallbacks/);
  });

  it("retrieve --explain with a failing filter LLM shows the error and exits 5, not 0", async () => {
    let filterDown = true;
    server = await new FakeOpenAIServer({ chat: fakeLlm, fault: ({ body }) => (filterDown && (body as any).messages?.[0]?.content === FILTER_SYSTEM ? { kind: "status", status: 500 } : undefined) }).start();
    const saveDir = tempDir();
    const base = ["--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--llm-base-url", server.url, "--llm-name", "test-model", "--max-retries", "0"];
    expect((await runCli(["index", ...base])).code).toBe(0);
    const explained = await runCli(["retrieve", ...base, "--explain", "Who founded the Journal of Mathematical Physics?"]);
    expect(explained.stdout).toMatch(/filter kept 0 \(error: /);
    expect(explained.stdout).toMatch(/dense fallback: filter-error/);
    expect(explained.stderr).toMatch(/the filter LLM failed, so this ranking is the dense fallback/);
    expect(explained.code).toBe(5);
    filterDown = false;
    const again = await runCli(["retrieve", ...base, "--explain", "Who founded the Journal of Mathematical Physics?", "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).trace.fallback).not.toBe("filter-error"); // the failure was not cached: the filter ran again
  });

  it("retrieve --predictions-out writes what eval --predictions scores identically, and --explain shows the steps", async () => {
    const saveDir = tempDir();
    const base = ["--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir];
    await runCli(["openie", ...base, "--import", join(SHARED_DATASETS, "../openie/musique_train/openie_results_ner_gpt-3.5-turbo-1106.json")]);
    await runCli(["index", ...base]);
    const out = join(saveDir, "pred.json");
    const retrieved = await runCli(["retrieve", ...base, "--no-filter", "--predictions-out", out, "--json"]);
    expect(retrieved.code).toBe(0);
    const scored = await runCli(["eval", ...base, "--predictions", out, "--json"]);
    expect(JSON.parse(scored.stdout).recall).toEqual(JSON.parse(retrieved.stdout).recall);
    const explained = await runCli(["retrieve", ...base, "--no-filter", "--explain", "Who founded the Journal of Mathematical Physics?"]);
    expect(explained.stdout).toMatch(/candidate facts/);
    expect(explained.stdout).toMatch(/seed phrases/);
    expect(explained.stdout).toMatch(/journal of mathematical physics/);
    expect(explained.stdout).toMatch(/top passages:\nrank/);
    // eval of the stored run equals the retrieve summary
    const stored = await runCli(["eval", ...base, "--run", "hipporag2-nofilter", "--json"]);
    expect(JSON.parse(stored.stdout).recall).toEqual(JSON.parse(retrieved.stdout).recall);
  });

  it("without an LLM, run takes the graph-only path and says so; the filter asks for --no-filter", async () => {
    const saveDir = tempDir();
    const base = ["--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir];
    const noOpenIE = await runCli(["run", ...base]);
    expect(noOpenIE.code).toBe(2);
    expect(noOpenIE.stderr).toMatch(/3 of 3 passages have no OpenIE results for model gpt-4o-mini, and no LLM is configured to extract them/);
    // refused before anything was written: no workspace is left behind by the failed commands
    const index = await runCli(["index", ...base]);
    expect(index.code).toBe(2);
    expect(existsSync(join(saveDir, "hipporag.sqlite"))).toBe(false);
    const retrieve = await runCli(["retrieve", ...base]);
    expect(retrieve.code).toBe(2);
  });

  it("retrieve --dry-run refuses the filter without an LLM as retrieve does, and plans once it is off", async () => {
    const demo = resolve(import.meta.dirname, "../reproduce/demo");
    const base = ["--dataset", "demo", "--dataset-dir", demo, "--save-dir", tempDir()];
    expect((await runCli(["openie", ...base, "--import", join(demo, "openie_results_ner_handwritten.json")])).code).toBe(0);
    expect((await runCli(["index", ...base])).code).toBe(0);
    for (const extra of [[], ["--dry-run"], ["--max-cost", "1"]]) {
      const refused = await runCli(["retrieve", ...base, ...extra]);
      expect(refused.code, extra.join(" ")).toBe(2);
      expect(refused.stderr).toMatch(/the recognition-memory filter needs an LLM/);
    }
    expect((await runCli(["retrieve", ...base, "--no-filter", "--dry-run"])).code).toBe(0);
  });
});

describe("library API (the seed README's quick start shape)", () => {
  it("index(docs) → retrieve → ragQa with gold → delete; an empty filter falls back to dense, counted", async () => {
    let filterReply = "";
    server = await new FakeOpenAIServer({ chat: (body) => (body.messages[0]!.content === FILTER_SYSTEM && filterReply ? { content: filterReply } : fakeLlm(body)) }).start();
    const hippo = await HippoRag.open({ saveDir: tempDir(), llm: { model: "test-model", baseUrl: server.url, apiKey: "sk-dummy" }, encoder: new LexicalEncoder() });
    const docs = [
      "Oliver Badman\nOliver Badman is a politician.",
      "George Rankin\nGeorge Rankin is a politician.",
      "Thomas Marwick\nThomas Marwick is a politician.",
      "Cinderella\nCinderella attended the royal ball.",
      "Erik Hort\nErik Hort's birthplace is Montebello.",
      "Montebello\nMontebello is a part of Rockland County.",
    ];
    const update = await hippo.index(docs);
    expect(update.added).toBe(6);
    expect(update.openie?.extracted).toBe(6);
    const [result] = await hippo.retrieve(["What county is Erik Hort's birthplace a part of?"], 3);
    expect(result!.docs).toHaveLength(3);
    expect(result!.docs.slice(0, 2).sort()).toEqual([docs[4], docs[5]].sort());
    expect(result!.trace.filter?.kept.length).toBeGreaterThan(0);
    const qa = await hippo.ragQa([result!], { goldDocs: [[docs[4]!, docs[5]!]], goldAnswers: [["Rockland County"]] });
    expect(qa.results[0]!.answer).toBeDefined();
    expect(qa.evaluation!.recall!["2"]).toBe(1);

    filterReply = '[[ ## fact_after_filter ## ]]\n{"fact": []}\n\n[[ ## completed ## ]]';
    const [fallback] = await hippo.retrieve(["Which politician attended the royal ball?"], 6);
    expect(fallback!.trace.fallback).toBe("filter-empty");
    const [dense] = await hippo.retrieve(["Which politician attended the royal ball?"], 6, { method: "dense" });
    expect(fallback!.docs).toEqual(dense!.docs);

    const removed = await hippo.delete([docs[3]!]);
    expect(removed.removed).toBe(1);
    expect(removed.stats.passageNodes).toBe(5);
    hippo.close();
  });
});
