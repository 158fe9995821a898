import { join } from "node:path";
import { usageError } from "../core/errors.js";
import { VECTOR_STORE_KINDS, type VectorStore, type VectorStoreKind } from "./vector-store.js";
import type { Workspace } from "./workspace.js";

/** Which vector store, and where: a folder or URI for LanceDB, a server URL for Chroma. */
export interface VectorStoreSettings {
  kind: VectorStoreKind;
  /** LanceDB: a folder or object-store URI (default `<saveDir>/lancedb`); Chroma: the server (default http://localhost:8000). */
  url?: string;
}

/**
 * Opens the dense vector store of a workspace. SQLite (the default) is the workspace file itself;
 * the others are loaded only when chosen, so a plain run never loads their native modules.
 */
export async function openVectorStore(workspace: Workspace, settings: VectorStoreKind | VectorStoreSettings = "sqlite"): Promise<VectorStore> {
  const { kind, url } = typeof settings === "string" ? { kind: settings, url: undefined } : settings;
  if (!VECTOR_STORE_KINDS.includes(kind)) throw usageError(`unknown vector store ${JSON.stringify(kind)}`, `choose one of ${VECTOR_STORE_KINDS.join(", ")}`);
  if (kind === "sqlite") {
    if (url) throw usageError("the sqlite vector store is the workspace file itself and takes no URL", "drop --vector-store-url, or choose --vector-store lancedb or chroma");
    return workspace.vectors;
  }
  if (kind === "lancedb") {
    const { LanceDbVectorStore } = await import("./lancedb-vector-store.js");
    return LanceDbVectorStore.open(url ?? join(workspace.saveDir, "lancedb"));
  }
  const target = url ?? "http://localhost:8000";
  if (!/^https?:\/\//.test(target)) throw usageError(`--vector-store-url for chroma must be an http(s) URL, got ${JSON.stringify(target)}`, "e.g. http://localhost:8000");
  const { ChromaVectorStore } = await import("./chroma-vector-store.js");
  return ChromaVectorStore.open(target);
}
