import { join } from "node:path";
import { HippoError } from "../core/errors.js";
import { fingerprint } from "../core/fingerprint.js";
import { pyTupleRepr } from "../core/ids.js";
import type { Encoder, VectorMatrix } from "../embedding/encoder.js";
import { EmbeddingStore } from "../embedding/embedding-store.js";
import type { HalfMatrix } from "../embedding/float16.js";
import type { OpenIEStore } from "../store/openie-store.js";
import type { VectorStore } from "../store/vector-store.js";
import type { Workspace } from "../store/workspace.js";
import { saveIndexSnapshot } from "./open-memory-index.js";
import { reuseRows } from "./reuse-rows.js";
import type { HeldVectors } from "../store/index-snapshot.js";
import { buildMemoryGraph, memoryGraphStats, phrasesAndFacts, type MemoryGraph } from "./build-graph.js";
import { processChunk, type ProcessedChunk } from "./process-openie.js";
import { DEFAULT_SYNONYMY, mergeNeighbors, queriesForSynonyms, synonymCandidates, synonymLists, walkCandidates, type NeighborList, type SynonymyOptions } from "./synonymy.js";

/** The identity of a memory index: which OpenIE and which vector space. Two encoders never mix. */
export function indexIdOf(openieModel: string, encoderKey: string): string {
  return `${openieModel}|${encoderKey}`;
}

function indexFingerprint(id: string, synonymy: SynonymyOptions, passages: Map<string, string | null>): string {
  return fingerprint({ id, synonymy, passages: [...passages] });
}

/**
 * The current fingerprint of a stored index, read without its encoder (what `eval` compares stored
 * runs against); undefined when the index is gone, or stale against its OpenIE.
 */
export function storedIndexFingerprint(workspace: Workspace, indexId: string): string | undefined {
  const row = workspace.indexes.get(indexId);
  if (!row) return undefined;
  const passages = workspace.indexes.passages(indexId);
  const current = workspace.openie(row.openieModel).doneTriples();
  for (const [id, hash] of passages) if (current.get(id)?.hash !== hash) return undefined;
  return indexFingerprint(indexId, row.config as SynonymyOptions, passages);
}

/**
 * How an index's passages (in index order; `excluded` left out on purpose) differ from the corpus it
 * should hold, in its order; undefined when they do not.
 */
export function corpusDrift(indexed: readonly string[], excluded: readonly string[], corpus: readonly string[]): string | undefined {
  const left = new Set(excluded);
  const have = new Set(indexed);
  const wanted = [...new Set(corpus)].filter((id) => !left.has(id));
  const wantedSet = new Set(wanted);
  const added = wanted.filter((id) => !have.has(id)).length;
  const removed = indexed.filter((id) => !wantedSet.has(id)).length;
  if (indexed.length === 0 && wanted.length > 0) return `it has not been built yet (the corpus has ${wanted.length} passage${wanted.length === 1 ? "" : "s"})`;
  if (added || removed) return `the corpus has ${added} passage${added === 1 ? "" : "s"} the index lacks, and the index has ${removed} the corpus no longer has`;
  if (indexed.join() !== wanted.join()) return "the corpus lists its passages in another order";
  return undefined;
}

export interface IndexUpdate {
  indexId: string;
  added: number;
  /** Indexed passages no longer wanted (gone from the corpus, or deleted). */
  removed: number;
  /** Indexed passages taken out because their OpenIE is no longer finished (now in `excluded`). */
  leftOut: number;
  /** Passages already indexed whose OpenIE triples changed since (re-imported or re-extracted). */
  changed: number;
  /** Whether passages that stay were put in another order (the corpus's; passage order is part of the graph). */
  reordered: boolean;
  /** Corpus passages left out because their OpenIE is not finished (--skip-failed): the index is partial. */
  excluded: string[];
  /** Phrases whose synonym list was (re)computed in this update. */
  synonymQueries: number;
  stats: MemoryGraph["stats"];
  timings: Record<string, number>;
}

/** What an index update reports as it goes: each stage as it starts, and counts within long ones. */
export interface IndexProgress {
  onStage?: (stage: string) => void;
  /** Within a stage: texts embedded, or phrases searched for synonyms, out of `total`. */
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface MissingOpenIE {
  missing: string[];
  failed: number;
}

/**
 * A HippoRAG memory stored in the workspace: its passages, and a synonym list per entity phrase.
 * The graph itself is derived from (passages' OpenIE, synonym lists) on load, so an incremental
 * update equals a from-scratch build of the same passages by construction.
 */
export class MemoryIndex {
  readonly id: string;
  readonly openie: OpenIEStore;
  readonly embeddings: EmbeddingStore;

