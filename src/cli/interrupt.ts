import { setMaxListeners } from "node:events";

/**
 * First Ctrl-C (or SIGTERM): abort the signal so stages stop taking new work and keep what is done.
 * A second Ctrl-C exits at once; everything committed so far is still in the workspace.
 */
export function installInterruptHandler(onFirst?: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every request in flight listens on this one signal; hundreds at once are expected.
  setMaxListeners(0, controller.signal);
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) {
      process.stderr.write("\ninterrupt: stopping; what is finished is kept, requests in flight are cancelled (the next run redoes them); press Ctrl-C again to quit at once\n");
      onFirst?.();
      controller.abort();
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
