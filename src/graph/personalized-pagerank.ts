import { availableParallelism } from "node:os";
import { csrFromEdges, type CsrGraph } from "./csr-graph.js";
import { createManySolver, solvePaced, type ManySolver } from "./ppr-many.js";
import { createWasmGraph, jsSolver, wasmLane, type BlockWidth, type LaneSolvers, type PprKernelName, type PprSolve, type WasmPprGraph } from "./ppr-kernel.js";
import { rankOf } from "./node-order.js";
import { checkSweepGraph, sweepGraph, type PprSweepGraph } from "./ppr-sweep-graph.js";

export interface PprOptions {
  /** Probability of following an edge (upstream and the paper: 0.5). */
  damping?: number;
  /** Stop when no normalised score changes by more than this in a sweep (default 1e-9). */
  tolerance?: number;
  /** Over-relaxation factor ω in (0, 2); 1 = Gauss-Seidel (default 1.15, see personalizedPageRank). */
  relaxation?: number;
  /**
   * personalizedPageRankMany only: 1 or 2 threads; default 2 on graphs with ≥ 200k adjacency entries
   * when two cores are available. A single query always runs on one thread (see personalizedPageRank).
   */
  threads?: number;
  /** "wasm" (default when available) or "js": the same arithmetic, bit-identical results; js is ~2× slower. */
  kernel?: PprKernelName;
  /**
   * personalizedPageRankMany with the wasm kernel: resets solved together per pass over the graph,
   * 2, 4 or 8 (default BLOCK = 4, measured fastest, see ppr-kernel.ts); the same bits whatever the width.
   */
  blockColumns?: BlockWidth;
  maxIterations?: number;
  /**
   * personalizedPageRankMany only: awaited between sweeps whenever `pauseEveryMs` (default 100) have
   * passed, so a long batch gives the event loop turns (progress, signals); if it throws, the batch
   * stops (the worker's half within a sweep) and rejects with that error. Results are the same bits.
   */
  pause?: () => Promise<void>;
  pauseEveryMs?: number;
}

export type PprGraph = CsrGraph | { nodeCount: number; edges: readonly (readonly [number, number, number])[] };

/**
 * Per-graph solver state, cached: the kernels sweep the graph renumbered by descending degree
 * (ppr-sweep-graph.ts; both kernels in the same order, so they stay bit-identical), with the weights
 * pre-divided by the neighbour's degree. Resets are permuted in and scores out.
 */
interface Prepared {
  csr: CsrGraph;
  sweep: PprSweepGraph;
  /** rank[i] = the sweep position of node i. */
  rank: Uint32Array;
  /** The sweep graph as the kernels read it (no weights: they read sweep.scaled). */
  swept: Pick<CsrGraph, "nodeCount" | "offsets" | "targets">;
  wasm?: WasmPprGraph | null; // null: WebAssembly cannot hold this graph
  wasmLane?: LaneSolvers;
  jsSolve?: PprSolve;
  many?: ManySolver;
  /** personalizedPageRankMany batches, one at a time: a paced batch holds lane 0's block area across its pauses. */
  queue: Promise<unknown>;
}

const preparedCsr = new WeakMap<object, CsrGraph>();
// A graph's worker (personalizedPageRankMany) ends when the graph is collected, e.g. after a re-index.
const workersOf = new FinalizationRegistry<ManySolver>((many) => many.close());
const preparedState = new WeakMap<CsrGraph, Prepared>();

function prepared(csr: CsrGraph, sweep: PprSweepGraph): Prepared {
  return { csr, sweep, rank: rankOf(sweep.order), swept: { nodeCount: csr.nodeCount, offsets: sweep.offsets, targets: sweep.targets }, queue: Promise.resolve() };
}

function prepare(graph: PprGraph): Prepared {
  let csr: CsrGraph;
  if ("offsets" in graph) csr = graph;
  else {
    csr = preparedCsr.get(graph) ?? csrFromEdges(graph.nodeCount, graph.edges);
    preparedCsr.set(graph, csr);
  }
  let state = preparedState.get(csr);
  if (!state) preparedState.set(csr, (state = prepared(csr, sweepGraph(csr))));
  return state;
}

