import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { HippoRag, toPassages } from "../src/hipporag.js";
import { LanceDbVectorStore } from "../src/store/lancedb-vector-store.js";
import { createOnnxMatmul } from "../src/embedding/onnx-matmul.js";
import { ANN_SYNONYMY_THRESHOLD, annSynonymCandidates } from "../src/graph/synonymy-ann.js";
import { MemoryIndex } from "../src/graph/memory-index.js";
import { queriesForSynonyms, synonymCandidates, DEFAULT_SYNONYMY, type NeighborList } from "../src/graph/synonymy.js";
import { quantile } from "../src/eval/bootstrap-means.js";
import { Xoshiro128 } from "../src/eval/xoshiro128.js";
import { ms } from "./bench-util.js";
import { edgeRecall, walkedLists } from "./synonymy-recall.js";
import { syntheticCorpus, SyntheticEncoder } from "./synthetic-corpus.js";
import { mulberry32 } from "./synthetic-graph.js";

/**
 * Peak RSS of each step of a case: Linux's VmHWM (the process's high-water mark) is read at the end
 * of a step and reset for the next one (`/proc/self/clear_refs`), so a step's peak is its own, not
 * the largest of the steps before it. The reset lowers getrusage's maxRSS too, so the peak over
 * several steps is the largest of theirs (`peakMb`).
 */
class StepPeaks {
  readonly peaks: Record<string, number> = {};
  private current = "";
  private highest = 0;
  private readonly began = performance.now();
  start(step: string): void {
    if (this.current) {
      const peak = vmHwmMb();
      this.peaks[`${this.current} peak MB`] = peak;
      this.highest = Math.max(this.highest, peak);
      // As it goes, on stderr: a 10× case runs for most of an hour, and one that dies still says how far it got.
      console.error(`  ${Math.round((performance.now() - this.began) / 1000)} s: ${this.current} done, its peak RSS ${peak} MB`);
    }
    this.current = step;
    writeFileSync("/proc/self/clear_refs", "5");
  }
  /** The peak RSS since the case began (the current step included). */
  peakMb(): number {
    return Math.max(this.highest, vmHwmMb());
  }
  end(): Record<string, number> {
    this.start("");
    return this.peaks;
  }
}

function vmHwmMb(): number {
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024);
}

/** One (scale, store) case of `bench-scale.ts`, in its own process. */
export async function runScaleCase(options: { scale: number; store: "sqlite" | "lancedb"; questions: number; dim: number; keep?: boolean }): Promise<Record<string, string | number>> {
  const { scale, store } = options;
  const saveDir = mkdtempSync(join(tmpdir(), `bench-scale-${scale}-${store}-`));
  try {
    return await measure(saveDir, options);
  } finally {
    // 10x holds ~8 GB of vectors on disk: a benchmark leaves none of it behind unless asked.
    if (!options.keep) rmSync(saveDir, { recursive: true, force: true });
    else console.error(`kept ${saveDir}`);
  }
}

