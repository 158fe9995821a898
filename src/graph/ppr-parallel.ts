import { Worker } from "node:worker_threads";
import type { CsrGraph } from "./csr-graph.js";

/**
 * Two-thread Personalized PageRank sweeps (main thread + one worker) for large graphs: rows split in
 * two halves of equal edge count. Within a sweep each half runs over-relaxed Gauss-Seidel in place on
 * its own rows and reads the other half from a snapshot of the previous sweep (block Jacobi between
 * halves), so results never depend on thread timing: deterministic, like the one-thread solver, and
 * equal to it within the tolerance. The adjacency is split once per graph into intra-half and
 * cross-half CSR parts in shared memory, so the inner loop has no branch.
 */

interface Part {
  rowStart: number;
  rowEnd: number;
  intraOffsets: Uint32Array; // per own row, into intraTargets/intraWeights
  intraTargets: Uint32Array;
  intraWeights: Float64Array;
  crossOffsets: Uint32Array;
  crossTargets: Uint32Array;
  crossWeights: Float64Array;
}

export interface ParallelPpr {
  /** Runs the sweeps on v (normalised reset); returns unnormalised u. */
  solve(v: Float64Array, damping: number, omega: number, tolerance: number, maxIterations: number): Float64Array;
}

// Control slots (Int32): 0 = command generation, 1 = worker done counter, 2 = stop flag.
// Float slots: 0 = damping, 1 = omega, 2 = worker max change, 3 = worker sum delta.
const WORKER_CODE = `
const { parentPort } = require("node:worker_threads");
parentPort.once("message", (m) => {
  const ctl = new Int32Array(m.control), f = new Float64Array(m.floats);
  const u = new Float64Array(m.u), prev = new Float64Array(m.prev), v = new Float64Array(m.v);
  const p = m.part;
  const io = new Uint32Array(p.intraOffsets), it = new Uint32Array(p.intraTargets), iw = new Float64Array(p.intraWeights);
  const co = new Uint32Array(p.crossOffsets), ct = new Uint32Array(p.crossTargets), cw = new Float64Array(p.crossWeights);
  const start = p.rowStart, end = p.rowEnd;
  let seen = 0;
  Atomics.store(ctl, 1, 1); Atomics.notify(ctl, 1);
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    if (Atomics.load(ctl, 2) === 2) return;
    const d = f[0], omega = f[1];
    let maxChange = 0, sum = 0;
    for (let j = start; j < end; j++) {
      const r = j - start;
      let acc = 0;
      for (let k = io[r], e = io[r + 1]; k < e; k++) acc += iw[k] * u[it[k]];
      for (let k = co[r], e = co[r + 1]; k < e; k++) acc += cw[k] * prev[ct[k]];
      const old = u[j], delta = omega * (v[j] + d * acc - old);
      u[j] = old + delta; sum += delta;
      const c = delta < 0 ? -delta : delta; if (c > maxChange) maxChange = c;
    }
    f[2] = maxChange; f[3] = sum;
    Atomics.add(ctl, 1, 1); Atomics.notify(ctl, 1);
  }
});`;

function shared<T extends Uint32Array | Float64Array>(Kind: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Kind(new SharedArrayBuffer(Math.max(1, length) * Kind.BYTES_PER_ELEMENT));
}

