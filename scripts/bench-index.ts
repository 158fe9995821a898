/**
 * Index build: time and peak memory for the MuSiQue subset (GPT-3.5 OpenIE, lexical encoder) and for a
 * synthetic corpus of the paper's MuSiQue size (768-d vectors, synonymy through onnxruntime GEMM),
 * plus incremental insert of +1% passages as a fraction of a full build (and the part of it spent rewriting the index snapshot). Each case runs in a fresh
 * child process so its peak RSS is its own.
 *   npx tsx scripts/bench-index.ts [--scale 1]    (scale shrinks the synthetic corpus)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { report } from "./bench-util.js";

const scaleArg = process.argv.indexOf("--scale");
const scale = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;

if (process.argv[2] === "--case") {
  await runCase(process.argv[3]!, Number(process.argv[4]));
} else {
  const rows: Record<string, string | number>[] = [];
  for (const name of ["musique", "synthetic"]) {
    const out = execFileSync(process.execPath, ["--import", "tsx", resolve(import.meta.filename), "--case", name, String(scale)], { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"] });
    rows.push(...(JSON.parse(out.trim().split("\n").pop()!) as Record<string, string | number>[]));
  }
  // Synonymy's GEMM throughput against numpy/OpenBLAS fp32 GEMM on its block shape, timed right after.
  const synthetic = rows.find((r) => String(r.case).startsWith("synthetic"));
  if (synthetic) {
    const phrases = Number(synthetic.phrases);
    const flops = triangleFlops(phrases, 768);
    const ours = flops / (Number(synthetic["synonymy s"]) * 1e9);
    const numpy = numpyGflops(512, phrases, 768);
    Object.assign(synthetic, { "synonymy GFLOP/s": Math.round(ours), "numpy GEMM GFLOP/s": Number.isNaN(numpy) ? "n/a" : Math.round(numpy), "synonymy / numpy": Number.isNaN(numpy) ? "-" : `${Math.round((100 * ours) / numpy)}%`, "goal": "≥ 60%" });
  }
  // The table's columns are the first row's keys: give every row the synonymy columns.
  const columns = ["synonymy GFLOP/s", "numpy GEMM GFLOP/s", "synonymy / numpy", "goal"];
  for (const row of rows) for (const c of columns) row[c] ??= "-";
  report("index", rows, { scale, synonymyFlops: synthetic ? triangleFlops(Number(synthetic.phrases), 768) : null });
}

/**
 * Multiply-adds ×2 of synonymy.ts's all-vs-all cut when every phrase queries: blocks of 512 query
 * rows, each against the tail of the rows from its start (moved back to stay ≥ 512 wide).
 */
function triangleFlops(c: number, d: number): number {
  let flops = 0;
  for (let start = 0; start < c; start += 512) flops += 2 * (Math.min(start + 512, c) - start) * (c - Math.max(0, Math.min(start, c - 512))) * d;
  return flops;
}

/** numpy fp32 (m × d) · (n × d)ᵀ GFLOP/s (median of 3), or NaN without python3-numpy (install libopenblas0-pthread too: reference BLAS runs at ~2 GFLOP/s). */
function numpyGflops(m: number, n: number, d: number): number {
  const code = `import time, numpy as np\nr = np.random.default_rng(0)\na = r.random((${m}, ${d}), dtype=np.float32); b = r.random((${n}, ${d}), dtype=np.float32)\na @ b.T\nts = []\nfor _ in range(3):\n    t = time.perf_counter(); a @ b.T; ts.append(time.perf_counter() - t)\nprint(2 * ${m} * ${n} * ${d} / sorted(ts)[1] / 1e9)`;
  try {
    return Number(execFileSync("/usr/bin/python3", ["-c", code], { encoding: "utf8" }).trim());
  } catch {
    return Number.NaN;
  }
}

async function runCase(name: string, scale: number): Promise<void> {
  const { HippoRag } = await import("../src/hipporag.js");
  const { LexicalEncoder } = await import("../src/embedding/lexical-encoder.js");
  const { importOpenIEFile } = await import("../src/openie/openie-file.js");
  const { toPassages } = await import("../src/hipporag.js");
  const { peakRssMb } = await import("./bench-util.js");
  const rows: Record<string, string | number>[] = [];
  const time = async <T>(work: () => Promise<T>) => {
    const start = performance.now();
    const value = await work();
    return { value, s: Math.round((performance.now() - start) / 100) / 10 };
  };
  if (name === "musique") {
    const { loadDataset } = await import("../src/datasets/load-dataset.js");
    const shared = resolve(import.meta.dirname, "../../shared");
    const passages = loadDataset("musique_train_dev", join(shared, "datasets")).passages;
    const open = async () => {
      const hippo = await HippoRag.open({ saveDir: mkdtempSync(join(tmpdir(), "bench-index-")), openieModel: "gpt-3.5-turbo-1106", encoder: new LexicalEncoder() });
      importOpenIEFile(hippo.workspace, hippo.workspace.openie("gpt-3.5-turbo-1106"), join(shared, "openie/musique_train/openie_results_ner_gpt-3.5-turbo-1106.json"));
      return hippo;
    };
    const full = await open();
    const build = await time(() => full.index(passages));
    const cut = Math.round(passages.length * 0.99);
    const part = await open();
    await part.index(passages.slice(0, cut));
    const plus = await time(() => part.index(passages.slice(cut)));
    rows.push({ case: `MuSiQue subset (${passages.length} passages, lexical)`, "full build s": build.s, "synonymy s": build.value.timings.synonymy! / 1000, "+1% insert s": plus.s, "of which snapshot rewrite s": snapshotS(plus.value.timings), "+1% / full": `${((100 * plus.s) / build.s).toFixed(1)}%`, "peak RSS MB": peakRssMb(), phrases: build.value.stats.phraseNodes, edges: build.value.stats.undirectedEdges });
  } else {
    const { syntheticCorpus, SyntheticEncoder } = await import("./synthetic-corpus.js");
    const corpus = syntheticCorpus(scale);
    const all = toPassages(corpus.passages);
    const open = async () => {
      const hippo = await HippoRag.open({ saveDir: mkdtempSync(join(tmpdir(), "bench-index-")), openieModel: "synthetic", encoder: new SyntheticEncoder() });
      hippo.workspace.passages.insert(all);
      hippo.workspace.openie("synthetic").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "synthetic");
      return hippo;
    };
    const full = await open();
    const build = await time(() => full.index(all));
    full.close();
    const cut = Math.round(all.length * 0.99);
    const part = await open();
    await part.index(all.slice(0, cut));
    const plus = await time(() => part.index(all.slice(cut)));
    rows.push({ case: `synthetic paper size ×${scale} (${all.length} passages, 768-d)`, "full build s": build.s, "synonymy s": Math.round(build.value.timings.synonymy! / 100) / 10, "+1% insert s": plus.s, "of which snapshot rewrite s": snapshotS(plus.value.timings), "+1% / full": `${((100 * plus.s) / build.s).toFixed(1)}%`, "peak RSS MB": peakRssMb(), phrases: build.value.stats.phraseNodes, edges: build.value.stats.undirectedEdges });
    console.error(JSON.stringify({ timings: build.value.timings, plus: plus.value.timings, stats: build.value.stats }));
  }
  console.log(JSON.stringify(rows));
}

/** Seconds an update spent rewriting the index snapshot (every changing update writes it whole). */
function snapshotS(timings: Record<string, number>): number {
  return Math.round((timings["store snapshot"] ?? 0) / 100) / 10;
}
