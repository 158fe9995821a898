/**
 * Personalized PageRank: ours vs igraph PRPACK (Debian's python3-igraph, what upstream calls), side by
 * side on the same synthetic graph of the paper's MuSiQue size and the same reset vectors.
 *   npx tsx scripts/bench-ppr.ts [--queries 20] [--batch 200] [--rounds 3] [--scale 1]
 * Writes scripts/results/ppr.json (ppr-x<scale>.json at other scales).
 * The machine is shared, so load changes within a run: igraph runs in a persistent python3 process
 * and the measurements are interleaved in rounds (igraph, ours, igraph), each of ours divided by the
 * mean of the igraph timings around it; the table gives the median over rounds.
 * The batch (personalizedPageRankMany, as an evaluation run calls it) starts with the single-query
 * resets, so its answers are checked against the single path (bit-identical: max |diff| 0) and igraph.
 * The batch runs in blocks of BLOCK columns (the default) and of the other widths the kernel has
 * (2, 4, 8: sweep2/4/8), each on 1 and 2 threads, so the table shows which width serves a batch best.
 * Besides wall-clock ratios (the goals), CPU-time ratios: igraph's process_time per query against
 * this process's CPU time (all threads), which load from other users' processes does not dilute.
 * uptime's load averages are printed before and after, and saved with the results.
 * Needs /usr/bin/python3 with python3-igraph for the igraph column (apt-get install -y python3-igraph).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { csrFromEdges } from "../src/graph/csr-graph.js";
import { personalizedPageRank, personalizedPageRankMany } from "../src/graph/personalized-pagerank.js";
import { BLOCK, type BlockWidth } from "../src/graph/ppr-kernel.js";
import { arg, ms, report } from "./bench-util.js";
import { mulberry32, syntheticGraph, syntheticReset } from "./synthetic-graph.js";

const queries = arg("queries", 20);
const batch = arg("batch", 200);
const rounds = arg("rounds", 3);
const scale = arg("scale", 1);
const IGRAPH_PER_SIDE = 4; // igraph queries timed before and after each of ours (~0.1–0.6 s each)

const load = () => execFileSync("uptime", { encoding: "utf8" }).trim();
const loadBefore = load();
console.log(`load before: ${loadBefore}`);
let start = performance.now();
const g = syntheticGraph(scale);
const nodeCount = g.entities + g.passages;
const csr = csrFromEdges(nodeCount, g.edges);
const buildMs = ms(start);
const random = mulberry32(7);
const resets = Array.from({ length: queries }, () => syntheticReset(g, random));
const batchResets = [...resets, ...Array.from({ length: Math.max(0, batch - queries) }, () => syntheticReset(g, random))].slice(0, batch);
const top5 = (scores: ArrayLike<number>) =>
  Array.from({ length: g.passages }, (_, j) => j).sort((a, b) => scores[g.entities + b]! - scores[g.entities + a]! || b - a).slice(0, 5).join(",");

// ---------- igraph PRPACK: a persistent process; "k" on stdin → one timed query on reset k, ms on stdout
const dir = mkdtempSync(join(tmpdir(), "bench-ppr-"));
writeFileSync(join(dir, "edges.bin"), Buffer.from(new Float64Array(g.edges.flat()).buffer));
writeFileSync(join(dir, "resets.bin"), Buffer.from(new Float64Array(resets.flatMap((r) => Array.from(r))).buffer));
const python = `
import sys, time, array, igraph as ig
n, q = ${nodeCount}, ${queries}
e = array.array('d'); e.frombytes(open('${dir}/edges.bin','rb').read())
r = array.array('d'); r.frombytes(open('${dir}/resets.bin','rb').read())
g = ig.Graph(n=n, edges=[(int(e[i]), int(e[i+1])) for i in range(0, len(e), 3)], directed=False)
g.es['weight'] = [e[i+2] for i in range(0, len(e), 3)]
ppr = lambda k: g.personalized_pagerank(vertices=None, damping=0.5, directed=False, weights='weight', reset=list(r[k*n:(k+1)*n]), implementation='prpack')
out = array.array('d')
for k in range(q): out.extend(ppr(k))
open('${dir}/igraph.bin','wb').write(out.tobytes())
print('ready', flush=True)
for line in sys.stdin:
    k = int(line)
    t, c = time.perf_counter(), time.process_time()
    ppr(k)
    print((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000, flush=True)
`;
const child = spawn("/usr/bin/python3", ["-c", python], { stdio: ["pipe", "pipe", "pipe"] });
let stderr = "";
child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const igraphReady = (await lines.next()).value === "ready";
if (!igraphReady) console.error(stderr.split("\n").slice(-3).join("\n"));
let nextIgraph = 0;
/** Mean wall and CPU ms of `count` igraph queries (rotating over the resets), or NaN without igraph. */
const igraphQueries = async (count: number): Promise<{ ms: number; cpuMs: number }> => {
  if (!igraphReady) return { ms: Number.NaN, cpuMs: Number.NaN };
  let total = 0;
  let cpuTotal = 0;
  for (let i = 0; i < count; i++) {
    child.stdin.write(`${nextIgraph++ % queries}\n`);
    const [wall, cpu] = String((await lines.next()).value).split(" ").map(Number);
    total += wall!;
    cpuTotal += cpu!;
  }
  return { ms: total / count, cpuMs: cpuTotal / count };
};

