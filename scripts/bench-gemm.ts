/**
 * fp32 GEMM throughput as the synonymy KNN uses it: onnxruntime's Gemm through createOnnxMatmul
 * (src/embedding/onnx-matmul.ts, one call per block of query rows: (M × 768) · (N × 768)ᵀ) against
 * numpy's OpenBLAS (Debian's python3-numpy with libopenblas0-pthread; without it numpy falls back to the
 * reference BLAS, ~1 GFLOP/s) on the same shapes, interleaved in rounds on this shared
 * machine (each of ours divided by the mean of the numpy timings just before and after it).
 *   npx tsx scripts/bench-gemm.ts [--rounds 3] [--n 8192]
 * The goal (issue 18): synonymy at ≥ 60% of numpy's fp32 GEMM throughput.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createOnnxMatmul } from "../src/embedding/onnx-matmul.js";
import { arg, report } from "./bench-util.js";
import { mulberry32 } from "./synthetic-graph.js";

const rounds = arg("rounds", 3);
const N = arg("n", 8192);
const K = 768;
// M = 512 is synonymy.ts's block of query rows; the others show whether a bigger block would pay.
const shapes = [512, 1024, 2048].map((M) => ({ M, N, K }));
const random = mulberry32(1);
const b = Float32Array.from({ length: N * K }, () => random() - 0.5);
const a = Float32Array.from({ length: 2048 * K }, () => random() - 0.5);

const python = `
import sys, time, numpy as np
rng = np.random.default_rng(1)
b = rng.random((${N}, ${K}), dtype=np.float32) - 0.5
a = rng.random((2048, ${K}), dtype=np.float32) - 0.5
(a[:512] @ b.T)
print('ready', flush=True)
for line in sys.stdin:
    m, reps = map(int, line.split())
    t = time.perf_counter()
    for _ in range(reps): a[:m] @ b.T
    print((time.perf_counter() - t) * 1000 / reps, flush=True)
`;
const child = spawn("/usr/bin/python3", ["-c", python], { stdio: ["pipe", "pipe", "inherit"] });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const numpyReady = (await lines.next()).value === "ready";
const numpyMs = async (M: number, reps: number) => {
  if (!numpyReady) return Number.NaN;
  child.stdin.write(`${M} ${reps}\n`);
  return Number((await lines.next()).value);
};

const engines = Object.fromEntries(await Promise.all([1, 2].map(async (t) => [t, await createOnnxMatmul(t)] as const)));
const oursMs = async (threads: number, M: number, reps: number) => {
  const engine = engines[threads]!;
  const left = { rows: M, dim: K, data: a.subarray(0, M * K) };
  const right = { rows: N, dim: K, data: b };
  await engine.dotAll(left, right);
  const t = performance.now();
  for (let i = 0; i < reps; i++) await engine.dotAll(left, right);
  return (performance.now() - t) / reps;
};

const gflops = (M: number, ms: number) => (2 * M * N * K) / ms / 1e6;
const samples: Record<string, { numpy: number[]; ours: number[]; ratio: number[] }> = {};
for (let round = 0; round < rounds; round++) {
  for (const { M } of shapes) {
    const reps = Math.max(1, Math.round(2048 / M));
    let before = await numpyMs(M, reps);
    for (const threads of [2, 1]) {
      const ours = await oursMs(threads, M, reps);
      const after = await numpyMs(M, reps);
      const key = `${M}/${threads}`;
      samples[key] ??= { numpy: [], ours: [], ratio: [] };
      samples[key].numpy.push(gflops(M, (before + after) / 2));
      samples[key].ours.push(gflops(M, ours));
      samples[key].ratio.push((before + after) / 2 / ours);
      before = after;
    }
  }
  console.error(`round ${round + 1}/${rounds} done`);
}
child.stdin.end();
for (const engine of Object.values(engines)) await engine.dispose();

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const rows = Object.entries(samples).map(([key, s]) => {
  const [M, threads] = key.split("/");
  return {
    shape: `(${M} × ${K}) · (${N} × ${K})ᵀ`,
    "onnxruntime threads": Number(threads),
    "onnxruntime GFLOP/s": Math.round(median(s.ours)),
    "numpy/OpenBLAS GFLOP/s": Math.round(median(s.numpy)),
    "onnxruntime / numpy": `${Math.round(median(s.ratio) * 100)}%`,
    goal: "≥ 60%",
  };
});
report("gemm", rows, { rounds, samples });
