import type { CsrGraph } from "./csr-graph.js";
import { PPR_SWEEP_WASM_BASE64 } from "./ppr-sweep-wasm.js";

/**
 * The Personalized PageRank solver loop: over-relaxed Gauss-Seidel sweeps until no score moves by
 * more than the tolerance (relative to Σu). Two kernels run the same arithmetic in the same order,
 * so their results are bit-identical:
 *  - "wasm" (default): the sweep in WebAssembly (ppr-sweep.wat), ~1.2 ns per adjacency entry at
 *    the paper's size (its two partial sums as the lanes of one f64x2: 0.87 of the scalar loop's
 *    time; 10.6× igraph single, was 8.8×), about 3× V8's speed on the same loop; sweep2/4/8 serve 2, 4 or 8 resets per pass
 *    over the graph (personalizedPageRankMany, in blocks of BLOCK = 4), each column bit-identical to
 *    the single sweep. The graph lives once in a shared WebAssembly.Memory, so a worker thread can
 *    solve other queries on it without a copy. What a block saves is the CSR stream (12 bytes per
 *    entry, shared by the columns); what it costs is the gather from an n × B block (8·B bytes a
 *    node), which stays in a core's 2 MB L2 for B = 2 (1.6 MB at the paper's size) and spills to the
 *    shared L3 for B = 4 (3.1 MB) and 8 (6.2 MB), where another process's traffic evicts it.
 *    Measured (scripts/bench-ppr.ts, batch of 200, per question, 1 / 2 threads): idle, blocks of 2
 *    14.5 / 11.1 ms, 4 11.6 / 8.4 ms, 8 14.4 / 11.2 ms (single queries 21.5 ms); at load 4–6, 2:
 *    31 / 21 ms, 4: 27 / 20 ms, 8: 37 / 28 ms. So 4, the best in both.
 *  - "js": the reference loop in JavaScript; used when WebAssembly is unavailable (node --jitless) or
 *    the graph does not fit in 32-bit WebAssembly memory (more than ~300M adjacency entries).
 *
 * Weights stay f64 (12 bytes per adjacency entry with the u32 target). f32 weights (8 bytes) made a
 * single sweep 0.79–0.90 of the time, but rounding w/deg by up to 2⁻²⁴ moves a score by about that
 * relative amount: 7.9e-9 on a reset on one node (scores ~0.5), against the 1e-8 goal; the
 * perturbation bound is ‖Δp‖₁ ≤ 2dε/(1−d) = 1.2e-7 at d = 0.5. ppr-kernel.test.ts ("precise
 * enough") guards this. Nor does a smaller CSR help: raw weights are f32-exact in every index built
 * here (cosines from f32 products, counts, 1.0: checked on the MuSiQue and paper-size indexes), so a
 * kernel streaming f32 raw weights (8 bytes per entry) and gathering y = u / deg, kept current per
 * row, is as exact (max diff 5.8e-12); measured interleaved at the paper's size it ran 0.96–1.11
 * of this one's time: the sweep is not bound by the CSR stream (26 MB, within the 32 MB L3).
 * Also measured at the paper's size (CPU time, one thread, interleaved): a column-banded sweep8
 * whose gathers stay within 1 MB (L2) was no faster (0.97–1.27); B = 16 columns no better than 8
 * (an earlier run found 4 no better either; see above for 2, 4 and 8 measured side by side); f32 scores in the block 0.83 of sweep8, before the f64 sweeps it would
 * need to finish. Every locality order tried (identity, BFS, hubs first) is within ±30% of the
 * degree order. An earlier note that sweep8 with uniformly random targets ran in 0.3 of the time
 * did not reproduce (CPU time per sweep, same rows and weights, 5–9 interleaved rounds, load 7–9):
 * random targets 0.9–1.0 of the time single, 1.3–1.4 in sweep8 (worse locality). Nor is the sweep
 * latency-bound on Gauss–Seidel's store → load → add chain, though 31% of rows read row j−1 (44%
 * one of the 8 before): replacing those reads by random targets, an order interleaving 2, 4 or 8
 * far-apart segments of the degree order (no row reads one of the S−1 before it; 8 sweeps, 8.3
 * with 8 segments), and a control in which every row reads row j−1 were all within the noise
 * (0.85–1.2) of it.
 */
