/**
 * Retrieval at the paper's MuSiQue size, end to end through the library (the path `hipporag retrieve`
 * takes): opening a built index (graph derived from stored OpenIE and synonym lists, vectors loaded),
 * then ranking a batch of questions with HippoRAG 2 (no filter: no LLM here) and with dense retrieval.
 *   npx tsx scripts/bench-retrieve.ts [--scale 1] [--questions 1000] [--save-dir DIR (reuse a built index)]
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HippoRag, toPassages } from "../src/hipporag.js";
import { arg, ms, peakRssMb, report } from "./bench-util.js";
import { mulberry32 } from "./synthetic-graph.js";
import { syntheticCorpus, SyntheticEncoder } from "./synthetic-corpus.js";

const scale = arg("scale", 1);
const questionCount = arg("questions", 1000);
const dirArg = process.argv.indexOf("--save-dir");
const saveDir = dirArg > 0 ? process.argv[dirArg + 1]! : mkdtempSync(join(tmpdir(), "bench-retrieve-"));
const corpus = syntheticCorpus(scale);
const open = () => HippoRag.open({ saveDir, openieModel: "synthetic", encoder: new SyntheticEncoder() });

let start = performance.now();
let buildS: number | string = "reused";
if (!existsSync(join(saveDir, "hipporag.sqlite")) || dirArg < 0) {
  const hippo = await open();
  const all = toPassages(corpus.passages);
  hippo.workspace.passages.insert(all);
  hippo.workspace.openie("synthetic").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "synthetic");
  await hippo.index(all);
  hippo.close();
  buildS = Math.round(ms(start) / 100) / 10;
}

// Questions that name an entity of the corpus (so query-to-fact finds related facts) in varied words.
const random = mulberry32(3);
const entities = Math.round(85_288 * scale);
const questions = Array.from({ length: questionCount }, (_, i) => {
  const e = Math.floor(random() * entities);
  return `Question ${i}: what is entity ${Math.floor(e / 14)} variant ${e % 14} related to by relation ${Math.floor(random() * 50)}?`;
});

start = performance.now();
const hippo = await open();
const retriever = await hippo.retriever();
const loadS = Math.round(ms(start) / 100) / 10;
const rows: Record<string, string | number>[] = [];
for (const method of ["hipporag", "dense"] as const) {
  const t = performance.now();
  const results = await hippo.retrieve(questions, 200, { method, filter: false });
  const total = ms(t);
  rows.push({ method: method === "hipporag" ? "HippoRAG 2 (no filter)" : "dense", questions: results.length, "total s": Math.round(total / 100) / 10, "ms/question": Math.round((total / questionCount) * 10) / 10 });
}
const { stats } = retriever.graph;
report("retrieve", rows, { scale, indexBuildS: buildS, openIndexS: loadS, peakRssMb: peakRssMb(), graph: { phrases: stats.phraseNodes, passages: stats.passageNodes, facts: stats.facts, undirectedEdges: stats.undirectedEdges } });
console.log(`index build ${buildS} s; opening the index (graph + vectors) ${loadS} s; peak RSS ${peakRssMb()} MB`);
hippo.close();