  constructor(
    readonly workspace: Workspace,
    readonly openieModel: string,
    readonly encoder: Encoder,
    private readonly synonymy: SynonymyOptions = DEFAULT_SYNONYMY,
    vectorDtype: "f32" | "f16" = "f32",
    vectorStore?: VectorStore,
    /** One-line notices for the user (a vector store's, a damaged snapshot's). */
    readonly notice?: (message: string) => void,
  ) {
    this.openie = workspace.openie(openieModel);
    this.embeddings = new EmbeddingStore(workspace, encoder, vectorDtype, vectorStore, notice);
    this.id = indexIdOf(openieModel, this.embeddings.key);
  }

  /** Passage ids of the index, in index order. */
  passageIds(): string[] {
    return [...this.workspace.indexes.passages(this.id).keys()];
  }

  /** Which of these passages lack finished OpenIE (so cannot be indexed yet). */
  missingOpenIE(passageIds: readonly string[]): MissingOpenIE {
    const status = this.openie.statuses();
    const missing = passageIds.filter((id) => status.get(id) !== "done");
    return { missing, failed: missing.filter((id) => status.get(id) === "failed").length };
  }

  /** Adds passages (already in the workspace, with OpenIE done) after the indexed ones. */
  async add(passageIds: readonly string[], progress: IndexProgress = {}, signal?: AbortSignal): Promise<IndexUpdate> {
    return this.update([...this.passageIds(), ...passageIds], progress, signal);
  }

  /** Removes passages, then the facts and entities no remaining passage supports, and their edges. */
  async delete(passageIds: readonly string[], progress: IndexProgress = {}, signal?: AbortSignal): Promise<IndexUpdate> {
    const gone = new Set(passageIds);
    return this.update(this.passageIds().filter((id) => !gone.has(id)), progress, signal);
  }

  /**
   * Makes the index hold exactly `wanted`, in that order (duplicates keep their first place), from
   * the passages' current OpenIE: new passages are added, missing ones removed, and passages whose
   * triples changed since they were indexed are rebuilt. Passage order is part of the graph (node and
   * fact order, hence ties), so the result equals a fresh build of `wanted` in that order.
   */
  async update(wanted: readonly string[], progress: IndexProgress = {}, signal?: AbortSignal, excluded: readonly string[] = []): Promise<IndexUpdate> {
    const ids = [...new Set(wanted)];
    const lacking = this.missingOpenIE(ids);
    if (lacking.missing.length > 0) {
      throw new HippoError("INPUT", `${lacking.missing.length === 1 ? "1 passage has" : `${lacking.missing.length} passages have`} no OpenIE results for model ${this.openieModel}${lacking.failed ? ` (${lacking.failed} failed)` : ""}`, {
        suggestion: `run hipporag openie (with --llm-base-url/--llm-name ${this.openieModel}), import a results file with openie --import, or ingest a batch with --import-batch`,
      });
    }
    const current = this.openie.doneTriples();
    const { touched, dropped, ...counts } = this.changesFor(ids, excluded, (id) => current.get(id)!.hash);
    const { changed } = counts;
    this.workspace.indexes.ensure(this.id, { openieModel: this.openieModel, encoder: this.encoder.id, config: this.synonymy });
    // Embeddings (each batch committed) first; then synonym lists and passage rows in one transaction,
    // so a crash leaves the index as it was and the re-run reuses every vector computed.
    const chunks = ids.map((id) => processChunk(id, current.get(id)!.triples));
    const commitPassages = () => this.workspace.indexes.setPassages(this.id, ids.map((id) => [id, current.get(id)!.hash] as const), excluded);
    const { update, synonyms } = await this.refresh(chunks, chunks.filter((c) => touched.has(c.passageId)), progress, commitPassages, dropped.length > 0 || changed > 0, signal);
    // Committed: store what the next open reads instead of rebuilding (open-memory-index.ts). The
    // graph is built from what this update holds (the chunks in index order, every list as now
    // stored): the same graph load() builds, without reading the OpenIE and synonym lists back.
    const start = performance.now();
    progress.onStage?.("store snapshot");
    await saveIndexSnapshot(this, signal, touched.size > 0 || dropped.length > 0, () => buildMemoryGraph(chunks, synonyms), update.timings);
    update.timings["store snapshot"] = Math.round(performance.now() - start);
    return { ...update, ...counts, excluded: [...excluded] };
  }

