import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveCommon } from "../cli/common-options.js";
import { HippoRag } from "../hipporag.js";
import { runCli, tempDir } from "../test-support/cli-harness.js";
import { FakeOpenAIServer } from "../test-support/fake-openai-server.js";
import { fakeLlm } from "../test-support/fake-llm.js";
import { APPROXIMATE_TOKENS } from "./token-count.js";

// Two long documents and a short one, written by the test: each sentence names a place, so the fake
// OpenIE model builds a real graph over the chunks.
const PLACES = ["Berlin", "Paris", "Madrid", "Lisbon", "Vienna", "Prague", "Warsaw", "Oslo", "Dublin", "Athens"];
const longDoc = (who: string) =>
  Array.from({ length: 4 }, (_, p) =>
    Array.from({ length: 5 }, (_, s) => `${who} visited ${PLACES[(p * 5 + s) % PLACES.length]} in ${1900 + p * 5 + s} with Companion ${p}${s}.`).join(" "),
  ).join("\n\n");

function writeCorpus(): { dir: string; docs: string; questions: string } {
  const dir = tempDir();
  const docs = join(dir, "travel");
  mkdirSync(join(docs, "people"), { recursive: true });
  writeFileSync(join(docs, "people", "Ada Lovelace.md"), longDoc("Ada Lovelace"));
  writeFileSync(join(docs, "Charles Babbage.txt"), longDoc("Charles Babbage"));
  writeFileSync(join(docs, "Note.txt"), "Grace Hopper lived in Arlington.");
  const questions = join(dir, "travel.json");
  writeFileSync(questions, JSON.stringify([
    { id: "q1", question: "Where did Ada Lovelace go in 1907?", answer: "Madrid" },
    { id: "q2", question: "Where did Grace Hopper live?", answer: "Arlington" },
  ]));
  return { dir, docs, questions };
}

