/**
 * Personalized PageRank: ours vs igraph PRPACK (Debian's python3-igraph, what upstream calls), side by
 * side on the same synthetic graph of the paper's MuSiQue size and the same reset vectors.
 *   npx tsx scripts/bench-ppr.ts [--queries 20] [--batch 200] [--scale 1]
 * The batch (personalizedPageRankMany, as an evaluation run calls it) starts with the single-query
 * resets, so its answers are checked against the single path (bit-identical: max |diff| 0) and igraph.
 * Needs /usr/bin/python3 with python3-igraph for the igraph column (apt-get install -y python3-igraph).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csrFromEdges } from "../src/graph/csr-graph.js";
import { personalizedPageRank, personalizedPageRankMany } from "../src/graph/personalized-pagerank.js";
import { arg, ms, report } from "./bench-util.js";
import { mulberry32, syntheticGraph, syntheticReset } from "./synthetic-graph.js";

const queries = arg("queries", 20);
const batch = arg("batch", 200);
const scale = arg("scale", 1);

let start = performance.now();
const g = syntheticGraph(scale);
const nodeCount = g.entities + g.passages;
const csr = csrFromEdges(nodeCount, g.edges);
const buildMs = ms(start);
const random = mulberry32(7);
const resets = Array.from({ length: queries }, () => syntheticReset(g, random));
const top5 = (scores: ArrayLike<number>) =>
  Array.from({ length: g.passages }, (_, j) => j).sort((a, b) => scores[g.entities + b]! - scores[g.entities + a]! || b - a).slice(0, 5).join(",");

const batchResets = [...resets, ...Array.from({ length: Math.max(0, batch - queries) }, () => syntheticReset(g, random))].slice(0, batch);
// Both kernels do the same arithmetic (bit-identical scores); a single query runs on one thread,
// a batch as in an evaluation run (personalizedPageRankMany) on one or two.
const kernels = ["wasm", "js"] as const;
type Kernel = (typeof kernels)[number];
const timings = {} as Record<Kernel, { prepareMs: number; single: number; batch1: number; batch2: number; scores: Float64Array[]; batchVsSingle: number }>;
for (const kernel of kernels) {
  start = performance.now();
  personalizedPageRank(csr, resets[0]!, { kernel }); // per-graph preparation (weights, WebAssembly memory)
  const prepareMs = ms(start);
  await personalizedPageRankMany(csr, batchResets.slice(0, 4), { kernel }); // starts the worker
  start = performance.now();
  const scores = resets.map((r) => personalizedPageRank(csr, r, { kernel }));
  const single = ms(start) / queries;
  let batchVsSingle = 0;
  const batchMs = async (threads: number) => {
    const t = performance.now();
    const solved = await personalizedPageRankMany(csr, batchResets, { kernel, threads });
    const perQuestion = ms(t) / batch;
    scores.forEach((u, k) => u.forEach((x, i) => (batchVsSingle = Math.max(batchVsSingle, Math.abs(x - solved[k]![i]!)))));
    return perQuestion;
  };
  timings[kernel] = { prepareMs, single, batch1: await batchMs(1), batch2: kernel === "js" ? Number.NaN : await batchMs(2), scores, batchVsSingle };
}
const oursMs = timings.wasm.single;

// igraph PRPACK on the same graph and resets.
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
out = array.array('d')
t = time.perf_counter()
for k in range(q):
    out.extend(g.personalized_pagerank(vertices=None, damping=0.5, directed=False, weights='weight', reset=list(r[k*n:(k+1)*n]), implementation='prpack'))
sys.stderr.write(str((time.perf_counter() - t) / q * 1000))
open('${dir}/igraph.bin','wb').write(out.tobytes())
`;
const run = spawnSync("/usr/bin/python3", ["-c", python], { encoding: "utf8", maxBuffer: 1 << 30 });
let igraphMs: number | string = "n/a (python3-igraph missing)";
const maxDiff: Record<Kernel, string> = { wasm: "n/a", js: "n/a" };
const sameTop5: Record<Kernel, string> = { wasm: "n/a", js: "n/a" };
if (run.status === 0) {
  igraphMs = Math.round(Number(run.stderr.trim()) * 10) / 10;
  const buf = readFileSync(join(dir, "igraph.bin"));
  const theirs = new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  for (const kernel of kernels) {
    let diff = 0;
    let same = 0;
    timings[kernel].scores.forEach((scores, k) => {
      const other = theirs.subarray(k * nodeCount, (k + 1) * nodeCount);
      for (let i = 0; i < nodeCount; i++) diff = Math.max(diff, Math.abs(scores[i]! - other[i]!));
      if (top5(scores) === top5(other)) same++;
    });
    maxDiff[kernel] = diff.toExponential(2);
    sameTop5[kernel] = `${same}/${queries}`;
  }
} else if (run.stderr) console.error(run.stderr.split("\n").slice(-3).join("\n"));

const round = (x: number) => (Number.isNaN(x) ? "-" : Math.round(x * 10) / 10);
const times = (ours: number) => (typeof igraphMs === "number" && !Number.isNaN(ours) ? `${Math.round((igraphMs / ours) * 10) / 10}×` : "-");
const b1 = `ms/question, batch of ${batch}, 1 thread`;
const b2 = `ms/question, batch of ${batch}, 2 threads`;
const goals = { singleTimesIgraph: 12, batchTimesIgraph: 40 };
report("ppr", [
  ...kernels.map((kernel) => ({
    implementation: `hipporag-ts (SOR, ${kernel === "wasm" ? "WebAssembly" : "JavaScript"} kernel)`,
    "ms/query": round(timings[kernel].single),
    "× igraph (single)": times(timings[kernel].single),
    [b1]: round(timings[kernel].batch1),
    [b2]: round(timings[kernel].batch2),
    "× igraph (batch)": times(Math.min(timings[kernel].batch1, Number.isNaN(timings[kernel].batch2) ? Infinity : timings[kernel].batch2)),
    "batch vs single max |diff|": timings[kernel].batchVsSingle,
    "max |diff| vs igraph": maxDiff[kernel],
    "same top-5 passages": sameTop5[kernel],
  })),
  { implementation: "igraph PRPACK (python3-igraph)", "ms/query": igraphMs, "× igraph (single)": "1×", [b1]: "-", [b2]: "-", "× igraph (batch)": "1×", "batch vs single max |diff|": "-", "max |diff| vs igraph": 0, "same top-5 passages": "-" },
  { implementation: "goal (issue 18)", "ms/query": "-", "× igraph (single)": `≥ ${goals.singleTimesIgraph}×`, [b1]: "-", [b2]: "-", "× igraph (batch)": `≥ ${goals.batchTimesIgraph}×`, "batch vs single max |diff|": "≤ 1e-8", "max |diff| vs igraph": "≤ 1e-8", "same top-5 passages": "all" },
], {
  graph: { nodes: nodeCount, undirectedEdges: csr.targets.length / 2, csrBuildMs: buildMs, prepareMs: { wasm: Math.round(timings.wasm.prepareMs), js: Math.round(timings.js.prepareMs) } },
  goals,
  speedup: typeof igraphMs === "number" ? Math.round((igraphMs / oursMs) * 10) / 10 : null,
  batchSpeedup: typeof igraphMs === "number" ? Math.round((igraphMs / Math.min(timings.wasm.batch1, timings.wasm.batch2)) * 10) / 10 : null,
  wasmOverJs: Math.round((timings.js.single / timings.wasm.single) * 100) / 100,
});