  /**
   * What update(wanted, excluded) changes, computed without writing (also for index --dry-run):
   * `hashOf` gives each wanted passage's OpenIE triples hash (undefined: not extracted yet, so it
   * is added or rebuilt once it is).
   */
  changesFor(wanted: readonly string[], excluded: readonly string[], hashOf: (id: string) => string | undefined): Pick<IndexUpdate, "added" | "removed" | "leftOut" | "changed" | "reordered"> & { touched: Set<string>; dropped: string[] } {
    const ids = [...new Set(wanted)];
    const before = this.indexedHashes();
    const wantedSet = new Set(ids);
    const excludedSet = new Set(excluded);
    const dropped = [...before.keys()].filter((id) => !wantedSet.has(id));
    const leftOut = dropped.filter((id) => excludedSet.has(id)).length;
    const touched = new Set(ids.filter((id) => !before.has(id) || before.get(id) !== hashOf(id))); // new or changed
    const changed = ids.filter((id) => before.has(id) && touched.has(id)).length;
    const reordered = [...before.keys()].filter((id) => wantedSet.has(id)).join() !== ids.filter((id) => before.has(id)).join();
    return { added: touched.size - changed, removed: dropped.length - leftOut, leftOut, changed, reordered, touched, dropped };
  }

  /** Passage id → the hash of the triples it was indexed with (null: indexed by an older version), in index order. */
  private indexedHashes(): Map<string, string | null> {
    return this.workspace.indexes.passages(this.id);
  }

  /**
   * Why the stored index no longer matches its inputs (undefined when it does): passages whose OpenIE
   * changed or is gone since they were indexed, and, given the corpus it should hold, passages added,
   * removed or reordered since. Nothing built on a stale index is served as current.
   */
  staleness(corpus?: readonly string[], indexed = this.indexedHashes()): string | undefined {
    const current = this.openie.doneTriplesHashes();
    // A partial index (--skip-failed) left these out; it is stale once one of them has its OpenIE.
    const excluded = this.excluded();
    const nowDone = excluded.filter((id) => current.has(id)).length;
    let changed = 0;
    let gone = 0;
    for (const [id, hash] of indexed) {
      const now = current.get(id);
      if (!now) gone++;
      else if (now !== hash) changed++;
    }
    const problems: string[] = [];
    if (changed) problems.push(`the OpenIE results of ${changed} passage${changed === 1 ? "" : "s"} changed since it was built`);
    if (gone) problems.push(`${gone} indexed passage${gone === 1 ? " no longer has" : "s no longer have"} finished OpenIE results`);
    if (nowDone) problems.push(`${nowDone} passage${nowDone === 1 ? "" : "s"} left out for lack of OpenIE now ha${nowDone === 1 ? "s" : "ve"} it`);
    const drift = corpus && corpusDrift([...indexed.keys()], excluded, corpus);
    if (drift) problems.push(drift);
    // Never built, while others are: most often another OpenIE model, encoder or precision was named.
    if (indexed.size === 0 && !this.workspace.indexes.get(this.id)) {
      const others = this.workspace.indexes.all().map((row) => row.id).filter((id) => id !== this.id && this.workspace.indexes.passages(id).size > 0);
      if (others.length > 0) problems.push(`this workspace holds ${others.length === 1 ? "the index" : "the indexes"} ${others.join(", ")} instead: to use one, name the OpenIE model (--openie-llm-name, or --llm-name when no LLM is configured), --embedding-name (with its --instruction-format) and --vectors it was built with`);
    }
    return problems.length ? `the index ${this.id} is out of date: ${problems.join("; ")}` : undefined;
  }

  /** Throws when the index is stale (see `staleness`), with the command that brings it up to date. */
  assertFresh(corpus?: readonly string[]): void {
    const problem = this.staleness(corpus);
    if (problem) throw staleIndex(problem);
  }

  /**
   * assertFresh() and fingerprint() from one read of the index's passages (what opening it for
   * retrieval checks), and how many passages it holds.
   */
  freshState(): { fingerprint: string; passages: number } {
    const indexed = this.indexedHashes();
    const problem = this.staleness(undefined, indexed);
    if (problem) throw staleIndex(problem);
    return { fingerprint: indexFingerprint(this.id, this.synonymy, indexed), passages: indexed.size };
  }

  /** Corpus passages the index left out for lack of finished OpenIE (--skip-failed); empty when it is complete. */
  excluded(): string[] {
    return this.workspace.indexes.excluded(this.id);
  }

