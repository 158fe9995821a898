import { Worker } from "node:worker_threads";
import { BLOCK, LANE_SOURCE, stopLanes, type BlockWidth, type LaneSolvers, type WasmPprGraph } from "./ppr-kernel.js";

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
  // The main thread sets the graph's stop word when its caller stops the batch (Ctrl-C): the
  // worker then ends within one sweep instead of finishing its half.
  const steps = lane.listSteps(m.jobs, m.d, m.omega, m.tolerance, m.maxIterations, m.width);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      parentPort.postMessage(step.value, step.value.map((u) => u.buffer));
      return;
    }
    if (lane.stopped()) {
      parentPort.postMessage({ stopped: true });
      return;
    }
  }
});
`;

/**
 * How a batch on this thread gives the event loop turns: `pause` (which may throw, e.g. on Ctrl-C,
 * to stop the batch) is awaited whenever `everyMs` have passed since the last turn, between sweeps.
 */
export interface Pacing {
  pause: () => Promise<void>;
  everyMs: number;
}

/** Drives a lane's listSteps to the end, pausing as `pacing` says; a throwing pause ends the generator and rethrows. */
export async function solvePaced(steps: Generator<void, Float64Array[], void>, pacing: Pacing): Promise<Float64Array[]> {
  let last = performance.now();
  try {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (performance.now() - last >= pacing.everyMs) {
        await pacing.pause();
        last = performance.now();
      }
    }
  } finally {
    steps.return([]); // a stopped batch leaves nothing in flight on the lane
  }
}

export type SolveList = LaneSolvers["list"];

export interface ManySolver {
  /**
   * Solves every reset (normalised); `solveHere` solves a list on this thread, on lane 0. With
   * `remake` (reset i normalised afresh), the worker's half is transferred instead of copied (at 10×
   * the paper's size, 32 resets of a batch of 64 are ~280 MB), and if the worker dies mid-batch its
   * resets are remade here; without it they are copied. With `pacing`, this thread's half runs
   * through `steps` (lane 0's listSteps) with turns for the event loop; a pause that throws stops
   * the worker's half too (within a sweep) and rejects the batch with that error.
   */
  solveAll(
    resets: Float64Array[], d: number, omega: number, tolerance: number, maxIterations: number, solveHere: SolveList,
    remake?: (index: number) => Float64Array, width?: BlockWidth, paced?: Pacing & { steps: LaneSolvers["listSteps"] },
  ): Promise<Float64Array[]>;
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
    solveAll(resets, d, omega, tolerance, maxIterations, solveHere, remake, width = BLOCK, paced) {
      const here = async (vs: Float64Array[]) =>
        paced ? solvePaced(paced.steps(vs, d, omega, tolerance, maxIterations, width), paced) : solveHere(vs, d, omega, tolerance, maxIterations, width);
      const run = async () => {
        const cut = splitPoint(resets.length);
        const theirs = resets.slice(cut);
        if (theirs.length === 0 || dead) return here(resets);
        stopLanes(graph, false);
        const done = new Promise<Float64Array[] | { stopped: true }>((resolve, reject) => {
          pending = reject;
          worker.once("message", resolve);
        });
        worker.ref();
        try {
          worker.postMessage({ jobs: theirs, d, omega, tolerance, maxIterations, width }, remake ? theirs.map((v) => v.buffer as ArrayBuffer) : []);
          let mine: Float64Array[];
          try {
            mine = await here(resets.slice(0, cut));
          } catch (error) {
            // Stopped here (a pause threw): the worker stops after its current sweep; wait for it, so
            // the next batch finds lane 1 free and the stop word clear.
            stopLanes(graph, true);
            await done.catch(() => undefined);
            stopLanes(graph, false);
            throw error;
          }
          const answer = await done.catch(() => undefined);
          const fromWorker = Array.isArray(answer) ? answer : await here(remake ? theirs.map((_, i) => remake(cut + i)) : theirs);
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