export type PprKernelName = "wasm" | "js";

/** Solves u = v + d·Pᵀu from u = v; returns u unnormalised (a new array). v must sum to 1. */
export type PprSolve = (v: Float64Array, damping: number, omega: number, tolerance: number, maxIterations: number) => Float64Array;

/** Byte offsets of one thread's working vectors in the shared memory. */
interface Lane {
  u: number;
  v: number;
  out: number;
  /** n × 8 row-major: room for the widest block (sweep8); a block of B columns uses its first n × B values. */
  u8: number;
  v8: number;
  out8: number;
}

/** A graph laid out in shared WebAssembly memory: [offsets u32][targets u32][weights f64] then one Lane per thread. */
export interface WasmPprGraph {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  n: number;
  off: number;
  tgt: number;
  w: number;
  lanes: Lane[];
  /** Byte offset of an i32 word: non-zero tells every lane's batch to stop after its current sweep (stopLanes). */
  stop: number;
}

/** Columns per block by default (see above); a list of fewer than min(B, MIN_BLOCK) resets is solved one at a time. */
export const BLOCK = 4;
export const MIN_BLOCK = 3;

/** Columns a block of list() may have: the WebAssembly kernels sweep2, sweep4 and sweep8. */
export type BlockWidth = 2 | 4 | 8;

/** One thread's solvers on one lane: a single reset, or a list of resets in blocks of `width` (default BLOCK). */
export interface LaneSolvers {
  one: PprSolve;
  list: (vs: Float64Array[], damping: number, omega: number, tolerance: number, maxIterations: number, width?: BlockWidth) => Float64Array[];
  /**
   * list() as a generator that yields after every sweep (every single solve below a block), so a
   * caller can give the event loop a turn and stop (`return()` it) between sweeps; the same bits.
   * The lane's block areas are in use until it is done: one at a time per lane.
   */
  listSteps: (vs: Float64Array[], damping: number, omega: number, tolerance: number, maxIterations: number, width?: BlockWidth) => Generator<void, Float64Array[], void>;
  /** True once the graph's stop word is set (stopLanes): a lane's owner then ends its batch. */
  stopped: () => boolean;
  /** Block sweeps run so far, by width (for tests and benchmarks). */
  blockSweeps: Record<BlockWidth, number>;
}

/**
 * Lane solver source, evaluated both here and in the personalizedPageRankMany worker, so the two
 * threads cannot drift apart. (A worker made from a string runs from dist/ and under vitest alike.)
 *
 * list(): resets go through sweepB, B = `width` columns at a time. Every column does the single
 * sweep's arithmetic, and a column is copied out after the very sweep at which the single-query loop
 * would stop (its own running Σu, max |δ| and sweep count), so the answers are bit-identical to
 * one(); its slot then takes the next reset (columns never interact). Fewer than min(B, MIN_BLOCK)
 * resets are solved one at a time (a sweep8 costs about as much as 3–4 single sweeps).
 *
 * Columns are swapped in one pass over the block per sweep (exchange()): every column that
 * converged at that sweep is copied out and every refill copied in together. Writing one 8-byte
 * column of an n × 8 block touches all of its n cache lines (6.2 MB at the paper's size, the gather
 * traffic of a sweep8), so (measured with B = 8) a pass per column cost about a third of a question's sweeps; columns
 * started together mostly stop at the same sweep, and one pass serves them all (measured: 0.91 of
 * the CPU time per question at 16 resets, bit-identical results).
 */