  /**
   * A fingerprint of everything the index is computed from: its identity (OpenIE model, encoder,
   * vector precision), synonymy settings, and each passage with the hash of its triples, in order.
   * Every result retrieved from the index records it.
   */
  fingerprint(): string {
    return indexFingerprint(this.id, this.synonymy, this.indexedHashes());
  }


  /** The graph of the current passages (no OpenIE, no encoder calls: lists and OpenIE are stored). */
  load(): { graph: MemoryGraph; chunks: ProcessedChunk[] } {
    this.assertFresh();
    const triples = this.openie.doneTriples();
    const chunks = this.passageIds().map((id) => processChunk(id, triples.get(id)!.triples));
    return { graph: buildMemoryGraph(chunks, this.storedLists()), chunks };
  }

  /**
   * Matrices of a loaded graph to search: passage, fact (tuple repr, as upstream embeds it) vectors;
   * f16 ones held as f16. Rows `held` (an earlier snapshot) has are taken from it, the rest read.
   */
  async vectors(graph: MemoryGraph, contents: readonly string[], held?: HeldVectors): Promise<{ passages: VectorMatrix | HalfMatrix; facts: VectorMatrix | HalfMatrix; reused: number }> {
    const passages = await reuseRows(contents, await held?.passages(), (texts) => this.embeddings.searchMatrix(texts, "passage"));
    await new Promise<void>((resolve) => setImmediate(resolve)); // a turn for Ctrl-C between the two reads
    const facts = await reuseRows(graph.facts.map(pyTupleRepr), await held?.facts(), (texts) => this.embeddings.searchMatrix(texts, "fact"));
    return { passages: passages.matrix, facts: facts.matrix, reused: passages.reused + facts.reused };
  }

  /** Passage strings (`title\ntext`) as stored in the workspace, in the given order. */
  passageContents(passageIds: readonly string[]): string[] {
    return this.workspace.passages.contents(passageIds) as string[];
  }

  /** The stored synonym list of every phrase of the index. */
  storedLists(): Map<string, NeighborList> {
    return this.workspace.indexes.synonyms(this.id);
  }

  /**
   * Brings embeddings and synonym lists in line with `chunks`: embeds what is missing, computes lists
   * for new phrases, and recomputes the lists of old phrases that a new phrase now reaches (it may
   * enter their top 101) or that pointed at a removed phrase. Equal to computing every list afresh.
   */
  private async refresh(
    chunks: ProcessedChunk[],
    added: ProcessedChunk[],
    progress: IndexProgress,
    commitPassages: () => void,
    removedAny = false,
    signal?: AbortSignal,
  ): Promise<{ update: Omit<IndexUpdate, "added" | "removed" | "leftOut" | "changed" | "reordered" | "excluded">; synonyms: Map<string, NeighborList> }> {
    const changed = added.length > 0 || removedAny;
    const timings: Record<string, number> = {};
    let stage = "";
    const counts = (done: number, total: number) => progress.onProgress?.(stage, done, total);
    // Ctrl-C between stages or inside one (an embedding call cut short): nothing of this update is
    // committed yet; the vectors computed are stored batch by batch, so the re-run resumes from them.
    const interrupted = (during: string) => new HippoError("INTERRUPTED", `interrupted while indexing${during}: nothing of this update was committed`, { suggestion: "re-run the same command to resume; every vector computed so far is kept" });
    const time = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
      if (signal?.aborted) throw interrupted("");
      progress.onStage?.(name);
      stage = name;
      const start = performance.now();
      let result: T;
      try {
        result = await work();
      } catch (error) {
        // A stage's own interruption message (the synonymy search's) already says this; a call's does not.
        if (HippoError.isInstance(error) && error.code === "INTERRUPTED" && error.suggestion) throw error;
        if (signal?.aborted || (HippoError.isInstance(error) && error.code === "INTERRUPTED")) throw interrupted(` (${name})`);
        throw error;
      }
      timings[name] = Math.round(performance.now() - start);
      return result;
    };
    const all = phrasesAndFacts(chunks);
    const { phrases } = all;
    // Passage and fact vectors only need to exist (retrieval loads them), and only the new passages'
    // can be missing: a passage is committed to the index after its vectors. Entity vectors feed synonymy.
    await time("embed passages", () => this.embeddings.ensure(this.passageContents(added.map((c) => c.passageId)), "passage", counts, signal));
    await time("embed facts", () => this.embeddings.ensure(phrasesAndFacts(added).facts.map(pyTupleRepr), "fact", counts, signal));
    // Synonymy searches a "space" whose rows may be in a cache file's order and hold phrases outside
    // this index (ineligible): `names[row]` is each row's phrase.
    const spaceReady = time("embed entities", () => this.embeddings.searchSpace(phrases, "entity", join(this.workspace.saveDir, "cache"), counts, signal));
    // Parsed while the entity rows are read from their cache file (~0.4 s each at the paper's size).
    spaceReady.catch(() => undefined); // awaited just below; not unhandled if the parse throws first
    const stored = this.storedLists();
    const space = await spaceReady;
    const names = space.names;
    const rowOf = new Map(names.map((p, i) => [p, i]));
    const present = new Set(phrases);
    const eligible = (row: number) => present.has(names[row]!);

