/**
 * Personalized PageRank: ours vs igraph PRPACK (Debian's python3-igraph, what upstream calls), side by
 * side on the same synthetic graph of the paper's MuSiQue size and the same reset vectors.
 *   npx tsx scripts/bench-ppr.ts [--queries 20] [--batch 1000] [--scale 1]
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
const batch = arg("batch", 1000);
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

const batchResets = Array.from({ length: batch }, () => syntheticReset(g, random));
const timings: Record<number, { single: number; batch: number; scores: Float64Array[] }> = {};
for (const threads of [1, 2]) {
  personalizedPageRank(csr, resets[0]!, { threads }); // prepare (per-graph cached weights, worker), not timed
  start = performance.now();
  const scores = resets.map((r) => personalizedPageRank(csr, r, { threads }));
  const single = ms(start) / queries;
  // A batch as in an evaluation run: `batch` questions at once (personalizedPageRankMany), amortised.
  start = performance.now();
  await personalizedPageRankMany(csr, batchResets, { threads });
  timings[threads] = { single, batch: ms(start) / batch, scores };
}
const oursMs = timings[2]!.single;

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
const maxDiff: Record<number, string> = { 1: "n/a", 2: "n/a" };
const sameTop5: Record<number, string> = { 1: "n/a", 2: "n/a" };
if (run.status === 0) {
  igraphMs = Math.round(Number(run.stderr.trim()) * 10) / 10;
  const buf = readFileSync(join(dir, "igraph.bin"));
  const theirs = new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  for (const threads of [1, 2]) {
    let diff = 0;
    let same = 0;
    timings[threads]!.scores.forEach((scores, k) => {
      const other = theirs.subarray(k * nodeCount, (k + 1) * nodeCount);
      for (let i = 0; i < nodeCount; i++) diff = Math.max(diff, Math.abs(scores[i]! - other[i]!));
      if (top5(scores) === top5(other)) same++;
    });
    maxDiff[threads] = diff.toExponential(2);
    sameTop5[threads] = `${same}/${queries}`;
  }
} else if (run.stderr) console.error(run.stderr.split("\n").slice(-3).join("\n"));

report("ppr", [
  ...[1, 2].map((threads) => ({ implementation: `hipporag-ts (SOR, ${threads} thread${threads > 1 ? "s" : ""})`, "ms/query": Math.round(timings[threads]!.single * 10) / 10, [`ms/query in a batch of ${batch}`]: Math.round(timings[threads]!.batch * 10) / 10, "max |diff| vs igraph": maxDiff[threads]!, "same top-5 passages": sameTop5[threads]! })),
  { implementation: "igraph PRPACK (python3-igraph)", "ms/query": igraphMs, [`ms/query in a batch of ${batch}`]: "-", "max |diff| vs igraph": 0, "same top-5 passages": "-" },
], { graph: { nodes: nodeCount, undirectedEdges: csr.targets.length / 2, csrBuildMs: buildMs }, speedup: typeof igraphMs === "number" ? Math.round((igraphMs / oursMs) * 10) / 10 : null });
