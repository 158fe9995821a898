import type { Output } from "./output.js";

/** The exit code a command sets (commands return codes; only cli/main.ts ends the process). */
export interface CliState {
  exitCode: number;
}

/** What every command gets: where to write, and where to leave its exit code. */
export interface CommandContext {
  output: Output;
  state: CliState;
}
