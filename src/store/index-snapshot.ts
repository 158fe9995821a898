import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fingerprint } from "../core/fingerprint.js";
import { md5Hex, pyTupleRepr } from "../core/ids.js";
import type { VectorMatrix } from "../embedding/encoder.js";
import type { HalfMatrix } from "../embedding/float16.js";
import type { MemoryGraph } from "../graph/build-graph.js";
import type { CsrGraph } from "../graph/csr-graph.js";
import { checkSweepGraph, type PprSweepGraph } from "../graph/ppr-sweep-graph.js";
import { copyRunsFrom, type HeldRows } from "../graph/reuse-rows.js";
import { readSnapshotFile, sectionTypeOf, writeSnapshotFile, type SectionArray, type SectionInput, type SectionType } from "./snapshot-file.js";
import type { VectorPrecision, VectorStore } from "./vector-store.js";

/**
 * Bumped whenever what is stored, or how, changes: a snapshot of another format is never read.
 * (A new field of CsrGraph needs no bump: its fields are stored generically, by name.)
 */
export const SNAPSHOT_FORMAT = 3;

/** Everything Retriever.create needs of an index: its graph, passage texts, passage and fact vectors. */
export interface OpenedIndex {
  graph: MemoryGraph;
  /** Passage strings (`title\ntext`) in graph.passageIds order. */
  contents: string[];
  /** (passages × d), as stored (before any encoder search weighting). */
  passages: VectorMatrix | HalfMatrix;
  /** (facts × d), row i the vector of graph.facts[i]'s tuple repr. */
  facts: VectorMatrix | HalfMatrix;
  /** graph.csr as PageRank sweeps it (its node order, computed at index time, not at the first query). */
  sweep: PprSweepGraph;
}

/**
 * What a snapshot is a function of: the index fingerprint (OpenIE triples hashes, synonymy settings,
 * encoder and precision), which store the vectors were read from, and the format. Passage ids are
 * content hashes, so the fingerprint covers passage texts too; a stored vector is a pure function of
 * (encoder, input), the rule DenseRowCache relies on as well.
 */
export function snapshotKey(indexFingerprint: string, store: Pick<VectorStore, "kind" | "location">): string {
  return fingerprint({ format: SNAPSHOT_FORMAT, index: indexFingerprint, vectors: vectorSource(store) });
}

/** Which vector store a snapshot's vectors were read from. SQLite's are the workspace file itself: moving the save dir does not change them. */
export function vectorSource(store: Pick<VectorStore, "kind" | "location">): string {
  return store.kind === "sqlite" ? "sqlite" : `${store.kind}:${store.location}`;
}

/** The dense rows an earlier snapshot of an index holds, by the text each vector is of. */
export interface HeldVectors {
  /** Passage strings (`title\ntext`) and their vectors. */
  passages(): Promise<HeldRows | undefined>;
  /** Facts (tuple repr, as embedded) and their vectors. */
  facts(): Promise<HeldRows | undefined>;
}

/**
 * The snapshots of one index in `<saveDir>/cache/snapshots/<md5(index id)>-<key>.snap`, at most one
 * kept per index: writing a new one removes the older ones (and temporary files a crash left).
 */
export class IndexSnapshots {
  private readonly prefix: string;

  constructor(
    private readonly dir: string,
    indexId: string,
  ) {
    this.prefix = `${md5Hex(indexId)}-`;
  }

  path(key: string): string {
    return join(this.dir, `${this.prefix}${key}.snap`);
  }

  /** The snapshot stored for `key`, verified; `{ problem }` when there is none usable. */
  async read(key: string, signal?: AbortSignal, timings: Record<string, number> = {}): Promise<OpenedIndex | { problem: string }> {
    let start = performance.now();
    const file = await readSnapshotFile(this.path(key), key, signal);
    timings["read + verify snapshot"] = performance.now() - start;
    if (!file.ok) return { problem: file.problem };
    try {
      start = performance.now();
      return decode(file.meta as SnapshotMeta, file.sections);
    } catch (error) {
      return { problem: `unreadable (${(error as Error).message})` };
    } finally {
      timings["decode (strings, facts, phrase map)"] = performance.now() - start;
    }
  }

  /** Whether a file for `key` is present (not verified: a bad one is found, and replaced, on open). */
  has(key: string): boolean {
    try {
      return statSync(this.path(key)).isFile();
    } catch {
      return false;
    }
  }

