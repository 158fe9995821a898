import { Command } from "commander";
import { createRequire } from "node:module";
import { expandConfigFile } from "./config-file.js";
import { handleError } from "./handle-error.js";
import { optionDescription } from "./option-description.js";
import { keepCreatedWorkspaces, removeRefusedWorkspaces } from "./refused-workspaces.js";
import { endAtOnceOnSignal, installProcessInterrupts } from "./interrupt.js";
import { onWorkspaceUpgrade } from "../store/workspace.js";
import { processOutput, handleOutputErrors, type Output } from "./output.js";
import { registerCommands, type CliState } from "./register-commands.js";

const require = createRequire(import.meta.url);
const { version } = require("../../package.json") as { version: string };

/** Builds the program. exitOverride is set before subcommands are created so it is copied to them. */
export function buildProgram(output: Output = processOutput, state: CliState = { exitCode: 0 }): Command {
  const program = new Command("hipporag")
    .description("HippoRAG 2 graph memory: OpenIE, knowledge graph, Personalized PageRank retrieval, QA and evaluation")
    .version(version, "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.stdout(s), writeErr: () => {} })
    .showSuggestionAfterError(true)
    .configureHelp({ optionDescription }); // copied to every command (register-commands.ts)
  registerCommands(program, { output, state });
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit itself. */
export async function main(argv: readonly string[], given: Output = processOutput): Promise<number> {
  const state: CliState = { exitCode: 0 };
  // Every non-zero exit ends with an error line: a command that returns 5 (work left incomplete)
  // lists what failed in its own words; the line saying what that means is added here, once.
  let saidError = false;
  const output: Output = {
    stdout: (text) => given.stdout(text),
    stderr: (text) => {
      if (text.startsWith("error:")) saidError = true;
      given.stderr(text);
    },
  };
  const program = buildProgram(output, state);
  if (argv.length <= 2) {
    // A bare `hipporag`: the usage, not commander's "(outputHelp)".
    output.stdout(program.helpInformation());
    return 0;
  }
  if (given === processOutput) handleOutputErrors();
  const interrupts = installProcessInterrupts();
  onWorkspaceUpgrade(({ path, from, to }) => {
    // Signals end the process before the line says so: a Ctrl-C that came between the line and the
    // switch would reach a handler that runs only after the (synchronous) migration, minutes later.
    const restore = endAtOnceOnSignal();
    output.stderr(`upgrading workspace ${path} (schema version ${from} to ${to}): on a large workspace this takes minutes; Ctrl-C leaves it as it was`);
    return restore;
  });
  try {
    await program.parseAsync(expandConfigFile(argv, program));
    if (state.exitCode === 2) removeRefusedWorkspaces();
    else keepCreatedWorkspaces();
    if (state.exitCode === 5 && !saidError) output.stderr(`error: work left incomplete: what failed is ${argv.includes("--json") ? "in the JSON output" : "listed above"}, recorded, and retried by the next run (exit 5)`);
    return state.exitCode;
  } catch (error) {
    const debug = argv.includes("debug") && argv.includes("--log-level");
    const secrets = [process.env.OPENAI_API_KEY ?? "", process.env.HF_TOKEN ?? "", process.env.HUGGING_FACE_HUB_TOKEN ?? ""];
    const outcome = handleError(error, { debug, secrets });
    // Refused (exit 2): "found before any work", so a workspace the command created goes again.
    if (outcome.exitCode === 2) removeRefusedWorkspaces();
    else keepCreatedWorkspaces();
    for (const line of outcome.lines) output.stderr(line);
    return outcome.exitCode;
  } finally {
    onWorkspaceUpgrade(undefined);
    interrupts.dispose();
  }
}