    const removedPhrases = [...stored.keys()].filter((p) => !present.has(p));
    const removedSet = new Set(removedPhrases);
    const newRows = phrases.filter((p) => !stored.has(p)).map((p) => rowOf.get(p)!);
    let synonymQueries = 0;
    const lists = await time("synonymy", async () => {
      const out = new Map<string, NeighborList>();
      if (!changed && newRows.length === 0 && removedPhrases.length === 0) return out;
      if (newRows.length === phrases.length) {
        synonymQueries = newRows.length;
        return synonymLists(names, space.matrix, newRows, this.synonymy, eligible, signal, counts);
      }
      // New phrases query against all. Cosine is symmetric, so the same candidates say which old
      // phrases a new one reaches: an old list is the top-101 of its candidates, hence the top-101 of
      // (old list ∪ new candidates) is exact, with no search for the old phrase. Candidates are
      // uncapped: a new phrase with more than 101 can still enter the top-101 of an old phrase that
      // is not in its own list. Every new phrase is searched, even one too short to have a list of
      // its own ("u k", "70"): an old phrase's list may take it, as a fresh build's search finds it
      // (only "" is never a neighbour).
      const candidates = await synonymCandidates(names, space.matrix, newRows.filter((q) => names[q] !== ""), this.synonymy.threshold, eligible, signal, counts, this.synonymy.annAbove, this.synonymy.ann);
      for (const q of newRows) out.set(names[q]!, queriesForSynonyms(names[q]!) ? walkCandidates(names, q, candidates.get(q) ?? [], this.synonymy) : []);
      synonymQueries = newRows.length;
      const reached = new Map<string, NeighborList>();
      for (const [q, found] of candidates) {
        for (const [j, score] of found) {
          const other = names[j]!;
          if (j === q || other === "" || !stored.has(other) || removedSet.has(other) || !queriesForSynonyms(other)) continue;
          const entry = reached.get(other) ?? [];
          entry.push([names[q]!, score]);
          reached.set(other, entry);
        }
      }
      // A removed neighbour leaves a gap; a full list (at the cap) may have had more candidates
      // behind it, so only those are searched again.
      const requery: number[] = [];
      for (const [phrase, list] of stored) {
        if (removedSet.has(phrase)) continue;
        const kept = list.filter(([other]) => !removedSet.has(other));
        const added = reached.get(phrase) ?? [];
        if (kept.length < list.length && list.length >= this.synonymy.maxNeighbors) {
          requery.push(rowOf.get(phrase)!);
          continue;
        }
        if (kept.length === list.length && added.length === 0) continue;
        out.set(phrase, mergeNeighbors(kept, added, this.synonymy.maxNeighbors));
      }
      if (requery.length) {
        synonymQueries += requery.length;
        for (const [phrase, list] of await synonymLists(names, space.matrix, requery, this.synonymy, eligible, signal)) out.set(phrase, list);
      }
      return out;
    });
    this.workspace.transaction(() => {
      this.workspace.indexes.writeSynonyms(this.id, lists, removedPhrases);
      commitPassages();
    });
    // The stored lists as they now are, without reading them back.
    for (const [phrase, list] of lists) stored.set(phrase, list);
    for (const phrase of removedPhrases) stored.delete(phrase);
    const stats = await time("count graph", () => memoryGraphStats(chunks, stored, all));
    return { update: { indexId: this.id, synonymQueries, stats, timings }, synonyms: stored };
  }
}

function staleIndex(problem: string): HippoError {
  return new HippoError("INPUT", problem, { suggestion: "run hipporag index (with the same --llm-name and --embedding-name) to bring it up to date; results stored before stay unused until then" });
}