async function measure(saveDir: string, options: { scale: number; store: "sqlite" | "lancedb"; questions: number; dim: number }): Promise<Record<string, string | number>> {
  const { scale, store, dim } = options;
  const encoder = new SyntheticEncoder(dim);
  const steps = new StepPeaks();
  const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(" ");
  const open = () => HippoRag.open({ saveDir, openieModel: "synthetic", encoder, vectorStore: store, vectorDtype: "f16" });
  steps.start("corpus + OpenIE import");
  let corpus: ReturnType<typeof syntheticCorpus> | undefined = syntheticCorpus(scale);
  const all = toPassages(corpus.passages);
  let start = performance.now();
  const hippo = await open();
  hippo.workspace.passages.insert(all);
  hippo.workspace.openie("synthetic").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus!.triples[i]! })), "synthetic");
  corpus = undefined; // the OpenIE is in the workspace now
  const built = await hippo.index(all, { onStage: (stage) => steps.start(stage) });
  const buildS = Math.round(ms(start) / 100) / 10;
  const buildRss = steps.peakMb();
  const phraseCount = built.stats.phraseNodes;
  const annBuilt = phraseCount >= ANN_SYNONYMY_THRESHOLD;
  // Edge recall of the ANN path against the exact lists this build stored (exact below the threshold);
  // above it the build itself was approximate and exact all-pairs is what cannot be afforded.
  steps.start("ANN recall check");
  const ann = store !== "sqlite" ? undefined : annBuilt ? await exactRecall(hippo, phraseCount <= EXACT_CHECK_MAX ? undefined : SAMPLED_PHRASES) : await synonymyAnnRecall(hippo);
  hippo.close();

  const random = mulberry32(3);
  const entities = Math.round(85_288 * scale);
  const questions = Array.from({ length: options.questions }, (_, i) => {
    const e = Math.floor(random() * entities);
    return `Question ${i}: what is entity ${Math.floor(e / 14)} variant ${e % 14} related to by relation ${Math.floor(random() * 50)}?`;
  });
  steps.start("open index");
  start = performance.now();
  const reader = await open();
  const retriever = await reader.retriever();
  const openS = Math.round(ms(start) / 100) / 10;
  steps.start("retrieve");
  start = performance.now();
  await reader.retrieve(questions, 200, { method: "hipporag", filter: false });
  const perQuestion = Math.round((ms(start) / questions.length) * 10) / 10;
  // The dense part of that retrieval alone, as the method runs it (groups of 64): query vectors,
  // each question's best facts, every passage's score. The rest is seeds, PageRank and ranking.
  start = performance.now();
  for (let g = 0; g < questions.length; g += 64) {
    const group = questions.slice(g, g + 64);
    const rows = group.map((_, i) => i);
    await retriever.factCorpus.topMany(await retriever.queryVectors(group, "query_to_fact"), rows, 21);
    await retriever.denseScores(await retriever.queryVectors(group, "query_to_passage"), rows);
  }
  const searchPerQuestion = Math.round((ms(start) / questions.length) * 10) / 10;
  const corpusMb = Math.round((retriever.factCorpus.bytes + retriever.passageCorpus.bytes) / 1e6);

  let annRecall: string | number = "–";
  if (reader.vectors instanceof LanceDbVectorStore) annRecall = await lanceRecall(reader, encoder, entities, 50);
  // Last, as it rewrites this index's synonym lists: an approximate build of 90% then an
  // incremental insert of the rest, against the exact lists (SQLite below the ANN threshold only,
  // where the build's lists are exact).
  steps.start("incremental check");
  const incremental = ann && !annBuilt ? await incrementalRecall(reader, all.map((p) => p.id)) : undefined;
  reader.close();
  const peaks = steps.end();
  return {
    scale: `×${scale}`,
    store,
    passages: all.length,
    phrases: built.stats.phraseNodes,
    facts: built.stats.facts,
    "synonymy edges": built.stats.synonymyEdges,
    "build s": buildS,
    "synonymy s": Math.round(built.timings.synonymy! / 100) / 10,
    "synonymy path": annBuilt ? "ANN (IVF)" : "exact",
    "ANN synonymy s": annBuilt ? "–" : (ann?.seconds ?? "–"),
    // Exact all-pairs runs in the SQLite case only (the stores hold the same vectors).
    "exact synonymy s": annBuilt ? (ann?.seconds ?? "–") : "–",
    "ANN edge recall": ann?.recall ?? "–",
    "edge recall 95% interval": ann?.interval ?? "–",
    "edge recall checked on": ann?.checkedOn ?? "–",
    "ANN weights ≠ exact": ann?.differentWeights ?? "–",
    "ANN 90% + incremental 10% edge recall": incremental?.recall ?? "–",
    "incremental weights ≠ exact": incremental?.differentWeights ?? "–",
    "build peak RSS MB": buildRss,
    "open index s": openS,
    "retrieval ms/question": perQuestion,
    "of which fact+passage search ms": searchPerQuestion,
    "fact+passage vectors MB": corpusMb,
    "LanceDB IVF recall@10": annRecall,
    ...Object.fromEntries(Object.entries(built.timings).map(([stage, t]) => [`${stage} s`, Math.round(t / 100) / 10])),
    ...peaks,
    // What a user's build, open and retrieval need (the goal's figure): not the benchmark's own recall checks.
    "peak RSS MB (build, open, retrieve)": Math.max(...Object.entries(peaks).filter(([step]) => !/check peak MB$/.test(step)).map(([, mb]) => mb)),
    "peak RSS MB (with the recall checks)": Math.max(...Object.values(peaks)),
    "load average at start": loadAtStart,
    "load average at end": loadavg().map((l) => l.toFixed(1)).join(" "),
  };
}

