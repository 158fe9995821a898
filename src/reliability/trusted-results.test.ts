import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { md5Hex, passageId } from "../core/ids.js";
import { ENCODER_PROBE_TEXT } from "../embedding/embedding-store.js";
import { HippoRag } from "../hipporag.js";
import { chatCompletion } from "../test-support/fake-openai-server.js";
import { fakeLlm } from "../test-support/fake-llm.js";
import { fakeEntities, fakeOpenIEReply, fakeTriples, openieStage } from "../test-support/fake-openie-model.js";
import { runCli, tempDir, writeJson } from "../test-support/cli-harness.js";
import { QA_SYSTEM } from "../qa/qa-prompt.js";
import { loopbackServers } from "../test-support/loopback-servers.js";

/**
 * Issue "Results you can trust": a stored result is reused only when every input it was computed
 * from is unchanged, and finished work is never undone. Each numbered case of the issue, through the
 * CLI and the library, against loopback servers started here; then a property test over random edits.
 */
const DEMO = resolve(import.meta.dirname, "../../reproduce/demo");
const DEMO_OPENIE = "openie_results_ner_handwritten.json";

const server = loopbackServers();

interface Demo {
  dir: string;
  saveDir: string;
  openie: string;
}
/** The demo dataset (hand-written OpenIE, graph-only) copied where a test may edit it. */
function demo(): Demo {
  const dir = tempDir();
  for (const file of ["demo_corpus.json", "demo.json", DEMO_OPENIE]) copyFileSync(join(DEMO, file), join(dir, file));
  return { dir, saveDir: join(dir, "ws"), openie: join(dir, DEMO_OPENIE) };
}
const at = (d: Demo) => ["--dataset", "demo", "--dataset-dir", d.dir, "--save-dir", d.saveDir];
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const editJson = (path: string, edit: (value: any) => void) => {
  const value = readJson(path);
  edit(value);
  writeFileSync(path, JSON.stringify(value));
};

async function ok(args: string[]) {
  const result = await runCli(args);
  expect(result.code, result.stderr).toBe(0);
  return result;
}
/** import + index + retrieve --no-filter; returns the predictions keyed by question text. */
async function retrieveAll(d: Demo, indexFirst = true): Promise<{ stderr: string; byQuestion: Map<string, string[]>; byId: Map<string, { question: string; docs: string[] }> }> {
  if (indexFirst) {
    await ok(["openie", ...at(d), "--import", d.openie]);
    await ok(["index", ...at(d)]);
  }
  const out = join(d.dir, "pred.json");
  const result = await ok(["retrieve", ...at(d), "--no-filter", "--predictions-out", out]);
  const predictions = readJson(out) as { id: string; question: string; docs: string[] }[];
  return {
    stderr: result.stderr,
    byQuestion: new Map(predictions.map((p) => [p.question, p.docs])),
    byId: new Map(predictions.map((p) => [p.id, { question: p.question, docs: p.docs }])),
  };
}
/** What a fresh workspace computes from the same (edited) files. */
async function fresh(d: Demo) {
  const copy = demo();
  for (const file of ["demo_corpus.json", "demo.json", DEMO_OPENIE]) copyFileSync(join(d.dir, file), join(copy.dir, file));
  return retrieveAll(copy);
}

describe("1. questions are keyed by their text, not by id or position", () => {
  it("a question whose text changes under the same id is recomputed, and --predictions-out pairs the new text with the new ranking", async () => {
    const d = demo();
    const before = await retrieveAll(d);
    const questions = readJson(join(d.dir, "demo.json"));
    const id = questions[0].id as string;
    const newText = "Which sea does the river flowing through Warsaw empty into?";
    editJson(join(d.dir, "demo.json"), (qs) => (qs[0].question = newText));
    const after = await retrieveAll(d, false);
    expect(after.stderr).toMatch(/: \d+ reused, 1 computed \(1 question text changed\)/);
    expect(after.byId.get(id)!.question).toBe(newText);
    expect(after.byId.get(id)!.docs).toEqual((await fresh(d)).byId.get(id)!.docs);
    expect(after.byId.get(id)!.docs).not.toEqual(before.byId.get(id)!.docs);
  });

  it("questions without ids: a reordered file finds every stored result by its text", async () => {
    const d = demo();
    editJson(join(d.dir, "demo.json"), (qs) => qs.forEach((q: any) => delete q.id));
    const first = await retrieveAll(d);
    editJson(join(d.dir, "demo.json"), (qs) => qs.reverse());
    const second = await retrieveAll(d, false);
    expect(second.stderr).toMatch(/questions: \d+ reused\b(?!, \d+ computed)/);
    expect(second.byQuestion).toEqual(first.byQuestion);
  });
});

