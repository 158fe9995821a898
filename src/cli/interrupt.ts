import { setMaxListeners } from "node:events";

/**
 * Ctrl-C and SIGTERM, for the whole CLI run. `cli/main.ts` installs the handlers first thing, so a
 * signal is never lost or fatal without a word, whenever it comes:
 * - while no command has taken it (start-up, short commands): exit 130 at once with a message;
 *   nothing can be half-written (every write is an SQLite transaction);
 * - once a command has taken it (`installInterruptHandler()`): the signal is aborted, so stages stop
 *   taking work and keep what is done, and the command exits 130 saying how much is kept.
 * A second press exits at once.
 */
interface Active {
  controller: AbortController;
  count: number;
  /** Commands holding it (beside main). */
  takers: number;
  handler: () => void;
}
let active: Active | undefined;

function install(): Active {
  const controller = new AbortController();
  // Every request in flight listens on this one signal; hundreds at once are expected.
  setMaxListeners(0, controller.signal);
  const state: Active = {
    controller,
    count: 0,
    takers: 0,
    handler: () => {
      state.count++;
      if (state.count === 1 && state.takers > 0) {
        process.stderr.write("\ninterrupt: stopping; what is finished is kept, requests in flight are cancelled (the next run redoes them); press Ctrl-C again to quit at once\n");
        controller.abort();
        return;
      }
      process.stderr.write("\ninterrupted (exit 130): what was committed is kept\n");
      process.exit(130);
    },
  };
  process.on("SIGINT", state.handler);
  process.on("SIGTERM", state.handler);
  return state;
}

/** For `main`: handlers for the whole run; `dispose` removes them (tests run main many times in one process). */
export function installProcessInterrupts(): { dispose(): void } {
  const state = (active ??= install());
  return {
    dispose() {
      process.off("SIGINT", state.handler);
      process.off("SIGTERM", state.handler);
      if (active === state) active = undefined;
    },
  };
}

/** For a command with long work: from now on the first Ctrl-C aborts `signal` instead of exiting. */
export function installInterruptHandler(): { signal: AbortSignal; dispose(): void } {
  const owned = !active;
  const state = (active ??= install());
  state.takers++;
  return {
    signal: state.controller.signal,
    dispose() {
      state.takers--;
      if (owned) {
        process.off("SIGINT", state.handler);
        process.off("SIGTERM", state.handler);
        if (active === state) active = undefined;
      }
    },
  };
}

/**
 * For synchronous work that cannot take a turn of the event loop (a workspace upgrade): removes this
 * module's handlers, so that Ctrl-C or SIGTERM ends the process at once by Node's default (exit
 * 128 + signal) instead of waiting, unseen, for the work to end. Only for work that a kill leaves
 * whole (one SQLite transaction). Returns what puts the handlers back.
 */
export function endAtOnceOnSignal(): () => void {
  const state = active;
  if (!state) return () => {};
  process.off("SIGINT", state.handler);
  process.off("SIGTERM", state.handler);
  return () => {
    if (active !== state) return;
    process.on("SIGINT", state.handler);
    process.on("SIGTERM", state.handler);
  };
}
