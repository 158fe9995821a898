import { ENCODER_PROBE_TEXT } from "./embedding/embedding-store.js";
import Database from "better-sqlite3";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "./test-support/fake-openai-server.js";
import { fakeLlm } from "./test-support/fake-llm.js";
import { openieStage } from "./test-support/fake-openie-model.js";
import { runCli, SHARED_DATASETS, tempDir, writeJson } from "./test-support/cli-harness.js";
import { FILTER_SYSTEM } from "./retrieval/filter-prompt.js";
import { QUERY_NER_SYSTEM } from "./retrieval/query-ner-prompt.js";
import { QA_SYSTEM } from "./qa/qa-prompt.js";
import { loopbackServers } from "./test-support/loopback-servers.js";

/** Issue "The experiment workflow": a model per stage, no surprise spending, partial indexes, sweeps, dry runs, config files. */
const DEMO = resolve(import.meta.dirname, "../reproduce/demo");
const DEMO_OPENIE = join(DEMO, "openie_results_ner_handwritten.json");
const demo = (saveDir: string) => ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];

const server = loopbackServers();
const kinds = (s: FakeOpenAIServer) => {
  const count: Record<string, number> = {};
  for (const body of s.chatRequests()) {
    const kind = openieStage(body) ?? (body.messages[0]!.content === FILTER_SYSTEM ? "filter" : body.messages[0]!.content === QA_SYSTEM ? "qa" : "other");
    const key = `${kind}:${body.model}`;
    count[key] = (count[key] ?? 0) + 1;
  }
  return count;
};

