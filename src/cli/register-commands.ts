import type { Command } from "commander";
import { datasetsCommand } from "./commands/datasets-command.js";
import { deleteCommand } from "./commands/delete-command.js";
import { evalCommand } from "./commands/eval-command.js";
import { indexCommand } from "./commands/index-command.js";
import { openieCommand } from "./commands/openie-command.js";
import { qaCommand } from "./commands/qa-command.js";
import { reportCommand } from "./commands/report-command.js";
import { retrieveCommand } from "./commands/retrieve-command.js";
import { runCommand } from "./commands/run-command.js";
import type { CommandContext } from "./command-context.js";

export type { CliState, CommandContext } from "./command-context.js";


/** Every working command, in pipeline order. A command is listed here only once it works. */
export function registerCommands(program: Command, context: CommandContext): void {
  for (const make of [openieCommand, indexCommand, retrieveCommand, qaCommand, evalCommand, runCommand, deleteCommand, datasetsCommand, reportCommand]) {
    // Commands built with `new Command()` do not inherit exitOverride/output settings; copy them so
    // every error reaches handle-error.ts.
    const command = make(context).copyInheritedSettings(program);
    for (const sub of command.commands) sub.copyInheritedSettings(command); // nested groups (datasets list|pull)
    program.addCommand(command);
  }
}
