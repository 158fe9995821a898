/**
 * Soak: OpenIE over the 6,119-passage 2Wiki corpus against a loopback server that fails a given share
 * of requests in every way (5xx, 429 + Retry-After, hangs past the timeout, dropped connections,
 * malformed bodies, truncated / wrong-key / empty replies). Then a re-run with the faults still on,
 * and a last one without faults. Prints passages done, failed, retried and lost, and the database's
 * integrity check. Target: 0 lost, 0 corrupted, every failure retried on re-run.
 *   npx tsx scripts/soak.ts [--faults 0.3] [--passages 6119] [--concurrency 32]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../src/cli/main.js";
import { Workspace } from "../src/store/workspace.js";
import { workspaceIntegrity } from "../src/store/workspace-integrity.js";
import { arg, report } from "./bench-util.js";

const faults = arg("faults", 0.3);
const passages = arg("passages", 6119);
const dir = mkdtempSync(join(tmpdir(), "soak-"));
const shared = resolve(import.meta.dirname, "../../shared/datasets/2wikimultihopqa_corpus.json");
const { readFileSync } = await import("node:fs");
writeFileSync(join(dir, "soak_corpus.json"), JSON.stringify((JSON.parse(readFileSync(shared, "utf8")) as unknown[]).slice(0, passages)));
const saveDir = join(dir, "ws");

async function startServer(rate: number, seed: number) {
  const child = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "fake-llm-server.ts"), "--faults", String(rate), "--seed", String(seed), "--latency", "5"], { stdio: ["ignore", "pipe", "pipe"] });
  let stats = "";
  child.stderr.on("data", (d) => (stats += d));
  const url = await new Promise<string>((ok) => child.stdout.once("data", (d) => ok(String(d).trim())));
  return { url, stop: () => new Promise<string>((ok) => { child.on("exit", () => ok(stats.trim())); child.kill("SIGTERM"); }) };
}

const rows: Record<string, string | number>[] = [];
for (const [label, rate, seed] of [["run 1 (faults on)", faults, 1], ["run 2 (faults on, retries the failed)", faults, 2], ["run 3 (faults off)", 0, 3]] as const) {
  const server = await startServer(rate, seed);
  let out = "";
  const start = performance.now();
  const code = await main(["node", "hipporag", "openie", "--dataset", "soak", "--dataset-dir", dir, "--save-dir", saveDir, "--llm-base-url", server.url, "--llm-name", "soak-model", "--concurrency", String(arg("concurrency", 32)), "--request-timeout", "2", "--max-retries", "3", "--max-retry-after", "1", "--json", "--log-level", "warn"], {
    stdout: (t) => void (out += t),
    stderr: () => {},
  });
  const seconds = (performance.now() - start) / 1000;
  const serverStats = JSON.parse((await server.stop()) || "{}");
  const summary = JSON.parse(out);
  const workspace = Workspace.open(saveDir, { readonly: true });
  const records = [...workspace.openie("soak-model").all().values()];
  workspace.close();
  const states: Record<string, number> = {};
  for (const r of records) states[r.status] = (states[r.status] ?? 0) + 1;
  const integrity = workspaceIntegrity(saveDir);
  const emptyStored = records.filter((r) => r.status === "failed" && r.triples !== undefined).length;
  const done = states.done ?? 0;
  const failed = states.failed ?? 0;
  rows.push({
    run: label,
    exit: code,
    "wall s": Math.round(seconds),
    "done (total)": done,
    "failed now": failed,
    "retried this run": summary.total - summary.skipped,
    "HTTP retries": summary.retries,
    lost: passages - done - failed - (states.ner ?? 0),
    "failures stored as empty": emptyStored as number,
    integrity: String(integrity),
    "faults injected": Object.values((serverStats.injected ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0),
  });
}
report("soak", rows, { faults, passages });
