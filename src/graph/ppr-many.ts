import { Worker } from "node:worker_threads";
import { LANE_SOURCE, type PprSolve, type WasmPprGraph } from "./ppr-kernel.js";

/**
 * Many resets on one graph (evaluation runs): the main thread and one worker each solve whole
 * queries with the WebAssembly kernel over the same shared memory (lane 0 here, lane 1 there), so
 * two cores give about twice the throughput, with results identical to one-at-a-time solving.
 */
const WORKER_CODE = `
const { parentPort } = require("node:worker_threads");
${LANE_SOURCE}
let solve;
parentPort.on("message", (m) => {
  if (m.graph) {
    solve = makeLane(m.graph.module, m.graph.memory, m.graph, 1);
    return;
  }
  const out = m.jobs.map((v) => solve(v, m.d, m.omega, m.tolerance, m.maxIterations));
  parentPort.postMessage(out, out.map((u) => u.buffer));
});
`;

export interface ManySolver {
  /** Solves every reset (normalised); `solveHere` solves one on this thread, on lane 0. */
  solveAll(resets: Float64Array[], d: number, omega: number, tolerance: number, maxIterations: number, solveHere: PprSolve): Promise<Float64Array[]>;
  /** Stops the worker (its graph is no longer reachable). */
  close(): void;
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
    solveAll(resets, d, omega, tolerance, maxIterations, solveHere) {
      const here = (v: Float64Array) => solveHere(v, d, omega, tolerance, maxIterations);
      const run = async () => {
        // The worker takes every other query; the main thread solves the rest meanwhile.
        const theirs = resets.filter((_, i) => i % 2 === 1);
        if (theirs.length === 0 || dead) return resets.map(here);
        const done = new Promise<Float64Array[]>((resolve, reject) => {
          pending = reject;
          worker.once("message", resolve);
        });
        worker.ref();
        try {
          worker.postMessage({ jobs: theirs, d, omega, tolerance, maxIterations });
          const mine = resets.map((v, i) => (i % 2 === 0 ? here(v) : undefined));
          const fromWorker = await done.catch(() => theirs.map(here));
          let k = 0;
          return mine.map((u) => u ?? fromWorker[k++]!);
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
