import Database from "better-sqlite3";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeLlm } from "../test-support/fake-llm.js";
import { fakeOpenIEReply, openieStage } from "../test-support/fake-openie-model.js";
import { runCli, tempDir, writeJson, musiqueWorkspace } from "../test-support/cli-harness.js";
import { workspaceIntegrity as integrity } from "../store/workspace-integrity.js";
import { MIGRATIONS } from "../store/migrations.js";
import { md5Hex } from "../core/ids.js";
import { loopbackServers } from "../test-support/loopback-servers.js";

/**
 * Issue "Faults stop cleanly": under faults the program stops early, spends nothing it does not
 * need, keeps everything finished, and says in one line what happened and what to do.
 */
const BIN = resolve(import.meta.dirname, "../../bin/hipporag");
const DEMO = resolve(import.meta.dirname, "../../reproduce/demo");
const towns = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Town ${i}`, text: `Town ${i} lies in County ${i % 5} and was founded by Mayor ${i} in ${1700 + i}.` }));

const server = loopbackServers();
function corpusDir(n: number) {
  const dir = tempDir();
  writeJson(dir, "towns_corpus.json", towns(n));
  return { dir, saveDir: join(dir, "ws"), base: ["--dataset", "towns", "--dataset-dir", dir, "--save-dir", join(dir, "ws")] };
}
function openieRows(saveDir: string): number {
  if (!existsSync(join(saveDir, "hipporag.sqlite"))) return 0;
  const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM openie").pluck().get() as number;
  } finally {
    db.close();
  }
}
/** Spawns the installed CLI; resolves with its exit code, output and how long it took after `mark()`. */
function spawnCli(args: string[], options: { prefix?: string[] } = {}) {
  const command = options.prefix ? options.prefix[0]! : process.execPath;
  const child = spawn(command, [...(options.prefix?.slice(1) ?? []), ...(options.prefix ? [process.execPath] : []), BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.on("data", (d) => (stdout += d));
  const exited = new Promise<number>((r) => child.on("exit", (code, signal) => r(code ?? (signal === "SIGKILL" ? 137 : 1))));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}
/** Sends `signal` to a spawned CLI and returns its exit code, which must come within 1.5 s. */
async function interrupt(run: ReturnType<typeof spawnCli>, signal: NodeJS.Signals = "SIGINT"): Promise<number> {
  const sent = Date.now();
  run.child.kill(signal);
  const code = await run.exited;
  expect(Date.now() - sent, `${signal} handled within 1.5 s`).toBeLessThan(1_500);
  return code;
}
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("1. a rejected key or an unreachable server stops the stage at once", () => {
  it("401: openie sends about one round of requests, not one per passage, exits 3 naming OPENAI_API_KEY, and records nothing as failed", async () => {
    const s = await server({ chat: fakeLlm, fault: () => ({ kind: "status", status: 401 }) });
    const c = corpusDir(300);
    const result = await runCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "16"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/error: the LLM server at http:\/\/127\.0\.0\.1:\d+\/v1 refused the credentials \(HTTP 401.*\(hint: check OPENAI_API_KEY and --llm-base-url/);
    expect(s.chatRequests().length).toBeLessThanOrEqual(16);
    expect(openieRows(c.saveDir)).toBe(0); // nothing is the passages' fault; the next run starts them afresh
  });

  it("a rejected key of a stage's own LLM names that stage's flags and key variable (the filter runs on the QA config: not llm.filter.*)", async () => {
    const saveDir = join(tempDir(), "ws");
    const demo = ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];
    expect((await runCli(["run", ...demo, "--import-openie", join(DEMO, "openie_results_ner_handwritten.json"), "--no-baselines"])).code).toBe(0);
    const s = await server({ chat: fakeLlm, fault: () => ({ kind: "status", status: 403 }) });
    process.env.MY_QA_KEY = "sk-qa-0123456789abcdef";
    try {
      const qa = await runCli(["qa", ...demo, "--llm-name", "handwritten", "--qa-llm-name", "reader", "--qa-llm-base-url", s.url, "--qa-llm-key-env", "MY_QA_KEY"]);
      expect(qa.code).toBe(3);
      expect(qa.stderr).toMatch(/\(hint: check MY_QA_KEY and --qa-llm-base-url/);
      expect(qa.stderr).not.toMatch(/llm\.\w+\.(apiKey|baseUrl)/);
    } finally {
      delete process.env.MY_QA_KEY;
    }
  });

  it("404 (no such model, or a base URL without /v1) and 429 insufficient_quota stop openie at once too: exit 3, about one round of requests", async () => {
    const faults = [
      { status: 404, error: { message: "The model `m` does not exist.", code: "model_not_found" }, says: /the LLM server at .* has no model m or no such endpoint \(HTTP 404.*\(hint: check --llm-name and --llm-base-url/ },
      { status: 429, error: { message: "You exceeded your current quota, please check your plan and billing details.", code: "insufficient_quota", type: "insufficient_quota" }, says: /the LLM server at .* says the account's quota is used up \(HTTP 429.*\(hint: check the account's plan and billing/ },
    ];
    for (const fault of faults) {
      const s = await server({ chat: fakeLlm, fault: () => ({ kind: "status", status: fault.status, error: fault.error }) });
      const c = corpusDir(100);
      const result = await runCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "4", "--max-retries", "3"]);
      expect(result.code, `HTTP ${fault.status}`).toBe(3);
      expect(result.stderr).toMatch(fault.says);
      expect(s.chatRequests().length, `HTTP ${fault.status}`).toBeLessThanOrEqual(4);
      expect(openieRows(c.saveDir)).toBe(0);
    }
  });

  it("a plain 429 (rate limit) is still retried, not fatal", async () => {
    let requests = 0;
    const s = await server({ chat: fakeLlm, fault: () => (++requests <= 2 ? { kind: "status", status: 429, retryAfterSeconds: 0 } : undefined) });
    const c = corpusDir(3);
    const result = await runCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "1"]);
    expect(result.code, result.stderr).toBe(0);
  });

  it("progress counts only passages with an outcome: those abandoned when the key is rejected are still to do", async () => {
    let requests = 0;
    const s = await server({ chat: fakeLlm, fault: () => (++requests > 10 ? { kind: "status", status: 401 } : undefined) });
    const c = corpusDir(20);
    // Progress goes to the process's stderr (a TTY bar, or plain lines): the installed CLI's is read.
    const cli = spawnCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "4"]);
    expect(await cli.exited).toBe(3);
    const lines = cli.stderr().split("\n").filter((l) => /^openie: \d+\/20/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    const shown = Number(/: (\d+)\/20/.exec(lines.at(-1)!)![1]);
    const db = new Database(join(c.saveDir, "hipporag.sqlite"), { readonly: true });
    const done = db.prepare("SELECT COUNT(*) FROM openie WHERE status = 'done'").pluck().get() as number;
    db.close();
    expect(done).toBeGreaterThan(0);
    expect(shown).toBe(done);
  });

  it("connection refused: exit 3 within seconds (not minutes of retries, not 5)", async () => {
    const closed = await server({});
    const url = closed.url;
    await closed.stop();
    const c = corpusDir(50);
    const started = Date.now();
    const result = await runCli(["openie", ...c.base, "--llm-base-url", url, "--llm-name", "m"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot be reached \(ECONNREFUSED, 3 attempts in a row\) \(hint: check that the server runs and OPENAI_API_KEY and --llm-base-url/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an embedding server that refuses connections stops index with exit 3", async () => {
    const c = corpusDir(5);
    const s = await server({ chat: fakeLlm });
    expect((await runCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m"])).code).toBe(0);
    const closed = await server({});
    const url = closed.url;
    await closed.stop();
    const result = await runCli(["index", ...c.base, "--llm-name", "m", "--embedding-name", "e5", "--embedding-base-url", url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the embedding server at .* cannot be reached \(ECONNREFUSED/);
  });
});

describe("1c. requests name a model the server has", () => {
  it("run --import-openie of upstream's openie_results_ner_<org>_<model>.json with --llm-name <org>/<model> extracts the missing passages with <org>/<model>, not the file's spelling", async () => {
    const s = await server({ chat: fakeLlm });
    const c = corpusDir(3);
    const docs = towns(2).map((t) => ({ passage: `${t.title}\n${t.text}`, extracted_entities: [t.title, `Mayor ${t.title.slice(5)}`], extracted_triples: [[t.title, "founded by", `Mayor ${t.title.slice(5)}`]] }));
    const file = writeJson(c.dir, "openie_results_ner_meta-llama_Llama-3.3-70B-Instruct.json", { docs });
    writeJson(c.dir, "towns.json", [{ id: "q1", question: "Who founded Town 1?", answer: "Mayor 1" }]);
    const result = await runCli(["run", ...c.base, "--import-openie", file, "--llm-name", "meta-llama/Llama-3.3-70B-Instruct", "--llm-base-url", s.url, "--no-baselines", "--no-filter", "--skip-qa"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/openie: imported 2 docs for meta-llama\/Llama-3\.3-70B-Instruct/);
    const models = new Set(s.chatRequests().map((body) => body.model));
    expect([...models]).toEqual(["meta-llama/Llama-3.3-70B-Instruct"]);
    expect(s.chatRequests().length).toBe(2); // NER + triples of the one passage the file lacks
  });
});

describe("1b. a port no server can use counts as unreachable", () => {
  it("qa against port 1 (fetch refuses it outright): exit 3 in seconds, not 5 after six attempts per question", async () => {
    const d = corpusDir(3);
    writeJson(d.dir, "towns.json", [{ id: "q1", question: "Where does Town 1 lie?", answer: "County 1" }, { id: "q2", question: "Who founded Town 2?", answer: "Mayor 2" }]);
    const s = await server({ chat: fakeLlm });
    expect((await runCli(["run", ...d.base, "--llm-base-url", s.url, "--llm-name", "m", "--no-filter", "--skip-qa", "--no-baselines"])).code).toBe(0);
    const started = Date.now();
    const result = await runCli(["qa", ...d.base, "--llm-name", "m", "--llm-base-url", "http://127.0.0.1:1/v1"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot be reached \(bad port, 3 attempts in a row\)/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("2. a pathological reply is parsed or rejected at once", () => {
  it("200 KB of '[' and 1 MB of garbage as replies: the passages fail fast, the others finish", async () => {
    const s = await server({
      chat: (body) => {
        const user = body.messages.at(-1)!.content;
        if (openieStage(body) === "ner" && user.startsWith("Town 0")) return { content: "[".repeat(200 * 1024) };
        if (openieStage(body) === "ner" && user.startsWith("Town 1")) return { content: '{"named_entities": ['.repeat(50_000) };
        return fakeOpenIEReply(body)!;
      },
    });
    const c = corpusDir(4);
    const started = Date.now();
    const result = await runCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m", "--max-retries", "0", "--json"]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(5);
    const summary = JSON.parse(result.stdout);
    expect(summary.extracted).toBe(2);
    expect(summary.failures.map((f: { error: string }) => f.error).join("\n")).toMatch(/no \{"named_entities": \[\.\.\.\]\} in the reply/);
    // The failures are retried by the next run, and named by the title people find them by.
    const again = await runCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m", "--max-retries", "0"]);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/failed "Town 0[^"]*" \(chunk-[0-9a-f]{32}\) \(ner\): /);
  });
});

describe("3. Ctrl-C is handled within a second, in synchronous stages too", () => {
  it("SIGINT during the synonymy search of index: exit 130 at once, with a message; nothing half-written; a re-run completes", async () => {
    const { saveDir, base } = await musiqueWorkspace({ index: false });
    const run = spawnCli(["index", ...base]);
    await until(() => run.stderr().includes("index: synonymy…"));
    expect(await interrupt(run)).toBe(130);
    expect(run.stderr()).toMatch(/interrupt: stopping; what is finished is kept/);
    expect(run.stderr()).toMatch(/error: interrupted during the synonymy search: nothing of this update was committed \(hint: re-run/);
    expect(integrity(saveDir)).toBe("ok");
    const again = await runCli(["index", ...base, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).phraseNodes).toBe(16235);
  });

  it("SIGINT during start-up, before any stage: exit 130 at once with a message (never silently killed or ignored)", async () => {
    const { base } = await musiqueWorkspace();
    const run = spawnCli(["retrieve", ...base, "--no-filter", "--damping", "0.2,0.3,0.4"]);
    await new Promise((r) => setTimeout(r, 700)); // loading modules, the dataset and the index
    expect(await interrupt(run)).toBe(130);
    expect(run.stderr()).toMatch(/interrupt(ed \(exit 130\)|: stopping)/);
  });

  it("SIGINT during fast synchronous retrieval (no LLM, a small graph): exit 130, not ignored until the runs are done", async () => {
    const { base } = await musiqueWorkspace();
    const dampings = ["0.21", "0.31", "0.41", "0.51", "0.61", "0.71", "0.81", "0.91"];
    const run = spawnCli(["retrieve", ...base, "--no-filter", "--damping", dampings.join(",")]);
    // The first run's summary line: the second run has just begun, in one synchronous stretch of scoring.
    await until(() => /damping0\.21: 50 questions/.test(run.stderr()));
    expect(await interrupt(run)).toBe(130);
    expect(run.stderr()).toMatch(/interrupt: stopping/);
    expect(run.stderr()).not.toMatch(/damping0\.91: 50 questions/);
  });

  it("SIGINT while a remote embedding request is in flight (a server that never answers): exit 130 at once, the request aborted", async () => {
    const s = await server({ embed: (text) => [text.length, 1, 2], fault: ({ path }) => (path.endsWith("/embeddings") ? { kind: "hang" } : undefined) });
    const saveDir = join(tempDir(), "ws");
    const demo = ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];
    expect((await runCli(["openie", ...demo, "--import", join(DEMO, "openie_results_ner_handwritten.json")])).code).toBe(0);
    const run = spawnCli(["index", ...demo, "--embedding-name", "remote-embedder", "--embedding-base-url", s.url]);
    await until(() => s.requests.some((r) => r.path.endsWith("/embeddings")));
    expect(await interrupt(run)).toBe(130);
    expect(run.stderr()).toMatch(/interrupt: stopping/);
    // what is kept and how to resume, as every other stage says (it was "embedding call (…): interrupted")
    expect(run.stderr()).toMatch(/interrupted while indexing \(embed passages\): nothing of this update was committed \(hint: re-run the same command to resume; every vector computed so far is kept\)/);
    expect(integrity(saveDir)).toBe("ok");
  });

  it("SIGINT while an old workspace is upgraded (a long migration): the process ends at once, the workspace as it was", async () => {
    // A version-5 workspace with enough vectors that migration 6 (which copies every one) takes seconds.
    const saveDir = join(tempDir(), "ws");
    mkdirSync(saveDir);
    const db = new Database(join(saveDir, "hipporag.sqlite"));
    db.pragma("journal_mode = WAL");
    for (let v = 0; v < 5; v++) db.exec(MIGRATIONS[v]!);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '5')").run();
    const insert = db.prepare("INSERT INTO embeddings (encoder, hash, dim, dtype, vector) VALUES ('e', ?, 64, 'f32', ?)");
    const vector = Buffer.alloc(256, 7);
    db.transaction(() => {
      for (let i = 0; i < 600_000; i++) insert.run(md5Hex(String(i)), vector);
    })();
    db.close();
    const run = spawnCli(["eval", "--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir]);
    await until(() => run.stderr().includes("upgrading workspace"));
    const sent = Date.now();
    run.child.kill("SIGINT");
    await run.exited;
    expect(Date.now() - sent, "ended within 1.5 s").toBeLessThan(1_500);
    expect(run.stderr()).toMatch(/upgrading workspace .*hipporag\.sqlite \(schema version 5 to \d+\): .*Ctrl-C leaves it as it was/);
    const after = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
    expect(after.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe("5");
    expect(after.prepare("SELECT COUNT(*) FROM embeddings").pluck().get()).toBe(600_000);
    after.close();
  }, 120_000);

  it("the upgrade line is written once signals already end the process (a Ctrl-C right after it is not left to a handler that runs after the migration)", async () => {
    const saveDir = join(tempDir(), "ws");
    mkdirSync(saveDir);
    const db = new Database(join(saveDir, "hipporag.sqlite"));
    for (let v = 0; v < 5; v++) db.exec(MIGRATIONS[v]!);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '5')").run();
    db.close();
    const before = process.listenerCount("SIGINT");
    const atLine: number[] = [];
    const { main } = await import("../cli/main.js");
    await main(["node", "hipporag", "eval", "--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir], {
      stdout: () => undefined,
      stderr: (text) => void (text.includes("upgrading workspace") && atLine.push(process.listenerCount("SIGINT"))),
    });
    expect(atLine).toEqual([before]); // the CLI's own handler was already off
  });

  it("SIGINT during retrieve (a slow filter LLM): exit 130 with a message; SIGTERM as well", async () => {
    const { base } = await musiqueWorkspace();
    const s = await server({ chat: fakeLlm, latencyMs: 300 });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const run = spawnCli(["retrieve", ...base, "--llm-base-url", s.url, "--llm-name", "gpt-3.5-turbo-1106", "--concurrency", "2"]);
      const before = s.chatRequests().length;
      await until(() => s.chatRequests().length > before);
      expect(await interrupt(run, signal)).toBe(130);
      expect(run.stderr()).toMatch(/error: interrupted during retrieval/);
    }
  });
});

// Disk-full and read-only file systems need a small tmpfs; only root can mount one.
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = tempDir();
  const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]).status === 0;
  if (ok) spawnSync("umount", [probe]);
  return ok;
})();
if (!canMount) console.warn("faults-stop.test.ts: skipping the disk-full and read-only tests (cannot mount a tmpfs here; needs root)");

describe.skipIf(!canMount)("4. a write that fails stops new requests at once", () => {
  it("disk full: openie stops, says which path and why (exit 4), and spends no more requests; the workspace stays sound", async () => {
    const s = await server({
      // large replies, so that a 2 MB disk fills after a few dozen passages
      chat: (body) => (openieStage(body) === "ner" ? { content: JSON.stringify({ named_entities: Array.from({ length: 2000 }, (_, i) => `Entity number ${i} of ${body.messages.at(-1)!.content.slice(0, 8)}`) }) } : fakeOpenIEReply(body)!),
    });
    const dir = tempDir();
    writeJson(dir, "towns_corpus.json", towns(400));
    const mount = join(dir, "disk");
    mkdirSync(mount);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount]);
    try {
      const saveDir = join(mount, "ws");
      const result = await runCli(["openie", "--dataset", "towns", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "4"]);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(new RegExp(`error: cannot write the workspace ${saveDir.replace(/[/.]/g, "\\$&")}/hipporag\\.sqlite: the disk is full \\(SQLITE_FULL.*\\(hint: free space on that disk`));
      expect(s.chatRequests().length).toBeLessThan(200); // 800 without stopping
      expect(integrity(saveDir)).toBe("ok");
    } finally {
      execFileSync("umount", ["-l", mount]);
    }
  });

  it("a read-only file system: exit 4 with a permissions hint, never the corruption hint", async () => {
    const c = corpusDir(3);
    const mount = join(c.dir, "ro");
    mkdirSync(mount);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mount]);
    try {
      const saveDir = join(mount, "ws");
      const s = await server({ chat: fakeLlm });
      expect((await runCli(["openie", "--dataset", "towns", "--dataset-dir", c.dir, "--save-dir", saveDir, "--llm-base-url", s.url, "--llm-name", "m"])).code).toBe(0);
      execFileSync("mount", ["-o", "remount,ro", mount]);
      const result = await runCli(["index", "--dataset", "towns", "--dataset-dir", c.dir, "--save-dir", saveDir, "--llm-name", "m"]);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/read-only|cannot read or write/);
      expect(result.stderr).not.toMatch(/corrupt|damaged|please report/);
      // A new save dir there: the reason is the file system's (EROFS, exit 4), not "no such file" (2).
      const fresh = await runCli(["index", "--dataset", "towns", "--dataset-dir", c.dir, "--save-dir", join(mount, "new", "ws"), "--llm-name", "m"]);
      expect(fresh.code).toBe(4);
      expect(fresh.stderr).toMatch(/cannot write the workspace \S+new\/ws: it is read-only .*EROFS/);
    } finally {
      execFileSync("umount", ["-l", mount]);
    }
  });
});

describe("5. one writer per workspace, held by the operating system", () => {
  const canUnshare = spawnSync("unshare", ["--uts", "true"]).status === 0;
  if (!canUnshare) console.warn("faults-stop.test.ts: unshare --uts is not available; the cross-hostname lock test runs under this hostname only");

  it("a writer under another hostname keeps the lock: a second (and third) process refuses, and it is free once the first dies", async () => {
    const s = await server({ chat: fakeLlm, latencyMs: 200 });
    const c = corpusDir(40);
    const openie = ["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m", "--concurrency", "1"];
    const asHost = (host: string) => (canUnshare ? { prefix: ["unshare", "--uts", "sh", "-c", `hostname ${host} && exec "$0" "$@"`] } : {});
    const first = spawnCli(openie, asHost("box-a"));
    await until(() => s.chatRequests().length > 0);
    const second = spawnCli(["openie", ...c.base, "--llm-name", "m", "--export-batch", join(c.dir, "b.jsonl")], asHost("box-b"));
    expect(await second.exited).toBe(4);
    expect(second.stderr()).toMatch(new RegExp(`is in use by another hipporag process \\(pid \\d+ on host ${canUnshare ? "box-a" : "\\S+"}, openie`));
    const third = await runCli(["openie", ...c.base, "--llm-name", "m", "--export-batch", join(c.dir, "b.jsonl")]);
    expect(third.code).toBe(4);
    first.child.kill("SIGKILL");
    await first.exited;
    // the kernel released the lock with the process: no stale row, no waiting
    expect((await runCli(["openie", ...c.base, "--llm-name", "m", "--export-batch", join(c.dir, "b.jsonl")])).code).toBe(0);
  });

  it("a leftover holder record naming a live pid does not block (the lock, not the record, decides)", async () => {
    const c = corpusDir(3);
    mkdirSync(c.saveDir, { recursive: true });
    writeFileSync(join(c.saveDir, "hipporag.lock.json"), JSON.stringify({ pid: process.pid, host: "elsewhere", command: "openie", since: "2020-01-01" }));
    expect((await runCli(["openie", ...c.base, "--llm-name", "m", "--export-batch", join(c.dir, "b.jsonl")])).code).toBe(0);
  });

  it("four processes opening a new workspace at once: migrations run once, no 'already exists'", async () => {
    const c = corpusDir(3);
    const runs = Array.from({ length: 4 }, () => spawnCli(["openie", ...c.base, "--llm-name", "m", "--export-batch", join(c.dir, `b${Math.random()}.jsonl`)]));
    const codes = await Promise.all(runs.map((r) => r.exited));
    for (const [i, code] of codes.entries()) {
      expect([0, 4], runs[i]!.stderr()).toContain(code);
      expect(runs[i]!.stderr()).not.toMatch(/already exists|internal error/);
    }
    expect(codes).toContain(0);
  });
});

describe("6. user problems are input errors (exit 2) found before any work", () => {
  it("an output path in a missing folder or onto a folder, and a save dir that is a file", async () => {
    const c = corpusDir(3);
    writeJson(c.dir, "towns.json", [{ id: "q", question: "Who founded Town 1?", answer: "Mayor 1" }]);
    const missing = await runCli(["openie", ...c.base, "--llm-name", "m", "--export-batch", join(c.dir, "no/such/folder/b.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--export-batch .*: the folder .*no\/such\/folder does not exist/);
    const onto = await runCli(["openie", ...c.base, "--llm-name", "m", "--export", c.dir]);
    expect(onto.code).toBe(2);
    expect(onto.stderr).toMatch(/--export .* is a folder; give a file name/);
    expect(existsSync(c.saveDir)).toBe(false); // checked before anything was created
    writeFileSync(join(c.dir, "afile"), "x");
    const file = await runCli(["index", "--dataset", "towns", "--dataset-dir", c.dir, "--save-dir", join(c.dir, "afile")]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/the workspace folder .*afile is a file, not a folder/);
    const predictions = await runCli(["retrieve", ...c.base, "--no-filter", "--predictions-out", join(c.dir, "none", "p.json")]);
    expect(predictions.code).toBe(2);
    expect(predictions.stderr).toMatch(/--predictions-out .*the folder .*none does not exist/);
    // a graph file name of no known format: refused before the index is built (it was after, the work done)
    const format = await runCli(["index", ...c.base, "--llm-name", "m", "--export-graph", join(c.dir, "g.txt")]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--export-graph: unknown format for ".*g\.txt"/);
    expect(format.stderr).not.toMatch(/index: embed/);
  });
});

describe("6b. a command refused (exit 2) leaves no workspace it created", () => {
  it("index or run without an LLM for missing OpenIE, run over --max-cost, openie --import of a bad file: no new folder, an existing one kept", async () => {
    const s = await server({ chat: fakeLlm });
    const c = corpusDir(3);
    writeJson(c.dir, "towns.json", [{ id: "q1", question: "Who founded Town 1?", answer: "Mayor 1" }]);
    const bad = writeJson(c.dir, "openie_results_ner_m.json", { docs: [{ passage: "Town 0\nx", extracted_entities: "oops", extracted_triples: [] }] });
    for (const args of [
      ["index", ...c.base],
      ["run", ...c.base],
      ["run", ...c.base, "--llm-base-url", s.url, "--llm-name", "gpt-4o", "--max-cost", "0.0000001"],
      ["openie", ...c.base, "--import", bad],
    ]) {
      const result = await runCli(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(existsSync(c.saveDir), `${args.slice(0, 1)}: ${result.stderr}`).toBe(false);
    }
    // A workspace that was there before a refused command stays, as it was.
    mkdirSync(c.saveDir);
    writeFileSync(join(c.saveDir, "notes.txt"), "mine");
    expect((await runCli(["index", ...c.base])).code).toBe(2);
    expect(existsSync(join(c.saveDir, "notes.txt"))).toBe(true);
    expect(existsSync(join(c.saveDir, "hipporag.sqlite"))).toBe(false);
    expect((await runCli(["openie", ...c.base, "--llm-base-url", s.url, "--llm-name", "m"])).code).toBe(0);
    expect((await runCli(["index", ...c.base, "--openie-llm-name", "other"])).code).toBe(2);
    expect(openieRows(c.saveDir)).toBe(3); // a workspace with work in it is never removed
  });
});

describe("7. every exit says why; commands that only read never create a workspace", () => {
  it("bare hipporag prints the usage", async () => {
    const result = await runCli([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: hipporag \[options\] \[command\]/);
    expect(result.stdout).toMatch(/openie/);
  });

  it("eval, retrieve and qa with a mistyped --save-dir say so and create nothing", async () => {
    const c = corpusDir(3);
    writeJson(c.dir, "towns.json", [{ id: "q", question: "Who founded Town 1?", answer: "Mayor 1" }]);
    const typo = join(c.dir, "wss");
    for (const command of [["eval"], ["retrieve", "--no-filter"], ["qa", "--llm-base-url", "http://127.0.0.1:9/v1"]]) {
      const result = await runCli([...command, "--dataset", "towns", "--dataset-dir", c.dir, "--save-dir", typo]);
      expect(result.code, command[0]).toBe(2);
      expect(result.stderr).toMatch(/no hipporag workspace in .*wss \(hipporag\.sqlite not found\)/);
      expect(existsSync(typo)).toBe(false);
    }
  });
});

describe("8. a reader that closes the pipe early (| head)", () => {
  it("ends the command quietly with its own exit code, not a stack trace and exit 1", async () => {
    const saveDir = join(tempDir(), "ws");
    const demo = ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];
    expect((await runCli(["run", ...demo, "--import-openie", join(DEMO, "openie_results_ner_handwritten.json")])).code).toBe(0);
    const run = spawnCli(["eval", ...demo]);
    run.child.stdout.destroy(); // as `| head -0` does: the first write finds the pipe closed
    const code = await run.exited;
    expect(run.stderr()).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });

  it.skipIf(!existsSync("/dev/full"))("a full device (> /dev/full): one error line, exit 4, not a stack trace", async () => {
    const saveDir = join(tempDir(), "ws");
    const demo = ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];
    expect((await runCli(["run", ...demo, "--import-openie", join(DEMO, "openie_results_ner_handwritten.json")])).code).toBe(0);
    const full = spawnSync(process.execPath, [BIN, "eval", ...demo], { stdio: ["ignore", openSync("/dev/full", "w"), "pipe"], encoding: "utf8" });
    expect(full.stderr).not.toMatch(/\n\s+at /);
    expect(full.stderr.trim().split("\n").at(-1)).toMatch(/^error: cannot write the command's output: no space left on device \(ENOSPC\)/);
    expect(full.status).toBe(4);
  });
});
