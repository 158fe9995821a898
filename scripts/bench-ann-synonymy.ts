/**
 * Approximate synonymy (IVF, src/graph/synonymy-ann.ts) against exact all-pairs on the same synthetic
 * entity vectors, for several IVF settings: edge recall (the share of the exact synonymy edges each
 * finds, after upstream's walk), weights that differ (the goal is none), and time. Exact all-pairs
 * runs once (~4.5 min at 3×). Chooses DEFAULT_ANN on measurements, at the sizes where it is used.
 *   npx tsx scripts/bench-ann-synonymy.ts [--scale 3] [--settings 512x8,512x16,512xauto]
 * Writes scripts/results/ann-synonymy-x<scale>.json.
 */
import { createOnnxMatmul } from "../src/embedding/onnx-matmul.js";
import { annSynonymCandidates, autoProbes, DEFAULT_ANN, type AnnOptions } from "../src/graph/synonymy-ann.js";
import { DEFAULT_SYNONYMY, queriesForSynonyms, synonymCandidates, type NeighborList } from "../src/graph/synonymy.js";
import { ms, report } from "./bench-util.js";
import { edgeRecall, walkedLists } from "./synonymy-recall.js";
import { syntheticCorpus, SyntheticEncoder } from "./synthetic-corpus.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const scale = Number(arg("scale", "3"));
// "<rows per partition>x<probes>", probes a number or auto (autoProbes of the partition count: the default)
const settings: AnnOptions[] = arg("settings", "512x8,512x12,512x16,1024x8,256x16,512xauto").split(",").map((s) => {
  const [rowsPerPartition, probes] = s.split("x");
  return { ...DEFAULT_ANN, rowsPerPartition: Number(rowsPerPartition), probes: probes === "auto" ? "auto" : Number(probes) };
});

const corpus = syntheticCorpus(scale);
const phrases = [...new Set(corpus.triples.flatMap((triples) => triples.flatMap(([s, , o]) => [s!, o!])))].sort();
const matrix = await new SyntheticEncoder().embedFormatted(phrases);
const rows = phrases.map((_, i) => i).filter((i) => queriesForSynonyms(phrases[i]!));
const lists = (candidates: Map<number, [number, number][]>) => walkedLists(phrases, rows, candidates);
const edgesOf = (found: Map<string, NeighborList>) => [...found.values()].reduce((n, list) => n + list.length, 0);
console.error(`${phrases.length} phrases: exact all-pairs …`);
let start = performance.now();
const exact = lists(await synonymCandidates(phrases, matrix, rows, DEFAULT_SYNONYMY.threshold, () => true, undefined, undefined, Number.POSITIVE_INFINITY));
const exactS = ms(start) / 1000;
const out: Record<string, string | number>[] = [{ search: "exact", "rows per partition": "–", probes: "–", s: Math.round(exactS * 10) / 10, "edge recall": 1, "weights ≠ exact": 0, edges: edgesOf(exact) }];
const engine = await createOnnxMatmul();
for (const ann of settings) {
  console.error(`IVF ${ann.rowsPerPartition} rows a partition, ${ann.probes} probes …`);
  start = performance.now();
  const approx = lists(await annSynonymCandidates(phrases, matrix, rows, DEFAULT_SYNONYMY.threshold, () => true, engine, ann));
  const seconds = ms(start) / 1000;
  const partitions = Math.max(1, Math.round(phrases.length / ann.rowsPerPartition));
  const probes = ann.probes === "auto" ? `auto (${autoProbes(partitions)})` : ann.probes;
  const { recall, differentWeights } = edgeRecall(exact, approx);
  out.push({ search: "IVF", "rows per partition": ann.rowsPerPartition, probes, s: Math.round(seconds * 10) / 10, "edge recall": recall, "weights ≠ exact": differentWeights, edges: edgesOf(approx) });
}
await engine.dispose();
report(`ann-synonymy-x${scale}`, out, { scale, phrases: phrases.length, queries: rows.length, default: DEFAULT_ANN, goal: "edge recall ≥ 0.99, no weight different" });
