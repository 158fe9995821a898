import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCorpus, SyntheticEncoder } from "../../scripts/synthetic-corpus.js";
import { LexicalEncoder } from "../embedding/lexical-encoder.js";
import { HippoRag, toPassages, type HippoRagConfig } from "../hipporag.js";
import { startChromaServer, type ChromaServer } from "../test-support/chroma-server.js";
import { tempDir } from "../test-support/cli-harness.js";

// 0.5% of the paper's MuSiQue size: 58 passages, ~430 phrases, 64-d vectors (seconds per store, still a real graph).
const corpus = syntheticCorpus(0.005);
const passages = toPassages(corpus.passages);
const questions = Array.from({ length: 12 }, (_, i) => `what is entity ${i * 5} variant ${i % 14} related to by relation ${i}?`);

async function buildAndRetrieve(config: Omit<HippoRagConfig, "saveDir" | "openieModel">) {
  const hippo = await HippoRag.open({ saveDir: tempDir("hipporag-vsr-"), openieModel: "synthetic", ...config });
  try {
    hippo.workspace.passages.insert(passages);
    hippo.workspace.openie("synthetic").saveMany(passages.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "synthetic");
    const built = await hippo.index(passages);
    const graph = await hippo.retrieve(questions, 20, { method: "hipporag", filter: false });
    const dense = await hippo.retrieve(questions, 20, { method: "dense" });
    const stored = (hippo.workspace.db.prepare("SELECT COUNT(*) FROM embeddings").pluck().get() as number);
    return { stats: built.stats, graph: graph.map((r) => [r.passageIds, r.scores]), dense: dense.map((r) => [r.passageIds, r.scores]), sqliteRows: stored, saveDir: hippo.config.saveDir };
  } finally {
    hippo.close();
  }
}

describe("retrieval through each vector store equals the SQLite store's", () => {
  let server: ChromaServer;
  beforeAll(async () => {
    server = await startChromaServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const vectors of ["f32", "f16"] as const) {
    it(`same graph, same rankings and scores, bit for bit (${vectors} vectors)`, async () => {
      const encoder = new SyntheticEncoder(64);
      const sqlite = await buildAndRetrieve({ encoder, vectorDtype: vectors });
      const lancedb = await buildAndRetrieve({ encoder, vectorDtype: vectors, vectorStore: "lancedb" });
      const chroma = await buildAndRetrieve({ encoder, vectorDtype: vectors, vectorStore: { kind: "chroma", url: server.url } });
      expect(sqlite.sqliteRows).toBeGreaterThan(500); // the default keeps vectors in the workspace…
      expect(sqlite.stats.synonymyEdges).toBeGreaterThan(0);
      for (const other of [lancedb, chroma]) {
        expect(other.sqliteRows).toBe(0); // …the others keep none there
        expect(other.stats).toEqual(sqlite.stats);
        expect(other.graph).toEqual(sqlite.graph);
        expect(other.dense).toEqual(sqlite.dense);
      }
      expect(readdirSync(join(lancedb.saveDir, "lancedb")).length).toBeGreaterThan(0);
    });
  }

  it("sparse (lexical) vectors stay in SQLite when another store is chosen, and it says so", async () => {
    const warnings: string[] = [];
    const logger = { level: "warn" as const, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const result = await buildAndRetrieve({ encoder: new LexicalEncoder(), vectorStore: "lancedb", logger });
    expect(result.sqliteRows).toBeGreaterThan(500);
    expect(warnings.filter((w) => /gives sparse \(lexical\) vectors, which stay in the workspace's SQLite: the lancedb store is not used/.test(w))).toHaveLength(1);
    expect(warnings.join("\n")).not.toMatch(/embedded again/);
    expect(existsSync(join(result.saveDir, "lancedb"))).toBe(false); // no store folder made for nothing
  });
});
