import { Worker } from "node:worker_threads";
import { BLOCK, LANE_SOURCE, type BlockWidth, type LaneSolvers, type WasmPprGraph } from "./ppr-kernel.js";

/**
 * Many resets on one graph (evaluation runs): the main thread and one worker each solve half of
 * the resets, in blocks of BLOCK (sweep4 by default), over the same shared memory (lane 0 here, lane 1 there), so two
 * cores give about twice the throughput, with results identical to one-at-a-time solving.
 */
const WORKER_CODE = `
const { parentPort } = require("node:worker_threads");
${LANE_SOURCE}
let lane;
parentPort.on("message", (m) => {
  if (m.graph) {
    lane = makeLane(m.graph.module, m.graph.memory, m.graph, 1);
    return;
  }
  const out = lane.list(m.jobs, m.d, m.omega, m.tolerance, m.maxIterations, m.width);
  parentPort.postMessage(out, out.map((u) => u.buffer));
});
`;

export type SolveList = LaneSolvers["list"];

export interface ManySolver {
  /**
   * Solves every reset (normalised); `solveHere` solves a list on this thread, on lane 0. With
   * `remake` (reset i normalised afresh), the worker's half is transferred instead of copied (at 10×
   * the paper's size, 32 resets of a batch of 64 are ~280 MB), and if the worker dies mid-batch its
   * resets are remade here; without it they are copied.
   */
  solveAll(resets: Float64Array[], d: number, omega: number, tolerance: number, maxIterations: number, solveHere: SolveList, remake?: (index: number) => Float64Array, width?: BlockWidth): Promise<Float64Array[]>;
  /** Stops the worker (its graph is no longer reachable). */
  close(): void;
}

/** Where to cut a batch between the two threads: halves (each thread streams its half through its blocks). */
export function splitPoint(count: number): number {
  return Math.ceil(count / 2);
}

export function createManySolver(graph: WasmPprGraph): ManySolver {
  if (graph.lanes.length < 2) throw new Error("personalizedPageRankMany needs a graph laid out with two lanes");
  const worker = new Worker(WORKER_CODE, { eval: true });
  worker.unref();
  worker.postMessage({ graph });
  // If the worker dies (an error, or terminated), batches go on without it on this thread.
  let dead = false;
  let pending: ((error: Error) => void) | undefined;
  const die = (error: Error) => {
    dead = true;
    pending?.(error);
  };
  worker.on("error", die);
  worker.on("exit", () => die(new Error("the PageRank worker exited")));
  // One batch at a time: the worker answers batches in order, and lane 1 is its only scratch space.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    solveAll(resets, d, omega, tolerance, maxIterations, solveHere, remake, width = BLOCK) {
      const here = (vs: Float64Array[]) => solveHere(vs, d, omega, tolerance, maxIterations, width);
      const run = async () => {
        const cut = splitPoint(resets.length);
        const theirs = resets.slice(cut);
        if (theirs.length === 0 || dead) return here(resets);
        const done = new Promise<Float64Array[]>((resolve, reject) => {
          pending = reject;
          worker.once("message", resolve);
        });
        worker.ref();
        try {
          worker.postMessage({ jobs: theirs, d, omega, tolerance, maxIterations, width }, remake ? theirs.map((v) => v.buffer as ArrayBuffer) : []);
          const mine = here(resets.slice(0, cut));
          const fromWorker = await done.catch(() => here(remake ? theirs.map((_, i) => remake(cut + i)) : theirs));
          return [...mine, ...fromWorker];
        } finally {
          pending = undefined;
          worker.removeAllListeners("message");
          worker.unref();
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    close() {
      void worker.terminate();
    },
  };
}
