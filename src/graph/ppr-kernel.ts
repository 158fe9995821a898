import type { CsrGraph } from "./csr-graph.js";
import { PPR_SWEEP_WASM_BASE64 } from "./ppr-sweep-wasm.js";

/**
 * The Personalized PageRank solver loop: over-relaxed Gauss-Seidel sweeps until no score moves by
 * more than the tolerance (relative to Σu). Two kernels run the same arithmetic in the same order,
 * so their results are bit-identical:
 *  - "wasm" (default): the sweep in WebAssembly (ppr-sweep.wat), ~1 ns per adjacency entry, about
 *    twice V8's speed on the same loop. The graph lives once in a shared WebAssembly.Memory, so a
 *    worker thread can solve other queries on it (personalizedPageRankMany) without a copy.
 *  - "js": the reference loop in JavaScript; used when WebAssembly is unavailable (node --jitless) or
 *    the graph does not fit in 32-bit WebAssembly memory (more than ~300M adjacency entries).
 */
export type PprKernelName = "wasm" | "js";

/** Solves u = v + d·Pᵀu from u = v; returns u unnormalised (a new array). v must sum to 1. */
export type PprSolve = (v: Float64Array, damping: number, omega: number, tolerance: number, maxIterations: number) => Float64Array;

/** Byte offsets of one thread's working vectors in the shared memory. */
interface Lane {
  u: number;
  v: number;
  out: number;
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
}

/**
 * Lane solver source, evaluated both here and in the personalizedPageRankMany worker, so the two
 * threads cannot drift apart. (A worker made from a string runs from dist/ and under vitest alike.)
 */
export const LANE_SOURCE = `function makeLane(module, memory, g, lane) {
  const sweep = new WebAssembly.Instance(module, { env: { memory } }).exports.sweep;
  const { u, v, out } = g.lanes[lane];
  const U = new Float64Array(memory.buffer, u, g.n), V = new Float64Array(memory.buffer, v, g.n), OUT = new Float64Array(memory.buffer, out, 2);
  return (reset, d, omega, tolerance, maxIterations) => {
    V.set(reset);
    U.set(reset);
    let sum = 1;
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      sweep(g.n, g.off, g.tgt, g.w, u, v, d, omega, out);
      sum += OUT[1];
      if (OUT[0] / sum < tolerance) break;
    }
    return U.slice();
  };
}`;

const makeLane = new Function(`return ${LANE_SOURCE}`)() as (module: WebAssembly.Module, memory: WebAssembly.Memory, g: WasmPprGraph, lane: number) => PprSolve;

let compiled: WebAssembly.Module | undefined;
const PAGE = 65_536;
const MAX_PAGES = 65_536; // 4 GiB: the 32-bit WebAssembly address space

/** Copies the graph into shared WebAssembly memory with `lanes` working areas; undefined if that is impossible. */
export function createWasmGraph(csr: CsrGraph, scaled: Float64Array, lanes: number): WasmPprGraph | undefined {
  if (typeof WebAssembly === "undefined") return undefined;
  const n = csr.nodeCount;
  const nnz = csr.targets.length;
  let top = 0;
  const alloc = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const off = alloc(4 * (n + 1));
  const tgt = alloc(4 * nnz);
  const w = alloc(8 * nnz);
  const laneAreas = Array.from({ length: lanes }, () => ({ u: alloc(8 * n), v: alloc(8 * n), out: alloc(16) }));
  const pages = Math.max(1, Math.ceil(top / PAGE));
  if (pages > MAX_PAGES) return undefined;
  compiled ??= new WebAssembly.Module(Buffer.from(PPR_SWEEP_WASM_BASE64, "base64"));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  new Uint32Array(memory.buffer, off, n + 1).set(csr.offsets);
  new Uint32Array(memory.buffer, tgt, nnz).set(csr.targets);
  new Float64Array(memory.buffer, w, nnz).set(scaled);
  return { module: compiled, memory, n, off, tgt, w, lanes: laneAreas };
}

/** A solver on lane `lane` of a WebAssembly graph, for this thread. */
export function wasmSolver(graph: WasmPprGraph, lane: number): PprSolve {
  return makeLane(graph.module, graph.memory, graph, lane);
}

/** The JavaScript reference kernel: the same sweeps and summation order as ppr-sweep.wat. */
export function jsSolver(csr: CsrGraph, scaled: Float64Array): PprSolve {
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
        let acc = 0;
        for (let k = start; k < end; k++) acc += scaled[k]! * u[targets[k]!]!;
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