/**
 * Recall@10 of LanceDB's IVF index against its exact scan, over the whole vector space of the
 * encoder (passages, facts, phrases), for question vectors that are not stored themselves.
 */
async function lanceRecall(hippo: HippoRag, encoder: SyntheticEncoder, entities: number, probes: number): Promise<number> {
  const store = hippo.vectors as LanceDbVectorStore;
  const space = hippo.memoryIndex().embeddings.key;
  // Unstored names of existing entity clusters ("variant 99"): each has real near neighbours (its
  // cluster, cosine ≈ 0.85), unlike random texts, whose neighbours are all at cosine ≈ 0.
  const random = mulberry32(11);
  const queries = await encoder.embedFormatted(Array.from({ length: probes }, () => `entity ${Math.floor((random() * entities) / 14)} variant 99`));
  const row = (q: number) => queries.data.subarray(q * queries.dim, (q + 1) * queries.dim);
  const exact: Set<string>[] = [];
  for (let q = 0; q < queries.rows; q++) exact.push(new Set((await store.search(space, row(q), 10)).map((h) => h.id)));
  await store.annIndex(space);
  let found = 0;
  for (let q = 0; q < queries.rows; q++) found += (await store.search(space, row(q), 10)).filter((h) => exact[q]!.has(h.id)).length;
  return Math.round((found / (10 * queries.rows)) * 1000) / 1000;
}

/** The index's stored synonym lists, and the entity vectors and query rows they were searched with. */
async function entitySpace(hippo: HippoRag) {
  const index = hippo.memoryIndex();
  const lists = index.storedLists();
  const phrases = [...lists.keys()].sort();
  const matrix = await index.embeddings.matrix(phrases, "entity");
  if ("kind" in matrix) throw new Error("dense vectors expected");
  const rows = phrases.map((_, i) => i).filter((i) => queriesForSynonyms(phrases[i]!));
  return { lists, phrases, matrix, rows };
}

/**
 * The ANN synonymy path run over the same entity vectors as the exact build: the share of the exact
 * build's synonymy edges (phrase → neighbour) it finds, and how many of those found carry a
 * different weight (the goal is none).
 */
async function synonymyAnnRecall(hippo: HippoRag): Promise<RecallCheck> {
  const { lists: exact, phrases, matrix, rows } = await entitySpace(hippo);
  const engine = await createOnnxMatmul();
  const start = performance.now();
  const candidates = await annSynonymCandidates(phrases, matrix, rows, DEFAULT_SYNONYMY.threshold, () => true, engine);
  const seconds = Math.round(ms(start) / 100) / 10;
  await engine.dispose();
  return { seconds, ...edgeRecall(exact, walkedLists(phrases, rows, candidates)), checkedOn: "all-pairs (the exact build)" };
}

/** Phrases up to which an approximate build is checked against exact all-pairs (~4 min at 256k, ×3). */
const EXACT_CHECK_MAX = 400_000;
/** Above it, the phrases (drawn at random) whose exact lists are searched against all phrases (~20 s at ×10). */
const SAMPLED_PHRASES = 4_000;