// ---------- ours: both kernels (bit-identical scores); single queries on one thread, the batch on 1 and 2
const kernels = ["wasm", "js"] as const;
/** The block widths other than the default (BLOCK), each measured as a kernel of its own: "wasm@2" … */
const otherWidths = ([2, 4, 8] as const).filter((w) => w !== BLOCK);
type OtherWidth = `wasm@${(typeof otherWidths)[number]}`;
type Kernel = (typeof kernels)[number] | OtherWidth;
type Measure = "single" | "batch1" | "batch2";
/** "wasm@B": the WebAssembly kernel's batch in blocks of B columns instead of BLOCK. */
const widthOf = (kernel: Kernel) => (kernel.startsWith("wasm@") ? (Number(kernel.slice(5)) as BlockWidth) : undefined);
const kernelOf = (kernel: Kernel) => (kernel === "js" ? "js" : "wasm");
const prepareMs = {} as Record<(typeof kernels)[number], number>;
const scores = {} as Record<(typeof kernels)[number], Float64Array[]>;
for (const kernel of kernels) {
  start = performance.now();
  personalizedPageRank(csr, resets[0]!, { kernel }); // per-graph preparation (order, weights, WebAssembly memory)
  prepareMs[kernel] = ms(start);
  await personalizedPageRankMany(csr, batchResets.slice(0, 4), { kernel }); // starts the worker
  scores[kernel] = resets.map((r) => personalizedPageRank(csr, r, { kernel }));
}
let batchVsSingle = 0;
/** Wall and CPU ms (this process, all threads) per question. */
const run = async (kernel: Kernel, measure: Measure): Promise<{ ms: number; cpuMs: number }> => {
  const t = performance.now();
  const c = process.cpuUsage();
  const per = (count: number) => {
    const cpu = process.cpuUsage(c);
    return { ms: (performance.now() - t) / count, cpuMs: (cpu.user + cpu.system) / 1000 / count };
  };
  if (measure === "single") {
    const count = kernel === "js" ? Math.min(queries, 5) : queries;
    for (const r of resets.slice(0, count)) personalizedPageRank(csr, r, { kernel: kernelOf(kernel) });
    return per(count);
  }
  const solved = await personalizedPageRankMany(csr, batchResets, { kernel: kernelOf(kernel), blockColumns: widthOf(kernel), threads: measure === "batch1" ? 1 : 2 });
  const perQuestion = per(batch);
  scores[kernelOf(kernel)].forEach((u, k) => u.forEach((x, i) => (batchVsSingle = Math.max(batchVsSingle, Math.abs(x - solved[k]![i]!)))));
  return perQuestion;
};
const plan: [Kernel, Measure][] = [["wasm", "single"], ["wasm", "batch1"], ["wasm", "batch2"], ...otherWidths.flatMap((w): [Kernel, Measure][] => [[`wasm@${w}`, "batch1"], [`wasm@${w}`, "batch2"]]), ["js", "single"]];
const samples = new Map<string, { ms: number; ratio: number; cpuMs: number; cpuRatio: number }[]>(plan.map(([k, m]) => [`${k}/${m}`, []]));
const igraphSamples: { ms: number; cpuMs: number }[] = [];
for (let round = 0; round < rounds; round++) {
  let before = await igraphQueries(IGRAPH_PER_SIDE);
  igraphSamples.push(before);
  for (const [kernel, measure] of plan) {
    const ours = await run(kernel, measure);
    const after = await igraphQueries(IGRAPH_PER_SIDE);
    igraphSamples.push(after);
    samples.get(`${kernel}/${measure}`)!.push({ ms: ours.ms, ratio: (before.ms + after.ms) / 2 / ours.ms, cpuMs: ours.cpuMs, cpuRatio: (before.cpuMs + after.cpuMs) / 2 / ours.cpuMs });
    before = after;
  }
  console.error(`round ${round + 1}/${rounds} done`);
}
child.stdin.end();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const stat = (kernel: Kernel, measure: Measure) => {
  const xs = samples.get(`${kernel}/${measure}`);
  return xs
    ? { ms: median(xs.map((x) => x.ms)), ratio: median(xs.map((x) => x.ratio)), cpuRatio: median(xs.map((x) => x.cpuRatio)) }
    : { ms: Number.NaN, ratio: Number.NaN, cpuRatio: Number.NaN };
};

