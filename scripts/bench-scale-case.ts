import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HippoRag, toPassages } from "../src/hipporag.js";
import { OpenIEStore } from "../src/openie/openie-store.js";
import { LanceDbVectorStore } from "../src/store/lancedb-vector-store.js";
import { insertPassages } from "../src/store/passage-store.js";
import { ms, peakRssMb } from "./bench-util.js";
import { syntheticCorpus, SyntheticEncoder } from "./synthetic-corpus.js";
import { mulberry32 } from "./synthetic-graph.js";

/** One (scale, store) case of `bench-scale.ts`, in its own process. */
export async function runScaleCase(options: { scale: number; store: "sqlite" | "lancedb"; questions: number; dim: number }): Promise<Record<string, string | number>> {
  const { scale, store, dim } = options;
  const saveDir = mkdtempSync(join(tmpdir(), `bench-scale-${scale}-${store}-`));
  const encoder = new SyntheticEncoder(dim);
  const open = () => HippoRag.open({ saveDir, openieModel: "synthetic", encoder, vectorStore: store, vectorDtype: "f16" });
  let corpus: ReturnType<typeof syntheticCorpus> | undefined = syntheticCorpus(scale);
  const all = toPassages(corpus.passages);
  let start = performance.now();
  const hippo = await open();
  insertPassages(hippo.workspace, all);
  new OpenIEStore(hippo.workspace, "synthetic").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus!.triples[i]! })), "synthetic");
  corpus = undefined; // the OpenIE is in the workspace now
  const built = await hippo.index(all);
  const buildS = Math.round(ms(start) / 100) / 10;
  const buildRss = peakRssMb();
  hippo.close();

  const random = mulberry32(3);
  const entities = Math.round(85_288 * scale);
  const questions = Array.from({ length: options.questions }, (_, i) => {
    const e = Math.floor(random() * entities);
    return `Question ${i}: what is entity ${Math.floor(e / 14)} variant ${e % 14} related to by relation ${Math.floor(random() * 50)}?`;
  });
  start = performance.now();
  const reader = await open();
  await reader.retriever();
  const openS = Math.round(ms(start) / 100) / 10;
  start = performance.now();
  await reader.retrieve(questions, 200, { method: "hipporag", filter: false });
  const perQuestion = Math.round((ms(start) / questions.length) * 10) / 10;

  let annRecall: string | number = "–";
  if (reader.vectors instanceof LanceDbVectorStore) annRecall = await lanceRecall(reader, encoder, entities, 50);
  reader.close();
  return {
    scale: `×${scale}`,
    store,
    passages: all.length,
    phrases: built.stats.phraseNodes,
    facts: built.stats.facts,
    "synonymy edges": built.stats.synonymyEdges,
    "build s": buildS,
    "synonymy s": Math.round(built.timings.synonymy! / 100) / 10,
    "synonymy edge recall": "exact (no ANN path)",
    "build peak RSS MB": buildRss,
    "open index s": openS,
    "retrieval ms/question": perQuestion,
    "peak RSS MB": peakRssMb(),
    "LanceDB IVF recall@10": annRecall,
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