describe("a model per stage, and the OpenIE model is the index's", () => {
  it("imported OpenIE + another --llm-name: zero OpenIE calls; the filter and QA use that model; the output says whose OpenIE", async () => {
    const s = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    const result = await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--llm-base-url", s.url, "--llm-name", "my-qa-model", "--no-baselines"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/openie: using the workspace's results of handwritten \(\d+\/\d+ passages\)/);
    const counted = kinds(s);
    expect(Object.keys(counted).filter((k) => k.startsWith("ner") || k.startsWith("triples"))).toEqual([]);
    expect(Object.keys(counted).sort()).toEqual(["filter:my-qa-model", "qa:my-qa-model"]);
    // a later run with yet another QA model re-extracts nothing either
    expect((await runCli(["run", ...demo(saveDir), "--llm-base-url", s.url, "--llm-name", "another-model", "--no-baselines"])).code).toBe(0);
    expect(Object.keys(kinds(s)).filter((k) => k.startsWith("ner") || k.startsWith("triples"))).toEqual([]);
  });

  it("--openie-llm-name asks for extraction with that model and says so; QA keeps its own model and server", async () => {
    const openie = await server({ chat: fakeLlm });
    const qa = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    const result = await runCli(["run", ...demo(saveDir), "--openie-llm-name", "extractor", "--openie-llm-base-url", openie.url, "--llm-base-url", qa.url, "--llm-name", "reader", "--no-baselines", "--no-filter"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/openie: extracting \d+ passages with extractor \(0\/\d+ have results\)/);
    expect(Object.keys(kinds(openie)).sort()).toEqual(["ner:extractor", "triples:extractor"]);
    expect(Object.keys(kinds(qa))).toEqual(["qa:reader"]);
  });

  it("a QA model with no OpenIE for new passages refuses instead of extracting with the wrong model", async () => {
    const s = await server({ chat: fakeLlm });
    const dir = tempDir();
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8"));
    writeJson(dir, "demo_corpus.json", [...corpus, { title: "Extra", text: "Extra is a new passage with no OpenIE." }]);
    writeJson(dir, "demo.json", JSON.parse(readFileSync(join(DEMO, "demo.json"), "utf8")));
    const saveDir = join(dir, "ws");
    const base = ["--dataset", "demo", "--dataset-dir", dir, "--save-dir", saveDir];
    await runCli(["openie", ...base, "--import", DEMO_OPENIE]);
    const result = await runCli(["index", ...base, "--llm-base-url", s.url, "--llm-name", "my-qa-model"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/1 of \d+ passages has no OpenIE results of handwritten \(the workspace's OpenIE\), and the configured LLM is my-qa-model \(hint: extract them with handwritten \(--openie-llm-name handwritten/);
    expect(s.chatRequests()).toHaveLength(0);
  });
});

describe("--skip-failed", () => {
  it("a passage that always fails: index and run build from the rest, list it, mark the index partial, exit 5; retrieval works", async () => {
    const s = await server({ chat: fakeLlm, fault: ({ body }) => ((body as any).messages.at(-1).content.startsWith("Marie Curie") && openieStage(body as any) === "ner" ? { kind: "status", status: 500 } : undefined) });
    const saveDir = tempDir();
    const llm = ["--llm-base-url", s.url, "--llm-name", "m", "--max-retries", "0"];
    const without = await runCli(["run", ...demo(saveDir), ...llm, "--no-filter", "--skip-qa", "--no-baselines"]);
    expect(without.code).toBe(5);
    expect(without.stderr).toMatch(/OpenIE failed for 1 passage \(/);
    const skipped = await runCli(["run", ...demo(saveDir), ...llm, "--no-filter", "--skip-qa", "--no-baselines", "--skip-failed", "--json"]);
    expect(skipped.code).toBe(5);
    const report = JSON.parse(skipped.stdout);
    expect(report.warnings.join()).toMatch(/partial index: 1 passage left out for lack of finished OpenIE \("Marie Curie" \(chunk-[0-9a-f]{32}\)\)/);
    expect(report.stages.index.excluded).toHaveLength(1);
    const html = readFileSync(join(saveDir, "reports", "run-demo-hipporag2-nofilter.html"), "utf8");
    expect(html).toMatch(/partial index/);
    const indexed = await runCli(["index", ...demo(saveDir), ...llm, "--skip-failed", "--json"]);
    expect(indexed.code).toBe(5);
    expect(JSON.parse(indexed.stdout)).toMatchObject({ partial: true });
    // the partial index serves retrieval (it is not stale: it left that passage out on purpose), said so, exit 5
    const retrieved = await runCli(["retrieve", ...demo(saveDir), "--llm-name", "m", "--no-filter"]);
    expect(retrieved.code).toBe(5);
    expect(retrieved.stderr).toMatch(/partial index: 1 passage left out/);
    // eval says it beside the run's numbers
    const evaluated = await runCli(["eval", ...demo(saveDir)]);
    expect(evaluated.stderr).toContain("note: hipporag2-nofilter: retrieved from a partial index (1 passage left out for lack of OpenIE, --skip-failed)");
  });
});

describe("run --dry-run after a partial --skip-failed run", () => {
  it("counts the retrieval and QA that the retried OpenIE's new index brings, as the real run then sends them", async () => {
    let failing = true;
    const s = await server({ chat: fakeLlm, fault: ({ body }) => (failing && (body as any).messages.at(-1).content.startsWith("Marie Curie") && openieStage(body as any) === "ner" ? { kind: "status", status: 500 } : undefined) });
    const saveDir = tempDir();
    const args = ["run", ...demo(saveDir), "--llm-base-url", s.url, "--llm-name", "m", "--max-retries", "0", "--no-baselines"];
    expect((await runCli([...args, "--skip-failed"])).code).toBe(5);
    failing = false;
    const before = s.chatRequests().length;
    const plan = JSON.parse((await runCli([...args, "--dry-run", "--json"])).stdout);
    const planned = Object.fromEntries(plan.stages.filter((st: { calls: number }) => st.calls > 0).map((st: { stage: string; calls: number }) => [st.stage.split(" ")[0], st.calls]));
    const real = await runCli(args);
    expect(real.code, real.stderr).toBe(0);
    const sent: Record<string, number> = {};
    for (const body of s.chatRequests().slice(before)) {
      const kind = openieStage(body) ? `openie-${openieStage(body)}` : body.messages[0]!.content === FILTER_SYSTEM ? "filter" : body.messages[0]!.content === QA_SYSTEM ? "qa" : "other";
      sent[kind] = (sent[kind] ?? 0) + 1;
    }
    expect(sent.qa).toBeGreaterThan(0); // the new passage changed the index: every question is answered again
    for (const [stage, n] of Object.entries(sent)) expect(planned[stage] ?? 0, `${stage}: planned ${JSON.stringify(planned)}, sent ${JSON.stringify(sent)}`).toBeGreaterThanOrEqual(n); // "at most", never fewer
  });
});

describe("a run from a whole index, after the index became partial", () => {
  it("eval calls it stale, and does not say it was retrieved from a partial index", async () => {
    const saveDir = tempDir();
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    await runCli(["index", ...demo(saveDir)]);
    const first = await runCli(["retrieve", ...demo(saveDir), "--no-filter"]);
    expect(first.code, first.stderr).toBe(0);
    // a passage's OpenIE stops being finished (a failed re-extraction); the index leaves it out
    const { Workspace } = await import("./store/workspace.js");
    const workspace = Workspace.open(saveDir);
    const [passage] = workspace.passages.all();
    workspace.openie("handwritten").saveFailure(passage!.id, "triples", "server error", "test");
    workspace.close();
    expect((await runCli(["index", ...demo(saveDir), "--skip-failed"])).code).toBe(5);
    const evaluated = await runCli(["eval", ...demo(saveDir)]);
    expect(evaluated.stdout).toContain("hipporag2-nofilter (stale)");
    expect(evaluated.stderr).not.toContain("partial index");
    // retrieved again, from the partial index: now said
    expect((await runCli(["retrieve", ...demo(saveDir), "--no-filter"])).code).toBe(5);
    expect((await runCli(["eval", ...demo(saveDir)])).stderr).toContain("note: hipporag2-nofilter: retrieved from a partial index (1 passage left out for lack of OpenIE, --skip-failed)");
  });
});

describe("a partial index seen from a smaller corpus", () => {
  it("eval does not call runs partial for passages its corpus does not hold", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8"));
    writeJson(dir, "big_corpus.json", [...corpus, { title: "Extra", text: "Extra has no OpenIE." }]);
    writeJson(dir, "big.json", JSON.parse(readFileSync(join(DEMO, "demo.json"), "utf8")));
    const big = ["--corpus", join(dir, "big_corpus.json"), "--save-dir", saveDir];
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    expect((await runCli(["index", ...big, "--skip-failed"])).code).toBe(5);
    expect((await runCli(["retrieve", ...big, "--no-filter"])).code).toBe(5);
    expect((await runCli(["eval", "--dataset", "big", "--dataset-dir", dir, "--save-dir", saveDir])).stderr).toMatch(/retrieved from a partial index \(1 passage left out/);
    const small = await runCli(["eval", ...demo(saveDir)]);
    expect(small.code, small.stderr).toBe(0);
    expect(small.stderr).not.toMatch(/partial index/);
  });
});

describe("delete", () => {
  it("removes the passages from the index; a --llm-name or encoder with no index is refused, naming the indexes there, and writes nothing", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE])).code).toBe(0);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8"));
    const docs = writeJson(dir, "del.json", [corpus[1]]);
    const indexes = () => new Database(join(saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT id FROM indexes ORDER BY id").pluck().all();
    const before = indexes();
    const typo = await runCli(["delete", ...demo(saveDir), "--docs", docs, "--llm-name", "typo-model"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no index of typo-model with encoder lexical-v1[^ ]* in .*ws \(it holds: handwritten \| lexical-v1[^)]*\)/);
    expect(indexes()).toEqual(before);
    const removed = await runCli(["delete", ...demo(saveDir), "--docs", docs, "--llm-name", "handwritten", "--json"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: 1, passageNodes: corpus.length - 1 });
    expect(JSON.parse(removed.stdout).otherIndexesHolding).toBeUndefined();
  });

  it("says which other indexes of the workspace still hold the passages (delete changes the one it names)", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--skip-qa", "--no-baselines"])).code).toBe(0);
    expect((await runCli(["index", ...demo(saveDir), "--vectors", "f16"])).code).toBe(0);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string }[];
    const removed = await runCli(["delete", "--save-dir", saveDir, "--title", corpus[1]!.title]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toMatch(/note: another index of this workspace still holds them: handwritten\|lexical-v1\S*\|f16 \(1 passage\); delete with the --llm-name, --embedding-name and --vectors of that index/);
    const there = await runCli(["delete", "--save-dir", saveDir, "--title", corpus[1]!.title, "--vectors", "f16", "--json"]);
    expect(JSON.parse(there.stdout)).toMatchObject({ removed: 1 });
    expect(JSON.parse(there.stdout).otherIndexesHolding).toBeUndefined();
  });
});

describe("delete of passages the index does not hold", () => {
  it("is refused before any work (exit 2), naming each record and whether an indexed passage has its title; --missing-ok removes the others", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--skip-qa", "--no-filter"])).code).toBe(0);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string; text: string }[];
    const edited = { title: corpus[2]!.title, text: `${corpus[2]!.text} (edited)` };
    const docs = writeJson(dir, "del.json", [corpus[1], { title: "Nowhere", text: "Not in the corpus." }, edited, corpus[1]]);
    const passages = () => new Database(join(saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT COUNT(*) FROM index_passages").pluck().get();
    const before = passages();
    const refused = await runCli(["delete", ...demo(saveDir), "--docs", docs]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("del.json");
    expect(refused.stderr).toMatch(/record 1 \("Nowhere"\): not in the index/);
    expect(refused.stderr).toMatch(new RegExp(`record 2 \\("${corpus[2]!.title}"\\): not in the index; an indexed passage has this title and other text`));
    expect(refused.stderr).toMatch(/--missing-ok/);
    expect(passages()).toBe(before); // nothing removed
    const removed = await runCli(["delete", ...demo(saveDir), "--docs", docs, "--missing-ok", "--json"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: 1, requested: 3, notIndexed: 2 }); // the repeated record counts once
    expect(removed.stderr).toMatch(/2 of the 3 passages .* are not in the index/);
    expect(passages()).toBe((before as number) - 1);
  });
});

describe("retrieve naming an index the workspace does not hold", () => {
  it("names the indexes it does hold (no LLM configured, --llm-name names the OpenIE model)", async () => {
    const saveDir = join(tempDir(), "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--skip-qa", "--no-filter"])).code).toBe(0);
    const other = await runCli(["retrieve", ...demo(saveDir), "--no-filter", "--llm-name", "foo"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/this workspace holds the index handwritten\|lexical-v1[^ ]* instead: to use one, name the OpenIE model/);
  });
});

describe("--<stage>-llm-key-env naming a variable that is not set", () => {
  it("is refused naming that variable (it read as 'no LLM configured', pointing at OPENAI_API_KEY)", async () => {
    const saveDir = join(tempDir(), "ws");
    delete process.env.HIPPORAG_TEST_UNSET_KEY;
    const result = await runCli(["qa", ...demo(saveDir), "--qa-llm-name", "gpt-4o-mini", "--qa-llm-key-env", "HIPPORAG_TEST_UNSET_KEY"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--qa-llm-key-env HIPPORAG_TEST_UNSET_KEY: the environment variable HIPPORAG_TEST_UNSET_KEY is not set/);
    expect(result.stderr).not.toMatch(/OPENAI_API_KEY/);
  });
});

describe("an index built with --vectors f16", () => {
  it("is the one later commands open without --vectors (it was 'not built yet'); --vectors f32 names it", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--skip-qa", "--no-filter", "--vectors", "f16"])).code).toBe(0);
    const retrieved = await runCli(["retrieve", ...demo(saveDir), "--no-filter", "--json"]);
    expect(retrieved.code, retrieved.stderr).toBe(0);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string }[];
    const f32 = await runCli(["delete", ...demo(saveDir), "--title", corpus[0]!.title, "--vectors", "f32"]);
    expect(f32.code).toBe(2);
    expect(f32.stderr).toMatch(/with encoder lexical-v1[^ |]* in .*\(it holds: handwritten \| lexical-v1[^ |]*\|f16\).*--vectors/);
    const removed = await runCli(["delete", ...demo(saveDir), "--title", corpus[0]!.title, "--json"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: 1 });
    const index = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT id FROM indexes").pluck().all();
    expect(index).toHaveLength(1); // no second (f32) index was built
  });
});