export const LANE_SOURCE = `function makeLane(module, memory, g, lane) {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const { sweep } = kernels;
  const { u, v, out, u8, v8, out8 } = g.lanes[lane];
  const n = g.n;
  const U = new Float64Array(memory.buffer, u, n), V = new Float64Array(memory.buffer, v, n), OUT = new Float64Array(memory.buffer, out, 2);
  const blockSweeps = { 2: 0, 4: 0, 8: 0 };
  const one = (reset, d, omega, tolerance, maxIterations) => {
    V.set(reset);
    U.set(reset);
    let sum = 1;
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      sweep(n, g.off, g.tgt, g.w, u, v, d, omega, out);
      sum += OUT[1];
      if (OUT[0] / sum < tolerance) break;
    }
    return U.slice();
  };
  const STOP = new Int32Array(memory.buffer, g.stop, 1);
  const stopped = () => Atomics.load(STOP, 0) !== 0;
  // Streaming blocks: B columns in flight; when a column converges it is copied out and the next
  // reset is loaded into it, so no sweep is spent on finished or padding columns.
  function* listSteps(vs, d, omega, tolerance, maxIterations, width = ${BLOCK}) {
    const m = vs.length;
    const B = width;
    const sweepB = kernels["sweep" + B];
    if (!sweepB) throw new RangeError("PageRank blocks are 2, 4 or 8 columns wide, not " + B);
    if (m < Math.min(B, ${MIN_BLOCK}) || !(maxIterations > 0)) {
      const singly = [];
      for (const x of vs) {
        singly.push(one(x, d, omega, tolerance, maxIterations));
        yield;
      }
      return singly;
    }
    // The lane's block areas hold 8 columns; a narrower block uses the first B × n values.
    const UB = new Float64Array(memory.buffer, u8, B * n), VB = new Float64Array(memory.buffer, v8, B * n), OUTB = new Float64Array(memory.buffer, out8, 2 * B);
    const solved = new Array(m);
    const slot = new Array(B).fill(-1), sums = new Array(B).fill(1), sweeps = new Array(B).fill(0);
    let next = 0, active = 0;
    // Columns to copy out (into fresh arrays) and in (u = v = the reset) at the next exchange.
    const outCols = [], outs = [], inCols = [], ins = [];
    const exchange = () => {
      const a = outCols.length, b = inCols.length;
      for (let j = 0, row = 0; j < n; j++, row += B) {
        for (let i = 0; i < a; i++) outs[i][j] = UB[row + outCols[i]];
        for (let i = 0; i < b; i++) {
          const x = ins[i][j];
          UB[row + inCols[i]] = x;
          VB[row + inCols[i]] = x;
        }
      }
      outCols.length = outs.length = inCols.length = ins.length = 0;
    };
    const load = (c) => {
      inCols.push(c);
      ins.push(vs[next]);
      slot[c] = next++;
      sums[c] = 1;
      sweeps[c] = 0;
      active++;
    };
    if (m < B) {
      UB.fill(0); // unused columns: zeros stay zeros (no stale or subnormal values in the arithmetic)
      VB.fill(0);
    }
    for (let c = 0; c < B && next < m; c++) load(c);
    exchange();
    while (active > 0) {
      sweepB(n, g.off, g.tgt, g.w, u8, v8, d, omega, out8);
      blockSweeps[B]++;
      for (let c = 0; c < B; c++) {
        if (slot[c] < 0) continue;
        sums[c] += OUTB[B + c];
        if (OUTB[c] / sums[c] < tolerance || ++sweeps[c] >= maxIterations) {
          const done = new Float64Array(n);
          outCols.push(c);
          outs.push(done);
          solved[slot[c]] = done;
          slot[c] = -1;
          active--;
          if (next < m) load(c);
        }
      }
      if (outCols.length > 0) exchange();
      yield;
    }
    return solved;
  }
  const list = (vs, d, omega, tolerance, maxIterations, width) => {
    const steps = listSteps(vs, d, omega, tolerance, maxIterations, width);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  };
  return { one, list, listSteps, stopped, blockSweeps };
}`;

const makeLane = new Function(`return ${LANE_SOURCE}`)() as (module: WebAssembly.Module, memory: WebAssembly.Memory, g: WasmPprGraph, lane: number) => LaneSolvers;

