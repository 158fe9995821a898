import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyntheticEncoder } from "../../scripts/synthetic-corpus.js";
import { startChromaServer, type ChromaServer } from "../test-support/chroma-server.js";
import { tempDir } from "../test-support/cli-harness.js";
import { ChromaVectorStore } from "./chroma-vector-store.js";
import { LanceDbVectorStore } from "./lancedb-vector-store.js";
import { SqliteVectorStore } from "./sqlite-vector-store.js";
import { vectorStoreContract } from "./vector-store.contract.js";
import type { VectorStore } from "./vector-store.js";
import { Workspace } from "./workspace.js";

const fresh = () => tempDir("hipporag-vstore-");

describe("SqliteVectorStore", () => {
  vectorStoreContract(async () => {
    const workspace = Workspace.open(fresh());
    const store = new SqliteVectorStore(workspace.db, workspace.path);
    return Object.assign(store, { close: async () => workspace.close() });
  });
});

describe("LanceDbVectorStore", () => {
  vectorStoreContract(() => LanceDbVectorStore.open(join(fresh(), "lancedb")));

  it("with an IVF index, search is approximate but finds the exact neighbours of clustered data, with exact scores", async () => {
    const store = await LanceDbVectorStore.open(join(fresh(), "lancedb"));
    const encoder = new SyntheticEncoder(32);
    const names = Array.from({ length: 3000 }, (_, e) => `entity ${Math.floor(e / 14)} variant ${e % 14}`);
    const vectors = await encoder.embedFormatted(names);
    await store.upsert("enc", names, vectors, "f32");
    const probes = await encoder.embedFormatted(Array.from({ length: 20 }, (_, i) => `entity ${i * 10} variant 99`));
    const query = (q: number) => probes.data.subarray(q * 32, (q + 1) * 32);
    const exact = [];
    for (let q = 0; q < 20; q++) exact.push(await store.search("enc", query(q), 10));
    await store.annIndex("enc");
    expect(store.exactSearch).toBe(false);
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const truth = new Map(exact[q]!.map((h) => [h.id, h.score]));
      for (const hit of await store.search("enc", query(q), 10)) {
        if (!truth.has(hit.id)) continue;
        found++;
        expect(hit.score).toBe(truth.get(hit.id));
      }
    }
    expect(found / 200).toBeGreaterThanOrEqual(0.9);
    await store.close();
  });
});

describe("ChromaVectorStore (a real server from npm)", () => {
  let server: ChromaServer;
  let n = 0;
  beforeAll(async () => {
    server = await startChromaServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  // One server for the suite; each test gets its own spaces by a prefix, so it starts empty.
  vectorStoreContract(async () => prefixed(await ChromaVectorStore.open(server.url), `t${n++}:`));
});

/** A view of a store whose spaces are all prefixed: a fresh, empty store on a shared server. */
function prefixed(store: VectorStore, prefix: string): VectorStore {
  return {
    kind: store.kind,
    location: store.location,
    exactSearch: store.exactSearch,
    dimension: (space) => store.dimension(prefix + space),
    has: (space, ids) => store.has(prefix + space, ids),
    upsert: (space, ids, vectors, precision) => store.upsert(prefix + space, ids, vectors, precision),
    get: (space, ids, onRow) => store.get(prefix + space, ids, onRow),
    search: (space, query, k) => store.search(prefix + space, query, k),
    delete: (space, ids) => store.delete(prefix + space, ids),
    close: () => store.close(),
  };
}
