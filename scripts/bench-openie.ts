/**
 * OpenIE throughput against a loopback server with a fixed latency (default 200 ms), run in its own
 * process: passages/s against the concurrency-bound ideal, and the client's CPU per call.
 *   npx tsx scripts/bench-openie.ts [--passages 2560] [--concurrency 64] [--latency 200]
 * Ideal: each passage needs 2 sequential calls, so passages/s = concurrency / (2 × latency).
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadCorpus } from "../src/datasets/load-corpus.js";
import { CachedChatModel } from "../src/llm/cached-chat-model.js";
import { OpenAIChatModel } from "../src/llm/openai-chat-model.js";
import { DEFAULT_OPENIE_PROMPTS } from "../src/openie/prompts/openie-prompts.js";
import { runOpenIE } from "../src/openie/run-openie.js";
import { Workspace } from "../src/store/workspace.js";
import { arg, report } from "./bench-util.js";

const passagesWanted = arg("passages", 2560);
const latency = arg("latency", 200);
const rows: Record<string, string | number>[] = [];
const corpus = loadCorpus(resolve(import.meta.dirname, "../../shared/datasets/2wikimultihopqa_corpus.json")).slice(0, passagesWanted);

const server = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "fake-llm-server.ts"), "--latency", String(latency)], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise<string>((ok) => server.stdout.once("data", (d) => ok(String(d).trim())));
try {
  for (const concurrency of [16, arg("concurrency", 64)]) {
    const workspace = Workspace.open(mkdtempSync(join(tmpdir(), "bench-openie-")));
    workspace.passages.insert(corpus);
    const chat = new CachedChatModel(new OpenAIChatModel("bench-model", { baseUrl: url, apiKey: "sk-local", timeoutMs: 30_000 }), workspace.llmCache);
    const cpu = process.cpuUsage();
    const start = performance.now();
    const summary = await runOpenIE(corpus, { store: workspace.openie("bench-model"), chat, prompts: DEFAULT_OPENIE_PROMPTS, concurrency });
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const calls = summary.llmCalls;
    const rate = summary.extracted / seconds;
    const ideal = concurrency / (2 * (latency / 1000));
    rows.push({
      concurrency,
      passages: summary.extracted,
      failed: summary.failed,
      "wall s": Math.round(seconds * 100) / 100,
      "passages/s": Math.round(rate * 10) / 10,
      "ideal passages/s": Math.round(ideal * 10) / 10,
      "% of ideal": `${((100 * rate) / ideal).toFixed(1)}%`,
      "client CPU ms/call": Math.round(((used.user + used.system) / 1000 / calls) * 100) / 100,
    });
    workspace.close();
  }
} finally {
  server.kill("SIGTERM");
}
report("openie", rows, { latencyMs: latency });
