import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Workspace } from "../store/workspace.js";
import { chatCompletion, FakeOpenAIServer, type Fault } from "../test-support/fake-openai-server.js";
import { fakeOpenIEReply, lastUser, openieStage } from "../test-support/fake-openie-model.js";
import { GPT35_OPENIE, runCli, SHARED_DATASETS, tempDir, writeJson } from "../test-support/cli-harness.js";
import { DEFAULT_OPENIE_PROMPTS } from "./prompts/openie-prompts.js";

const DEMO_DIR = resolve(import.meta.dirname, "../../reproduce/demo");
const CORPUS = Array.from({ length: 12 }, (_, i) => ({
  title: `Place ${i}`,
  text: `Place ${i} is a town in Region ${i % 3} founded by Person ${i} in ${1800 + i}. Person ${i} married Person ${(i + 1) % 12}.`,
}));

let servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function startServer(fault?: (r: { body: any; attempt: number }) => Fault | undefined, latencyMs = 0) {
  const server = await new FakeOpenAIServer({ chat: (body) => fakeOpenIEReply(body)!, fault: fault && ((r) => fault(r)), latencyMs }).start();
  servers.push(server);
  return server;
}

function setup() {
  const dir = tempDir();
  writeJson(dir, "towns_corpus.json", CORPUS);
  return { dir, saveDir: join(dir, "ws") };
}

const args = (dir: string, saveDir: string, url: string, extra: string[] = []) => [
  "openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir,
  "--llm-base-url", url, "--llm-name", "test-model", "--concurrency", "4", "--request-timeout", "1", "--max-retries", "3", "--json", "--log-level", "warn", ...extra,
];

function results(saveDir: string, model = "test-model") {
  const workspace = Workspace.open(saveDir);
  try {
    return new Map([...workspace.openie(model).all()].map(([id, r]) => [id, { status: r.status, entities: r.entities, triples: r.triples }]));
  } finally {
    workspace.close();
  }
}

const passageIndex = (body: any) => {
  const match = /Place (\d+)\n/.exec(openieStage(body) === "ner" ? lastUser(body) : lastUser(body).split("```")[1] ?? "");
  return match ? Number(match[1]) : -1;
};