function splitPart(csr: CsrGraph, scaled: Float64Array, rowStart: number, rowEnd: number): Part {
  const own = (t: number) => t >= rowStart && t < rowEnd;
  const rows = rowEnd - rowStart;
  const intraOffsets = shared(Uint32Array, rows + 1);
  const crossOffsets = shared(Uint32Array, rows + 1);
  for (let j = rowStart; j < rowEnd; j++) {
    let intra = 0;
    for (let k = csr.offsets[j]!; k < csr.offsets[j + 1]!; k++) if (own(csr.targets[k]!)) intra++;
    const all = csr.offsets[j + 1]! - csr.offsets[j]!;
    intraOffsets[j - rowStart + 1] = intraOffsets[j - rowStart]! + intra;
    crossOffsets[j - rowStart + 1] = crossOffsets[j - rowStart]! + all - intra;
  }
  const intraTargets = shared(Uint32Array, intraOffsets[rows]!);
  const intraWeights = shared(Float64Array, intraOffsets[rows]!);
  const crossTargets = shared(Uint32Array, crossOffsets[rows]!);
  const crossWeights = shared(Float64Array, crossOffsets[rows]!);
  for (let j = rowStart; j < rowEnd; j++) {
    let a = intraOffsets[j - rowStart]!;
    let b = crossOffsets[j - rowStart]!;
    for (let k = csr.offsets[j]!; k < csr.offsets[j + 1]!; k++) {
      const t = csr.targets[k]!;
      if (own(t)) {
        intraTargets[a] = t;
        intraWeights[a++] = scaled[k]!;
      } else {
        crossTargets[b] = t;
        crossWeights[b++] = scaled[k]!;
      }
    }
  }
  return { rowStart, rowEnd, intraOffsets, intraTargets, intraWeights, crossOffsets, crossTargets, crossWeights };
}

/** Prepares the two halves and starts the worker (kept alive, unref'd, for later queries). */
export function createParallelPpr(csr: CsrGraph, scaled: Float64Array): ParallelPpr {
  const n = csr.nodeCount;
  const half = csr.targets.length / 2;
  let split = 0;
  while (split < n && csr.offsets[split]! < half) split++;
  const mine = splitPart(csr, scaled, 0, split);
  const theirs = splitPart(csr, scaled, split, n);
  const control = new Int32Array(new SharedArrayBuffer(16));
  const floats = new Float64Array(new SharedArrayBuffer(32));
  const u = shared(Float64Array, n);
  const prev = shared(Float64Array, n);
  const v = shared(Float64Array, n);
  const worker = new Worker(WORKER_CODE, { eval: true });
  worker.unref();
  const buffers = (p: Part) => Object.fromEntries(Object.entries(p).map(([k, x]) => [k, typeof x === "number" ? x : (x as Uint32Array).buffer]));
  worker.postMessage({ control: control.buffer, floats: floats.buffer, u: u.buffer, prev: prev.buffer, v: v.buffer, part: buffers(theirs) });
  Atomics.wait(control, 1, 0); // the worker has its views

  return {
    solve(reset, damping, omega, tolerance, maxIterations) {
      v.set(reset);
      u.set(reset);
      prev.set(reset);
      floats[0] = damping;
      floats[1] = omega;
      let sum = 1;
      const { intraOffsets: io, intraTargets: it, intraWeights: iw, crossOffsets: co, crossTargets: ct, crossWeights: cw } = mine;
      for (let iteration = 0; iteration < maxIterations; iteration++) {
        Atomics.store(control, 1, 0);
        Atomics.add(control, 0, 1);
        Atomics.notify(control, 0);
        let maxChange = 0;
        let delta = 0;
        for (let j = 0; j < split; j++) {
          let acc = 0;
          for (let k = io[j]!, e = io[j + 1]!; k < e; k++) acc += iw[k]! * u[it[k]!]!;
          for (let k = co[j]!, e = co[j + 1]!; k < e; k++) acc += cw[k]! * prev[ct[k]!]!;
          const old = u[j]!;
          const step = omega * (v[j]! + damping * acc - old);
          u[j] = old + step;
          delta += step;
          const change = step < 0 ? -step : step;
          if (change > maxChange) maxChange = change;
        }
        Atomics.wait(control, 1, 0);
        sum += delta + floats[3]!;
        maxChange = Math.max(maxChange, floats[2]!);
        prev.set(u); // the snapshot both halves read next sweep
        if (maxChange / sum < tolerance) break;
      }
      return Float64Array.from(u);
    },
  };
}
