/**
 * Exact top-k cosine search over 100k × 768-d vectors (queries/s, GFLOP/s): one query at a time in
 * JS, and batched through onnxruntime GEMM; and the lexical encoder on the 6,119-passage 2Wiki corpus
 * (in memory, and through the SQLite embedding store).
 *   npx tsx scripts/bench-search.ts [--rows 100000] [--dim 768] [--queries 64]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadCorpus } from "../src/datasets/load-corpus.js";
import { topK } from "../src/embedding/dense-search.js";
import { EmbeddingStore } from "../src/embedding/embedding-store.js";
import { normalizeRows, type Matrix } from "../src/embedding/encoder.js";
import { LexicalEncoder } from "../src/embedding/lexical-encoder.js";
import { createOnnxMatmul } from "../src/embedding/onnx-matmul.js";
import { VectorCorpus } from "../src/embedding/vector-search.js";
import { Workspace } from "../src/store/workspace.js";
import { arg, report } from "./bench-util.js";
import { mulberry32 } from "./synthetic-graph.js";

const rowsN = arg("rows", 100_000);
const dim = arg("dim", 768);
const queryN = arg("queries", 64);
const random = mulberry32(3);
const matrix = (rows: number): Matrix => normalizeRows({ rows, dim, data: Float32Array.from({ length: rows * dim }, () => random() - 0.5) });
const corpus = matrix(rowsN);
const queries = matrix(queryN);
const rows: Record<string, string | number>[] = [];
const flops = (q: number) => 2 * q * rowsN * dim;

// one query at a time, plain JS (what retrieval does per question)
const search = new VectorCorpus(corpus);
const scores = new Float32Array(rowsN);
search.scores(queries, 0, scores);
let start = performance.now();
const single = Math.min(queryN, 16);
for (let q = 0; q < single; q++) topK(search.scores(queries, q, scores), 10);
let seconds = (performance.now() - start) / 1000;
rows.push({ method: "JS, one query at a time", "ms/query": Math.round((seconds / single) * 1000 * 10) / 10, "queries/s": Math.round(single / seconds), "GFLOP/s": Math.round((flops(single) / seconds / 1e9) * 10) / 10 });

// batched through onnxruntime GEMM (evaluation runs: many questions at once)
const engine = await createOnnxMatmul();
await engine.dotAll({ rows: 1, dim, data: queries.data.subarray(0, dim) }, corpus);
start = performance.now();
const all = await engine.dotAll(queries, corpus);
for (let q = 0; q < queryN; q++) topK(all, 10, q * rowsN, rowsN);
seconds = (performance.now() - start) / 1000;
await engine.dispose();
rows.push({ method: `onnxruntime GEMM, ${queryN} queries per call`, "ms/query": Math.round((seconds / queryN) * 1000 * 10) / 10, "queries/s": Math.round(queryN / seconds), "GFLOP/s": Math.round((flops(queryN) / seconds / 1e9) * 10) / 10 });

// lexical encoder on the 2Wiki corpus
const passages = loadCorpus(resolve(import.meta.dirname, "../../shared/datasets/2wikimultihopqa_corpus.json"));
const lexical = new LexicalEncoder();
start = performance.now();
lexical.embedSync(passages.map((p) => p.content));
seconds = (performance.now() - start) / 1000;
rows.push({ method: `lexical encoder: ${passages.length} 2Wiki passages in memory`, "ms/query": "-", "queries/s": `${Math.round(passages.length / seconds)} passages/s`, "GFLOP/s": `${seconds.toFixed(2)} s total` });
const workspace = Workspace.open(mkdtempSync(join(tmpdir(), "bench-search-")));
start = performance.now();
await new EmbeddingStore(workspace, lexical).ensure(passages.map((p) => p.content), "passage");
seconds = (performance.now() - start) / 1000;
workspace.close();
rows.push({ method: `lexical encoder: ${passages.length} passages into the SQLite store`, "ms/query": "-", "queries/s": `${Math.round(passages.length / seconds)} passages/s`, "GFLOP/s": `${seconds.toFixed(2)} s total` });
report("search", rows, { corpus: { rows: rowsN, dim } });
