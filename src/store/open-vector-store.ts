import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { usageError } from "../core/errors.js";
import { noSecretsInLocation } from "../core/validate.js";
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
  const { kind, location } = checkVectorStoreSettings(workspace.saveDir, settings);
  if (kind === "sqlite") return workspace.vectors;
  if (kind === "lancedb") {
    const { LanceDbVectorStore } = await import("./lancedb-vector-store.js");
    return LanceDbVectorStore.open(location);
  }
  const { ChromaVectorStore } = await import("./chroma-vector-store.js");
  return ChromaVectorStore.open(location);
}

/**
 * The store's kind and where it is, checked without opening anything (also for a store that will
 * not be used, e.g. with a sparse encoder: a bad location is the caller's mistake all the same).
 */
export function checkVectorStoreSettings(saveDir: string, settings: VectorStoreKind | VectorStoreSettings): { kind: VectorStoreKind; location: string } {
  const { kind, url } = typeof settings === "string" ? { kind: settings, url: undefined } : settings;
  if (!VECTOR_STORE_KINDS.includes(kind)) throw usageError(`unknown vector store ${JSON.stringify(kind)}`, `choose one of ${VECTOR_STORE_KINDS.join(", ")}`);
  if (kind === "sqlite") {
    if (url) throw usageError("the sqlite vector store is the workspace file itself and takes no URL", "drop --vector-store-url, or choose --vector-store lancedb or chroma");
    return { kind, location: saveDir };
  }
  if (kind === "lancedb") {
    const location = url ?? join(saveDir, "lancedb");
    checkLanceLocation(location);
    return { kind, location };
  }
  const target = url ?? "http://localhost:8000";
  // The Chroma client here sends no credentials: a password in the URL would only be stored and shown.
  noSecretsInLocation("--vector-store-url", target, "this client sends no credentials to Chroma: give the server's URL alone (run it where only you can reach it, e.g. on localhost or a private network)");
  if (!/^https?:\/\//.test(target)) throw usageError(`--vector-store-url for chroma must be an http(s) URL, got ${JSON.stringify(target)}`, "e.g. http://localhost:8000");
  return { kind, location: target };
}

/**
 * LanceDB takes a local folder (created if missing, in a folder that exists) or an object-store URI
 * (s3://, gs://, az://, …). Anything else fails deep inside its Rust core, as an "internal error"
 * with a chain of Rust messages: refused here instead, naming the path.
 */
function checkLanceLocation(location: string): void {
  const hint = "give --vector-store-url a folder (default <save-dir>/lancedb) or an object-store URI such as s3://bucket/path";
  if (location.trim() === "") throw usageError("--vector-store-url is empty", hint);
  // A query string is where an Azure SAS token or a signed URL's signature would be: refused too.
  noSecretsInLocation("--vector-store-url", location, "give object-store credentials the way LanceDB reads them (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for s3://, GOOGLE_SERVICE_ACCOUNT for gs://, AZURE_STORAGE_ACCOUNT_NAME/AZURE_STORAGE_ACCOUNT_KEY for az://), never in the URI");
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") throw usageError(`--vector-store-url ${JSON.stringify(location)}: LanceDB reads folders and object stores, not http(s) servers (that is --vector-store chroma)`, hint);
  if (scheme && scheme !== "file") return; // an object store: LanceDB connects to it itself
  const path = scheme ? location.slice("file://".length) : location;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw usageError(`--vector-store-url ${path} is a file, not a folder`, hint);
  if (!stat && !statSync(dirname(resolve(path)), { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`--vector-store-url ${path}: the folder ${dirname(resolve(path))} does not exist`, "create it first, or choose a folder inside an existing one");
  }
}