describe("delete by title", () => {
  it("removes every indexed passage of each --title; a title the index does not hold is refused (exit 2, nothing removed) unless --missing-ok; --docs or --title, not both", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--skip-qa", "--no-filter"])).code).toBe(0);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string; text: string }[];
    const titles = () => new Database(join(saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT p.title FROM index_passages i JOIN passages p ON p.id = i.passage_id").pluck().all() as string[];
    const before = titles();
    const refused = await runCli(["delete", ...demo(saveDir), "--title", corpus[1]!.title, "Nowhere"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--title "Nowhere": no indexed passage has this title/);
    expect(refused.stderr).toMatch(/--missing-ok/);
    expect(titles()).toEqual(before);
    const both = await runCli(["delete", ...demo(saveDir), "--title", corpus[1]!.title, "--docs", writeJson(dir, "d.json", [corpus[1]])]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--docs or --title, not both/);
    const neither = await runCli(["delete", ...demo(saveDir)]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--docs <file> or --title <title\.\.\.>/);
    // --save-dir names the workspace: no --dataset needed
    const removed = await runCli(["delete", "--save-dir", saveDir, "--title", corpus[1]!.title, "Nowhere", "--title", corpus[3]!.title, "--missing-ok", "--json"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: 2, titles: 3, notIndexed: 1, passageNodes: corpus.length - 2 });
    expect(titles().sort()).toEqual(before.filter((t) => t !== corpus[1]!.title && t !== corpus[3]!.title).sort());
  });
});

describe("exit 5 (work left incomplete)", () => {
  it("ends with one error line saying so, and counts the failures it does not list", async () => {
    const s = await server({ chat: fakeLlm, fault: () => ({ kind: "status", status: 500 }) });
    const saveDir = tempDir();
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--no-filter", "--skip-qa"])).code).toBe(0);
    const qa = await runCli(["qa", ...demo(saveDir), "--run", "hipporag2-nofilter", "--llm-base-url", s.url, "--llm-name", "m", "--max-retries", "0"]);
    expect(qa.code).toBe(5);
    expect(qa.stderr).toMatch(/… and 5 more/);
    const errors = qa.stderr.split("\n").filter((line) => line.startsWith("error:"));
    expect(errors, qa.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: work left incomplete: what failed is listed above, recorded, and retried by the next run/);
    // with --json the failures are in the JSON, and the line says so
    const json = await runCli(["qa", ...demo(saveDir), "--run", "hipporag2-nofilter", "--llm-base-url", s.url, "--llm-name", "m", "--max-retries", "0", "--json"]);
    expect(JSON.parse(json.stdout).failures).toHaveLength(8);
    expect(json.stderr).toMatch(/^error: work left incomplete: what failed is in the JSON output, recorded/m);
  });
});

describe("eval of a workspace built from --corpus", () => {
  /** A folder of the demo's passages as .txt files, one question, and a graph-only run built from them. */
  async function builtFromFolder() {
    const dir = tempDir();
    mkdirSync(join(dir, "docs"));
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string; text: string }[];
    corpus.forEach((p, i) => writeFileSync(join(dir, "docs", `${String(i).padStart(2, "0")} ${p.title.replace(/[^A-Za-z0-9 ]/g, "")}.txt`), p.text));
    const questions = writeJson(dir, "q.json", [{ id: "q1", question: "Where was Marie Curie born?", answer: "Warsaw" }]);
    const ws = join(dir, "ws");
    const source = ["--corpus", join(dir, "docs"), "--questions", questions, "--save-dir", ws];
    const built = await runCli(["run", ...source, "--llm-base-url", (await server({ chat: fakeLlm })).url, "--llm-name", "m", "--no-baselines", "--no-filter", "--skip-qa"]);
    expect(built.code, built.stderr).toBe(0);
    return { dir, ws, questions, source };
  }

  it("takes the same --corpus and --questions, and finds the runs current", async () => {
    const { source } = await builtFromFolder();
    const evaluated = await runCli(["eval", ...source]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/hipporag2-nofilter /);
    expect(evaluated.stdout).not.toMatch(/\(stale\)/);
  });

  it("eval with a dataset none of whose questions any stored run ranked is refused (exit 2), writing no report", async () => {
    const { ws } = await builtFromFolder();
    const reportsBefore = readdirSync(join(ws, "reports")).sort();
    const wrong = await runCli(["eval", "--dataset", "sample", "--dataset-dir", SHARED_DATASETS, "--save-dir", ws]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/no stored run .*ranked any of the 1 question of dataset sample/);
    expect(readdirSync(join(ws, "reports")).sort()).toEqual(reportsBefore);
  });

  it("report takes them too, one per workspace, and lays out the runs", async () => {
    const { dir, ws, questions } = await builtFromFolder();
    const reported = await runCli(["report", ws, "--corpus", join(dir, "docs"), "--questions", questions, "--json"]);
    expect(reported.code, reported.stderr).toBe(0);
    const result = JSON.parse(reported.stdout);
    expect(result.datasets[0].dataset).toBe("docs");
    expect(result.datasets[0].reports.map((r: { name: string }) => r.name)).toContain("hipporag2-nofilter");
    const mismatched = await runCli(["report", ws, "--corpus", join(dir, "docs"), join(dir, "docs")]);
    expect(mismatched.code).toBe(2);
    expect(mismatched.stderr).toMatch(/--corpus was given 2 times for 1 workspace/);
  });
});

describe("report over workspaces whose data lives apart", () => {
  it("reads each workspace's dataset from where its run read it: no --dataset-dir, --corpus or --questions needed", async () => {
    const dir = tempDir();
    const demoWs = join(dir, "demo-ws");
    expect((await runCli(["run", ...demo(demoWs), "--import-openie", DEMO_OPENIE, "--skip-qa"])).code).toBe(0);
    mkdirSync(join(dir, "docs"));
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string; text: string }[];
    corpus.forEach((p, i) => writeFileSync(join(dir, "docs", `${String(i).padStart(2, "0")} ${p.title.replace(/[^A-Za-z0-9 ]/g, "")}.txt`), p.text));
    const questions = writeJson(dir, "q.json", [{ id: "q1", question: "Where was Marie Curie born?", answer: "Warsaw" }]);
    const docsWs = join(dir, "docs-ws");
    const built = await runCli(["run", "--corpus", join(dir, "docs"), "--questions", questions, "--save-dir", docsWs, "--llm-base-url", (await server({ chat: fakeLlm })).url, "--llm-name", "m", "--no-baselines", "--no-filter", "--skip-qa"]);
    expect(built.code, built.stderr).toBe(0);
    const reported = await runCli(["report", demoWs, docsWs, "--json", "--bootstrap", "100"]);
    expect(reported.code, reported.stderr).toBe(0);
    const result = JSON.parse(reported.stdout);
    expect(result.datasets.map((d: { dataset: string }) => d.dataset)).toEqual(["demo", "docs"]);
    expect(result.datasets[0].reports.map((r: { name: string }) => r.name)).toContain("dense");
    expect(result.datasets[1].reports.map((r: { name: string }) => r.name)).toContain("hipporag2-nofilter");
    // a --dataset-dir given still wins for every workspace
    const overridden = await runCli(["report", demoWs, "--dataset-dir", join(dir, "nowhere")]);
    expect(overridden.code).toBe(2);
    expect(overridden.stderr).toMatch(/nowhere/);
  });
});