interface RecallCheck {
  seconds: number;
  recall: number;
  differentWeights: number;
  /** "all-pairs" or "<k> sampled phrases". */
  checkedOn: string;
  /** For a sample: the 95% bootstrap interval of the recall over phrases (edges of one phrase move together). */
  interval?: string;
}

/**
 * An approximate build's lists against exact search over the same entity vectors: the share of
 * exact edges the build found, and how many of those carry a different weight (the goal is none);
 * `seconds` is the exact search's. All-pairs up to EXACT_CHECK_MAX phrases; beyond, where all-pairs
 * is what cannot be afforded (×10: ~100× the paper-size synonymy), `sample` phrases drawn at random
 * have their exact lists searched against every phrase, which estimates the same recall.
 */
async function exactRecall(hippo: HippoRag, sample?: number): Promise<RecallCheck> {
  const { lists: built, phrases, matrix, rows } = await entitySpace(hippo);
  let queries = rows;
  if (sample !== undefined && sample < rows.length) {
    const random = mulberry32(17);
    const picked = new Set<number>();
    while (picked.size < sample) picked.add(rows[Math.floor(random() * rows.length)]!);
    queries = [...picked].sort((a, b) => a - b);
  }
  const start = performance.now();
  const candidates = await synonymCandidates(phrases, matrix, queries, DEFAULT_SYNONYMY.threshold, () => true, undefined, undefined, Number.POSITIVE_INFINITY);
  const seconds = Math.round(ms(start) / 100) / 10;
  const truth = walkedLists(phrases, queries, candidates);
  const result = edgeRecall(truth, built);
  if (queries === rows) return { seconds, ...result, checkedOn: "all-pairs" };
  return { seconds, ...result, checkedOn: `${queries.length} sampled phrases`, interval: bootstrapInterval(truth, built) };
}

/**
 * 95% percentile bootstrap (1,000 resamples of the phrases, the eval's generator and percentile) of
 * the edge recall of `got` against `truth`: a ratio of sums, so each resample's found / total.
 */
function bootstrapInterval(truth: Map<string, NeighborList>, got: Map<string, NeighborList>): string {
  const found = new Float64Array(truth.size);
  const total = new Float64Array(truth.size);
  [...truth].forEach(([phrase, list], i) => {
    const mine = new Set((got.get(phrase) ?? []).map(([other]) => other));
    found[i] = list.filter(([other]) => mine.has(other)).length;
    total[i] = list.length;
  });
  const rng = Xoshiro128.fromSeed(23);
  const draws = new Uint32Array(truth.size);
  const recalls = new Float64Array(1000);
  for (let b = 0; b < recalls.length; b++) {
    rng.fillBelow(draws, truth.size);
    let f = 0;
    let t = 0;
    for (const i of draws) {
      f += found[i]!;
      t += total[i]!;
    }
    recalls[b] = t ? f / t : 1;
  }
  recalls.sort();
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  return `${pct(quantile(recalls, 0.025))}–${pct(quantile(recalls, 0.975))}`;
}

/**
 * Edge recall, against this (exact) build's lists, of an index built approximately over the first
 * 90% of the passages (every phrase new: the ANN path, forced below its threshold) and then given
 * the last 10% incrementally (the new phrases searched exactly against all, old lists merged).
 */
async function incrementalRecall(hippo: HippoRag, ids: string[]): Promise<{ recall: number; differentWeights: number }> {
  const exact = hippo.memoryIndex().storedLists();
  const index = new MemoryIndex(hippo.workspace, hippo.openieModel(), hippo.encoder, { ...DEFAULT_SYNONYMY, annAbove: 0 }, "f16", hippo.vectors);
  await index.update([]); // empties the index (vectors stay stored): the next update builds afresh
  await index.update(ids.slice(0, Math.round(ids.length * 0.9)));
  await index.update(ids);
  return edgeRecall(exact, index.storedLists());
}
