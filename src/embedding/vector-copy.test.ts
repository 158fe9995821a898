import { ENCODER_PROBE_TEXT } from "./embedding-store.js";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { md5Hex } from "../core/ids.js";
import { LanceDbVectorStore } from "../store/lancedb-vector-store.js";
import type { VectorStore } from "../store/vector-store.js";
import { Workspace } from "../store/workspace.js";
import { runCli, tempDir } from "../test-support/cli-harness.js";
import { loopbackServers } from "../test-support/loopback-servers.js";

/**
 * Choosing another vector store for a workspace whose vectors are in its SQLite (issue 17): what the
 * chosen store lacks is copied from SQLite, bit for bit, instead of being embedded again, and the
 * command says so. The loopback embedding server counts what is asked of it.
 */
const DEMO = resolve(import.meta.dirname, "../../reproduce/demo");
const server = loopbackServers();
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the CLI, with what its logger writes to the process's stderr (store notices) added to `stderr`. */
async function cli(args: string[]) {
  let logged = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    logged += String(chunk);
    return true;
  });
  try {
    const result = await runCli(args);
    return { ...result, stderr: result.stderr + logged };
  } finally {
    spy.mockRestore();
  }
}

function demo() {
  const dir = tempDir();
  for (const file of ["demo_corpus.json", "demo.json", "openie_results_ner_handwritten.json"]) copyFileSync(join(DEMO, file), join(dir, file));
  return { dir, at: ["--dataset", "demo", "--dataset-dir", dir, "--save-dir", join(dir, "ws")] };
}