describe("run on your own documents and questions without gold answers", () => {
  it("shows the answers it generated (no EM/F1 stands for them), and --show puts each under its passages", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "docs"));
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string; text: string }[];
    corpus.forEach((p, i) => writeFileSync(join(dir, "docs", `${String(i).padStart(2, "0")}.txt`), p.text));
    const questions = writeJson(dir, "q.json", ["Where was Marie Curie born?", "Who wrote Don Juan?"]);
    const llm = (await server({ chat: fakeLlm })).url;
    const args = ["run", "--corpus", join(dir, "docs"), "--questions", questions, "--save-dir", join(dir, "ws"), "--llm-base-url", llm, "--llm-name", "m", "--no-baselines", "--no-filter"];
    const ran = await runCli(args);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/\nQ: Where was Marie Curie born\?\n  A: \S.*\nQ: Who wrote Don Juan\?\n  A: \S/);
    const shown = await runCli([...args, "--show", "1"]);
    expect(shown.stdout).toMatch(/Q: Where was Marie Curie born\?\n  1\. .*\n(  \d\. .*\n)*  A: \S/);
    // JSON stays JSON with --show
    const json = (await runCli([...args, "--show", "1", "--json"])).stdout;
    expect(() => JSON.parse(json)).not.toThrow();
    // a reader that fails: the note says the answers failed, and not that EM/F1 count them (nothing is scored)
    const failing = (await server({ chat: (body) => (body.messages[0]!.content === QA_SYSTEM ? { content: "Hmm.\nAnswer:" } : fakeLlm(body)) })).url;
    const failed = await runCli([...args.map((a) => (a === llm ? failing : a)), "--llm-name", "other", "--max-retries", "0"]);
    expect(failed.code).toBe(5);
    expect(failed.stdout).toMatch(/note: hipporag2-nofilter: 2 of 2 questions have no answer \(failed\); hipporag qa answers them/);
    expect(failed.stdout).not.toMatch(/EM\/F1 count them/);
  });
});

