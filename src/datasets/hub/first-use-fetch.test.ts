import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../test-support/cli-harness.js";
import { FakeHub, useHubEndpoint } from "../../test-support/fake-hub-server.js";

const CORPUS = [{ title: "Erik Hort", text: "Erik Hort was born in Montebello." }, { title: "Montebello", text: "Montebello is in Rockland County." }];
const QUESTIONS = [{ id: "q1", question: "Which county was Erik Hort born in?", answer: "Rockland County", paragraphs: [{ title: "Erik Hort", paragraph_text: "Erik Hort was born in Montebello.", is_supporting: true }] }];

let hub: FakeHub;
let restoreEnv: () => void;
beforeEach(async () => {
  hub = await new FakeHub({ files: { "reproduce/dataset/musique_corpus.json": JSON.stringify(CORPUS), "reproduce/dataset/musique.json": JSON.stringify(QUESTIONS) }, lfs: ["reproduce/dataset/musique_corpus.json"] }).start();
  restoreEnv = useHubEndpoint(hub.endpoint);
});
afterEach(async () => {
  await hub.stop();
  restoreEnv();
});

const exportBatch = (dir: string, ...extra: string[]) =>
  runCli(["openie", "--dataset", "musique", "--dataset-dir", join(dir, "dataset"), "--save-dir", join(dir, "ws"), "--llm-name", "m", "--export-batch", join(dir, "requests.jsonl"), ...extra]);

describe("first use pulls a missing dataset from the Hub", () => {
  it("openie on a fresh machine pulls musique, says so, then works; the next run asks nothing", async () => {
    const dir = tempDir();
    const first = await exportBatch(dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/dataset "musique" is not in .*dataset: pulling it from osunlp\/HippoRAG_2 \(hipporag datasets pull musique --dataset-dir .*\)/);
    expect(JSON.parse(readFileSync(join(dir, "dataset", "musique_corpus.json"), "utf8"))).toEqual(CORPUS);
    expect(readFileSync(join(dir, "requests.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
    const before = hub.requests.length;
    expect((await exportBatch(dir)).code).toBe(0);
    expect(hub.requests.length).toBe(before);
  });
  it("run pulls the questions too and evaluates against them", async () => {
    const dir = tempDir();
    const openie = join(dir, "openie_results_ner_m.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(openie, JSON.stringify({ docs: CORPUS.map((p) => ({ passage: `${p.title}\n${p.text}`, extracted_entities: [p.title], extracted_triples: [[p.title, "is linked to", p.text.split(" ").slice(-2).join(" ").replace(".", "")]] })) }));
    const result = await runCli(["run", "--dataset", "musique", "--dataset-dir", join(dir, "dataset"), "--save-dir", join(dir, "ws"), "--import-openie", openie, "--json"]);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, "dataset", "musique.json"))).toBe(true);
    expect(JSON.parse(result.stdout).results[0].report.count).toBe(1);
  });
  it("offline it never asks the Hub, and the error gives the exact pull command", async () => {
    const dir = tempDir();
    for (const extra of [["--offline"], []]) {
      if (extra.length === 0) process.env.HF_HUB_OFFLINE = "1";
      const result = await exportBatch(dir, ...extra);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/dataset "musique" not found: no .*musique_corpus\.json \(hint: hipporag datasets pull musique --dataset-dir \S+dataset fetches/);
    }
    expect(hub.requests).toEqual([]);
  });
  it("without network the error is a remote failure that prints the pull command to run later", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    process.env.HF_ENDPOINT = `http://127.0.0.1:${port}`; // nothing listens there
    const dir = tempDir();
    const result = await exportBatch(dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/dataset "musique" is not in \S+ and osunlp\/HippoRAG_2 could not be asked for it: cannot reach .*ECONNREFUSED.*\(hint: once online, run: hipporag datasets pull musique --dataset-dir \S+dataset;/);
  });
  it("a name the Hub does not have keeps the plain not-found error", async () => {
    const dir = tempDir();
    const result = await runCli(["index", "--dataset", "mine", "--dataset-dir", dir, "--save-dir", join(dir, "ws")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/dataset "mine" not found/);
    expect(hub.requests.filter((r) => r.url.includes("/resolve/"))).toEqual([]);
  });
});