describe("hipporag openie (online, real HTTP against a loopback server)", () => {
  it("survives 429/500/timeouts/drops/malformed/truncated replies; records failures; a re-run retries only those", async () => {
    let persistent = true;
    const server = await startServer(({ body, attempt }) => {
      const i = passageIndex(body);
      const stage = openieStage(body);
      if (i === 0 && attempt === 0) return { kind: "status", status: 429, retryAfterSeconds: 1 };
      if (i === 1 && attempt < 2) return { kind: "status", status: 500 };
      if (i === 2 && attempt === 0 && stage === "ner") return { kind: "hang" };
      if (i === 3 && attempt === 0) return { kind: "drop" };
      if (i === 4 && attempt === 0) return { kind: "malformed-body" };
      if (i === 5 && stage === "triples" && body.max_tokens === undefined) {
        // cut mid-triple with finish_reason "length": asked again with a larger limit, which completes
        const full = fakeOpenIEReply(body)!.content;
        return { kind: "reply", reply: { content: full.slice(0, full.lastIndexOf("[") + 5), finishReason: "length" } };
      }
      if (persistent && i === 6 && stage === "ner") return { kind: "reply", reply: { content: '{"entities": ["x"]}' } };
      if (persistent && i === 7 && stage === "triples") return { kind: "reply", reply: { content: "" } };
      if (persistent && i === 8) return { kind: "status", status: 503 };
      return undefined;
    });
    const { dir, saveDir } = setup();
    const first = await runCli(args(dir, saveDir, server.url));
    expect(first.code).toBe(5);
    const summary = JSON.parse(first.stdout);
    expect(summary.total).toBe(12);
    expect(summary.extracted).toBe(9);
    expect(summary.failed).toBe(3);
    expect(summary.failures.map((f: any) => f.stage).sort()).toEqual(["ner", "ner", "triples"]);
    expect(summary.failures.find((f: any) => f.stage === "triples").error).toMatch(/empty reply/);
    expect(summary.retries).toBeGreaterThanOrEqual(6);
    const afterFirst = results(saveDir);
    expect([...afterFirst.values()].filter((r) => r.status === "done")).toHaveLength(9);
    expect([...afterFirst.values()].every((r) => r.status === "done" || r.status === "failed")).toBe(true);
    // never stored as empty: failed rows have no triples
    for (const r of afterFirst.values()) if (r.status === "failed") expect(r.triples).toBeUndefined();
    // the truncated reply was asked again with a larger limit: passage 5 has every triple, none cut
    const p5 = [...afterFirst.values()].find((r) => r.entities?.includes("Place 5"))!;
    expect(p5.triples).toEqual(JSON.parse(fakeOpenIEReply(server.chatRequests().find((b) => openieStage(b) === "triples" && passageIndex(b) === 5 && b.max_tokens === 1024)!)!.content).triples);

    persistent = false;
    const before = server.chatRequests().length;
    const second = await runCli(args(dir, saveDir, server.url));
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.skipped).toBe(9);
    expect(again.extracted).toBe(3);
    // passage 6: NER + triples; 7: triples only (its NER was kept); 8: NER + triples
    expect(server.chatRequests().length - before).toBe(5);

    const third = await runCli(args(dir, saveDir, server.url));
    expect(JSON.parse(third.stdout).skipped).toBe(12);
    expect(server.chatRequests().length - before).toBe(5);
  });

  it("sends max_tokens to non-OpenAI models and max_completion_tokens to gpt models; the key never reaches the workspace", async () => {
    const server = await startServer();
    const { dir, saveDir } = setup();
    const secret = "sk-test-SECRET-0123456789";
    process.env.OPENAI_API_KEY = secret;
    try {
      await runCli([...args(dir, saveDir, server.url), "--max-tokens", "256"]);
      expect(server.chatRequests()[0]!.max_tokens).toBe(256);
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
      const gptDir = setup();
      await runCli([...args(gptDir.dir, gptDir.saveDir, server.url), "--llm-name", "gpt-4o-mini", "--max-tokens", "256"]);
      expect(server.chatRequests().at(-1)!.max_completion_tokens).toBe(256);
      expect(readFileSync(join(saveDir, "hipporag.sqlite")).includes(secret)).toBe(false);
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });
});

describe("Azure-style endpoints", () => {
  it("a deployment URL with ?api-version= passes the CLI's and the library's URL check", async () => {
    const { httpUrl } = await import("../core/validate.js");
    const url = "https://example.openai.azure.com/openai/deployments/my-gpt?api-version=2024-10-21";
    expect(httpUrl("--llm-base-url", url)).toBe(url);
    expect(() => httpUrl("--llm-base-url", `${url}&api-key=K`)).toThrow(/must not carry a query string other than \?api-version=/);
  });

  it("a deployment URL with ?api-version= sends the version on every call and the key as api-key", async () => {
    const server = await startServer();
    const { OpenAIChatModel } = await import("../llm/openai-chat-model.js");
    const chat = new OpenAIChatModel("gpt-4o-mini", { baseUrl: `${server.url}/openai/deployments/my-gpt?api-version=2024-10-21`, apiKey: "azure-key-123" });
    const reply = await chat.generate({ messages: [{ role: "system", content: DEFAULT_OPENIE_PROMPTS.nerSystem }, { role: "user", content: "x" }, { role: "assistant", content: "{}" }, { role: "user", content: "Ada Lovelace" }], stage: "t" });
    expect(reply.text).toContain("named_entities");
    const request = server.requests[0]!;
    expect(request.url).toBe("/v1/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21");
    expect(request.headers["api-key"]).toBe("azure-key-123");
  });
});