describe("2. re-imported OpenIE reaches every result built on it", () => {
  it("a changed import rebuilds the index; retrieval first refuses the stale index, then recomputes and equals a fresh workspace", async () => {
    const d = demo();
    const before = await retrieveAll(d);
    editJson(d.openie, (file) => (file.docs[0].extracted_triples[0][2] = "Kraków"));
    const imported = await ok(["openie", ...at(d), "--import", d.openie]);
    expect(imported.stdout).toMatch(/1 finished result replaced by different ones/);
    const stale = await runCli(["retrieve", ...at(d), "--no-filter"]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/is out of date: the OpenIE results of 1 passage changed since it was built \(hint: run hipporag index/);
    const indexed = await ok(["index", ...at(d)]);
    expect(indexed.stderr).toMatch(/1 rebuilt \(their OpenIE changed\)/);
    const after = await retrieveAll(d, false);
    expect(after.stderr).toMatch(/index changed since the stored run/);
    expect(after.byQuestion).toEqual((await fresh(d)).byQuestion);
    expect(after.byQuestion).not.toEqual(before.byQuestion);
  });

  it("a corpus edited after indexing: retrieve refuses until index brings the index to exactly the corpus", async () => {
    const d = demo();
    await retrieveAll(d);
    editJson(join(d.dir, "demo_corpus.json"), (corpus) => corpus.pop());
    const stale = await runCli(["retrieve", ...at(d), "--no-filter"]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/the corpus has 0 passages the index lacks, and the index has 1 the corpus no longer has/);
    // eval, given the same dataset, does not present the stored run as current either, and says why
    const evaluated = await ok(["eval", ...at(d)]);
    expect(evaluated.stdout).toContain("hipporag2-nofilter (stale)");
    // for machines, a field beside the run's own name (which scripts and the paper tables match on)
    const json = ([JSON.parse((await ok(["eval", ...at(d), "--json"])).stdout)].flat() as { run: string; stale?: boolean }[]).find((r) => r.run.startsWith("hipporag2-nofilter"));
    expect(json).toMatchObject({ run: "hipporag2-nofilter", stale: true });
    expect(evaluated.stderr).toMatch(/note: hipporag2-nofilter: not current: \d+ rankings from an index that no longer matches the corpus \(the corpus has 0 passages the index lacks, and the index has 1 the corpus no longer has\)/);
    expect((await ok(["index", ...at(d)])).stderr).toMatch(/1 removed \(no longer in the corpus\)/);
    const after = await retrieveAll(d, false);
    expect(after.byQuestion).toEqual((await fresh(d)).byQuestion);
  });
});

describe("3. answers are reused only for the same passages, model and prompt", () => {
  it("qa --qa-top-k 3 after a top-5 run answers again, with three passages", async () => {
    const s = await server({ chat: fakeLlm });
    const d = demo();
    await retrieveAll(d);
    // --llm-name also names whose OpenIE to use (the demo's is "handwritten"); the fake reader answers any name
    const qa = ["qa", ...at(d), "--run", "hipporag2-nofilter", "--llm-base-url", s.url, "--llm-name", "handwritten"];
    const top5 = await ok(qa);
    const n = readJson(join(d.dir, "demo.json")).length as number;
    expect(top5.stderr).toMatch(new RegExp(`${n} computed \\(${n} new\\); ${n} newly answered`));
    const calls = s.chatRequests().length;
    const top3 = await ok([...qa, "--qa-top-k", "3"]);
    expect(top3.stderr).toMatch(new RegExp(`${n} computed \\(${n} passages changed \\(ranking or qa top-k\\)\\)`));
    const asked = s.chatRequests().slice(calls).filter((b) => b.messages[0]!.content === QA_SYSTEM);
    expect(asked).toHaveLength(n);
    for (const body of asked) expect(body.messages.at(-1)!.content.split("Wikipedia Title: ").length - 1).toBe(3);
    expect((await ok([...qa, "--qa-top-k", "3"])).stderr).toMatch(new RegExp(`questions: ${n} reused;`));
  });

  it("after the index changes and the run is retrieved again, eval and qa say the answers were for the old rankings, not that the questions are new", async () => {
    const s = await server({ chat: fakeLlm });
    const d = demo();
    await retrieveAll(d);
    const qa = ["qa", ...at(d), "--run", "hipporag2-nofilter", "--llm-base-url", s.url, "--llm-name", "handwritten"];
    await ok(qa);
    const n = readJson(join(d.dir, "demo.json")).length as number;
    editJson(join(d.dir, "demo_corpus.json"), (corpus) => (corpus[0].text += " She was twice a Nobel laureate."));
    editJson(d.openie, (file) => (file.docs[0].passage = `${file.docs[0].passage} She was twice a Nobel laureate.`));
    await ok(["openie", ...at(d), "--import", d.openie]);
    await ok(["index", ...at(d)]);
    await ok(["retrieve", ...at(d), "--no-filter"]);
    const evaluated = await ok(["eval", ...at(d), "--run", "hipporag2-nofilter"]);
    expect(evaluated.stdout + evaluated.stderr).toMatch(new RegExp(`${n} of ${n} questions have no answer \\(retrieved again since answered\\): EM/F1 are not shown until they are answered`));
    expect(evaluated.stdout).not.toMatch(/\bEM\b/);
    const again = await ok(qa);
    expect(again.stderr).toMatch(new RegExp(`${n} computed \\(${n} retrieved again since it was answered\\)`));
  });
});

describe("3f. qa of a run retrieved from another index of the workspace", () => {
  it("is refused naming both indexes (it said the index had changed)", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    await ok(["index", ...at(d)]);
    await ok(["index", ...at(d), "--vectors", "f16"]);
    await ok(["retrieve", ...at(d), "--no-filter", "--vectors", "f16"]);
    const s = await server({ chat: fakeLlm });
    const qa = await runCli(["qa", ...at(d), "--run", "hipporag2-nofilter", "--vectors", "f32", "--llm-base-url", s.url, "--llm-name", "handwritten"]);
    expect(qa.code).toBe(2);
    expect(qa.stderr).toMatch(/run hipporag2-nofilter was retrieved from the index handwritten\|\S+\|f16, not from handwritten\|\S+, the one these options name \(hint: name the OpenIE model \(--openie-llm-name handwritten\)/);
    expect(qa.stderr).not.toMatch(/changed since/);
  });
});

describe("3c. a QA reply with nothing after \"Answer:\" is no answer", () => {
  it("is asked again, then recorded as failed (exit 5) and retried by the next run, never stored as an empty answer", async () => {
    const d = demo();
    await retrieveAll(d);
    const empty = await server({ chat: (body) => (body.messages[0]!.content === QA_SYSTEM ? { content: "Thinking.\nAnswer: " } : fakeLlm(body)) });
    const qa = ["qa", ...at(d), "--run", "hipporag2-nofilter", "--llm-name", "reader", "--max-retries", "0", "--json"];
    const first = await runCli([...qa, "--llm-base-url", empty.url]);
    expect(first.code).toBe(5);
    const out = JSON.parse(first.stdout);
    expect(out.answered).toBe(0);
    expect(out.failures[0]).toMatchObject({ error: 'empty answer: nothing after "Answer:" in the reply' }); // qa --json says why
    expect(out.answers.every((a: { answer: string | null }) => a.answer === null)).toBe(true);
    // eval tells failed from never asked: EM 0 over the failures, and a note saying they failed
    const failedEval = JSON.parse((await ok(["eval", ...at(d), "--run", "hipporag2-nofilter", "--json"])).stdout);
    expect(failedEval.notes.join(" ")).toMatch(new RegExp(`${out.answers.length} of ${out.answers.length} questions have no answer \\(failed\\)`));
    expect(failedEval.em).toBe(0);
    const good = await server({ chat: fakeLlm });
    const second = JSON.parse((await ok([...qa, "--llm-base-url", good.url])).stdout);
    expect(second.answered).toBe(out.answers.length);
    expect(second.recomputed).toEqual({ "failed before": out.answers.length });
  });
});

describe("3e. an answer kept from a cut-off reply under --accept-truncated", () => {
  it("is reused while the flag is on, and asked again once it is dropped", async () => {
    const d = demo();
    await retrieveAll(d);
    const cut = await server({ chat: (body) => (body.messages[0]!.content === QA_SYSTEM ? { content: "The passages say\nAnswer: Ber", finishReason: "length" } : fakeLlm(body)) });
    const qa = ["qa", ...at(d), "--run", "hipporag2-nofilter", "--llm-name", "reader", "--max-retries", "0"];
    const n = readJson(join(d.dir, "demo.json")).length as number;
    const kept = await ok([...qa, "--llm-base-url", cut.url, "--accept-truncated", "--json"]);
    expect(JSON.parse(kept.stdout).answers.every((a: { answer: string }) => a.answer === "Ber")).toBe(true);
    expect((await ok([...qa, "--llm-base-url", cut.url, "--accept-truncated"])).stderr).toMatch(new RegExp(`questions: ${n} reused;`));
    const good = await server({ chat: fakeLlm });
    const strict = await ok([...qa, "--llm-base-url", good.url, "--json"]);
    const out = JSON.parse(strict.stdout);
    expect(out.recomputed).toEqual({ "cut off by the token limit (kept under --accept-truncated)": n });
    expect(out.answers.some((a: { answer: string }) => a.answer === "Ber")).toBe(false);
    expect((await ok([...qa, "--llm-base-url", good.url])).stderr).toMatch(new RegExp(`questions: ${n} reused;`));
  });
});

describe("3h. run whose QA fails everywhere", () => {
  it("says so beside its EM 0 (console and stored report) and lists the first failures, as eval and qa do", async () => {
    const d = demo();
    const empty = await server({ chat: (body) => (body.messages[0]!.content === QA_SYSTEM ? { content: "I think.\nAnswer:" } : fakeLlm(body)) });
    const run = await runCli(["run", ...at(d), "--import-openie", d.openie, "--llm-base-url", empty.url, "--llm-name", "reader", "--openie-llm-name", "handwritten", "--no-filter", "--max-retries", "0", "--no-baselines"]);
    expect(run.code).toBe(5);
    const n = readJson(join(d.dir, "demo.json")).length as number;
    expect(run.stdout).toContain(`note: hipporag2-nofilter: ${n} of ${n} questions have no answer (failed)`);
    expect(run.stderr).toMatch(/^failed \S+: empty answer: nothing after "Answer:" in the reply$/m);
    const report = readJson(run.stderr.match(/report: (\S+)\.md/)![1]! + ".json");
    expect(report.notes.join(" ")).toMatch(new RegExp(`${n} of ${n} questions have no answer \\(failed\\)`));
    expect(report.qaFailures["hipporag2-nofilter"]).toHaveLength(n); // each with its question id and error, in run --json too
    expect(report.qaFailures["hipporag2-nofilter"][0]).toMatchObject({ id: expect.any(String), error: 'empty answer: nothing after "Answer:" in the reply' });
  });
});

describe("3b. an answer that failed for the asked model is not served by another model's", () => {
  it("qa with a second QA model that fails everywhere: eval shows no answers, not the first model's", async () => {
    const good = await server({ chat: fakeLlm });
    const d = demo();
    await retrieveAll(d);
    const qa = ["qa", ...at(d), "--run", "hipporag2-nofilter", "--llm-name", "handwritten", "--max-retries", "0"];
    await ok([...qa, "--llm-base-url", good.url]);
    const evalArgs = ["eval", ...at(d), "--run", "hipporag2-nofilter", "--json"];
    const before = JSON.parse((await ok(evalArgs)).stdout);
    expect(typeof before.em).toBe("number");
    const failing = await server({ chat: fakeLlm, fault: () => ({ kind: "status", status: 500 }) });
    const second = await runCli([...qa, "--llm-base-url", failing.url, "--qa-llm-name", "other-reader"]);
    expect(second.code).toBe(5);
    const after = JSON.parse((await ok(evalArgs)).stdout);
    // The run's answers are now the other reader's, and it gave none: every question failed, scored 0 and said.
    expect(after.em).toBe(0);
    expect(after.f1).toBe(0);
    expect(after.notes.join(" ")).toMatch(/(\d+) of \1 questions have no answer \(failed\)/);
    // The first reader's answers come back (from the LLM cache, no new request) when it is asked again.
    const calls = good.chatRequests().length;
    await ok([...qa, "--llm-base-url", good.url]);
    expect(good.chatRequests().length).toBe(calls);
    expect(JSON.parse((await ok(evalArgs)).stdout).em).toBe(before.em);
  });
});

describe("3d. a qa that stops part-way keeps the answers it did not reach", () => {
  it("a second model whose key is rejected after 2 answers: 2 new answers, the rest kept and noted as mixed; progress shows 2", async () => {
    const good = await server({ chat: fakeLlm });
    const d = demo();
    await retrieveAll(d);
    const qa = ["qa", ...at(d), "--run", "hipporag2-nofilter", "--llm-name", "handwritten", "--max-retries", "0", "--concurrency", "1"];
    await ok([...qa, "--llm-base-url", good.url]);
    const n = (readJson(join(d.dir, "demo.json")) as unknown[]).length;
    let answered = 0;
    const cut = await server({ chat: fakeLlm, fault: () => (++answered > 2 ? { kind: "status", status: 401 } : undefined) });
    // The installed CLI, so its progress lines (written to the process's stderr) can be read.
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/hipporag"), ...qa, "--llm-base-url", cut.url, "--qa-llm-name", "other-reader"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    expect(code).toBe(3);
    expect(stderr).toMatch(new RegExp(`qa hipporag2-nofilter: 2/${n}`));
    expect(stderr).not.toMatch(new RegExp(`qa hipporag2-nofilter: [3-9]/${n}`));
    const evaluated = await ok(["eval", ...at(d), "--run", "hipporag2-nofilter"]);
    expect(evaluated.stderr).toContain(`note: hipporag2-nofilter: its answers come from 2 QA settings (model or prompt: ${n - 2} + 2 questions)`);
    expect(evaluated.stderr).not.toContain("have no answer");
  });
});

describe("3c. eval says what its numbers do not show", () => {
  it("questions without an answer, and rankings that fell back after a filter error, are noted (terminal, JSON, Markdown)", async () => {
    const d = demo();
    await retrieveAll(d);
    const questions = readJson(join(d.dir, "demo.json")) as { question: string }[];
    const first = questions[0]!.question;
    // The reader fails on the first question only.
    const picky = await server({ chat: fakeLlm, fault: ({ body }) => (JSON.stringify(body).includes(JSON.stringify(first).slice(1, -1)) ? { kind: "status", status: 500 } : undefined) });
    const qa = await runCli(["qa", ...at(d), "--run", "hipporag2-nofilter", "--llm-name", "handwritten", "--max-retries", "0", "--llm-base-url", picky.url]);
    expect(qa.code).toBe(5);
    const n = questions.length;
    const text = await ok(["eval", ...at(d), "--run", "hipporag2-nofilter"]);
    expect(text.stderr).toContain(`note: hipporag2-nofilter: 1 of ${n} questions have no answer (failed): EM/F1 count them as empty answers`);
    const json = JSON.parse((await ok(["eval", ...at(d), "--run", "hipporag2-nofilter", "--json"])).stdout);
    expect(json.notes).toHaveLength(1);
    // A filtered run against a server that fails every filter call: each question falls back to dense.
    const failing = await server({ chat: fakeLlm, fault: () => ({ kind: "status", status: 500 }) });
    const filtered = await runCli(["retrieve", ...at(d), "--llm-name", "handwritten", "--max-retries", "0", "--llm-base-url", failing.url]);
    expect(filtered.code).toBe(5);
    const both = await ok(["eval", ...at(d)]);
    expect(both.stderr).toMatch(new RegExp(`note: hipporag2: \\d+ of ${n} questions fell back \\(\\d+ filter-error[^)]*\\); the LLM errors are retried by the next retrieve`));
    const report = readFileSync(both.stderr.match(/report: (\S+\.md)/)![1]!, "utf8");
    expect(report).toContain("questions fell back");
  });

  it("while another process writes the workspace: scores shown, said, and no report recorded as the workspace's state", async () => {
    const d = demo();
    await retrieveAll(d);
    const { Workspace } = await import("../store/workspace.js");
    const writer = Workspace.open(d.saveDir);
    writer.acquireWriterLock("retrieve");
    const reportRows = () => new Database(join(d.saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT COUNT(*) FROM reports").pluck().get();
    try {
      const busy = await ok(["eval", ...at(d)]);
      expect(busy.stdout).toMatch(/hipporag2-nofilter/);
      expect(busy.stderr).toMatch(/note: workspace \S+ is in use by another HippoRag instance of this process \(pid \d+ on host \S+, retrieve, since [^)]+\): its runs may be changing under this eval, so no report was written/);
      expect(busy.stderr).not.toMatch(/^report: /m);
      expect(JSON.parse((await ok(["eval", ...at(d), "--json"])).stdout).notes.join(" ")).toMatch(/no report was written/);
      expect(reportRows()).toBe(0);
    } finally {
      writer.close();
    }
    expect((await ok(["eval", ...at(d)])).stderr).toMatch(/^report: /m);
    expect(reportRows()).toBe(1);
  });
});

describe("3g. library writes", () => {
  it("overlapping index() calls on one instance both land; another process's writer is refused meanwhile; a closed instance says so", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    const corpus = readJson(join(d.dir, "demo_corpus.json")) as { title: string; text: string }[];
    const s = await server({ embed: (text) => [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1], latencyMs: 200 });
    const hippo = await HippoRag.open({ saveDir: d.saveDir, openieModel: "handwritten", embedding: { name: "slow-embedder", baseUrl: s.url } });
    try {
      // each call alone would build on the index as it was; the later commit undid the other
      const first = hippo.index(corpus.slice(0, 3));
      const second = hippo.index(corpus.slice(3, 6));
      await new Promise((r) => setTimeout(r, 50));
      const other = await runCli(["index", ...at(d), "--llm-name", "handwritten", "--embedding-name", "slow-embedder", "--embedding-base-url", s.url]);
      expect(other.code).toBe(4);
      expect(other.stderr).toMatch(/is in use by another HippoRag instance of this process \(pid \d+ on host \S+, library index/);
      await Promise.all([first, second]);
      expect(hippo.memoryIndex().passageIds()).toHaveLength(6);
    } finally {
      hippo.close();
    }
    await expect(hippo.index(corpus.slice(0, 1))).rejects.toThrow(/this HippoRag is closed \(close\(\) was called\)/);
    // closed while a call runs: said in words, not the driver's TypeError
    const again = await HippoRag.open({ saveDir: d.saveDir, openieModel: "handwritten", embedding: { name: "slow-embedder-2", baseUrl: s.url } });
    const running = again.index(corpus.slice(0, 2));
    await new Promise((r) => setTimeout(r, 50));
    again.close();
    await expect(running).rejects.toThrow(/this HippoRag was closed while index ran: what it committed before close\(\) is kept/);
    await expect(hippo.retrieve(["Where?"])).rejects.toThrow(/this HippoRag is closed/);
    // the lock was given back: the CLI writes again
    expect((await runCli(["index", ...at(d), "--llm-name", "handwritten", "--embedding-name", "slow-embedder", "--embedding-base-url", s.url])).code).toBe(0);
  });
});

describe("3i. delete stopped by a signal", () => {
  it("before its commit removes nothing and says so; the same delete afterwards removes", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    await ok(["index", ...at(d)]);
    const hippo = await HippoRag.open({ saveDir: d.saveDir, openieModel: "handwritten" });
    try {
      const before = hippo.memoryIndex().passageIds();
      const doc = hippo.workspace.passages.contents(before.slice(0, 1)) as string[];
      const stopped = new AbortController();
      stopped.abort();
      await expect(hippo.delete(doc, { signal: stopped.signal })).rejects.toThrow(/interrupted .*nothing of this update was committed/);
      expect(hippo.memoryIndex().passageIds()).toEqual(before);
      expect((await hippo.delete(doc)).removed).toBe(1);
      expect(hippo.memoryIndex().passageIds()).toEqual(before.slice(1));
    } finally {
      hippo.close();
    }
  });
});

describe("4. an import never undoes finished OpenIE", () => {
  const CORPUS = Array.from({ length: 6 }, (_, i) => ({ title: `Place ${i}`, text: `Place ${i} is a town in Region ${i % 2} founded by Person ${i} in ${1800 + i}.` }));
  it("round 1 imported again after round 2, or an error line for a finished passage, is ignored and said; --force overwrites", async () => {
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS);
    const common = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-name", "test-model"];
    const outputsOf = (requests: string) =>
      readFileSync(requests, "utf8").trim().split("\n").map((line, i) => {
        const request = JSON.parse(line);
        return JSON.stringify({ id: `b${i}`, custom_id: request.custom_id, response: { status_code: 200, body: chatCompletion(request.body.model, fakeOpenIEReply(request.body)!, request.body) }, error: null });
      });
    const rounds: string[] = [];
    for (const round of [1, 2]) {
      const requests = join(dir, `requests${round}.jsonl`);
      await ok([...common, "--export-batch", requests]);
      rounds.push(join(dir, `results${round}.jsonl`));
      writeFileSync(rounds.at(-1)!, outputsOf(requests).join("\n") + "\n");
      await ok([...common, "--import-batch", rounds.at(-1)!]);
    }
    const indexed = await ok(["index", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-name", "test-model", "--json"]);
    const again = await ok([...common, "--import-batch", rounds[0]!]);
    expect(again.stderr).toMatch(/6 lines for passages whose OpenIE is finished ignored .*pass --force/);
    const errorLine = JSON.stringify({ custom_id: `openie-triples:${passageId(`Place 0\n${CORPUS[0]!.text}`)}`, response: null, error: { message: "expired" } });
    writeFileSync(join(dir, "error.jsonl"), errorLine + "\n");
    expect((await ok([...common, "--import-batch", join(dir, "error.jsonl")])).stderr).toMatch(/1 line for passages whose OpenIE is finished ignored/);
    // nothing was undone: the index still builds, identical, and retrieval works
    const counts = (stdout: string) => ({ ...JSON.parse(stdout), timingsMs: undefined, synonymQueries: undefined }); // work done by that call
    expect(counts((await ok(["index", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-name", "test-model", "--json"])).stdout)).toEqual({ ...counts(indexed.stdout), added: 0 });
    const forced = await runCli([...common, "--import-batch", join(dir, "error.jsonl"), "--force"]);
    expect(forced.code).toBe(5);
    expect(forced.stderr).toMatch(/failed ".+" \(chunk-[0-9a-f]{32}\): batch request failed: .*expired/);
  });

  it("after round 1, the requests file or an error line (a key in it) imported by mistake undoes no NER result, and the key is never shown or stored", async () => {
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS);
    const saveDir = join(dir, "ws");
    const common = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-name", "test-model"];
    const requests = join(dir, "requests1.jsonl");
    await ok([...common, "--export-batch", requests]);
    const results = join(dir, "results1.jsonl");
    writeFileSync(results, readFileSync(requests, "utf8").trim().split("\n").map((line, i) => {
      const request = JSON.parse(line);
      return JSON.stringify({ id: `b${i}`, custom_id: request.custom_id, response: { status_code: 200, body: chatCompletion(request.body.model, fakeOpenIEReply(request.body)!, request.body) }, error: null });
    }).join("\n") + "\n");
    await ok([...common, "--import-batch", results]);
    const rows = () => {
      const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
      try {
        return db.prepare("SELECT passage_id, status, entities, error FROM openie ORDER BY passage_id").all() as { status: string; entities: string | null; error: string | null }[];
      } finally {
        db.close();
      }
    };
    const before = rows();
    expect(before.every((r) => r.status === "ner" && r.entities !== null)).toBe(true);
    const wrongFile = await runCli([...common, "--import-batch", requests]);
    expect(wrongFile.code).toBe(2);
    expect(wrongFile.stderr).toMatch(/requests1\.jsonl: line 1: field "response": not a batch output line: it has neither "response" nor "error" \(is this the requests file --export-batch wrote\?\)/);
    expect(rows()).toEqual(before);
    const secret = "sk-test-BATCHKEY-0123456789abcdef";
    process.env.OPENAI_API_KEY = secret;
    try {
      const errorLine = JSON.stringify({ custom_id: `openie-ner:${passageId(`Place 0\n${CORPUS[0]!.text}`)}`, response: null, error: { code: "invalid_api_key", message: `Incorrect API key provided: ${secret}.` } });
      writeFileSync(join(dir, "error.jsonl"), errorLine + "\n");
      const kept = await ok([...common, "--import-batch", join(dir, "error.jsonl")]);
      expect(kept.stderr).toMatch(/1 line for passages whose OpenIE is finished ignored/);
      expect(rows()).toEqual(before); // the NER result stays
      const forced = await runCli([...common, "--import-batch", join(dir, "error.jsonl"), "--force"]);
      expect(forced.code).toBe(5);
      expect(forced.stderr).toMatch(/batch request failed: .*Incorrect API key provided/);
      expect(forced.stderr).not.toContain(secret);
      expect(JSON.stringify(rows())).not.toContain(secret);
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it("batch replies are filed only under the model, prompts and --max-tokens their requests were exported with", async () => {
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS);
    const base = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws")];
    const requests = join(dir, "requests.jsonl");
    await ok([...base, "--llm-name", "model-a", "--export-batch", requests]);
    const results = join(dir, "results.jsonl");
    writeFileSync(results, readFileSync(requests, "utf8").trim().split("\n").map((line, i) => {
      const request = JSON.parse(line);
      return JSON.stringify({ id: `b${i}`, custom_id: request.custom_id, response: { status_code: 200, body: chatCompletion(request.body.model, fakeOpenIEReply(request.body)!, request.body) }, error: null });
    }).join("\n") + "\n");
    const prompts = writeJson(dir, "prompts.json", { nerSystem: "Name every entity." });
    for (const other of [["--llm-name", "model-b"], ["--llm-name", "model-a", "--openie-prompts", prompts], ["--llm-name", "model-a", "--max-tokens", "777"]]) {
      const refused = await runCli([...base, ...other, "--import-batch", results]);
      expect(refused.code, other.join(" ")).toBe(2);
      expect(refused.stderr).toMatch(/results\.jsonl: line 1: field "custom_id": it answers a request other than the one this import would send/);
    }
    const db = new Database(join(dir, "ws", "hipporag.sqlite"), { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM openie").pluck().get()).toBe(0);
    expect(db.prepare("SELECT COUNT(*) FROM llm_cache").pluck().get()).toBe(0);
    db.close();
    expect((await ok([...base, "--llm-name", "model-a", "--import-batch", results])).stdout).toMatch(/imported 6 NER and 0 triple results, 0 failed/);
  });

  it("a round-2 file after one passage's NER changed files the others and leaves that one pending; a passage twice in a file counts once, and two different results are refused", async () => {
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS);
    const saveDir = join(dir, "ws");
    const common = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-name", "test-model"];
    const outputsOf = (requests: string, reply = fakeOpenIEReply) =>
      readFileSync(requests, "utf8").trim().split("\n").map((line, i) => {
        const request = JSON.parse(line);
        return JSON.stringify({ id: `b${i}`, custom_id: request.custom_id, response: { status_code: 200, body: chatCompletion(request.body.model, reply(request.body)!, request.body) }, error: null });
      });
    const rows = () => {
      const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
      try {
        return db.prepare("SELECT passage_id, status, entities, triples, error FROM openie ORDER BY passage_id").all() as { passage_id: string; status: string; entities: string | null }[];
      } finally {
        db.close();
      }
    };
    const requests1 = join(dir, "requests1.jsonl");
    await ok([...common, "--export-batch", requests1]);
    const round1 = outputsOf(requests1);
    // Duplicated lines (a file appended to itself) count once; a failure beside a result, in either order, yields to it.
    const failure = (line: string) => JSON.stringify({ ...JSON.parse(line), response: null, error: { message: "expired" } });
    writeFileSync(join(dir, "results1.jsonl"), [...round1, ...round1, failure(round1[0]!)].join("\n") + "\n");
    writeFileSync(join(dir, "retried.jsonl"), [failure(round1[1]!), round1[1]!].join("\n") + "\n");
    const first = await ok([...common, "--import-batch", join(dir, "retried.jsonl"), "--json"]);
    expect(JSON.parse(first.stdout)).toMatchObject({ ner: 1, failed: 0, duplicates: 1, failures: [] });
    const imported = await ok([...common, "--import-batch", join(dir, "results1.jsonl")]);
    expect(imported.stdout).toMatch(/imported 6 NER and 0 triple results, 0 failed; 6 passages need triples/);
    expect(imported.stderr).toMatch(/7 lines repeating a passage's result \(or failure\) already in the file counted once/);
    // Two different NER results for one passage: refused, naming both lines, nothing stored.
    const before = rows();
    const other = JSON.stringify({ ...JSON.parse(round1[2]!), response: { status_code: 200, body: chatCompletion("test-model", { content: JSON.stringify({ named_entities: ["Somewhere Else"] }) }, JSON.parse(readFileSync(requests1, "utf8").split("\n")[2]!).body) } });
    writeFileSync(join(dir, "conflict.jsonl"), [round1[2]!, round1[3]!, other].join("\n") + "\n");
    const conflict = await runCli([...common, "--import-batch", join(dir, "conflict.jsonl"), "--force"]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/conflict\.jsonl: line 3: field "response": a second, different NER result for passage chunk-[0-9a-f]{32} \(line 1 holds another\); nothing of this file was imported/);
    expect(rows()).toEqual(before);
    // Round 2 exported; then passage 0's NER result changes (an online retry, a forced re-import).
    const requests2 = join(dir, "requests2.jsonl");
    await ok([...common, "--export-batch", requests2]);
    const round2 = outputsOf(requests2);
    const changed = JSON.stringify({ ...JSON.parse(round1[0]!), response: { status_code: 200, body: chatCompletion("test-model", { content: JSON.stringify({ named_entities: ["Place 0", "Region 0"] }) }, JSON.parse(readFileSync(requests1, "utf8").split("\n")[0]!).body) } });
    writeFileSync(join(dir, "changed.jsonl"), changed + "\n");
    await ok([...common, "--import-batch", join(dir, "changed.jsonl"), "--force"]);
    writeFileSync(join(dir, "results2.jsonl"), round2.join("\n") + "\n");
    // With other settings no line matches: still refused whole.
    const wrong = await runCli([...common, "--max-tokens", "777", "--import-batch", join(dir, "results2.jsonl")]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/results2\.jsonl: line 1: field "custom_id": it answers a request other than the one this import would send .*no line of the file matches these settings/);
    const second = await ok([...common, "--import-batch", join(dir, "results2.jsonl")]);
    expect(second.stdout).toMatch(/imported 0 NER and 5 triple results, 0 failed; 1 passage need/);
    expect(second.stderr).toMatch(/1 triple line answering requests made from an older NER result of their passage \(it changed since the export\) ignored: export again/);
    const after = rows();
    expect(after.filter((r) => r.status === "done")).toHaveLength(5);
    expect(after.find((r) => r.status === "ner")!.entities).toBe(JSON.stringify(["Place 0", "Region 0"]));
    // the next export asks for exactly that passage's triples, from its current NER result
    await ok([...common, "--export-batch", join(dir, "requests3.jsonl")]);
    const third = readFileSync(join(dir, "requests3.jsonl"), "utf8").trim().split("\n");
    expect(third).toHaveLength(1);
    expect(third[0]).toContain("Region 0");
  });

  it("an upstream file's empty results (its mark of a failed extraction) do not replace finished ones; --force does", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    const stored = () => new Map((new Database(join(d.saveDir, "hipporag.sqlite"), { readonly: true }).prepare("SELECT passage_id, triples FROM openie").raw().all() as [string, string][]));
    const before = stored();
    const emptied = join(d.dir, "old", DEMO_OPENIE);
    mkdirSync(join(d.dir, "old"));
    writeJson(join(d.dir, "old"), DEMO_OPENIE, (() => {
      const file = readJson(d.openie);
      for (const doc of file.docs.slice(0, 3)) Object.assign(doc, { extracted_entities: [], extracted_triples: [] });
      file.docs[3].extracted_triples[0][2] = "Kraków"; // a real change is still imported
      return file;
    })());
    const imported = await ok(["openie", ...at(d), "--import", emptied]);
    expect(imported.stdout).toMatch(/1 finished result replaced by different ones/);
    expect(imported.stdout).toMatch(/3 empty results \(upstream's mark of a failed extraction\) left out: the finished ones are kept; --force replaces them/);
    const after = stored();
    const changed = [...after].filter(([id, triples]) => before.get(id) !== triples);
    expect(changed).toHaveLength(1);
    expect(changed[0]![1]).toMatch(/Kraków/);
    const forced = await ok(["openie", ...at(d), "--import", emptied, "--force"]);
    expect(forced.stdout).toMatch(/3 finished results replaced by different ones/);
    expect([...stored().values()].filter((triples) => triples === "[]")).toHaveLength(3);
  });

  it("empty docs imported into a fresh workspace are stored as upstream uses them, and said (openie --import, run --import-openie)", async () => {
    const d = demo();
    const file = readJson(d.openie);
    for (const doc of file.docs.slice(0, 2)) Object.assign(doc, { extracted_entities: [], extracted_triples: [] });
    writeJson(d.dir, DEMO_OPENIE, file);
    const note = /2 of the docs have no entities and no triples \(what upstream writes for a failed extraction\): stored as finished/;
    const imported = await ok(["openie", ...at(d), "--import", d.openie]);
    expect(imported.stdout).toMatch(note);
    expect((await ok(["openie", ...at(d), "--import", d.openie, "--json"])).stdout).toMatch(/"emptyStored": 0/); // unchanged the second time
    const copy = demo();
    writeJson(copy.dir, DEMO_OPENIE, file);
    expect((await ok(["run", ...at(copy), "--import-openie", copy.openie])).stderr).toMatch(note);
    // run --json (its lines on stderr silenced) carries the import's counts
    const again = demo();
    writeJson(again.dir, DEMO_OPENIE, file);
    expect(JSON.parse((await ok(["run", ...at(again), "--import-openie", again.openie, "--json"])).stdout).stages.import).toMatchObject({ docs: 18, emptyStored: 2, replaced: 0 });
  });

  it("within one file, a later empty doc of the same passage does not undo the earlier result", async () => {
    const d = demo();
    const file = readJson(d.openie);
    const twice = join(d.dir, "twice", DEMO_OPENIE);
    mkdirSync(join(d.dir, "twice"));
    writeJson(join(d.dir, "twice"), DEMO_OPENIE, { ...file, docs: [...file.docs, { ...file.docs[0], extracted_entities: [], extracted_triples: [] }] });
    const imported = await ok(["openie", ...at(d), "--import", twice]);
    expect(imported.stdout).toMatch(/1 empty result \(upstream's mark of a failed extraction\) left out/);
    const db = new Database(join(d.saveDir, "hipporag.sqlite"), { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM openie WHERE triples = '[]'").pluck().get()).toBe(0);
    db.close();
  });
});

describe("5. replies cut off by the token limit are never stored as results", () => {
  const CORPUS = Array.from({ length: 40 }, (_, i) => ({ title: `Town ${i}`, text: `Town ${i} lies in County ${i % 5} and was founded by Mayor ${i} in ${1700 + i}. Mayor ${i} knew Mayor ${(i + 3) % 40}.` }));
  it("under a server that truncates 30% of replies: every stored result equals a clean run's, the rest are recorded and retried", async () => {
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS);
    const clean = await server({ chat: fakeLlm });
    const openie = (url: string, saveDir: string) => ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", url, "--llm-name", "m", "--json", "--max-tokens", "8192", "--concurrency", "8"];
    await ok(openie(clean.url, join(dir, "clean")));
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const faulty = await server({
      chat: fakeLlm,
      fault: ({ body }) => {
        if (random() >= 0.3) return undefined;
        const full = fakeLlm(body as any).content;
        return { kind: "reply", reply: { content: full.slice(0, Math.floor(full.length * 0.7)), finishReason: "length" } };
      },
    });
    const storedOf = (saveDir: string) => {
      const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
      try {
        return new Map((db.prepare("SELECT passage_id, status, triples, error FROM openie").all() as any[]).map((r) => [r.passage_id, r]));
      } finally {
        db.close();
      }
    };
    const reference = storedOf(join(dir, "clean"));
    const saveDir = join(dir, "faulty");
    let sawFailure = false;
    for (let run = 0; run < 8; run++) {
      const result = await runCli(openie(faulty.url, saveDir));
      const stored = storedOf(saveDir);
      for (const [id, row] of stored) {
        if (row.status === "done") expect(row.triples, id).toBe(reference.get(id).triples); // never a truncated result
        else {
          expect(row.triples).toBeNull();
          expect(row.error).toMatch(/cut off by the token limit/);
          sawFailure = true;
        }
      }
      if (result.code === 0) break;
      expect(result.code).toBe(5);
    }
    expect(sawFailure).toBe(true);
    expect([...storedOf(saveDir).values()].every((r) => r.status === "done")).toBe(true);
    // escalation: a cut reply was asked again with a larger limit
    expect(faulty.chatRequests().some((b) => b.max_tokens === 16384)).toBe(true);
  });

  it("--accept-truncated keeps upstream's repair", async () => {
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS.slice(0, 3));
    const s = await server({
      chat: fakeLlm,
      fault: ({ body }) => {
        if (openieStage(body as any) !== "triples") return undefined;
        const full = fakeLlm(body as any).content;
        return { kind: "reply", reply: { content: full.slice(0, full.lastIndexOf("[") + 5), finishReason: "length" } };
      },
    });
    const args = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-base-url", s.url, "--llm-name", "m", "--json", "--max-tokens", "16384"];
    const strict = await runCli(args);
    expect(strict.code).toBe(5);
    expect(JSON.parse(strict.stdout).failures[0].error).toMatch(/cut off by the token limit .*even at 16384/);
    const repaired = JSON.parse((await ok([...args, "--accept-truncated"])).stdout);
    expect(repaired.extracted).toBe(3);
  });
});

describe("6. vectors with NaN or of the wrong size are remote failures, and nothing of their batch is stored", () => {
  it("index exits 3 naming the server and the texts; a fixed server then indexes", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    let broken = true;
    const s = await server({ embed: (text) => (broken && text.includes("Warsaw") ? [Number.NaN, 1, 0] : [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1]) });
    const index = ["index", ...at(d), "--embedding-name", "fake-embedder", "--embedding-base-url", s.url, "--embedding-batch-size", "4"];
    const first = await runCli(index);
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(new RegExp(`encoder openai:fake-embedder:\\S+ at ${s.url.replace(/[./]/g, "\\$&")} returned NaN or infinite values for \\d+ of \\d+ texts \\(".*Warsaw.*"\\); nothing of this batch was stored`));
    const db = new Database(join(d.saveDir, "hipporag.sqlite"), { readonly: true });
    for (const { vector } of db.prepare("SELECT vector FROM embeddings WHERE dtype = 'f32'").all() as { vector: Buffer }[]) {
      expect(new Float32Array(new Uint8Array(vector).buffer).every(Number.isFinite)).toBe(true);
    }
    db.close();
    broken = false;
    expect((await runCli(index)).code).toBe(0);
  });

  it("all-zero vectors (a server that lost its model) are refused the same way", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    const s = await server({ embed: (text) => (text.includes("Warsaw") ? [0, 0, 0] : [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1]) });
    const index = await runCli(["index", ...at(d), "--embedding-name", "zero-embedder", "--embedding-base-url", s.url, "--embedding-batch-size", "4"]);
    expect(index.code).toBe(3);
    expect(index.stderr).toMatch(/returned all-zero vectors for \d+ of \d+ texts \(".*Warsaw.*"\); nothing of this batch was stored/);
  });
});

describe("6b. a server serving another model under the encoder's name is refused before its vectors mix with the stored ones", () => {
  it("another model behind the same --embedding-name is refused, nothing stored; the same model on another server is reused", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    const modelA = (text: string) => [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1];
    const a = await server({ embed: modelA });
    const index = (url: string) => ["index", ...at(d), "--embedding-name", "emb-x", "--embedding-base-url", url];
    await ok(index(a.url));
    const retrieve = (url: string) => ["retrieve", ...at(d), "--embedding-name", "emb-x", "--embedding-base-url", url, "--no-filter", "--llm-name", "handwritten"];
    await ok(retrieve(a.url));
    // a question reworded: its vector would be scored against model A's passage and fact vectors
    editJson(join(d.dir, "demo.json"), (questions) => (questions[0].question = `${questions[0].question} Answer briefly.`));
    const b = await server({ embed: (text) => [1, text.length % 5, 3] });
    const stored = () => {
      const db = new Database(join(d.saveDir, "hipporag.sqlite"), { readonly: true });
      try {
        return db.prepare("SELECT COUNT(*) FROM embeddings").pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const before = stored();
    const refused = await runCli(retrieve(b.url));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the embedding server at \S+ serves another model than the vectors this workspace holds for openai:emb-x: for the same probe text it returns a vector at cosine 0\.\d+ to the one it gave before; nothing was stored/);
    expect(stored()).toBe(before);
    // the same model, moved to another server: the stored vectors stay, only the new question's are embedded
    const moved = await server({ embed: modelA });
    expect(JSON.parse((await ok([...retrieve(moved.url), "--json"])).stdout).recomputed).toEqual({ "question text changed": 1 });
    expect(stored()).toBe(before + 1); // the reworded question (no instruction: one input for facts and passages)
    // nor under another query format or precision, whose passage and fact vectors would be copied from model A's
    const run = (url: string) => ["run", ...at(d), "--embedding-name", "emb-x", "--embedding-base-url", url, "--no-filter", "--llm-name", "handwritten", "--skip-qa", "--no-baselines"];
    const mixed = await runCli([...run(b.url), "--instruction-format", "nv-embed"]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/serves another model than the vectors this workspace holds for openai:emb-x/);
    // (--vectors f16 rounds every vector it needs from model A's f32 ones: nothing is asked of the other server)
    const asked = b.requests.length;
    expect((await runCli([...run(b.url), "--vectors", "f16"])).code).toBe(0);
    expect(b.requests.length).toBe(asked);
    // vectors of another size under a new format: refused by the model's probe, and nothing recorded for that
    // format: the right server is still taken afterwards
    const wide = await server({ embed: (text) => [text.length % 7, 1, 2, 3, 4] });
    const wideRun = await runCli([...run(wide.url), "--instruction-format", "e5"]);
    expect(wideRun.code, wideRun.stderr).toBe(2);
    expect(wideRun.stderr).toMatch(/returns 5-d vectors where it gave 3-d ones/);
    expect((await runCli([...run(a.url), "--instruction-format", "e5"])).code).toBe(0);
  });
});

describe("6d. one encoder instance in the library, two workspaces", () => {
  it("each workspace records and checks the probe of its own vectors", async () => {
    const { OpenAIEncoder } = await import("../embedding/openai-encoder.js");
    const s = await server({ embed: (text) => [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1] });
    const encoder = new OpenAIEncoder("emb-y", { baseUrl: s.url, apiKey: "k" });
    const corpus = readJson(join(DEMO, "demo_corpus.json")) as { title: string; text: string }[];
    for (const d of [demo(), demo()]) {
      await ok(["openie", ...at(d), "--import", d.openie]);
      const hippo = await HippoRag.open({ saveDir: d.saveDir, openieModel: "handwritten", encoder });
      try {
        await hippo.index(corpus);
        const db = new Database(join(d.saveDir, "hipporag.sqlite"), { readonly: true });
        expect(db.prepare("SELECT COUNT(*) FROM embeddings WHERE encoder = 'encoder-probe:openai:emb-y'").pluck().get(), d.saveDir).toBe(1);
        db.close();
      } finally {
        hippo.close();
      }
    }
  });
});

describe("6e. the probe lives with the vectors", () => {
  it("workspaces sharing a LanceDB folder are checked against one probe; a probe that comes back unusable is refused once one is recorded", async () => {
    const modelA = (text: string) => [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1, text.length / 50];
    const a = await server({ embed: modelA });
    const b = await server({ embed: (text) => [1, text.length % 5, 3, 2] });
    const shared = join(tempDir(), "lance");
    const [one, two] = [demo(), demo()];
    const args = (d: Demo, url: string) => [...at(d), "--embedding-name", "emb-z", "--embedding-base-url", url, "--vector-store", "lancedb", "--vector-store-url", shared, "--llm-name", "handwritten"];
    for (const d of [one, two]) await ok(["openie", ...at(d), "--import", d.openie]);
    await ok(["index", ...args(one, a.url)]);
    // the second workspace's documents are already in the shared tables: nothing embedded, nothing mixed
    await ok(["index", ...args(two, b.url)]);
    const refused = await runCli(["retrieve", ...args(two, b.url), "--no-filter"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/serves another model than the vectors the lancedb store \(.*lance\) holds for openai:emb-z/);
    expect((await runCli(["retrieve", ...args(two, a.url), "--no-filter"])).code).toBe(0);
    // a recorded probe and a server whose probe vector is NaN: refused, not waved through
    const nan = await server({ embed: (text) => (text === ENCODER_PROBE_TEXT ? [Number.NaN, 0, 0, 0] : modelA(text)) });
    editJson(join(one.dir, "demo.json"), (questions) => (questions[0].question = `${questions[0].question} Briefly.`));
    const unusable = await runCli(["retrieve", ...args(one, nan.url), "--no-filter"]);
    expect(unusable.code).toBe(2);
    expect(unusable.stderr).toMatch(/for the same probe text it returns an unusable vector \(NaN, infinite or all zero\)/);
  });
});

describe("6c. vectors another instruction format or precision of the same model already holds are not paid for again", () => {
  it("--instruction-format embeds only the questions (documents carry no instruction); --vectors f16 rounds the stored f32 vectors", async () => {
    const d = demo();
    await ok(["openie", ...at(d), "--import", d.openie]);
    const s = await server({ embed: (text) => [text.length % 7, 1, (text.charCodeAt(0) % 5) + 1, text.length / 50] });
    const sent = () => s.requests.filter((r) => r.path.endsWith("/embeddings")).flatMap((r) => r.body.input as string[]).filter((t) => t !== ENCODER_PROBE_TEXT);
    const questions = new Set((readJson(join(d.dir, "demo.json")) as { question: string }[]).map((q) => q.question));
    const run = (...extra: string[]) => ok(["run", ...at(d), "--embedding-name", "emb-x", "--embedding-base-url", s.url, "--llm-name", "handwritten", "--no-baselines", "--json", ...extra]);
    const first = JSON.parse((await run()).stdout);
    const paid = sent().length;
    // the dry run counts the copies as the real run makes them: no document vector to send
    const plan = JSON.parse((await ok([...["run", ...at(d), "--embedding-name", "emb-x", "--embedding-base-url", s.url, "--llm-name", "handwritten", "--no-baselines", "--json"], "--instruction-format", "Q: {instruction} || {query}", "--dry-run"])).stdout);
    expect(plan.stages.find((st: { stage: string }) => st.stage === "embeddings").calls).toBe(0);
    const notQuestion = (from: number) => sent().slice(from).filter((t) => ![...questions].some((q) => t.endsWith(q)));
    const templated = JSON.parse((await run("--instruction-format", "Q: {instruction} || {query}")).stdout);
    expect(notQuestion(paid)).toEqual([]); // passages, facts and entities were copied from the first format's vectors
    expect(sent().length - paid).toBe(2 * questions.size); // query-to-fact and query-to-passage, each with the new instruction
    expect(templated.results[0].name).toBe(first.results[0].name);
    const before = sent().length;
    const half = JSON.parse((await run("--vectors", "f16")).stdout);
    expect(sent().slice(before)).toEqual([]); // every vector, questions included, rounded from f32
    // the same numbers a fresh f16 workspace computes
    const fresh = demo();
    await ok(["openie", ...at(fresh), "--import", fresh.openie]);
    const freshHalf = JSON.parse((await ok(["run", ...at(fresh), "--embedding-name", "emb-x", "--embedding-base-url", s.url, "--llm-name", "handwritten", "--no-baselines", "--json", "--vectors", "f16"])).stdout);
    expect(half.results[0].report).toEqual(freshHalf.results[0].report);
  });
});

describe("7. nothing from a server reaches the workspace with a key in it", () => {
  it("a key echoed in finish_reason is scrubbed before the LLM cache stores it", async () => {
    const secret = "sk-test-ECHOED-0123456789abcdef";
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", [{ title: "Town 1", text: "Town 1 lies in County 2." }]);
    const s = await server({ chat: (body) => ({ ...fakeLlm(body), finishReason: `stop (you sent Bearer ${secret})` }) });
    process.env.OPENAI_API_KEY = secret;
    try {
      await ok(["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-base-url", s.url, "--llm-name", "m"]);
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
    expect(readFileSync(join(dir, "ws", "hipporag.sqlite")).includes(secret)).toBe(false);
    const db = new Database(join(dir, "ws", "hipporag.sqlite"), { readonly: true });
    expect(db.prepare("SELECT metadata FROM llm_cache").pluck().all().join()).toMatch(/\*\*\*/);
    db.close();
  });

  it("a key with a trailing line break (read from a file or a CRLF .env) is hidden as it is echoed, trimmed", async () => {
    const secret = "mysecretkey12345"; // no sk- shape to fall back on
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", [{ title: "Town 1", text: "Town 1 lies in County 2." }]);
    const s = await server({ chat: () => ({ content: "x" }), fault: () => ({ kind: "status", status: 500, error: { message: `Server saw Bearer ${secret}.` } }) });
    for (const ending of ["\n", "\r\n", " "]) {
      process.env.OPENAI_API_KEY = `${secret}${ending}`;
      try {
        const failed = await runCli(["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-base-url", s.url, "--llm-name", "m", "--max-retries", "0"]);
        expect(failed.code).toBe(5);
        expect(failed.stderr).toMatch(/Server saw Bearer \*\*\*/);
        expect(failed.stderr + failed.stdout).not.toContain(secret);
      } finally {
        delete process.env.OPENAI_API_KEY;
      }
    }
    expect(readFileSync(join(dir, "ws", "hipporag.sqlite")).includes(secret)).toBe(false);
  });
});

describe("8. text is stored as given, or refused", () => {
  it("a lone surrogate in passage text or in an imported entity is an input error naming file, record and field", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad_corpus.json"), '[{"title": "A", "text": "fine"}, {"title": "B", "text": "broken \\ud800 text"}]');
    const corpus = await runCli(["index", "--dataset", "bad", "--dataset-dir", dir, "--save-dir", join(dir, "ws")]);
    expect(corpus.code).toBe(2);
    expect(corpus.stderr).toMatch(/bad_corpus\.json: record 1: field "text": text with a lone UTF-16 surrogate/);
    writeFileSync(join(dir, "openie_results_ner_x.json"), '{"docs": [{"passage": "A\\nfine", "extracted_entities": ["ok", "bad \\udc00"], "extracted_triples": []}]}');
    // (with a sound corpus: a malformed one is refused first, before the import is read)
    writeFileSync(join(dir, "good_corpus.json"), '[{"title": "A", "text": "fine"}]');
    const imported = await runCli(["openie", "--dataset", "good", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--import", join(dir, "openie_results_ner_x.json")]);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(/openie_results_ner_x\.json: record 0: field "extracted_entities\[1\]": text with a lone UTF-16 surrogate/);
  });

  it("NaN inside an imported triple becomes \"nan\", as upstream's str() makes it", async () => {
    const dir = tempDir();
    writeJson(dir, "nan_corpus.json", [{ title: "A", text: "Alpha was born in an unknown year." }]);
    writeFileSync(join(dir, "openie_results_ner_x.json"), '{"docs": [{"passage": "A\\nAlpha was born in an unknown year.", "extracted_entities": ["Alpha", NaN], "extracted_triples": [["Alpha", "born in", NaN]]}], "avg_ent_chars": NaN}');
    const base = ["--dataset", "nan", "--dataset-dir", dir, "--save-dir", join(dir, "ws")];
    await ok(["openie", ...base, "--import", join(dir, "openie_results_ner_x.json")]);
    await ok(["index", ...base, "--llm-name", "x"]);
    const hippo = await HippoRag.open({ saveDir: join(dir, "ws"), openieModel: "x" });
    expect(hippo.memoryIndex().load().graph.phrases).toEqual(["alpha", "nan"]);
    expect(hippo.memoryIndex().openie.get(passageId("A\nAlpha was born in an unknown year."))!.entities).toEqual(["Alpha", "nan"]);
    hippo.close();
  });
});

describe("the OpenIE prompts are an input of every OpenIE result", () => {
  it("other prompts extract into a set of their own: nothing of the default prompts' results is reused or overwritten", async () => {
    const s = await server({ chat: fakeLlm });
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", [{ title: "Town 1", text: "Town 1 lies in County 2." }, { title: "Town 2", text: "Town 2 lies in County 3." }]);
    writeJson(dir, "prompts.json", { nerDemoInput: "Halley's Comet\nHalley's Comet was seen in 1986 from Kavalur." });
    const openie = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-base-url", s.url, "--llm-name", "m", "--json"];
    expect(JSON.parse((await ok(openie)).stdout)).toMatchObject({ extracted: 2, skipped: 0 });
    const custom = JSON.parse((await ok([...openie, "--openie-prompts", join(dir, "prompts.json")])).stdout);
    expect(custom).toMatchObject({ extracted: 2, skipped: 0, cacheHits: 0 });
    expect(s.chatRequests()).toHaveLength(8);
    expect(JSON.parse((await ok(openie)).stdout)).toMatchObject({ skipped: 2 }); // the default set is intact
    const index = await ok(["index", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-base-url", s.url, "--llm-name", "m", "--openie-prompts", join(dir, "prompts.json"), "--json"]);
    expect(JSON.parse(index.stdout).openieModel).toMatch(/^m@prompts:[0-9a-f]{8}$/);
    expect(s.chatRequests()).toHaveLength(8);
  });

  it("index and run with --openie-prompts extract with those prompts even when the workspace holds one other set; a prompts file edited in place is new prompts", async () => {
    const s = await server({ chat: fakeLlm });
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", [{ title: "Town 1", text: "Town 1 lies in County 2." }, { title: "Town 2", text: "Town 2 lies in County 3." }]);
    writeJson(dir, "towns.json", [{ id: "q", question: "Where is Town 1?", answer: "County 2", paragraphs: [{ title: "Town 1", text: "Town 1 lies in County 2.", is_supporting: true }] }]);
    const prompts = writeJson(dir, "prompts.json", { nerDemoInput: "Halley's Comet\nHalley's Comet was seen in 1986 from Kavalur." });
    const common = ["--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-base-url", s.url, "--llm-name", "m"];
    expect(JSON.parse((await ok(["index", ...common, "--json"])).stdout).openieModel).toBe("m");
    expect(s.chatRequests()).toHaveLength(4);
    // the workspace holds only the default prompts' set: it was taken for these prompts' results
    const indexed = JSON.parse((await ok(["index", ...common, "--openie-prompts", prompts, "--json"])).stdout);
    expect(indexed.openieModel).toMatch(/^m@prompts:[0-9a-f]{8}$/);
    expect(s.chatRequests()).toHaveLength(8);
    writeJson(dir, "prompts.json", { nerDemoInput: "Halley's Comet\nHalley's Comet was seen in 1987 from Kavalur." });
    const ran = await ok(["run", ...common, "--openie-prompts", prompts, "--skip-qa", "--no-baselines", "--no-filter"]);
    expect(ran.stderr).not.toContain(indexed.openieModel);
    expect(s.chatRequests()).toHaveLength(12); // extracted again with the edited prompts
    // and with no LLM to extract them, a set of other prompts is not taken for these
    const offline = await runCli(["index", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--llm-name", "m", "--openie-prompts", writeJson(dir, "other.json", { nerSystem: "Name the entities." })]);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/no OpenIE results for model m@prompts:[0-9a-f]{8}, and no LLM is configured/);
  });
});

describe("9. the library applies its defaults and validates its config once", () => {
  it("no key and no base URL is an error at open, not a silent loop", async () => {
    await expect(HippoRag.open({ saveDir: tempDir(), llm: { model: "gpt-4o-mini", apiKey: undefined } })).rejects.toThrow(/no LLM configured: llm\.apiKey is not set and no llm\.baseUrl was given/);
    await expect(HippoRag.open({ saveDir: tempDir(), llm: { model: "m", baseUrl: "http://127.0.0.1:9/v1", concurrency: 0 } })).rejects.toThrow(/llm\.concurrency must be a positive integer, got 0/);
  });

  it("undefined settings keep their defaults: retries end, and Retry-After is honoured", async () => {
    // Refused connections: the default of 5 retries ends (it used to loop for ever).
    const closed = await server({});
    const url = closed.url;
    await closed.stop();
    const lost = await HippoRag.open({ saveDir: tempDir(), llm: { model: "m", baseUrl: url, apiKey: "k", maxRetries: undefined, maxRetryAfterMs: undefined } });
    await expect(lost.index(["A\nAlpha lives in Berlin."])).rejects.toThrow();
    lost.close();
    // A 429 with Retry-After: 1 waits a second each time (a NaN delay sent 36 requests in 3 s).
    const limited = await server({ chat: fakeLlm, fault: ({ attempt }) => (attempt < 2 ? { kind: "status", status: 429, retryAfterSeconds: 1 } : undefined) });
    const hippo = await HippoRag.open({ saveDir: tempDir(), llm: { model: "m", baseUrl: limited.url, apiKey: "k", maxRetries: undefined, maxRetryAfterMs: undefined, concurrency: 1 } });
    const started = Date.now();
    await hippo.index(["A\nAlpha lives in Berlin."]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3800); // NER and triples: two 1 s waits each
    expect(limited.chatRequests()).toHaveLength(6);
    hippo.close();
  }, 60_000);
});

describe("property: after random small edits, the stored results equal what a fresh workspace computes", () => {
  const TOWNS = 12;
  const corpus0 = Array.from({ length: TOWNS }, (_, i) => ({ title: `Town ${i}`, text: `Town ${i} lies in County ${i % 4} and was founded by Mayor ${i} in ${1700 + i}. Mayor ${i} married Mayor ${(i + 5) % TOWNS}.` }));
  const questions0 = Array.from({ length: 6 }, (_, i) => ({ id: `q${i}`, question: `Who founded Town ${i * 2}?`, answer: `Town ${i * 2}`, paragraphs: [{ title: `Town ${i * 2}`, text: corpus0[i * 2]!.text, is_supporting: true }] }));
  const openieOf = (corpus: typeof corpus0) => ({
    docs: corpus.map((p) => {
      const passage = `${p.title}\n${p.text}`;
      const entities = fakeEntities(passage);
      return { idx: passageId(passage), passage, extracted_entities: entities, extracted_triples: fakeTriples(entities) };
    }),
  });
  const OPTIONS = [[], ["--linking-top-k", "3"], ["--damping", "0.3"], ["--passage-node-weight", "0.1"], ["--qa-top-k", "3"], ["--no-filter"]];

  it("question text, answer, passage, triple and option edits, 10 steps", async () => {
    const s = await server({ chat: fakeLlm });
    const state = { corpus: structuredClone(corpus0), questions: structuredClone(questions0), openie: openieOf(corpus0), options: [] as string[] };
    let seed = 3;
    const pick = (n: number) => ((seed = (seed * 48271) % 2147483647) % n);
    const persistent = tempDir();
    const runIn = async (dir: string) => {
      writeJson(dir, "t_corpus.json", state.corpus);
      writeJson(dir, "t.json", state.questions);
      writeJson(dir, "openie_results_ner_m.json", state.openie);
      const result = await runCli(["run", "--dataset", "t", "--dataset-dir", dir, "--save-dir", join(dir, "ws"), "--import-openie", join(dir, "openie_results_ner_m.json"), "--llm-base-url", s.url, "--llm-name", "m", "--json", ...state.options]);
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(result.stdout).results as { name: string }[];
      return { results, stored: storedResults(join(dir, "ws"), state.questions.map((q) => q.question), results.map((r) => r.name)) };
    };
    const edits: Record<string, () => void> = {
      question: () => {
        const q = state.questions[pick(state.questions.length)]!;
        q.question = q.question.replace(/\?$/, pick(2) ? " first?" : " originally?");
      },
      answer: () => {
        state.questions[pick(state.questions.length)]!.answer = `Mayor ${pick(TOWNS)}`;
      },
      passage: () => {
        const i = pick(TOWNS);
        state.corpus[i]!.text += ` Town ${i} has a bridge built by Mayor ${pick(TOWNS)}.`;
        state.openie = openieOf(state.corpus);
      },
      triple: () => {
        const doc = state.openie.docs[pick(TOWNS)]!;
        doc.extracted_triples[0]![2] = `County ${pick(9)}`;
      },
      option: () => {
        state.options = OPTIONS[pick(OPTIONS.length)]!;
      },
    };
    const kinds = Object.keys(edits);
    await runIn(persistent);
    const applied: string[] = [];
    for (let step = 0; step < 10; step++) {
      const kind = kinds[step < kinds.length ? step : pick(kinds.length)]!; // every kind at least once
      edits[kind]!();
      applied.push(kind);
      const incremental = await runIn(persistent);
      const scratch = await runIn(tempDir());
      expect(incremental, `after edits: ${applied.join(", ")} (options ${state.options.join(" ")})`).toEqual(scratch);
    }
  }, 120_000);
});

/** Rankings and answers stored for these questions in these runs: what the next stage or eval reads. */
function storedResults(saveDir: string, questions: readonly string[], runs: readonly string[]) {
  const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
  try {
    const keys = questions.map(md5Hex);
    const rows = db.prepare("SELECT r.run, r.question_key, r.passage_ids, a.answer FROM retrievals r LEFT JOIN answers a ON a.run = r.run AND a.question_key = r.question_key").all() as { run: string; question_key: string; passage_ids: string; answer: string | null }[];
    return rows.filter((r) => keys.includes(r.question_key) && runs.includes(r.run)).map((r) => `${r.run} ${r.question_key} ${r.passage_ids} ${r.answer}`).sort();
  } finally {
    db.close();
  }
}
