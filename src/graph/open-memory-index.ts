import { existsSync } from "node:fs";
import { join } from "node:path";
import { cooperative } from "../core/cooperate.js";
import { HippoError } from "../core/errors.js";
import { IndexSnapshots, snapshotKey, vectorSource, type HeldVectors, type OpenedIndex } from "../store/index-snapshot.js";
import type { EmbeddingStore } from "../embedding/embedding-store.js";
import type { VectorMatrix } from "../embedding/encoder.js";
import type { HalfMatrix } from "../embedding/float16.js";
import type { Workspace } from "../store/workspace.js";
import type { MemoryGraph } from "./build-graph.js";
import { adoptPprSweepGraph, pprSweepGraph } from "./personalized-pagerank.js";

/** What opening needs of a MemoryIndex (written out, so memory-index.ts can call in here without a cycle). */
export interface OpenableIndex {
  readonly workspace: Workspace;
  readonly id: string;
  readonly embeddings: Pick<EmbeddingStore, "vectors" | "dtype">;
  readonly notice?: (message: string) => void;
  freshState(): { fingerprint: string };
  fingerprint(): string;
  passageIds(): string[];
  load(): { graph: MemoryGraph };
  passageContents(passageIds: readonly string[]): string[];
  /** The passage and fact matrices of `graph`, rows `held` has taken from it (`reused` of them), the rest from the vector store. */
  vectors(graph: MemoryGraph, contents: readonly string[], held?: HeldVectors): Promise<{ passages: VectorMatrix | HalfMatrix; facts: VectorMatrix | HalfMatrix; reused: number }>;
}

/**
 * Opens an index for retrieval: from its snapshot (a few large reads into typed arrays, checked
 * against their checksums) when one was stored for exactly this index state, else rebuilt from
 * the workspace (OpenIE triples, synonym lists, vectors row by row) and the snapshot written for
 * the next open. Both paths give the same graph and matrices (tested bit for bit), so a missing,
 * stale or damaged snapshot costs time and a one-line notice, never a different result. `fresh` is
 * the index's freshState() when the caller has just taken it (one read of its passages, not two).
 */
export async function openMemoryIndex(index: OpenableIndex, signal?: AbortSignal, timings: Record<string, number> = {}, fresh?: { fingerprint: string }): Promise<OpenedIndex> {
  const time = timer(timings);
  await cooperative(signal, "while opening the index: nothing was changed")(); // already pressed: stop before any read
  // A stale index is never served, whichever way it is opened (`fresh`: the caller has just checked).
  const key = time("check fresh, key", () => snapshotKey((fresh ?? index.freshState()).fingerprint, index.embeddings.vectors));
  const snapshots = snapshotsOf(index);
  const stored = await snapshots.read(key, signal, timings);
  if (!("problem" in stored)) {
    adoptPprSweepGraph(stored.graph.csr, stored.sweep);
    return stored;
  }
  // None stored is the normal first open (after an upgrade, or of a workspace built elsewhere).
  if (stored.problem !== "none stored") index.notice?.(`the index snapshot ${snapshots.path(key)} is ${stored.problem}: the index is rebuilt from the workspace`);
  const opened = await rebuild(index, signal, timings, undefined, snapshots.held(key, vectorSource(index.embeddings.vectors), signal));
  const start = performance.now();
  await write(index, snapshots, key, opened, signal);
  timings["write snapshot"] = performance.now() - start;
  return opened;
}

/** Runs `work`, adding its milliseconds to timings[name] (what scripts/bench-retrieve.ts reports by step). */
function timer(timings: Record<string, number>) {
  return <T>(name: string, work: () => T): T => {
    const start = performance.now();
    const result = work();
    timings[name] = (timings[name] ?? 0) + performance.now() - start;
    return result;
  };
}

/**
 * After an index update commits: stores the snapshot of the new state, so the next open reads it.
 * Never fails the update: the index is committed; without a snapshot the next open rebuilds. Ctrl-C
 * still stops it, saying so. An update that changed nothing keeps the snapshot there; one that
 * changed something always writes anew, even for a key seen before: above the approximate-synonymy
 * threshold an add-then-delete can come back to the same fingerprint with other synonym lists.
 */