describe("offline batch mode", () => {
  it("export → (Batch output from a server) → import, two rounds, equals online mode", async () => {
    const server = await startServer();
    const online = setup();
    expect((await runCli(args(online.dir, online.saveDir, server.url))).code).toBe(0);

    const batch = setup();
    const common = ["openie", "--dataset", "towns", "--dataset-dir", batch.dir, "--save-dir", batch.saveDir, "--llm-name", "test-model", "--json"];
    for (let round = 1; round <= 2; round++) {
      const requests = join(batch.dir, `requests${round}.jsonl`);
      const exported = JSON.parse((await runCli([...common, "--export-batch", requests])).stdout);
      expect(round === 1 ? exported.ner : exported.triples).toBe(12);
      const outputs = readFileSync(requests, "utf8").trim().split("\n").map((line, i) => {
        const request = JSON.parse(line);
        expect(request).toMatchObject({ method: "POST", url: "/v1/chat/completions" });
        return JSON.stringify({ id: `batch_req_${i}`, custom_id: request.custom_id, response: { status_code: 200, request_id: `r${i}`, body: chatCompletion(request.body.model, fakeOpenIEReply(request.body)!, request.body) }, error: null });
      });
      const resultsFile = join(batch.dir, `results${round}.jsonl`);
      writeFileSync(resultsFile, outputs.join("\n") + "\n");
      const imported = JSON.parse((await runCli([...common, "--import-batch", resultsFile])).stdout);
      expect(imported.failed).toBe(0);
    }
    expect(JSON.parse((await runCli([...common, "--export-batch", join(batch.dir, "none.jsonl")])).stdout)).toMatchObject({ ner: 0, triples: 0 });
    expect(results(batch.saveDir)).toEqual(results(online.saveDir));
    // the batch replies went into the LLM cache: an online run now makes no call
    const calls = server.chatRequests().length;
    const workspace = Workspace.open(batch.saveDir);
    workspace.db.prepare("UPDATE openie SET status = 'failed', entities = NULL, triples = NULL").run();
    workspace.close();
    const rerun = JSON.parse((await runCli(args(batch.dir, batch.saveDir, server.url))).stdout);
    expect(rerun.cacheHits).toBe(24);
    expect(server.chatRequests().length).toBe(calls);
  });

  it("rejects a malformed batch results line with file, line and field", async () => {
    const { dir, saveDir } = setup();
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '{"custom_id": "nope", "response": null}\n');
    const result = await runCli(["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--import-batch", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.jsonl: line 1: field "custom_id": expected "openie-ner:<passage id>"/);
  });

  it("a batch file none of whose lines is for this dataset is refused, naming the file; lines of other passages are said to be ignored", async () => {
    const { dir, saveDir } = setup();
    const file = join(dir, "other.jsonl");
    const line = (id: string) => JSON.stringify({ custom_id: `openie-ner:chunk-${id}`, response: { status_code: 200, body: chatCompletion("test-model", { content: '{"named_entities": ["X"]}' }, { model: "test-model", messages: [{ role: "user", content: "x" }] } as never) } });
    writeFileSync(file, `${line("0".repeat(32))}\n${line("1".repeat(32))}\n`);
    const result = await runCli(["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--import-batch", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/other\.jsonl: none of its 2 lines is for a passage of this corpus/);
  });
});

describe("openie --export", () => {
  it("exports the workspace's one model without --llm-name; a model with nothing finished is refused and the file kept", async () => {
    const { dir } = setup();
    const saveDir = join(dir, "ws");
    const at = ["openie", "--dataset", "demo", "--dataset-dir", DEMO_DIR, "--save-dir", saveDir];
    expect((await runCli([...at, "--import", join(DEMO_DIR, "openie_results_ner_handwritten.json")])).code).toBe(0);
    const out = join(dir, "export.json");
    const plain = await runCli([...at, "--export", out]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/wrote \d+ docs of model handwritten to /);
    const before = readFileSync(out, "utf8");
    expect(JSON.parse(before).docs.length).toBeGreaterThan(0);
    const wrong = await runCli([...at, "--llm-name", "gpt-4o-mini", "--export", out]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/no finished OpenIE results of model gpt-4o-mini .* is left as it was .*the workspace has: handwritten \(\d+ done\)/);
    expect(readFileSync(out, "utf8")).toBe(before);
  });
});

describe("upstream OpenIE files", () => {
  it("imports the GPT-3.5 MuSiQue file (bare NaN tokens) and round-trips every passage", async () => {
    const { dir } = setup();
    const saveDir = join(dir, "ws");
    const imported = await runCli(["openie", "--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--import", GPT35_OPENIE, "--json"]);
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ model: "gpt-3.5-turbo-1106", docs: 1890, coverage: { done: 1890, total: 1890 } });
    const out = join(dir, "openie_results_ner_gpt-3.5-turbo-1106.json");
    expect((await runCli(["openie", "--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir, "--llm-name", "gpt-3.5-turbo-1106", "--export", out])).code).toBe(0);
    const original = JSON.parse(readFileSync(GPT35_OPENIE, "utf8").replace(/\bNaN\b/g, "null"));
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(written.docs).toHaveLength(1890);
    const byPassage = new Map(original.docs.map((d: any) => [d.passage, d]));
    for (const doc of written.docs) {
      const source: any = byPassage.get(doc.passage);
      expect(doc.extracted_entities).toEqual([...new Set(source.extracted_entities)]);
      expect(doc.extracted_triples).toEqual(source.extracted_triples);
    }
    expect(readFileSync(out, "utf8")).toMatch(/^\{"docs": \[\{"idx": "chunk-[0-9a-f]{32}", "passage": /);
  });

  it("names the record and field of a malformed OpenIE file", async () => {
    const { dir, saveDir } = setup();
    const file = writeJson(dir, "openie_results_ner_x.json", { docs: [{ passage: "A\na", extracted_entities: [], extracted_triples: [] }, { passage: "B\nb", extracted_entities: "oops", extracted_triples: [] }] });
    const result = await runCli(["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--import", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/openie_results_ner_x\.json: record 1: field "extracted_entities": expected a list of strings, got a string/);
    expect(results(saveDir, "x").size).toBe(0);
  });

  it("a malformed corpus refuses the import before anything is written (the coverage line reads it)", async () => {
    const { dir, saveDir } = setup();
    const good = writeJson(dir, "openie_results_ner_x.json", { docs: [{ passage: "A\na", extracted_entities: ["A"], extracted_triples: [] }] });
    writeJson(dir, "bad_corpus.json", [{ title: 5, text: "x" }]);
    const result = await runCli(["openie", "--dataset", "bad", "--dataset-dir", dir, "--save-dir", saveDir, "--import", good]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad_corpus\.json: record 0: field "title"/);
    expect(results(saveDir, "x").size).toBe(0);
  });
});

describe("crash safety", () => {
  it("a run killed with SIGKILL halfway resumes to the same results as an uninterrupted run", async () => {
    const server = await startServer(undefined, 30);
    const reference = setup();
    await runCli(args(reference.dir, reference.saveDir, server.url));
    const killed = setup();
    const bin = resolve(import.meta.dirname, "../../bin/hipporag");
    const child = spawn(process.execPath, [bin, ...args(killed.dir, killed.saveDir, server.url, ["--concurrency", "2"])], { stdio: "ignore" });
    const start = server.chatRequests().length;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        if (server.chatRequests().length - start >= 10) {
          clearInterval(timer);
          child.kill("SIGKILL");
          done();
        }
      }, 5);
    });
    await new Promise((done) => child.on("exit", done));
    const partial = [...results(killed.saveDir).values()].filter((r) => r.status === "done").length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(12);
    const resumed = await runCli(args(killed.dir, killed.saveDir, server.url));
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).skipped).toBe(partial);
    expect(results(killed.saveDir)).toEqual(results(reference.saveDir));
  });
});
