import { HippoError } from "./errors.js";

/**
 * Long synchronous work (a synonymy search, embedding thousands of texts with the built-in encoder,
 * scoring a batch) gives the event loop a turn every ~20 ms, so that Ctrl-C and SIGTERM handlers run
 * within a second at any point; and once `signal` is aborted it throws INTERRUPTED. An `await` of
 * resolved work is only a microtask: signals need a macrotask (setImmediate).
 */
export function cooperative(signal: AbortSignal | undefined, what: string): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last >= 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    if (signal?.aborted) throw new HippoError("INTERRUPTED", `interrupted ${what}`, { suggestion: "re-run the same command to resume; finished work is kept" });
  };
}