let compiled: WebAssembly.Module | undefined;
const PAGE = 65_536;
const MAX_PAGES = 65_536; // 4 GiB: the 32-bit WebAssembly address space

/** Copies the graph into shared WebAssembly memory with `lanes` working areas; undefined if that is impossible. */
export function createWasmGraph(csr: Pick<CsrGraph, "nodeCount" | "offsets" | "targets">, scaled: Float64Array, lanes: number): WasmPprGraph | undefined {
  if (typeof WebAssembly === "undefined") return undefined;
  const n = csr.nodeCount;
  const nnz = csr.targets.length;
  let top = 0;
  // 64-byte alignment: a node's row of an n × 8 block is then exactly one cache line.
  const alloc = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 64) * 64;
    return at;
  };
  const off = alloc(4 * (n + 1));
  const tgt = alloc(4 * nnz);
  const w = alloc(8 * nnz);
  const laneAreas = Array.from({ length: lanes }, () => ({ u: alloc(8 * n), v: alloc(8 * n), out: alloc(16), u8: alloc(64 * n), v8: alloc(64 * n), out8: alloc(128) }));
  const stop = alloc(4);
  const pages = Math.max(1, Math.ceil(top / PAGE));
  if (pages > MAX_PAGES) return undefined;
  compiled ??= new WebAssembly.Module(Buffer.from(PPR_SWEEP_WASM_BASE64, "base64"));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  new Uint32Array(memory.buffer, off, n + 1).set(csr.offsets);
  new Uint32Array(memory.buffer, tgt, nnz).set(csr.targets);
  new Float64Array(memory.buffer, w, nnz).set(scaled);
  return { module: compiled, memory, n, off, tgt, w, lanes: laneAreas, stop };
}

/** Sets (or clears) the graph's stop word, which every lane's batch reads after each sweep. */
export function stopLanes(graph: WasmPprGraph, stop: boolean): void {
  Atomics.store(new Int32Array(graph.memory.buffer, graph.stop, 1), 0, stop ? 1 : 0);
}

/** Solvers on lane `lane` of a WebAssembly graph, for this thread. */
export function wasmLane(graph: WasmPprGraph, lane: number): LaneSolvers {
  return makeLane(graph.module, graph.memory, graph, lane);
}

/** The single-reset solver on lane `lane` of a WebAssembly graph, for this thread. */
export function wasmSolver(graph: WasmPprGraph, lane: number): PprSolve {
  return wasmLane(graph, lane).one;
}

/** The JavaScript reference kernel: the same sweeps and summation order as ppr-sweep.wat. */
export function jsSolver(csr: Pick<CsrGraph, "nodeCount" | "offsets" | "targets">, scaled: Float64Array): PprSolve {
  const { nodeCount: n, offsets, targets } = csr;
  return (v, d, omega, tolerance, maxIterations) => {
    const u = Float64Array.from(v);
    let sum = 1;
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      let maxChange = 0;
      let sweepSum = 0;
      let start = offsets[0]!;
      for (let j = 0; j < n; j++) {
        const end = offsets[j + 1]!;
        // Two partial sums, even and odd entries of the row (as ppr-sweep.wat does, for speed there).
        let acc = 0;
        let odd = 0;
        let k = start;
        for (; k + 1 < end; k += 2) {
          acc += scaled[k]! * u[targets[k]!]!;
          odd += scaled[k + 1]! * u[targets[k + 1]!]!;
        }
        if (k < end) acc += scaled[k]! * u[targets[k]!]!;
        acc += odd;
        start = end;
        const old = u[j]!;
        const delta = omega * (v[j]! + d * acc - old);
        u[j] = old + delta;
        sweepSum += delta;
        const change = delta < 0 ? -delta : delta;
        if (change > maxChange) maxChange = change;
      }
      sum += sweepSum;
      if (maxChange / sum < tolerance) break;
    }
    return u;
  };
}