const BIN = resolve(import.meta.dirname, "../../bin/hipporag");
let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("--corpus with --chunk-tokens through the CLI", () => {
  it("indexes chunks of a folder of documents and returns each chunk's source and position from retrieve", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm }).start();
    const { dir, docs, questions } = writeCorpus();
    const saveDir = join(dir, "ws");
    const llm = ["--llm-base-url", server.url, "--llm-name", "m"];
    const index = await runCli(["index", "--corpus", docs, "--chunk-tokens", "60", "--save-dir", saveDir, ...llm]);
    expect(index.stderr).toMatch(/note: 3 documents → \d+ passages \(2 split into chunks of ≤ 60 tokens, overlap 7, tokens counted by approx\)/);
    expect(index.code).toBe(0);

    const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
    const rows = db.prepare("SELECT id, title, text, content, metadata FROM passages ORDER BY seq").all() as { id: string; title: string; text: string; content: string; metadata: string }[];
    db.close();
    const ada = rows.filter((r) => r.title === "Ada Lovelace").map((r) => ({ ...r, meta: JSON.parse(r.metadata) }));
    expect(ada.length).toBeGreaterThan(2);
    const source = longDoc("Ada Lovelace");
    ada.forEach((row, i) => {
      expect(row.meta).toMatchObject({ source: "people/Ada Lovelace.md", chunk: i, chunks: ada.length, tokenizer: "approx", chunkSize: 60, chunkOverlap: 7 });
      expect(source.slice(row.meta.start, row.meta.end)).toBe(row.text); // the position round-trips
      expect(APPROXIMATE_TOKENS.count(row.text)).toBeLessThanOrEqual(60);
      expect(row.content).toBe(`Ada Lovelace\n${row.text}`);
    });
    const note = rows.find((r) => r.title === "Note")!;
    expect(JSON.parse(note.metadata)).toMatchObject({ source: "Note.txt", chunk: 0, chunks: 1, start: 0 });

    const predictions = join(dir, "pred.json");
    const retrieve = await runCli(["retrieve", "--corpus", docs, "--chunk-tokens", "60", "--questions", questions, "--save-dir", saveDir, ...llm, "--no-filter", "--predictions-out", predictions, "--json"]);
    expect(retrieve.code).toBe(0);
    const written = JSON.parse(readFileSync(predictions, "utf8"));
    expect(written).toHaveLength(2);
    for (const q of written) {
      expect(q.metadata).toHaveLength(q.docs.length);
      q.docs.forEach((doc: string, i: number) => {
        const row = rows.find((r) => r.content === doc)!;
        expect(q.metadata[i]).toEqual(JSON.parse(row.metadata));
      });
    }
    expect(written[1].docs[0]).toBe("Note\nGrace Hopper lived in Arlington.");

    const qa = await runCli(["qa", "--corpus", docs, "--chunk-tokens", "60", "--questions", questions, "--save-dir", saveDir, ...llm, "--run", "hipporag2-nofilter", "--json"]);
    expect(qa.code).toBe(0);
    expect(JSON.parse(qa.stdout)).toMatchObject({ run: "hipporag2-nofilter", answered: 2 });

    const explain = await runCli(["retrieve", "--dataset", "travel", "--save-dir", saveDir, ...llm, "--no-filter", "--explain", "Where did Ada Lovelace go in 1907?"]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/sources:\n {2}1\. (people\/Ada Lovelace\.md|Charles Babbage\.txt|Note\.txt)(, chunk \d+ of \d+ \(chars \d+-\d+\))?/);
    // the chunks of one document are told apart in the ranking itself, not only in the sources list
    const titles = explain.stdout.split("top passages:")[1]!.split("sources:")[0]!.split("\n").filter((line) => /Ada Lovelace/.test(line));
    expect(titles.length).toBeGreaterThan(1);
    for (const line of titles) expect(line).toMatch(/Ada Lovelace \(chunk \d+\/\d+\)\s*$/);
    expect(new Set(titles.map((line) => line.match(/\(chunk \d+\/\d+\)/)![0])).size).toBe(titles.length);
    const explainJson = JSON.parse((await runCli(["retrieve", "--dataset", "travel", "--save-dir", saveDir, ...llm, "--no-filter", "--explain", "Where did Grace Hopper live?", "--json"])).stdout);
    expect(explainJson.metadata[0]).toMatchObject({ source: "Note.txt" });

    // the library returns the same metadata
    const hippo = await HippoRag.open({ saveDir, llm: { model: "m", baseUrl: server.url, apiKey: "x" }, embedding: { name: "lexical" } });
    try {
      const [result] = await hippo.retrieve(["Where did Grace Hopper live?"], 3, { filter: false });
      expect(result!.metadata?.[0]).toMatchObject({ source: "Note.txt", chunk: 0 });
    } finally {
      hippo.close();
    }
  });

  it("other chunk settings are another corpus: new ids, and by default another workspace", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm }).start();
    const { dir, docs } = writeCorpus();
    const ids = async (tokens: string) => {
      const saveDir = join(dir, `ws${tokens}`);
      const result = await runCli(["openie", "--corpus", docs, "--chunk-tokens", tokens, "--save-dir", saveDir, "--llm-name", "m", "--export-batch", join(dir, `b${tokens}.jsonl`)]);
      expect(result.code).toBe(0);
      const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
      const list = db.prepare("SELECT id FROM passages").pluck().all() as string[];
      db.close();
      return new Set(list);
    };
    const a = await ids("40");
    const b = await ids("80");
    const shared = [...a].filter((id) => b.has(id));
    expect(shared.length).toBe(1); // only identical texts (the unsplit note) share an id
    expect(a.size).toBeGreaterThan(b.size);
    const common = (tokens?: number, overlap?: number) => resolveCommon({ corpus: docs, chunkTokens: tokens, chunkOverlap: overlap, datasetDir: "d", json: false, logLevel: "info" }, "index").saveDir;
    expect(common(40)).toBe(join("outputs", "travel-c40o5"));
    expect(common(80, 0)).toBe(join("outputs", "travel-c80o0"));
    expect(common()).toBe(join("outputs", "travel"));
  });

  it("a default workspace folder that does not exist points to the same corpus's folders cut another way", async () => {
    const { dir, docs } = writeCorpus();
    const cli = (...args: string[]) => new Promise<{ code: number | null; stderr: string }>((done) => {
      // in the corpus's folder: the default workspace is ./outputs/<name>
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("close", (code) => done({ code, stderr }));
    });
    expect((await cli("openie", "--corpus", docs, "--chunk-tokens", "40", "--llm-name", "m", "--export-batch", join(dir, "b.jsonl"))).code).toBe(0);
    const forgot = await cli("retrieve", "--corpus", docs, "--llm-name", "m");
    expect(forgot.code).toBe(2);
    expect(forgot.stderr).toMatch(/no hipporag workspace in outputs[/\\]travel /);
    expect(forgot.stderr).toMatch(/outputs[/\\]travel-c40o5 holds this corpus cut with --chunk-tokens 40 --chunk-overlap 5: pass the same flags, or --save-dir/);
    expect(existsSync(join(dir, "outputs", "travel"))).toBe(false);
    // eval takes no chunking flags: its hint names the folder to pass (it said "pass the same flags")
    const evalHint = (await cli("eval", "--corpus", docs, "--questions", join(dir, "travel.json"))).stderr;
    expect(evalHint).toMatch(/travel-c40o5 holds this corpus cut with --chunk-tokens 40 --chunk-overlap 5: pass --save-dir outputs[/\\]travel-c40o5/);
    expect(evalHint).not.toMatch(/pass the same flags/);
    // a command that creates the workspace goes on, and says the other cut exists (a dry run too)
    expect((await cli("index", "--corpus", docs, "--chunk-tokens", "80", "--llm-name", "m", "--dry-run")).stderr).toMatch(/note: .*travel-c40o5 holds this corpus cut with --chunk-tokens 40/);
    const other = await cli("openie", "--corpus", docs, "--chunk-tokens", "80", "--llm-name", "m", "--export-batch", join(dir, "b80.jsonl"));
    expect(other.code).toBe(0);
    expect(other.stderr).toMatch(/note: .*outputs[/\\]travel-c40o5 holds this corpus cut with --chunk-tokens 40 --chunk-overlap 5; this builds outputs[/\\]travel-c80o\d+/);
  });

  it("refuses to add the same documents cut another way to a workspace that holds them", async () => {
    const { dir, docs } = writeCorpus();
    const saveDir = join(dir, "shared-ws");
    const batch = (...args: string[]) => runCli(["openie", "--corpus", docs, "--save-dir", saveDir, "--llm-name", "m", "--export-batch", join(dir, "b.jsonl"), ...args]);
    expect((await batch("--chunk-tokens", "40")).code).toBe(0);
    expect((await batch("--chunk-tokens", "40")).code).toBe(0); // the same cut again is fine
    const other = await batch("--chunk-tokens", "80");
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/already holds (people\/Ada Lovelace\.md|Charles Babbage\.txt|Note\.txt) cut as chunks of 40 tokens, overlap 5, counted by approx; cutting it as chunks of 80 tokens, overlap 10, counted by approx would mix two corpora/);
    expect(other.stderr).toMatch(/outputs\/<name>-c<N>o<M>, differs by size and overlap only, not by tokenizer/);
    const whole = await batch();
    expect(whole.code).toBe(2);
    expect(whole.stderr).toMatch(/cutting it as whole passages \(no --chunk-tokens\)/);
  });

  it("a chunked named dataset, plain --corpus files, and bad chunk options", async () => {
    const { dir } = writeCorpus();
    writeFileSync(join(dir, "long_corpus.json"), JSON.stringify([{ title: "Ada", text: longDoc("Ada"), url: "http://ada" }]));
    const run = (...args: string[]) => runCli(["openie", "--save-dir", join(dir, `ws-${args.join("").length}`), "--llm-name", "m", "--export-batch", join(dir, "x.jsonl"), ...args]);
    const named = await run("--dataset", "long", "--dataset-dir", dir, "--chunk-tokens", "50");
    expect(named.code).toBe(0);
    expect(named.stderr).toMatch(/1 document → \d+ passages \(1 split/);
    const plain = await run("--corpus", join(dir, "long_corpus.json"));
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toMatch(/split/);
    expect((await run("--corpus", join(dir, "long_corpus.json"), "--chunk-tokens", "50", "--chunk-overlap", "50")).stderr).toMatch(/--chunk-overlap \(50\) must be smaller than --chunk-tokens \(50\)/);
    expect((await run("--corpus", join(dir, "long_corpus.json"), "--chunk-overlap", "5")).stderr).toMatch(/--chunk-overlap needs --chunk-tokens/);
    expect((await run("--corpus", join(dir, "long_corpus.json"), "--chunk-tokens", "0")).code).toBe(2);
    const tokenizer = await run("--corpus", join(dir, "long_corpus.json"), "--chunk-tokens", "50", "--chunk-tokenizer", join(dir, "nope"));
    expect(tokenizer.code).toBe(2);
    expect(tokenizer.stderr).toMatch(/--chunk-tokenizer: cannot load a tokenizer/);
    const tiny = await run("--corpus", join(dir, "long_corpus.json"), "--chunk-tokens", "50", "--chunk-tokenizer", join(import.meta.dirname, "../embedding/__fixtures__/tiny-bert"));
    expect(tiny.code).toBe(0);
    expect(tiny.stderr).toMatch(/tokens counted by tokenizer:local\/tiny-bert/);
  });
});