// ---------- agreement with igraph (the single-query scores; the batch's equal them, see batchVsSingle)
const maxDiff: Record<(typeof kernels)[number], string> = { wasm: "n/a", js: "n/a" };
const sameTop5: Record<(typeof kernels)[number], string> = { wasm: "n/a", js: "n/a" };
const igraphScores = igraphReady ? readFileSync(join(dir, "igraph.bin")) : undefined;
rmSync(dir, { recursive: true, force: true }); // the graph, resets and igraph's scores: ~30 MB per run
if (igraphScores) {
  const buf = igraphScores;
  const theirs = new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  for (const kernel of kernels) {
    let diff = 0;
    let same = 0;
    scores[kernelOf(kernel)].forEach((u, k) => {
      const other = theirs.subarray(k * nodeCount, (k + 1) * nodeCount);
      for (let i = 0; i < nodeCount; i++) diff = Math.max(diff, Math.abs(u[i]! - other[i]!));
      if (top5(u) === top5(other)) same++;
    });
    maxDiff[kernel] = diff.toExponential(2);
    sameTop5[kernel] = `${same}/${queries}`;
  }
}

const round1 = (x: number) => (Number.isNaN(x) ? "-" : Math.round(x * 10) / 10);
const times = (x: number) => (Number.isNaN(x) ? "-" : `${round1(x)}×`);
const b1 = `ms/question, batch of ${batch}, 1 thread`;
const b2 = `ms/question, batch of ${batch}, 2 threads`;
const goals = { singleTimesIgraph: 12, batchTimesIgraph: 40 };
const batchRatio = (kernel: Kernel) => Math.max(stat(kernel, "batch1").ratio, kernel === "js" ? Number.NaN : stat(kernel, "batch2").ratio) || Number.NaN;
const blockRow = (kernel: OtherWidth) => ({
  implementation: `hipporag-ts (WebAssembly, batch in blocks of ${widthOf(kernel)})`,
  "ms/query": "-",
  "× igraph (single)": "-",
  [b1]: round1(stat(kernel, "batch1").ms),
  [b2]: round1(stat(kernel, "batch2").ms),
  "× igraph (batch)": times(batchRatio(kernel)),
  "CPU × igraph (single / batch, 1 thread)": `- / ${times(stat(kernel, "batch1").cpuRatio)}`,
  "max |diff| vs igraph": maxDiff.wasm,
  "same top-5 passages": sameTop5.wasm,
});
const igraphMs = median(igraphSamples.map((x) => x.ms));
const igraphCpuMs = median(igraphSamples.map((x) => x.cpuMs));
const loadAfter = load();
report(scale === 1 ? "ppr" : `ppr-x${scale}`, [
  ...kernels.map((kernel) => ({
    implementation: `hipporag-ts (SOR, ${kernel === "wasm" ? `WebAssembly kernel, batch in blocks of ${BLOCK}` : "JavaScript kernel"})`,
    "ms/query": round1(stat(kernel, "single").ms),
    "× igraph (single)": times(stat(kernel, "single").ratio),
    [b1]: round1(stat(kernel, "batch1").ms),
    [b2]: round1(stat(kernel, "batch2").ms),
    "× igraph (batch)": times(batchRatio(kernel)),
    "CPU × igraph (single / batch, 1 thread)": `${times(stat(kernel, "single").cpuRatio)} / ${kernel === "js" ? "-" : times(stat(kernel, "batch1").cpuRatio)}`,
    "max |diff| vs igraph": maxDiff[kernel],
    "same top-5 passages": sameTop5[kernel],
  })),
  ...otherWidths.map((w) => blockRow(`wasm@${w}`)),
  { implementation: "igraph PRPACK (python3-igraph)", "ms/query": round1(igraphMs), "× igraph (single)": "1×", [b1]: "-", [b2]: "-", "× igraph (batch)": "1×", "CPU × igraph (single / batch, 1 thread)": `1× (${round1(igraphCpuMs)} ms CPU)`, "max |diff| vs igraph": 0, "same top-5 passages": "-" },
  { implementation: "goal (issue 18)", "ms/query": "-", "× igraph (single)": `≥ ${goals.singleTimesIgraph}×`, [b1]: "-", [b2]: "-", "× igraph (batch)": `≥ ${goals.batchTimesIgraph}×`, "CPU × igraph (single / batch, 1 thread)": "-", "max |diff| vs igraph": "≤ 1e-8", "same top-5 passages": "all" },
], {
  graph: { nodes: nodeCount, undirectedEdges: csr.targets.length / 2, csrBuildMs: buildMs, prepareMs },
  load: { before: loadBefore, after: loadAfter },
  rounds,
  goals,
  // The batch (WebAssembly kernel, both thread counts) against the single-query path: bit-identical.
  batchVsSingleMaxDiff: batchVsSingle,
  samples: Object.fromEntries(samples),
  igraphSamplesMs: igraphSamples,
  speedup: stat("wasm", "single").ratio,
  batchSpeedup: batchRatio("wasm"),
  wasmOverJs: Math.round((stat("js", "single").ms / stat("wasm", "single").ms) * 100) / 100,
});
console.log(`batch vs single max |diff|: ${batchVsSingle} (goal ≤ 1e-8)`);
console.log(`load before: ${loadBefore}\nload after:  ${loadAfter}`);