export async function saveIndexSnapshot(
  index: OpenableIndex,
  signal?: AbortSignal,
  changed = true,
  /** The committed index's graph, from what the caller holds (else index.load() reads it back). */
  graph?: () => MemoryGraph,
  /** Each step's milliseconds, as "snapshot: <step>". */
  timings: Record<string, number> = {},
): Promise<void> {
  if (index.passageIds().length === 0) return;
  const key = snapshotKey(index.fingerprint(), index.embeddings.vectors);
  const snapshots = snapshotsOf(index);
  if (!changed && snapshots.has(key)) return;
  const steps: Record<string, number> = {};
  try {
    // An update changes a few passages: the vectors of the rest are in the snapshot it replaces.
    const opened = await rebuild(index, signal, steps, graph, snapshots.held(key, vectorSource(index.embeddings.vectors), signal));
    const start = performance.now();
    await write(index, snapshots, key, opened, signal);
    steps["write snapshot"] = performance.now() - start;
  } catch (error) {
    if (!HippoError.isInstance(error) || error.code !== "INTERRUPTED") throw error;
    throw new HippoError("INTERRUPTED", "interrupted after the index update was committed, while storing its snapshot: the update is kept, the next open rebuilds the snapshot", { suggestion: "nothing to re-run" });
  } finally {
    for (const [step, ms] of Object.entries(steps)) timings[`snapshot: ${step}`] = Math.round(ms);
  }
}

/** Whether a snapshot of the index's current state is stored (what a dry run asks: opening then reads no vector). */
export function snapshotStored(index: OpenableIndex, fingerprint: string): boolean {
  return existsSync(snapshotsOf(index).path(snapshotKey(fingerprint, index.embeddings.vectors)));
}

function snapshotsOf(index: OpenableIndex): IndexSnapshots {
  return new IndexSnapshots(join(index.workspace.saveDir, "cache", "snapshots"), index.id);
}

/**
 * The index as the workspace holds it: graph built, passage texts and vectors read (the rows `held`,
 * an earlier snapshot of this index, has from it, the rest from the vector store: the same values).
 */
async function rebuild(index: OpenableIndex, signal?: AbortSignal, timings: Record<string, number> = {}, built?: () => MemoryGraph, held?: HeldVectors): Promise<OpenedIndex> {
  const time = timer(timings);
  // A few long synchronous steps (0.3-0.6 s each on 12k passages): a turn of the event loop between
  // them lets Ctrl-C be handled, and once the signal is aborted it stops there.
  const turn = cooperative(signal, "while opening the index: nothing was changed");
  await turn();
  const graph = built ? time("build graph (from the update)", built) : time("build graph (OpenIE, synonym lists)", () => index.load().graph);
  await turn();
  // Passage text comes from the workspace (what was indexed), never from a dataset file.
  const contents = time("passage texts", () => index.passageContents(graph.passageIds));
  await turn();
  const start = performance.now();
  const { passages, facts, reused } = await index.vectors(graph, contents, held);
  timings[reused > 0 ? "vectors (from the previous snapshot)" : "vectors (from the vector store)"] = performance.now() - start;
  await turn();
  // Kept with graph.csr for this process's queries, and stored in the snapshot for the next open's.
  const sweep = time("PageRank sweep order", () => pprSweepGraph(graph.csr));
  await turn();
  return { graph, contents, passages, facts, sweep };
}

async function write(index: OpenableIndex, snapshots: IndexSnapshots, key: string, opened: OpenedIndex, signal?: AbortSignal): Promise<void> {
  try {
    await snapshots.write(key, opened, index.embeddings.dtype, vectorSource(index.embeddings.vectors), signal);
  } catch (error) {
    if (HippoError.isInstance(error) && error.code === "INTERRUPTED") throw error;
    index.notice?.(`could not store the index snapshot in ${snapshots.path(key)} (${(error as Error).message}): each open rebuilds the index until one is stored`);
  }
}