/** The graph in the order PageRank sweeps it (computed on first use, then kept with the graph): what an index snapshot stores. */
export function pprSweepGraph(graph: PprGraph): PprSweepGraph {
  return prepare(graph).sweep;
}

/** Hands PageRank a stored sweep graph of `csr` (from an index snapshot), so that no query computes it. */
export function adoptPprSweepGraph(csr: CsrGraph, sweep: PprSweepGraph): void {
  checkSweepGraph(csr, sweep);
  if (!preparedState.has(csr)) preparedState.set(csr, prepared(csr, sweep));
}

/** The solver for this graph and kernel choice; the graph is copied into WebAssembly memory once. */
function solverFor(prepared: Prepared, kernel: PprKernelName | undefined): PprSolve {
  if (kernel !== "js") {
    // Two lanes: one for this thread, one for personalizedPageRankMany's worker.
    if (prepared.wasm === undefined) {
      try {
        prepared.wasm = createWasmGraph(prepared.swept, prepared.sweep.scaled, 2) ?? null;
      } catch {
        prepared.wasm = null; // WebAssembly memory could not be reserved: use the JavaScript kernel
      }
    }
    if (prepared.wasm) return (prepared.wasmLane ??= wasmLane(prepared.wasm, 0)).one;
    if (kernel === "wasm") throw new RangeError("the wasm PageRank kernel is unavailable here (no WebAssembly, or the graph exceeds 4 GiB); use kernel: \"js\"");
  }
  return (prepared.jsSolve ??= jsSolver(prepared.swept, prepared.sweep.scaled));
}

/** v = reset / Σ reset, in sweep order (v[rank[i]] for node i). */
function normalisedReset(reset: ArrayLike<number>, n: number, rank: Uint32Array): Float64Array {
  if (reset.length !== n) throw new RangeError(`reset has ${reset.length} values for ${n} nodes`);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = reset[i]!;
    if (!(r >= 0)) throw new RangeError(`reset[${i}] = ${r}: reset values must be non-negative numbers`);
    total += r;
  }
  if (!(total > 0)) throw new RangeError("the reset vector sums to 0: at least one node must have a positive reset weight");
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[rank[i]!] = reset[i]! / total;
  return v;
}

/** The solver settings of `options`, defaults filled in and checked once for both entry points. */
function settings(options: PprOptions): { d: number; omega: number; tolerance: number; maxIterations: number } {
  const d = options.damping ?? 0.5;
  if (!(d >= 0 && d < 1)) throw new RangeError(`damping must be in [0, 1), got ${d}`);
  const omega = options.relaxation ?? 1.15;
  if (!(omega > 0 && omega < 2)) throw new RangeError(`relaxation must be in (0, 2), got ${omega}`);
  if (options.blockColumns !== undefined && ![2, 4, 8].includes(options.blockColumns)) throw new RangeError(`blockColumns must be 2, 4 or 8, got ${options.blockColumns}`);
  return { d, omega, tolerance: options.tolerance ?? 1e-9, maxIterations: options.maxIterations ?? 1000 };
}

/**
 * Personalized PageRank with igraph PRPACK semantics (spec §7.5): undirected weighted graph
 * (parallel edges summed, non-positive weights ignored), reset normalised to v, P = D⁻¹W, dangling
 * nodes' mass returned through v, damping d (default 0.5). Returns scores summing to 1.
 *
 * Solved as u = v + d·Pᵀu, then p = u / Σu. This equals PRPACK's fixed point
 * p = (1−d)v + d(Pᵀp + (Σ_dangling p)v): that equation rearranges to p = c·(I − dPᵀ)⁻¹v with c a
 * scalar, so the dangling term only rescales and normalising removes it. W is symmetric, so row j of
 * the CSR lists the in-neighbours i of j, and (Pᵀu)_j = Σ_i w_ij/deg_i · u_i uses pre-divided weights.
 *
 * Sweeps are successive over-relaxation (Gauss-Seidel with ω = 1.15), in the degree order of
 * node-order.ts, where power iteration needs ~27. It stops when no normalised score moved by more
 * than `tolerance` in a sweep. Sweeps to that rule on HippoRAG-shaped synthetic graphs (0.3×, 1× and
 * 2× the paper's MuSiQue size, other seeds than the benchmark's; HippoRAG-like resets / a reset on
 * one node), by ω: 1.1: 9 / 10, error vs a 1e-16 solve up to 3.5e-9; 1.15: 8–9 / 11–12, error
 * ≤ 1.2e-10; 1.2 (the former default): 9–10 / 12–13, error ≤ 1.9e-10; 1.25: 10–11. SOR converges
 * for any ω in (0, 2) here (I − dPᵀ is diagonally similar to a symmetric positive definite
 * matrix); the best ω grows with the damping, so for d = 0.85 pass a larger one. The sweep
 * runs in WebAssembly (ppr-kernel.ts). One query uses one thread: splitting a sweep across two
 * (block Gauss-Seidel, measured) needed 11 sweeps instead of 8 and a snapshot copy per sweep, and
 * gained only ~12 %; two threads pay off across queries (personalizedPageRankMany).
 */