describe("report's questions", () => {
  it("names the questions file it scores against, and says when it is the one the latest eval read rather than the dataset's; notes are printed once", async () => {
    const dir = tempDir();
    const ws = join(dir, "ws");
    expect((await runCli(["run", ...demo(ws), "--import-openie", DEMO_OPENIE, "--skip-qa"])).code).toBe(0);
    const all = JSON.parse(readFileSync(join(DEMO, "demo.json"), "utf8")) as unknown[];
    const subset = writeJson(dir, "subset.json", all.slice(0, 3));
    expect((await runCli(["eval", ...demo(ws), "--questions", subset, "--bootstrap", "100"])).code).toBe(0);
    const reported = await runCli(["report", ws, "--bootstrap", "100"]);
    expect(reported.code, reported.stderr).toBe(0);
    expect(reported.stdout).toMatch(/demo \(.*ws, 3 questions of .*subset\.json, the questions file the workspace's latest run or eval read \(--questions to score another\)\)/);
    expect(reported.stdout.match(/note: demo \(/g)).toHaveLength(1);
    const own = await runCli(["report", ws, "--questions", join(DEMO, "demo.json"), "--bootstrap", "100"]);
    expect(own.stdout).toMatch(/demo \(.*ws, 8 questions of .*demo\.json\)/);
  });

  it("marks runs stale when the corpus no longer matches the index, as eval does, with eval's notes", async () => {
    const dir = tempDir();
    const ws = join(dir, "ws");
    expect((await runCli(["run", ...demo(ws), "--import-openie", DEMO_OPENIE, "--skip-qa"])).code).toBe(0);
    const edited = join(dir, "edited");
    mkdirSync(edited);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as unknown[];
    writeFileSync(join(edited, "demo_corpus.json"), JSON.stringify(corpus.slice(1)));
    copyFileSync(join(DEMO, "demo.json"), join(edited, "demo.json"));
    const evaluated = await runCli(["eval", "--dataset", "demo", "--dataset-dir", edited, "--save-dir", ws, "--json", "--bootstrap", "100"]);
    const staleInEval = (JSON.parse(evaluated.stdout) as { run: string; stale?: boolean }[]).filter((r) => r.stale).map((r) => r.run).sort();
    expect(staleInEval.length).toBeGreaterThan(0);
    const reported = await runCli(["report", ws, "--dataset-dir", edited, "--json", "--bootstrap", "100"]);
    expect(reported.code, reported.stderr).toBe(0);
    const result = JSON.parse(reported.stdout) as { datasets: { reports: { name: string; stale?: boolean }[] }[]; tables: { notes: string[] }[] };
    expect(result.datasets[0]!.reports.filter((r) => r.stale).map((r) => r.name).sort()).toEqual(staleInEval);
    expect(result.tables[0]!.notes.join("\n")).toMatch(/not current: .*corpus/);
    expect(result.tables[0]!.notes.join("\n")).toMatch(/gold passages .* match no passage of .*demo_corpus\.json/);
  });
});

describe("a bad LanceDB location", () => {
  it("is refused before LanceDB sees it: one error line naming the path, exit 2, not an internal error", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    const file = writeJson(dir, "afile", "x");
    for (const [url, error] of [
      [file, /--vector-store-url .*afile is a file, not a folder/],
      ["", /--vector-store-url is empty/],
      ["http://127.0.0.1:9/x", /LanceDB reads folders and object stores, not http\(s\) servers/],
      [join(dir, "missing", "deeper", "lance"), /the folder .*missing.deeper does not exist/],
    ] as const) {
      const result = await runCli(["index", ...demo(saveDir), "--vector-store", "lancedb", "--vector-store-url", url]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(error);
    }
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});

describe("an object-store URI LanceDB cannot reach", () => {
  it("is a remote failure naming the URI (exit 3), not an internal error (the store is a loopback port: nothing leaves the machine)", async () => {
    const saveDir = join(tempDir(), "ws");
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    const s = await server({ embed: (text) => [text.length % 7, 1, 2] });
    const env = { AWS_REGION: "us-east-1", AWS_ENDPOINT: "http://127.0.0.1:1", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y", AWS_ALLOW_HTTP: "true", AWS_EC2_METADATA_DISABLED: "true" };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const result = await runCli(["index", ...demo(saveDir), "--embedding-name", "emb", "--embedding-base-url", s.url, "--vector-store", "lancedb", "--vector-store-url", "s3://bucket/path"]);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/error: cannot reach the LanceDB store at s3:\/\/bucket\/path: LanceError\(IO\): /);
      expect(result.stderr).not.toMatch(/internal error|\.rs:\d+|Caused by/);
    } finally {
      for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    }
  }, 60_000);
});

describe("a vector store URL holding a password", () => {
  it("is refused before anything is stored, the secret masked (it was recorded in the workspace and printed)", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    for (const [store, url, error] of [
      ["chroma", "http://u:CHROMAPASS55@127.0.0.1:1", /--vector-store-url must not hold a user name or password \(http:\/\/\*\*\*@127\.0\.0\.1:1\/\)/],
      ["chroma", "http://127.0.0.1:1/?token=CHROMAPASS55", /--vector-store-url must not carry a query string or fragment \(http:\/\/127\.0\.0\.1:1\/\?\*\*\*\)/],
      ["lancedb", "s3://AKIA:CHROMAPASS55@bucket/path", /--vector-store-url must not hold a user name or password \(s3:\/\/\*\*\*@bucket\/path\)/],
      ["lancedb", "az://container/path?sv=2020&sig=CHROMAPASS55", /--vector-store-url must not carry a query string or fragment \(az:\/\/container\/path\?\*\*\*\)/],
    ] as const) {
      const result = await runCli(["index", ...demo(saveDir), "--vector-store", store, "--vector-store-url", url]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(error);
      expect(result.stderr).not.toContain("CHROMAPASS55");
    }
    const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
    expect(JSON.stringify(db.prepare("SELECT * FROM meta").all())).not.toContain("CHROMAPASS55");
    db.close();
    // a dense index kept in SQLite: the "indexed with its vectors in the sqlite store" warning came before the check
    const s = await server({ embed: (text) => [text.length % 7, 1, 2] });
    const dense = ["--embedding-name", "emb", "--embedding-base-url", s.url];
    expect((await runCli(["index", ...demo(saveDir), ...dense])).code).toBe(0);
    const leaked = await runCli(["index", ...demo(saveDir), ...dense, "--vector-store", "chroma", "--vector-store-url", "http://admin:CHROMAPASS55@127.0.0.1:9"]);
    expect(leaked.code).toBe(2);
    expect(leaked.stderr).not.toContain("CHROMAPASS55");
    // the warning goes to the logger (the CLI's writes to the process's stderr): seen through the library
    const { HippoRag } = await import("./hipporag.js");
    const warned: string[] = [];
    const logger = { level: "info" as const, debug() {}, info() {}, error() {}, warn: (m: string) => void warned.push(m) };
    await expect(HippoRag.open({ saveDir, openieModel: "handwritten", embedding: { name: "emb", baseUrl: s.url }, vectorStore: { kind: "chroma", url: "http://admin:CHROMAPASS55@127.0.0.1:9" }, logger })).rejects.toThrow(/must not hold a user name or password/);
    expect(warned.join("\n")).not.toContain("CHROMAPASS55");
    // a workspace where an older version recorded such a URL: refused as recorded, masked, with the way out
    const { Workspace } = await import("./store/workspace.js");
    const old = Workspace.open(saveDir);
    old.recordVectorStore({ kind: "chroma", url: "http://admin:CHROMAPASS55@127.0.0.1:9" });
    old.close();
    const recorded = await runCli(["retrieve", ...demo(saveDir), ...dense, "--no-filter"]);
    expect(recorded.code).toBe(2);
    expect(recorded.stderr).toMatch(/the vector store this workspace recorded is not usable as recorded: --vector-store-url must not hold a user name or password \(http:\/\/\*\*\*@127\.0\.0\.1:9\/\).*name it once with --vector-store chroma --vector-store-url/s);
    expect(recorded.stderr).not.toContain("CHROMAPASS55");
    // naming a store then (the way out) warns that the recorded one differs: masked there too
    warned.length = 0;
    await HippoRag.open({ saveDir, openieModel: "handwritten", embedding: { name: "emb", baseUrl: s.url }, vectorStore: { kind: "chroma", url: "http://127.0.0.1:9" }, logger }).then((h) => h.close(), () => undefined);
    expect(warned.join("\n")).toMatch(/indexed with its vectors in the chroma store \(http:\/\/\*\*\*@127\.0\.0\.1:9\/\)/);
    expect(warned.join("\n")).not.toContain("CHROMAPASS55");
  });
});

describe("sweeps and experiment files", () => {
  it("a comma list stores one run per value, sharing the index; eval prints them side by side", async () => {
    const saveDir = tempDir();
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    await runCli(["index", ...demo(saveDir)]);
    const swept = await runCli(["retrieve", ...demo(saveDir), "--no-filter", "--passage-node-weight", "0.01,0.05,0.3", "--json"]);
    expect(swept.code, swept.stderr).toBe(0);
    expect(JSON.parse(swept.stdout).map((r: { run: string }) => r.run)).toEqual(["hipporag2-nofilter-pnw0.01", "hipporag2-nofilter", "hipporag2-nofilter-pnw0.3"]);
    const table = await runCli(["eval", ...demo(saveDir)]);
    for (const run of ["hipporag2-nofilter-pnw0.01", "hipporag2-nofilter ", "hipporag2-nofilter-pnw0.3"]) expect(table.stdout).toContain(run);
    // a sweep of two options is their product; --explain takes no sweep
    const product = JSON.parse((await runCli(["retrieve", ...demo(saveDir), "--no-filter", "--linking-top-k", "3,5", "--damping", "0.3,0.5", "--json"])).stdout);
    expect(product.map((r: { run: string }) => r.run)).toEqual(["hipporag2-nofilter-link3-damping0.3", "hipporag2-nofilter-link3", "hipporag2-nofilter-damping0.3", "hipporag2-nofilter"]);
    const explain = await runCli(["retrieve", ...demo(saveDir), "--no-filter", "--damping", "0.3,0.5", "--explain", "Who?"]);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toMatch(/--explain takes one value per option, not a sweep \(2 settings given\)/);
    // run's report names every setting of the sweep, not only the first one's, and the QA top-k
    const run = JSON.parse((await runCli(["run", ...demo(saveDir), "--no-filter", "--passage-node-weight", "0.3,0.01", "--skip-qa", "--no-baselines", "--json"])).stdout);
    expect(run.settings).toMatchObject({ passageNodeWeight: 0.3, qaTopK: 5, sweep: ["hipporag2-nofilter-pnw0.3", "hipporag2-nofilter-pnw0.01"] });
  });

  it("--config holds any flag; flags on the command line override it; unknown keys name the file and key", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    await runCli(["index", ...demo(saveDir)]);
    const config = writeJson(dir, "exp.json", { dataset: "demo", "dataset-dir": DEMO, saveDir, filter: false, linkingTopK: [3, 10], json: true });
    const fromFile = await runCli(["retrieve", "--config", config]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(JSON.parse(fromFile.stdout).map((r: { run: string }) => r.run)).toEqual(["hipporag2-nofilter-link3", "hipporag2-nofilter-link10"]);
    const overridden = await runCli(["retrieve", "--config", config, "--linking-top-k", "7"]);
    expect(JSON.parse(overridden.stdout).run).toBe("hipporag2-nofilter-link7");
    const bad = writeJson(dir, "bad.json", { dataset: "demo", linkingTopKs: 3 });
    const refused = await runCli(["retrieve", "--config", bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/bad\.json: field "linkingTopKs": not an option of hipporag retrieve/);
    // a value out of range names the file and key too, not only the flag it stands for
    const badValue = writeJson(dir, "bad-value.json", { dataset: "demo", topK: "abc" });
    const rejected = await runCli(["retrieve", "--config", badValue]);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/bad-value\.json: field "topK": --top-k must be a positive integer/);
    const badUrl = writeJson(dir, "bad-url.json", { dataset: "demo", llmBaseUrl: "http://u:CFGSECRET@127.0.0.1:9/v1" });
    const refusedUrl = await runCli(["retrieve", "--config", badUrl]);
    expect(refusedUrl.code).toBe(2);
    expect(refusedUrl.stderr).toMatch(/^(?!.*CFGSECRET).*bad-url\.json: field "llmBaseUrl": --llm-base-url must not hold a user name or password/s);
  });

  it("--config=FILE is --config FILE; a second --config is refused (both were silently ignored); \"--no-filter\": true is filter off", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    await runCli(["index", ...demo(saveDir)]);
    const damping = writeJson(dir, "d03.json", { damping: 0.3, json: true });
    const equals = await runCli(["retrieve", ...demo(saveDir), "--no-filter", `--config=${damping}`]);
    expect(equals.code, equals.stderr).toBe(0);
    expect(JSON.parse(equals.stdout).run).toBe("hipporag2-nofilter-damping0.3");
    const twice = await runCli(["retrieve", ...demo(saveDir), "--no-filter", "--config", damping, "--config", writeJson(dir, "l3.json", { linkingTopK: 3 })]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/--config takes one file, given more than once/);
    const both = await runCli(["retrieve", ...demo(saveDir), "--config", writeJson(dir, "both.json", { filter: false, noFilter: false })]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/both\.json: field "noFilter": the same option as field "filter" \(--no-filter\): give it once/);
    const yes = await runCli(["retrieve", ...demo(saveDir), "--config", writeJson(dir, "yes.json", { noFilter: "yes" })]);
    expect(yes.code).toBe(2);
    expect(yes.stderr).toMatch(/yes\.json: field "noFilter": --no-filter is a flag: give true or false/);
    for (const spelling of [{ "--no-filter": true }, { noFilter: true }, { "no-filter": true }]) {
      const off = await runCli(["retrieve", ...demo(saveDir), "--config", writeJson(dir, "off.json", { ...spelling, json: true })]);
      expect(off.code, `${JSON.stringify(spelling)}: ${off.stderr}`).toBe(0);
      expect(JSON.parse(off.stdout).run).toBe("hipporag2-nofilter");
    }
  });
});

describe("--dry-run and --max-cost", () => {
  it("run --dry-run sends nothing; its counts per stage equal what the real run then sends", async () => {
    const s = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    const args = ["run", ...demo(saveDir), "--llm-base-url", s.url, "--llm-name", "gpt-4o-mini", "--no-baselines"];
    const dry = await runCli([...args, "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(s.chatRequests()).toHaveLength(0);
    const plan = JSON.parse(dry.stdout);
    // LLM stages (the lexical encoder's vectors are computed here: that row sends nothing)
    const planned = Object.fromEntries(plan.stages.filter((st: { stage: string; calls: number }) => st.calls > 0 && st.stage !== "embeddings").map((st: { stage: string; calls: number }) => [st.stage.split(" ")[0], st.calls]));
    expect(plan.stages.find((st: { stage: string }) => st.stage === "embeddings").calls).toBe(18); // every passage's text, before its OpenIE
    expect(plan.estimatedUsd).toBeGreaterThan(0); // gpt-4o-mini has a list price
    const real = await runCli(args);
    expect(real.code, real.stderr).toBe(0);
    const sent = kinds(s);
    expect({ "openie-ner": sent["ner:gpt-4o-mini"], "openie-triples": sent["triples:gpt-4o-mini"], filter: sent["filter:gpt-4o-mini"], qa: sent["qa:gpt-4o-mini"] }).toEqual(planned);
    // everything is cached now: a second dry run plans nothing new
    const again = JSON.parse((await runCli([...args, "--dry-run", "--json"])).stdout);
    expect(again.stages.every((st: { calls: number }) => st.calls === 0)).toBe(true);
  });

  it("index --dry-run says how many indexed passages a smaller corpus would remove", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--skip-qa", "--no-filter"])).code).toBe(0);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as unknown[];
    const smaller = writeJson(dir, "small_corpus.json", corpus.slice(0, 5));
    const args = ["index", "--corpus", smaller, "--save-dir", saveDir, "--dry-run"];
    expect((await runCli(args)).stderr).toMatch(new RegExp(`dry run: the index holds ${corpus.length - 5} passages the corpus does not list: index would remove them`));
    expect(JSON.parse((await runCli([...args, "--json"])).stdout)).toMatchObject({ wouldRemovePassages: corpus.length - 5 });
    expect(new Database(join(saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT COUNT(*) FROM index_passages").pluck().get()).toBe(corpus.length);
  });

  it("index --dry-run says what else the index would change (re-added, reordered, rebuilt passages), as the real index then counts it", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    expect((await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--skip-qa", "--no-filter"])).code).toBe(0);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8")) as { title: string }[];
    const file = writeJson(dir, "demo_corpus.json", corpus);
    expect((await runCli(["delete", "--docs", writeJson(dir, "gone.json", corpus.slice(0, 2)), "--save-dir", saveDir, "--llm-name", "handwritten"])).code).toBe(0);
    writeFileSync(file, JSON.stringify([...corpus].reverse()));
    const args = ["index", "--corpus", file, "--save-dir", saveDir, "--llm-name", "handwritten"];
    const dry = await runCli([...args, "--dry-run"]);
    expect(dry.stderr).toMatch(/dry run: index would change: 2 passages added, passages put in the corpus's order/);
    const planned = JSON.parse((await runCli([...args, "--dry-run", "--json"])).stdout).indexChanges;
    expect(planned).toEqual({ added: 2, changed: 0, leftOut: 0, reordered: true });
    const real = JSON.parse((await runCli([...args, "--json"])).stdout);
    expect({ added: real.added, changed: real.changed, leftOut: real.leftOut, reordered: real.reordered }).toEqual(planned);
    expect((await runCli([...args, "--dry-run"])).stderr).not.toMatch(/index would change/);
  });

  it("run --dry-run lists the baselines' retrieval too: none to do when current, every question after the OpenIE changed", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "ws");
    const args = ["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE];
    expect((await runCli(args)).code).toBe(0);
    const rows = async (run: string[]) => Object.fromEntries((JSON.parse((await runCli([...run, "--dry-run", "--json"])).stdout).stages as { stage: string; cached: number; note?: string }[]).filter((st) => st.stage.startsWith("retrieve")).map((st) => [st.stage, `${st.cached} cached; ${st.note}`]));
    expect(await rows(args)).toEqual({ "retrieve hipporag2-nofilter": "8 cached; 0 questions to retrieve, no LLM", "retrieve dense": "8 cached; 0 questions to retrieve, no LLM", "retrieve bm25": "8 cached; 0 questions to retrieve, no LLM" });
    const file = JSON.parse(readFileSync(DEMO_OPENIE, "utf8"));
    file.docs[0].extracted_triples.push(["marie curie", "won", "nobel prize"]);
    const changed = writeJson(dir, "openie_results_ner_handwritten.json", file);
    const after = await rows(["run", ...demo(saveDir), "--import-openie", changed]);
    expect(after["retrieve hipporag2-nofilter"]).toBe("0 cached; 8 questions to retrieve, no LLM");
    expect(after["retrieve dense"]).toBe("0 cached; 8 questions to retrieve, no LLM");
    expect(after["retrieve bm25"]).toBe("0 cached; 8 questions to retrieve, no LLM");
  });

  it("HippoRAG 2's settings (--no-filter, --damping) leave the dense and BM25 runs as they are: reused, not recomputed", async () => {
    const saveDir = tempDir();
    const args = ["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE];
    expect((await runCli(args)).code).toBe(0);
    for (const more of [["--no-filter"], ["--damping", "0.3"]]) {
      const again = await runCli([...args, ...more]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/retrieve dense: 8 questions: 8 reused/);
      expect(again.stderr).toMatch(/retrieve bm25: 8 questions: 8 reused/);
    }
  });

  it("a model with no known price: the estimate is unknown (null in JSON, named in the text), not $0", async () => {
    const s = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    const args = ["openie", ...demo(saveDir), "--llm-base-url", s.url, "--llm-name", "my-local-model", "--dry-run"];
    const json = JSON.parse((await runCli([...args, "--json"])).stdout);
    expect(json).toMatchObject({ estimatedUsd: null, priceUnknown: true, unpricedModels: ["my-local-model"] });
    expect((await runCli(args)).stderr).toMatch(/dry run: nothing was sent; estimated cost unknown \(no known price for my-local-model\)/);
    expect(s.chatRequests()).toHaveLength(0);
  });

  it("run --dry-run counts exactly the QA of questions whose ranking stays, at most that of the ones retrieved first", async () => {
    const s = await server({ chat: fakeLlm });
    const dir = tempDir();
    copyFileSync(join(DEMO, "demo_corpus.json"), join(dir, "demo_corpus.json"));
    const questions = JSON.parse(readFileSync(join(DEMO, "demo.json"), "utf8")) as { question: string }[];
    writeFileSync(join(dir, "demo.json"), JSON.stringify(questions));
    const args = ["run", "--dataset", "demo", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--openie-llm-name", "handwritten", "--llm-base-url", s.url, "--llm-name", "m"];
    expect((await runCli([...args, "--import-openie", DEMO_OPENIE])).code).toBe(0);
    writeFileSync(join(dir, "demo.json"), JSON.stringify(questions.map((q, i) => (i === 0 ? { ...q, question: `${q.question} Briefly.` } : q))));
    const plan = JSON.parse((await runCli([...args, "--dry-run", "--json"])).stdout);
    const qa = plan.stages.filter((st: { stage: string }) => st.stage.startsWith("qa "));
    expect(qa.map((st: { calls: number; cached: number; note?: string }) => [st.calls, st.cached, st.note])).toEqual([
      [1, questions.length - 1, "at most for 1 question: retrieved first"],
      [1, questions.length - 1, "at most for 1 question: retrieved first"],
    ]);
    const before = s.chatRequests().filter((b) => b.messages[0]!.content === QA_SYSTEM).length;
    expect((await runCli(args)).code).toBe(0);
    expect(s.chatRequests().filter((b) => b.messages[0]!.content === QA_SYSTEM).length - before).toBe(2); // hipporag2 and dense, one each
  });

  it("retrieve --dry-run counts a remote encoder's query embeddings, and --linking ner's query-NER calls as such, as the real run sends them", async () => {
    const s = await server({ chat: fakeLlm, embed: (text) => [(text.length % 7) + 1, 1, 2] });
    const saveDir = tempDir();
    const embedder = ["--embedding-name", "remote-embedder", "--embedding-base-url", s.url];
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    expect((await runCli(["index", ...demo(saveDir), ...embedder])).code).toBe(0);
    // (the probe each process's first embedding request carries is not a text of the run's)
    const embedded = () => s.requests.filter((r) => r.path.endsWith("/embeddings")).reduce((n, r) => n + (r.body.input as string[]).filter((t) => t !== ENCODER_PROBE_TEXT).length, 0);
    const stageOf = (plan: { stages: { stage: string; calls: number }[] }, name: string) => plan.stages.find((st) => st.stage.startsWith(name));
    for (const linking of ["fact", "ner"]) {
      const args = ["retrieve", ...demo(saveDir), ...embedder, "--llm-base-url", s.url, "--llm-name", "gpt-4o-mini", "--linking", linking];
      const dry = await runCli([...args, "--dry-run", "--json"]);
      expect(dry.code, dry.stderr).toBe(0);
      const plan = JSON.parse(dry.stdout);
      const before = { embedded: embedded(), ner: s.chatRequests().filter((b) => b.messages[0]!.content === QUERY_NER_SYSTEM).length, filter: s.chatRequests().filter((b) => b.messages[0]!.content === FILTER_SYSTEM).length };
      const real = await runCli(args);
      expect(real.code, real.stderr).toBe(0);
      const ner = s.chatRequests().filter((b) => b.messages[0]!.content === QUERY_NER_SYSTEM).length - before.ner;
      const filter = s.chatRequests().filter((b) => b.messages[0]!.content === FILTER_SYSTEM).length - before.filter;
      if (linking === "ner") {
        expect(stageOf(plan, "filter")).toBeUndefined();
        expect(stageOf(plan, "query-ner")!.calls).toBe(ner);
        expect(ner).toBeGreaterThan(0);
        // the questions' vectors are planned; the entities NER finds are embedded too, and said to be
        expect(embedded() - before.embedded).toBeGreaterThanOrEqual(stageOf(plan, "embeddings")!.calls);
      } else {
        expect(stageOf(plan, "filter")!.calls).toBe(filter);
        expect(stageOf(plan, "embeddings")!.calls).toBe(embedded() - before.embedded);
        expect(stageOf(plan, "embeddings")!.calls).toBeGreaterThan(0);
      }
    }
  });

  it("a dry run writes nothing: no workspace where there was none, no passages added to one that exists", async () => {
    const dir = tempDir();
    const saveDir = join(dir, "outputs", "demo");
    // (index with an LLM: without one, its dry run refuses as the real index would)
    for (const command of [["run", "--llm-base-url", "http://127.0.0.1:9/v1"], ["index", "--llm-base-url", "http://127.0.0.1:9/v1"], ["openie", "--llm-base-url", "http://127.0.0.1:9/v1"]]) {
      const dry = await runCli([command[0]!, ...demo(saveDir), ...command.slice(1), "--dry-run"]);
      expect(dry.code, `${command[0]}: ${dry.stderr}`).toBe(0);
      expect(readdirSync(dir), command[0]).toEqual([]);
    }
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    const corpus = JSON.parse(readFileSync(join(DEMO, "demo_corpus.json"), "utf8"));
    writeJson(dir, "demo_corpus.json", [...corpus, { title: "New", text: "A passage the workspace does not hold." }]);
    writeJson(dir, "demo.json", JSON.parse(readFileSync(join(DEMO, "demo.json"), "utf8")));
    const passages = () => new Database(join(saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT COUNT(*) FROM passages").pluck().get();
    const before = passages();
    expect((await runCli(["openie", "--dataset", "demo", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", "http://127.0.0.1:9/v1", "--dry-run"])).code).toBe(0);
    expect(passages()).toBe(before);
  });

  it("--max-cost refuses a run whose estimate is higher, before any request", async () => {
    const s = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    const result = await runCli(["run", ...demo(saveDir), "--llm-base-url", s.url, "--llm-name", "gpt-4o", "--max-cost", "0.00001"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the estimated cost is \$[\d.]+, more than --max-cost \$0\.00001/);
    expect(s.chatRequests()).toHaveLength(0);
  });
});

describe("a dry run says what the real run would refuse, with its exit code", () => {
  it("--dry-run --max-cost over the estimate prints the plan and exits 2 as the run would", async () => {
    const s = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    const result = await runCli(["run", ...demo(saveDir), "--llm-base-url", s.url, "--llm-name", "gpt-4o", "--dry-run", "--max-cost", "0.00001"]);
    expect(result.stdout).toMatch(/openie-ner/);
    expect(result.stderr).toMatch(/the estimated cost is \$[\d.]+, more than --max-cost \$0\.00001/);
    expect(result.code).toBe(2);
    expect(s.chatRequests()).toHaveLength(0);
  });

  it("--dry-run of an index that lacks OpenIE and has no LLM to extract it exits 2 with the real run's message", async () => {
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", [{ title: "Town 1", text: "Town 1 lies in County 2." }]);
    writeJson(dir, "towns.json", [{ id: "q1", question: "Where is Town 1?", answer: "County 2" }]);
    for (const command of ["index", "run"]) {
      const result = await runCli([command, "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--dry-run"]);
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toMatch(/1 of 1 passage has no OpenIE results for model gpt-4o-mini, and no LLM is configured to extract them/);
    }
  });

  it("run --dry-run --import-openie counts the imported passages' facts and entities as imported, not extracted", async () => {
    const plan = JSON.parse((await runCli(["run", ...demo(tempDir()), "--import-openie", DEMO_OPENIE, "--dry-run", "--json"])).stdout);
    const embeddings = plan.stages.find((st: { stage: string }) => st.stage === "embeddings");
    expect(embeddings.note).toMatch(/then the facts and entities of 18 passages once imported \(not counted\)/);
    expect(embeddings.note).not.toMatch(/extracted/);
  });

  it("an index naming a model whose OpenIE the workspace lacks says whose it holds", async () => {
    const saveDir = tempDir();
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    const result = await runCli(["index", ...demo(saveDir), "--llm-name", "foo"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/18 of 18 passages have no OpenIE results for model foo, and no LLM is configured to extract them; the workspace holds OpenIE of handwritten \(18 passages\) \(hint: index those with --openie-llm-name handwritten/);
  });
});

describe("qa picks the run there is", () => {
  it("after a graph-only retrieve, qa without --run answers hipporag2-nofilter", async () => {
    const s = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    await runCli(["index", ...demo(saveDir)]);
    await runCli(["retrieve", ...demo(saveDir), "--no-filter"]);
    const qa = await runCli(["qa", ...demo(saveDir), "--llm-base-url", s.url, "--llm-name", "reader", "--json"]);
    expect(qa.code, qa.stderr).toBe(0);
    expect(JSON.parse(qa.stdout).run).toBe("hipporag2-nofilter");
  });
});

describe("the demo shows what the graph adds", () => {
  it("run names the question the graph wins over dense, and the --explain command for it", async () => {
    const saveDir = tempDir();
    const result = await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/graph vs dense, gold passages in the top 2: the graph finds more for 1 question/);
    expect(result.stdout).toMatch(/\+ In which country is the town where Lord Byron died\? \(hipporag2-nofilter 2\/2, dense 1\/2\)/);
    // the why line is a whole command, pasteable as printed: the same dataset, workspace and settings
    const why = result.stdout.split("\n").find((line) => line.trim().startsWith("why: "))!.trim().slice("why: ".length);
    const words = shellWords(why);
    expect(words.slice(0, 2)).toEqual(["hipporag", "retrieve"]);
    expect(words).toEqual(expect.arrayContaining(["--no-filter", "--save-dir", saveDir, "--explain", "In which country is the town where Lord Byron died?"]));
    const explained = await runCli(words.slice(1));
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toMatch(/lord byron\s+died in\s+missolonghi/);
    expect(explained.stdout).toMatch(/\n\s+2\s+[\d.]+\s+[\d.]+\s+Missolonghi/);
  });

  it("with the QA stage's own server (which the filter follows), the why command names it too", async () => {
    const s = await server({ chat: fakeLlm });
    const saveDir = tempDir();
    const result = await runCli(["run", ...demo(saveDir), "--import-openie", DEMO_OPENIE, "--qa-llm-name", "reader", "--qa-llm-base-url", s.url]);
    expect(result.code, result.stderr).toBe(0);
    const line = result.stdout.split("\n").find((l) => l.trim().startsWith("why: "));
    expect(line, result.stdout).toBeDefined();
    const words = shellWords(line!.trim().slice("why: ".length));
    expect(words).toEqual(expect.arrayContaining(["--filter-llm-name", "reader", "--filter-llm-base-url", s.url]));
    const explained = await runCli(words.slice(1));
    expect(explained.code, explained.stderr).toBe(0);
  });
});

describe("eval never lays runs of different indexes side by side unmarked", () => {
  it("a run retrieved with another encoder is named with its index", async () => {
    const s = await server({ embed: (text) => [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1] });
    const saveDir = tempDir();
    await runCli(["openie", ...demo(saveDir), "--import", DEMO_OPENIE]);
    await runCli(["index", ...demo(saveDir)]);
    await runCli(["retrieve", ...demo(saveDir), "--method", "dense"]);
    const other = ["--embedding-name", "fake-embedder", "--embedding-base-url", s.url];
    expect((await runCli(["index", ...demo(saveDir), ...other])).code).toBe(0);
    expect((await runCli(["retrieve", ...demo(saveDir), "--no-filter", ...other])).code).toBe(0);
    const table = (await runCli(["eval", ...demo(saveDir)])).stdout;
    expect(table).toMatch(/dense \[handwritten\|lexical\S*\]/);
    expect(table).toMatch(/hipporag2-nofilter \[handwritten\|openai:fake-embedder\S*\]/);
  });
});

/** Splits a POSIX shell command line of plain words, single-quoted parts and \' (as in 'it'\''s'). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/(?:\\'|'[^']*'|[^\s'\\]+)+/g)].map((word) => [...word[0].matchAll(/\\'|'([^']*)'|([^'\\]+)/g)].map((part) => (part[0] === "\\'" ? "'" : (part[1] ?? part[2]!))).join(""));
}
