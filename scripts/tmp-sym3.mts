import { createOnnxMatmul } from "../src/embedding/onnx-matmul.js";
import { normalizeRows, type Matrix } from "../src/embedding/encoder.js";
const eng = await createOnnxMatmul();
const N = 4096, K = Number(process.argv[2] ?? 384);
const a = normalizeRows({ rows: N, dim: K, data: Float32Array.from({ length: N * K }, () => Math.random() - 0.5) });
const full = await eng.dotAll(a, a);
const rows = (from: number, count: number): Matrix => ({ rows: count, dim: K, data: a.data.slice(from * K, (from + count) * K) });
for (const M of [512, 100, 2]) for (const n of [33, 64, 100, 128, 200, 256, 300, 511, 512, 1000, 2000]) {
  const out = await eng.dotAll(rows(0, M), rows(2000, n));
  let diff = 0; for (let i = 0; i < M; i++) for (let j = 0; j < n; j++) if (out[i * n + j] !== full[i * N + 2000 + j]) diff++;
  if (diff) console.log("K", K, "M", M, "N", n, "diff", diff, "of", M * n);
}
console.log("done K", K);