export function personalizedPageRank(graph: PprGraph, reset: ArrayLike<number>, options: PprOptions = {}): Float64Array {
  const prepared = prepare(graph);
  const { d, omega, tolerance, maxIterations } = settings(options);
  const v = normalisedReset(reset, prepared.csr.nodeCount, prepared.rank);
  const solve = solverFor(prepared, options.kernel);
  return normalise(solve(v, d, omega, tolerance, maxIterations), prepared.rank);
}

/** p = u / Σu, back in the graph's node order (u is in sweep order). */
function normalise(u: Float64Array, rank: Uint32Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += u[i]!;
  const p = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) p[i] = u[rank[i]!]! / sum;
  return p;
}

/**
 * Personalized PageRank for many resets on one graph (an evaluation run's questions). Same results,
 * bit for bit, as calling `personalizedPageRank` on each: with the WebAssembly kernel the resets are
 * solved in blocks (one pass over the graph per sweep serves 4 queries by default, `blockColumns`
 * 2, 4 or 8: sweep2/4/8 in ppr-sweep.wat), and on large graphs with two cores each half goes to one
 * of the main thread and a worker.
 */
export async function personalizedPageRankMany(graph: PprGraph, resets: readonly ArrayLike<number>[], options: PprOptions = {}): Promise<Float64Array[]> {
  const prepared = prepare(graph);
  const { d, omega, tolerance, maxIterations } = settings(options);
  const pacing = options.pause ? { pause: options.pause, everyMs: options.pauseEveryMs ?? 100 } : undefined;
  const { rank } = prepared;
  const vs = resets.map((reset) => normalisedReset(reset, prepared.csr.nodeCount, rank));
  const solve = solverFor(prepared, options.kernel);
  const run = async (): Promise<Float64Array[]> => {
    if (options.kernel === "js" || !prepared.wasm) {
      const solved: Float64Array[] = [];
      for (const v of vs) {
        solved.push(solve(v, d, omega, tolerance, maxIterations));
        await pacing?.pause();
      }
      return solved;
    }
    const lane = prepared.wasmLane!;
    const threads = options.threads ?? (prepared.csr.targets.length >= 200_000 && availableParallelism() >= 2 ? 2 : 1);
    if (threads < 2 || vs.length < 2) {
      return pacing ? solvePaced(lane.listSteps(vs, d, omega, tolerance, maxIterations, options.blockColumns), pacing) : lane.list(vs, d, omega, tolerance, maxIterations, options.blockColumns);
    }
    if (!prepared.many) {
      prepared.many = createManySolver(prepared.wasm);
      workersOf.register(prepared.csr, prepared.many);
    }
    const remake = (i: number) => normalisedReset(resets[i]!, prepared.csr.nodeCount, rank);
    return prepared.many.solveAll(vs, d, omega, tolerance, maxIterations, lane.list, remake, options.blockColumns, pacing && { ...pacing, steps: lane.listSteps });
  };
  const solved = prepared.queue.then(run, run);
  prepared.queue = solved.catch(() => undefined);
  return (await solved).map((u) => normalise(u, rank));
}
