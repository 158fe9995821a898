import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { startChromaServer, type ChromaServer } from "../test-support/chroma-server.js";
import { ChromaVectorStore } from "./chroma-vector-store.js";
import { LanceDbVectorStore } from "./lancedb-vector-store.js";
import { SqliteVectorStore } from "./sqlite-vector-store.js";
import { vectorStoreContract } from "./vector-store.contract.js";
import type { VectorStore } from "./vector-store.js";
import { Workspace } from "./workspace.js";

const fresh = () => mkdtempSync(join(tmpdir(), "hipporag-vstore-"));

describe("SqliteVectorStore", () => {
  vectorStoreContract(async () => {
    const workspace = Workspace.open(fresh());
    const store = new SqliteVectorStore(workspace.db, workspace.path);
    return Object.assign(store, { close: async () => workspace.close() });
  });
});

describe("LanceDbVectorStore", () => {
  vectorStoreContract(() => LanceDbVectorStore.open(join(fresh(), "lancedb")));
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
