import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticCorpus, SyntheticEncoder } from "../../scripts/synthetic-corpus.js";
import { md5Hex } from "../core/ids.js";
import { loadDataset } from "../datasets/load-dataset.js";
import { LexicalEncoder } from "../embedding/lexical-encoder.js";
import { HippoRag, toPassages, type HippoRagConfig } from "../hipporag.js";
import { IndexSnapshots, type OpenedIndex } from "../store/index-snapshot.js";
import { musiqueWorkspace, SHARED_DATASETS, tempDir } from "../test-support/cli-harness.js";
import { openMemoryIndex } from "./open-memory-index.js";
import { pprSweepGraph } from "./personalized-pagerank.js";

const MODEL = "gpt-3.5-turbo-1106";
const snapshotFiles = (saveDir: string) => readdirSync(join(saveDir, "cache", "snapshots"));

/** A comparable form of an opened index: every typed array as its type and the md5 of its bytes (bit for bit). */
function digest(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}:${md5Hex(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("latin1"))}`;
  if (value instanceof Map) return [...value].map(digest);
  if (Array.isArray(value)) return value.map(digest);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, digest(v)]));
  return value;
}

function warnings(): { logger: NonNullable<HippoRagConfig["logger"]>; said: string[] } {
  const said: string[] = [];
  return { said, logger: { level: "warn", debug() {}, info() {}, warn: (m: string) => void said.push(m), error() {} } };
}

async function retrieveAll(hippo: HippoRag, questions: string[]) {
  const graph = await hippo.retrieve(questions, 20, { method: "hipporag", filter: false });
  const dense = await hippo.retrieve(questions, 20, { method: "dense" });
  return [...graph, ...dense].map((r) => [r.passageIds, r.scores]);
}

describe("opening an index from its snapshot (MuSiQue, built by the CLI, lexical vectors)", () => {
  it("gives the rebuilt index bit for bit, and the same rankings; a damaged snapshot is rebuilt with one notice", async () => {
    const { saveDir } = await musiqueWorkspace();
    expect(snapshotFiles(saveDir)).toHaveLength(1); // written when the index update committed
    const questions = loadDataset("musique_train_dev", SHARED_DATASETS).questions.slice(0, 25).map((q) => q.question);
    const open = (logger = warnings().logger) => HippoRag.open({ saveDir, openieModel: MODEL, encoder: new LexicalEncoder(), logger });

    const first = warnings();
    const hippo = await open(first.logger);
    const fromSnapshot = await openMemoryIndex(hippo.memoryIndex());
    const ranked = await retrieveAll(hippo, questions);
    hippo.close();
    expect(first.said).toEqual([]);
    // PageRank sweeps the order stored in the snapshot: nothing is renumbered at the first query.
    expect(fromSnapshot.sweep.order).toHaveLength(fromSnapshot.graph.csr.nodeCount);
    expect(pprSweepGraph(fromSnapshot.graph.csr)).toBe(fromSnapshot.sweep);

    rmSync(join(saveDir, "cache", "snapshots"), { recursive: true });
    const again = await open();
    const rebuiltRanking = await retrieveAll(again, questions); // opened by rebuilding, which stores the snapshot again
    const rebuilt = await openMemoryIndex(again.memoryIndex());
    again.close();
    expect(snapshotFiles(saveDir)).toHaveLength(1);
    expect(rebuiltRanking).toEqual(ranked);
    expect(digest(fromSnapshot)).toEqual(digest(rebuilt));
    expect(fromSnapshot.graph.stats.phraseNodes).toBeGreaterThan(1000);
    const expected = digest(rebuilt);

    const file = join(saveDir, "cache", "snapshots", snapshotFiles(saveDir)[0]!);
    const good = readFileSync(file);
    const damage: [string, (bytes: Buffer) => void, RegExp][] = [
      ["a byte of the first section", (b) => void (b[3]! ^= 1), /is corrupt \(section/],
      ["a byte in the middle (vectors)", (b) => void (b[Math.floor(b.length / 2)]! ^= 0x40), /is corrupt \(section/],
      ["a byte of the header (JSON, just before the 88-byte footer)", (b) => void (b[b.length - 120]! ^= 2), /is corrupt \(header/],
      ["a byte of the footer (the header's checksum)", (b) => void (b[b.length - 20]! ^= 2), /is corrupt \(header/],
    ];
    for (const [what, spoil, notice] of [...damage, ["truncated", () => undefined, /is truncated/] as const]) {
      const bad = Buffer.from(good);
      spoil(bad);
      writeFileSync(file, bad);
      if (what === "truncated") truncateSync(file, good.length - 1000);
      const told = warnings();
      const reopened = await open(told.logger);
      expect(digest(await openMemoryIndex(reopened.memoryIndex())), what).toEqual(expected);
      expect(told.said, what).toHaveLength(1);
      expect(told.said[0], what).toMatch(notice);
      expect(told.said[0]).toMatch(/rebuilt from the workspace/);
      reopened.close();
      expect(readFileSync(file).equals(good), `${what}: the snapshot is written anew`).toBe(true);
    }
  });
});

// 0.5% of the paper's MuSiQue size: 58 passages, ~430 phrases, 64-d dense vectors.
const corpus = syntheticCorpus(0.005);
const passages = toPassages(corpus.passages);
const questions = Array.from({ length: 12 }, (_, i) => `what is entity ${i * 5} variant ${i % 14} related to by relation ${i}?`);

async function synthetic(config: Partial<HippoRagConfig> = {}, saveDir = tempDir("hipporag-snap-")) {
  const hippo = await HippoRag.open({ saveDir, openieModel: "synthetic", encoder: new SyntheticEncoder(64), ...config });
  hippo.workspace.passages.insert(passages);
  hippo.workspace.openie("synthetic").saveMany(passages.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "synthetic");
  return hippo;
}

describe("a retriever kept open in a process", () => {
  it("is not served once the OpenIE it was built from has changed: the index is out of date, whichever way it was opened", async () => {
    const hippo = await synthetic();
    await hippo.index(passages);
    const before = await hippo.retrieve(questions.slice(0, 2), 5, { method: "hipporag", filter: false });
    expect(before[0]!.passageIds).toHaveLength(5);
    hippo.workspace.openie("synthetic").saveDone(passages[0]!.id, [], [["entity 1 variant 0", "is now", "entity 2 variant 0"]], "edited");
    await expect(hippo.retrieve(questions.slice(0, 2), 5, { method: "hipporag", filter: false })).rejects.toThrow(/is out of date: the OpenIE results of 1 passage changed since it was built/);
    await hippo.index(passages);
    expect(await hippo.retrieve(questions.slice(0, 2), 5, { method: "hipporag", filter: false })).toHaveLength(2);
    hippo.close();
  });
});

describe("snapshots of dense indexes", () => {
  const sizes = new Map<string, number>();
  for (const config of [{ vectorDtype: "f16" }, { vectorDtype: "f16", vectorStore: "lancedb" }, { vectorDtype: "f32" }] as const) {
    it(`retrieval from the snapshot equals retrieval from the rebuilt index, bit for bit (${JSON.stringify(config)})`, async () => {
      const hippo = await synthetic(config);
      await hippo.index(passages);
      const saveDir = hippo.config.saveDir;
      const ranked = await retrieveAll(hippo, questions); // from the snapshot the update stored
      const fromSnapshot = digest(await openMemoryIndex(hippo.memoryIndex()));
      hippo.close();
      const [name] = snapshotFiles(saveDir);
      sizes.set(JSON.stringify(config), statSync(join(saveDir, "cache", "snapshots", name!)).size);
      if (config.vectorDtype === "f32") {
        // f16 vectors stay half precision on disk: 2 bytes a value less than f32 (up to alignment padding)
        const { stats } = (fromSnapshot as OpenedIndex).graph;
        const saved = sizes.get(JSON.stringify(config))! - sizes.get(JSON.stringify({ vectorDtype: "f16" }))!;
        expect(Math.abs(saved - (stats.facts + stats.passageNodes) * 64 * 2)).toBeLessThan(256);
      }

      rmSync(join(saveDir, "cache", "snapshots"), { recursive: true });
      const again = await HippoRag.open({ saveDir, openieModel: "synthetic", encoder: new SyntheticEncoder(64), ...config });
      expect(await retrieveAll(again, questions)).toEqual(ranked);
      expect(digest(await openMemoryIndex(again.memoryIndex()))).toEqual(fromSnapshot);
      again.close();
    });
  }

  it("after an add and a delete the snapshot equals a fresh build's, and only the newest is kept", async () => {
    const fresh = async (count: number) => {
      const hippo = await synthetic();
      await hippo.index(passages.slice(0, count));
      const opened = digest(await openMemoryIndex(hippo.memoryIndex()));
      hippo.close();
      return opened;
    };
    const hippo = await synthetic();
    const saveDir = hippo.config.saveDir;
    await hippo.index(passages.slice(0, 40));
    const first = snapshotFiles(saveDir);
    await hippo.index(passages); // adds 18
    expect(snapshotFiles(saveDir)).toHaveLength(1);
    expect(snapshotFiles(saveDir)).not.toEqual(first);
    const snapshots = new IndexSnapshots(join(saveDir, "cache", "snapshots"), hippo.memoryIndex().id);
    const keyOf = () => snapshotFiles(saveDir)[0]!.replace(/^[0-9a-f]+-|\.snap$/g, "");
    // The update builds the snapshot's graph from what it holds; the workspace, read back, has the same.
    const rebuiltFromWorkspace = async () => {
      rmSync(join(saveDir, "cache", "snapshots"), { recursive: true });
      return digest(await openMemoryIndex(hippo.memoryIndex()));
    };
    const added = digest(await snapshots.read(keyOf()));
    expect(added).toEqual(await fresh(58));
    expect(await rebuiltFromWorkspace()).toEqual(added);
    await hippo.delete(corpus.passages.slice(40));
    expect(snapshotFiles(saveDir)).toHaveLength(1);
    const deleted = digest(await snapshots.read(keyOf()));
    expect(deleted).toEqual(await fresh(40));
    expect(await rebuiltFromWorkspace()).toEqual(deleted);
    hippo.close();
  });

  it("an update's snapshot takes the vectors it already held from the previous snapshot: only new rows are read from the vector store, bit for bit the same", async () => {
    for (const config of [{ vectorDtype: "f16" }, { vectorDtype: "f32" }] as const) {
      const hippo = await synthetic(config);
      const saveDir = hippo.config.saveDir;
      const store = hippo.memoryIndex().embeddings.vectors;
      const read: string[] = [];
      const get = store.get.bind(store);
      store.get = (space, ids, onRow) => (read.push(...ids), get(space, ids, onRow));
      await hippo.index(passages.slice(0, 40));
      const first = read.length;
      expect(first).toBeGreaterThan(40); // the first snapshot reads every passage and fact vector
      read.length = 0;
      const update = await hippo.index(passages); // adds 18 passages
      const snapshotReads = read.length;
      const graph = (await openMemoryIndex(hippo.memoryIndex())).graph;
      const kept = digest(await openMemoryIndex(hippo.memoryIndex()));
      // What the update's snapshot read of the store: the new passages' and facts' rows, nothing it held before.
      // (The update itself reads the vectors of its new phrases for synonymy: looked up, embedded, read back.)
      const older = corpus.triples.slice(0, 40).flat();
      const newer = corpus.triples.slice(40).flat();
      const known = new Set(older.map((t) => JSON.stringify(t)));
      const newFacts = new Set(newer.map((t) => JSON.stringify(t)).filter((t) => !known.has(t))).size;
      const oldPhrases = new Set(older.flatMap((t) => [t[0], t[2]]));
      const newPhrases = new Set(newer.flatMap((t) => [t[0]!, t[2]!]).filter((p) => !oldPhrases.has(p))).size;
      expect(snapshotReads, JSON.stringify(config)).toBeLessThanOrEqual(18 + newFacts + 2 * newPhrases);
      expect(update.timings["snapshot: vectors (from the previous snapshot)"]).toBeGreaterThanOrEqual(0);
      expect(graph.facts.length + graph.passageIds.length).toBeGreaterThan(snapshotReads + 100);
      // ... and the snapshot equals the one rebuilt from the workspace alone
      rmSync(join(saveDir, "cache", "snapshots"), { recursive: true });
      expect(digest(await openMemoryIndex(hippo.memoryIndex()))).toEqual(kept);
      // A delete needs no vector at all from the store
      read.length = 0;
      await hippo.delete(corpus.passages.slice(50));
      expect(read).toEqual([]);
      const afterDelete = digest(await openMemoryIndex(hippo.memoryIndex()));
      rmSync(join(saveDir, "cache", "snapshots"), { recursive: true });
      expect(digest(await openMemoryIndex(hippo.memoryIndex()))).toEqual(afterDelete);
      hippo.close();
    }
  });

  it("a previous snapshot that is damaged (truncated, or a byte of its fact matrix), or was read from another vector store, lends no vectors: the new one is read from the store alone", async () => {
    const hippo = await synthetic({ vectorDtype: "f16" });
    const saveDir = hippo.config.saveDir;
    await hippo.index(passages.slice(0, 40));
    const dir = join(saveDir, "cache", "snapshots");
    const [name] = snapshotFiles(saveDir);
    truncateSync(join(dir, name!), statSync(join(dir, name!)).size - 100); // no footer: nothing of it verifies
    const update = await hippo.index(passages);
    expect(update.timings["snapshot: vectors (from the previous snapshot)"]).toBeUndefined();
    const kept = digest(await openMemoryIndex(hippo.memoryIndex()));
    rmSync(dir, { recursive: true });
    expect(digest(await openMemoryIndex(hippo.memoryIndex()))).toEqual(kept);

    // A flipped byte in the middle of its fact matrix is found only once the rows are copied (they
    // stream into the new matrix): the facts are then read from the store, and the result is exact.
    const [current] = snapshotFiles(saveDir);
    const bytes = readFileSync(join(dir, current!));
    const headerAt = bytes.readDoubleLE(bytes.length - 88 + 16);
    const header = JSON.parse(bytes.subarray(headerAt, bytes.length - 88).toString("utf8")) as { sections: { name: string; offset: number; length: number }[] };
    const matrix = header.sections.find((s) => s.name === "facts.bits")!;
    bytes[matrix.offset + matrix.length]! ^= 0x04; // half-way through its 2-byte elements
    writeFileSync(join(dir, current!), bytes);
    const store = hippo.memoryIndex().embeddings.vectors;
    const read: string[] = [];
    const get = store.get.bind(store);
    store.get = (space, ids, onRow) => (read.push(...ids), get(space, ids, onRow));
    await hippo.delete(corpus.passages.slice(55));
    const facts = (await openMemoryIndex(hippo.memoryIndex())).graph.facts.length;
    expect(read.length).toBe(facts); // every fact row, no passage row (those verified)
    const afterDelete = digest(await openMemoryIndex(hippo.memoryIndex()));
    rmSync(dir, { recursive: true });
    expect(digest(await openMemoryIndex(hippo.memoryIndex()))).toEqual(afterDelete);
    hippo.close();

    // The same index read through LanceDB: the snapshot written from SQLite's vectors is not its source.
    const other = await HippoRag.open({ saveDir, openieModel: "synthetic", encoder: new SyntheticEncoder(64), vectorDtype: "f16", vectorStore: "lancedb" });
    await openMemoryIndex(other.memoryIndex()); // stores a snapshot for the LanceDB source
    const removed = await other.delete(corpus.passages.slice(50));
    expect(removed.timings["snapshot: vectors (from the previous snapshot)"]).toBeGreaterThanOrEqual(0); // its own previous one
    other.close();
    const back = await HippoRag.open({ saveDir, openieModel: "synthetic", encoder: new SyntheticEncoder(64), vectorDtype: "f16" });
    const again = await back.delete(corpus.passages.slice(45, 50));
    expect(again.timings["snapshot: vectors (from the previous snapshot)"]).toBeUndefined(); // the LanceDB one is not SQLite's
    back.close();
  });

  it("Ctrl-C already pressed: opening stops with INTERRUPTED before reading; a snapshot that cannot be stored is one notice, not an error", async () => {
    const hippo = await synthetic();
    await hippo.index(passages);
    const controller = new AbortController();
    controller.abort();
    await expect(openMemoryIndex(hippo.memoryIndex(), controller.signal)).rejects.toMatchObject({ code: "INTERRUPTED" });
    hippo.close();

    const told = warnings();
    const saveDir = tempDir("hipporag-snap-");
    const blocked = await synthetic({ logger: told.logger }, saveDir);
    mkdirSync(join(saveDir, "cache"), { recursive: true });
    writeFileSync(join(saveDir, "cache", "snapshots"), "not a folder");
    await blocked.index(passages);
    const reference = await synthetic();
    await reference.index(passages);
    expect(await retrieveAll(blocked, questions)).toEqual(await retrieveAll(reference, questions));
    reference.close();
    expect(told.said).toHaveLength(1); // said once per HippoRag, though every open tries again
    expect(told.said[0]).toMatch(/could not store the index snapshot .* each open rebuilds the index/);
    blocked.close();
  });

  it("the graph's CSR is stored field by field: a field added later (a sweep order, a format number) survives", async () => {
    const hippo = await synthetic();
    await hippo.index(passages);
    const opened = await openMemoryIndex(hippo.memoryIndex());
    hippo.close();
    const csr = { ...opened.graph.csr, sweepOrder: Uint32Array.from({ length: opened.graph.csr.nodeCount }, (_, i) => i), layout: 2 };
    const snapshots = new IndexSnapshots(tempDir("hipporag-snap-"), "any");
    await snapshots.write("k", { ...opened, graph: { ...opened.graph, csr } } as OpenedIndex, "f32", "sqlite");
    const read = (await snapshots.read("k")) as OpenedIndex;
    expect(digest(read.graph.csr)).toEqual(digest(csr));
  });
});