  /**
   * The vectors of this index's newest snapshot other than `key`'s, when they were read from
   * `source` (vectorSource) and are dense: what an update's new snapshot need not read from the
   * vector store again. Each part's texts are read (and verified) on its own call; its matrix is
   * never loaded: the rows wanted stream into the caller's matrix (HeldRows.copy, false if the
   * section does not verify). Undefined when there is no such snapshot.
   */
  held(key: string, source: string, signal?: AbortSignal): HeldVectors | undefined {
    let newest: { path: string; mtime: number } | undefined;
    try {
      for (const name of readdirSync(this.dir)) {
        if (!name.startsWith(this.prefix) || !name.endsWith(".snap") || name === `${this.prefix}${key}.snap`) continue;
        const path = join(this.dir, name);
        const mtime = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
        if (mtime >= 0 && (!newest || mtime > newest.mtime)) newest = { path, mtime };
      }
    } catch {
      return undefined; // no snapshot folder yet
    }
    if (!newest) return undefined;
    const path = newest.path;
    const read = async (names: (name: string) => boolean) => {
      const file = await readSnapshotFile(path, key, signal, { anyKey: true, sections: names });
      if (!file.ok) return undefined;
      const meta = file.meta as Partial<SnapshotMeta>;
      return meta.vectors === source ? { meta: meta as SnapshotMeta, sections: file.sections, header: file.header } : undefined;
    };
    // The texts come from a first read; the matrix rows wanted are then streamed from a second read
    // of the same file (its header checksum), straight into the caller's matrix.
    const rows = (name: "passages" | "facts", texts: readonly string[], file: { meta: SnapshotMeta; header: string }): HeldRows | undefined => {
      const record = file.meta[name];
      const fields = Object.keys(record.arrays);
      if (fields.length !== 1 || !(fields[0] === "data" || fields[0] === "bits")) return undefined; // sparse
      const field = fields[0];
      const dim = Number(record.scalars.dim);
      if (Number(record.scalars.rows) !== texts.length || !(dim > 0)) return undefined;
      const kind = field === "bits" ? "f16" : "f32";
      const rowBytes = dim * (kind === "f16" ? 2 : 4);
      const sectionName = `${name}.${field}`;
      return {
        texts,
        kind,
        dim,
        copy: async (runs, out) => {
          const streamed = await readSnapshotFile(path, key, signal, { anyKey: true, header: file.header, sections: (s) => s === sectionName, sinks: (s) => (s === sectionName ? (bytes, at) => copyRunsFrom(bytes, at, runs, rowBytes, out) : undefined) });
          return streamed.ok;
        },
      };
    };
    return {
      passages: async () => {
        const file = await read((name) => name.startsWith("contents."));
        return file && rows("passages", readStrings("contents", file.sections), file);
      },
      facts: async () => {
        const file = await read((name) => /^(phrases|predicates)\.|^(factNodes|factPredicate)$/.test(name));
        return file && rows("facts", factsOf(file.sections).map(pyTupleRepr), file);
      },
    };
  }

  /** Writes the snapshot of `opened` for `key` (atomically), then removes this index's other snapshots. */
  async write(key: string, opened: OpenedIndex, precision: VectorPrecision, source: string, signal?: AbortSignal): Promise<void> {
    const { meta, sections } = encode(opened, precision, source);
    mkdirSync(this.dir, { recursive: true });
    await writeSnapshotFile(this.path(key), key, meta, sections, signal);
    this.prune(key);
  }

  private prune(keep: string): void {
    const kept = `${this.prefix}${keep}.snap`;
    const hour = Date.now() - 3600_000;
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith(this.prefix) || name === kept) continue;
      const path = join(this.dir, name);
      // Another process may be writing a temporary file right now: only old ones are leftovers.
      if (name.includes(".tmp-") && (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) > hour) continue;
      rmSync(path, { force: true });
    }
  }
}

// ---------- encoding: strings as (UTF-16 lengths, one UTF-8 blob); typed-array records by field

interface SnapshotMeta {
  stats: MemoryGraph["stats"];
  csr: RecordMeta;
  passages: RecordMeta;
  facts: RecordMeta;
  sweep: RecordMeta;
  /** Distinct fact predicates: facts are [phrase, predicates[i], phrase], subject and object from factNodes. */
  predicates: number;
  /** The vector store the vectors were read from (vectorSource); absent in snapshots written before it was stored. */
  vectors?: string;
}

/** The scalar fields of a record, and its typed-array fields' names and section types. */
type RecordMeta = { scalars: Record<string, number | string | boolean>; arrays: Record<string, SectionType> };

