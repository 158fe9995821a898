import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { LexicalEncoder } from "../embedding/lexical-encoder.js";
import { HippoRag } from "../hipporag.js";
import { importOpenIEFile } from "../openie/openie-file.js";
import { workspaceIntegrity as integrity } from "../store/workspace-integrity.js";
import { FakeOpenAIServer } from "../test-support/fake-openai-server.js";
import { fakeLlm } from "../test-support/fake-llm.js";
import { evenRates, faultMix } from "../test-support/fault-mix.js";
import { GPT35_OPENIE, runCli, SHARED_DATASETS, tempDir, writeJson, musiqueWorkspace } from "../test-support/cli-harness.js";
import { graphSnapshot } from "../test-support/workspace-snapshot.js";

const BIN = resolve(import.meta.dirname, "../../bin/hipporag");
const CORPUS = Array.from({ length: 40 }, (_, i) => ({ title: `Town ${i}`, text: `Town ${i} lies in County ${i % 5} and was founded by Mayor ${i} in ${1700 + i}. Mayor ${i} knew Mayor ${(i + 3) % 40}.` }));
let servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function server(options: ConstructorParameters<typeof FakeOpenAIServer>[0]) {
  const s = await new FakeOpenAIServer(options).start();
  servers.push(s);
  return s;
}

describe("fault injection: 30% of chat and embedding requests fail in every way", () => {
  it("loses nothing: every passage ends extracted or recorded as failed, and a re-run finishes all", async () => {
    const mix = faultMix(evenRates(0.3), 11, fakeLlm);
    const s = await server({ chat: fakeLlm, embed: (t) => [t.length % 7, 1, (t.charCodeAt(0) % 5) + 1], fault: mix.fault });
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS);
    writeJson(dir, "towns.json", [{ id: "q1", question: "Who founded Town 3?", answer: "Mayor 3", paragraphs: [{ title: "Town 3", text: CORPUS[3]!.text, is_supporting: true }] }]);
    const saveDir = join(dir, "ws");
    const openie = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "8", "--request-timeout", "1", "--max-retries", "2", "--max-retry-after", "1", "--json", "--log-level", "warn"];
    const first = await runCli(openie);
    const summary = JSON.parse(first.stdout);
    expect(summary.extracted + summary.failed).toBe(40); // nothing lost
    expect(Object.keys(mix.stats.injected).length).toBeGreaterThanOrEqual(7);
    expect(first.code).toBe(summary.failed > 0 ? 5 : 0);
    expect(integrity(saveDir)).toBe("ok");

    mix.enabled.on = false;
    const second = JSON.parse((await runCli(openie)).stdout);
    expect(second.skipped).toBe(summary.extracted);
    expect(second.failed).toBe(0);

    // embeddings through the same faulty server: retried until they succeed, cached per batch
    mix.enabled.on = true;
    const index = ["index", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-name", "m", "--embedding-name", "fake-embedder", "--embedding-base-url", s.url, "--embedding-batch-size", "16", "--request-timeout", "1", "--max-retries", "2", "--max-retry-after", "1", "--vectors", "f16", "--json"];
    let result = await runCli(index);
    for (let attempt = 0; attempt < 5 && result.code !== 0; attempt++) {
      expect(result.code).toBe(3); // a remote failure after retries, resumable
      result = await runCli(index);
    }
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).passageNodes).toBe(40);
    expect(integrity(saveDir)).toBe("ok");
    const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
    expect(db.prepare("SELECT DISTINCT dtype FROM embeddings").pluck().all()).toEqual(["f16"]); // --vectors f16
    db.close();
  });
});

describe("crash safety", () => {
  it("hipporag index killed with SIGKILL at random moments, then re-run, equals an uninterrupted build", async () => {
    const reference = await HippoRag.open({ saveDir: tempDir(), openieModel: "gpt-3.5-turbo-1106", encoder: new LexicalEncoder() });
    importOpenIEFile(reference.workspace, reference.workspace.openie("gpt-3.5-turbo-1106"), GPT35_OPENIE);
    const { loadDataset } = await import("../datasets/load-dataset.js");
    await reference.index(loadDataset("musique_train_dev", SHARED_DATASETS).passages);
    const expected = graphSnapshot(reference);
    reference.close();

    const { saveDir, base } = await musiqueWorkspace({ index: false });
    for (const delay of [150, 600, 1100]) {
      const child = spawn(process.execPath, [BIN, "index", ...base], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, delay));
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
      expect(integrity(saveDir)).toBe("ok");
    }
    expect((await runCli(["index", ...base])).code).toBe(0);
    const hippo = await HippoRag.open({ saveDir, openieModel: "gpt-3.5-turbo-1106", encoder: new LexicalEncoder() });
    expect(graphSnapshot(hippo)).toEqual(expected);
    hippo.close();
  });

  it("Ctrl-C stops cleanly, keeps what is done, says how to resume; a second process refuses meanwhile", async () => {
    const s = await server({ chat: fakeLlm, latencyMs: 150 });
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS.slice(0, 20));
    const saveDir = join(dir, "ws");
    const args = ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "2"];
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    while (s.chatRequests().length < 8) await new Promise((r) => setTimeout(r, 20));
    // meanwhile, a second writer on the same workspace refuses with a clear message
    const other = await runCli(["index", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-name", "m"]);
    expect(other.code).toBe(4);
    expect(other.stderr).toMatch(/in use by another hipporag process \(pid \d+/);
    child.kill("SIGINT");
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: \d+\/20 passages have OpenIE \(hint: re-run the same command to resume/);
    const resumed = await runCli([...args, "--json"]);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.skipped).toBeGreaterThan(0);
    expect(summary.skipped + summary.extracted).toBe(20);
  });
});

describe("secrets", () => {
  it("the API key appears in no file, log, report or error message, even when a server echoes it", async () => {
    const secret = "sk-test-ABCDEFGHIJKLMNOP0123456789";
    let echo = 0;
    const s = await server({
      chat: fakeLlm,
      fault: ({ body, attempt }) => {
        // a hostile server that puts the Authorization header it received into its error text
        if (attempt === 0 && echo++ < 6) return { kind: "reply", reply: { content: `bad request from Bearer ${secret}` } };
        // and refuses the key once for one passage (recorded as a failure, retried by the run)
        return attempt === 0 && (body as any).messages?.[3]?.content?.startsWith("Town 7") ? { kind: "status", status: 401 } : undefined;
      },
    });
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", CORPUS.slice(0, 10));
    writeJson(dir, "towns.json", [{ id: "q1", question: "Who founded Town 3?", answer: "Mayor 3", paragraphs: [{ title: "Town 3", text: CORPUS[3]!.text, is_supporting: true }] }]);
    const saveDir = join(dir, "ws");
    process.env.OPENAI_API_KEY = secret;
    const outputs: string[] = [];
    try {
      for (const args of [
        ["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", s.url, "--max-retries", "0", "--log-level", "debug"],
        ["run", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", s.url, "--max-retries", "1", "--log-level", "debug"],
      ]) {
        const result = await runCli(args);
        outputs.push(result.stdout, result.stderr);
      }
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
    expect(outputs.join("\n")).toMatch(/failed/); // the errors were reported…
    expect(outputs.join("\n")).not.toContain(secret); // …without the key
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
    walk(saveDir);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(readFileSync(file).includes(secret), file).toBe(false);
  });
});