describe("--vector-store lancedb on a workspace indexed into SQLite", () => {
  for (const vectors of ["f32", "f16"] as const) {
    it(`copies the vectors instead of embedding them again, says so, and retrieves exactly as SQLite does (${vectors})`, async () => {
      const d = demo();
      expect((await cli(["openie", ...d.at, "--import", join(d.dir, "openie_results_ner_handwritten.json")])).code).toBe(0);
      const s = await server({ embed: (text) => [(text.length % 7) + 1, 1, (text.charCodeAt(0) % 5) + 1, text.length / 100] });
      const embedded = () => s.requests.filter((r) => r.path.endsWith("/embeddings")).reduce((n, r) => n + (r.body.input as string[]).length, 0);
      const embedding = ["--embedding-name", "fake-embedder", "--embedding-base-url", s.url, "--vectors", vectors];
      const retrieve = (...more: string[]) => cli(["retrieve", ...d.at, ...embedding, "--no-filter", "--json", ...more]);

      expect((await cli(["index", ...d.at, ...embedding])).code).toBe(0); // the default store
      // Each run asks for another top-k, so it is computed afresh, not served from stored results.
      const sqlite = await retrieve("--top-k", "9", "--predictions-out", join(d.dir, "sqlite.json"));
      expect(sqlite.code, sqlite.stderr).toBe(0);
      const paid = embedded();
      expect(paid).toBeGreaterThan(20);
      expect(sqlite.stderr).not.toMatch(/copied/);

      // A dry run counts what would be copied as stored: nothing to send.
      const plan = await cli(["index", ...d.at, ...embedding, "--vector-store", "lancedb", "--dry-run", "--json"]);
      const embeddings = (JSON.parse(plan.stdout) as { stages: { stage: string; calls: number; cached: number }[] }).stages.find((p) => p.stage === "embeddings")!;
      expect(embeddings).toMatchObject({ calls: 0 });
      expect(embeddings.cached).toBeGreaterThan(20);

      const lancedb = await retrieve("--vector-store", "lancedb", "--top-k", "8", "--predictions-out", join(d.dir, "lancedb.json"));
      expect(lancedb.code, lancedb.stderr).toBe(0);
      expect(embedded()).toBe(paid); // every vector, queries included, came from SQLite
      const copied = /copied \d+ passage vectors of (openai:fake-embedder:\S+) from sqlite \(.*hipporag\.sqlite\) into the lancedb store/.exec(lancedb.stderr);
      expect(copied, lancedb.stderr).not.toBeNull();
      expect(lancedb.stderr).toMatch(/copied \d+ fact vectors/);
      const docs = (file: string, k: number) => (JSON.parse(readFileSync(join(d.dir, file), "utf8")) as { docs: string[] }[]).map((p) => p.docs.slice(0, k));
      expect(docs("lancedb.json", 8)).toEqual(docs("sqlite.json", 8));

      // What LanceDB now holds is what SQLite holds, bit for bit.
      const space = copied![1]!; // the notice names the space, "|f16" included
      expect(space.endsWith("|f16")).toBe(vectors === "f16");
      const ids = [...new Set(s.requests.filter((r) => r.path.endsWith("/embeddings")).flatMap((r) => r.body.input as string[]).map((input) => md5Hex(input)))];
      const bits = async (store: VectorStore) => {
        const out = new Map<string, string>();
        await store.get(space, ids, (i, v) => out.set(ids[i]!, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")));
        return out;
      };
      const workspace = Workspace.open(join(d.dir, "ws"), { readonly: true });
      const lance = await LanceDbVectorStore.open(join(d.dir, "ws", "lancedb"));
      try {
        const [inSqlite, inLance] = [await bits(workspace.vectors), await bits(lance)];
        expect(inLance.size).toBeGreaterThan(20);
        for (const [id, hex] of inLance) expect(hex).toBe(inSqlite.get(id));
      } finally {
        workspace.close();
        await lance.close();
      }

      const again = await retrieve("--vector-store", "lancedb", "--top-k", "7");
      expect(again.code).toBe(0);
      expect(again.stderr).not.toMatch(/copied/); // the store has them now
      expect(embedded()).toBe(paid);
    });
  }
});

describe("a workspace indexed with --vector-store lancedb", () => {
  it("is read from LanceDB by later commands that do not name a store, not embedded again into SQLite; naming another store is said", async () => {
    const d = demo();
    expect((await cli(["openie", ...d.at, "--import", join(d.dir, "openie_results_ner_handwritten.json")])).code).toBe(0);
    const s = await server({ embed: (text) => [(text.length % 7) + 1, 1, (text.charCodeAt(0) % 5) + 1, text.length / 100] });
    const inputs = () => s.requests.filter((r) => r.path.endsWith("/embeddings")).flatMap((r) => r.body.input as string[]).filter((text) => text !== ENCODER_PROBE_TEXT);
    const embedding = ["--embedding-name", "fake-embedder", "--embedding-base-url", s.url];
    expect((await cli(["index", ...d.at, ...embedding, "--vector-store", "lancedb"])).code).toBe(0);
    const paid = inputs().length;
    const questions = new Set((JSON.parse(readFileSync(join(d.dir, "demo.json"), "utf8")) as { question: string }[]).map((q) => q.question));
    const plain = await cli(["retrieve", ...d.at, ...embedding, "--no-filter", "--json"]);
    expect(plain.code, plain.stderr).toBe(0);
    // the questions only: passages and facts came from LanceDB
    expect(inputs().slice(paid).filter((text) => !questions.has(text))).toEqual([]);
    const workspace = Workspace.open(join(d.dir, "ws"), { readonly: true });
    try {
      expect(workspace.db.prepare("SELECT COUNT(*) AS n FROM embeddings").get()).toEqual({ n: 0 });
    } finally {
      workspace.close();
    }
    const other = await cli(["retrieve", ...d.at, ...embedding, "--no-filter", "--vector-store", "sqlite", "--top-k", "7", "--dry-run"]);
    expect(other.stderr).toMatch(/this workspace was indexed with its vectors in the lancedb store \(.*lancedb\); this command uses sqlite/);
  });

  it("says how many of the index's vectors it embeds again when the store lost them (a paid encoder's cost)", async () => {
    const d = demo();
    expect((await cli(["openie", ...d.at, "--import", join(d.dir, "openie_results_ner_handwritten.json")])).code).toBe(0);
    const s = await server({ embed: (text) => [(text.length % 7) + 1, 1, (text.charCodeAt(0) % 5) + 1, text.length / 100] });
    const embedding = ["--embedding-name", "fake-embedder", "--embedding-base-url", s.url];
    expect((await cli(["index", ...d.at, ...embedding, "--vector-store", "lancedb"])).code).toBe(0);
    const first = await cli(["retrieve", ...d.at, ...embedding, "--no-filter", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(/missing from/);
    // The vectors and the snapshot (which holds a copy of them) are gone.
    rmSync(join(d.dir, "ws", "lancedb"), { recursive: true });
    rmSync(join(d.dir, "ws", "cache"), { recursive: true });
    const sent = s.requests.length;
    // The dry run counts what the real run will embed again (after the queries' row)
    const plan = await cli(["retrieve", ...d.at, ...embedding, "--no-filter", "--json", "--top-k", "7", "--dry-run"]);
    const lost = (JSON.parse(plan.stdout) as { stages: { stage: string; calls: number }[] }).stages.find((p) => p.stage === "embeddings (index)");
    expect(s.requests.length).toBe(sent);
    const again = await cli(["retrieve", ...d.at, ...embedding, "--no-filter", "--json", "--top-k", "7"]);
    expect(again.code, again.stderr).toBe(0);
    expect(s.requests.length).toBeGreaterThan(sent);
    expect(again.stderr).toMatch(/\b(\d+) of the index's \1 passage vectors are missing from the lancedb store \(.*lancedb\): embedding them again with openai:fake-embedder/);
    expect(again.stderr).toMatch(/of the index's \d+ fact vectors are missing from the lancedb store/);
    const said = [...again.stderr.matchAll(/(\d+) of the index's \d+ (passage|fact) vectors are missing/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(lost?.calls).toBe(said);
    // Opened once, the snapshot holds them: a dry run now plans none
    const after = await cli(["retrieve", ...d.at, ...embedding, "--no-filter", "--json", "--top-k", "6", "--dry-run"]);
    expect((JSON.parse(after.stdout) as { stages: { stage: string }[] }).stages.map((p) => p.stage)).not.toContain("embeddings (index)");
  });
});