function encode(opened: OpenedIndex, precision: VectorPrecision, source: string): { meta: SnapshotMeta; sections: SectionInput[] } {
  const { graph } = opened;
  const sections: SectionInput[] = [];
  // Facts: only the predicate is not already a phrase; stored once per distinct predicate.
  const predicateIds = new Map<string, number>();
  const factPredicate = new Uint32Array(graph.facts.length);
  graph.facts.forEach((fact, i) => {
    if (fact.length !== 3 || graph.phrases[graph.factNodes[2 * i]!] !== fact[0] || graph.phrases[graph.factNodes[2 * i + 1]!] !== fact[2]) {
      throw new TypeError(`fact ${i} is not [phrase, predicate, phrase] as factNodes says`);
    }
    let id = predicateIds.get(fact[1]!);
    if (id === undefined) predicateIds.set(fact[1]!, (id = predicateIds.size));
    factPredicate[i] = id;
  });
  sections.push(...strings("phrases", graph.phrases), ...strings("passageIds", graph.passageIds), ...strings("contents", opened.contents), ...strings("predicates", [...predicateIds.keys()]));
  sections.push({ name: "factPredicate", type: "u32", data: factPredicate }, { name: "factNodes", type: "u32", data: graph.factNodes }, { name: "phrasePassageCount", type: "u32", data: graph.phrasePassageCount });
  // Dense vectors keep their stored precision: an f16 search matrix (HalfMatrix) is stored as its bits
  // (u16) and read back as one, never widened; an f32 matrix of an f16 space is stored as f16 (its
  // values were rounded to half precision before storing, so they are exact).
  const vectorType: SectionType = precision === "f16" ? "f16" : "f32";
  const meta: SnapshotMeta = {
    stats: graph.stats,
    csr: record("csr", graph.csr, sections),
    passages: record("passages", opened.passages, sections, { data: vectorType }),
    facts: record("facts", opened.facts, sections, { data: vectorType }),
    sweep: record("sweep", opened.sweep, sections),
    predicates: predicateIds.size,
    vectors: source,
  };
  return { meta, sections };
}

/** The fact triples: subject and object phrases from factNodes, predicates by number. */
function factsOf(sections: Map<string, SectionArray>, phrases = readStrings("phrases", sections)): string[][] {
  const predicates = readStrings("predicates", sections);
  const factNodes = section(sections, "factNodes") as Uint32Array;
  const factPredicate = section(sections, "factPredicate") as Uint32Array;
  return Array.from(factPredicate, (p, i) => [phrases[factNodes[2 * i]!]!, predicates[p]!, phrases[factNodes[2 * i + 1]!]!]);
}

function decode(meta: SnapshotMeta, sections: Map<string, SectionArray>): OpenedIndex {
  const phrases = readStrings("phrases", sections);
  const factNodes = section(sections, "factNodes") as Uint32Array;
  const facts = factsOf(sections, phrases);
  const graph: MemoryGraph = {
    phrases,
    passageIds: readStrings("passageIds", sections),
    facts,
    factNodes,
    phrasePassageCount: section(sections, "phrasePassageCount") as Uint32Array,
    csr: readRecord<CsrGraph>("csr", meta.csr, sections),
    stats: meta.stats,
    phraseIndex: new Map(phrases.map((p, i) => [p, i])),
  };
  const sweep = readRecord<PprSweepGraph>("sweep", meta.sweep, sections);
  checkSweepGraph(graph.csr, sweep);
  return { graph, contents: readStrings("contents", sections), passages: readRecord<VectorMatrix | HalfMatrix>("passages", meta.passages, sections), facts: readRecord<VectorMatrix | HalfMatrix>("facts", meta.facts, sections), sweep };
}

/** Every field of `value`: typed arrays become sections `<name>.<field>`, scalars go to the metadata. */
function record(name: string, value: object, out: SectionInput[], types: Record<string, SectionType> = {}): RecordMeta {
  const meta: RecordMeta = { scalars: {}, arrays: {} };
  for (const [field, v] of Object.entries(value)) {
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") meta.scalars[field] = v;
    else {
      const type = types[field] ?? sectionTypeOf(v);
      if (!type) throw new TypeError(`${name}.${field} is neither a typed array nor a scalar: the snapshot format cannot hold it`);
      meta.arrays[field] = type;
      out.push({ name: `${name}.${field}`, type, data: v as SectionArray });
    }
  }
  return meta;
}

function readRecord<T>(name: string, meta: RecordMeta, sections: Map<string, SectionArray>): T {
  const value: Record<string, unknown> = { ...meta.scalars };
  for (const field of Object.keys(meta.arrays)) value[field] = section(sections, `${name}.${field}`);
  return value as T;
}

function strings(name: string, values: readonly string[]): SectionInput[] {
  const lengths = new Uint32Array(values.length);
  values.forEach((v, i) => {
    // A lone surrogate does not survive UTF-8; loaders reject such text, so this is a bug guard.
    if (!(v as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new TypeError(`${name}[${i}] is not well-formed UTF-16`);
    lengths[i] = v.length;
  });
  return [
    { name: `${name}.lengths`, type: "u32", data: lengths },
    { name: `${name}.utf8`, type: "u8", data: new TextEncoder().encode(values.join("")) },
  ];
}

/** One decode of the whole blob, then slices by UTF-16 length: no decode call per string. */
function readStrings(name: string, sections: Map<string, SectionArray>): string[] {
  const lengths = section(sections, `${name}.lengths`) as Uint32Array;
  const text = new TextDecoder().decode(section(sections, `${name}.utf8`));
  const out = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) out[i] = text.slice(at, (at += lengths[i]!));
  if (at !== text.length) throw new TypeError(`${name}: lengths do not match the text`);
  return out;
}

function section(sections: Map<string, SectionArray>, name: string): SectionArray {
  const found = sections.get(name);
  if (!found) throw new TypeError(`section ${name} is missing`);
  return found;
}
