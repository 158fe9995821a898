import type { Command, Option } from "commander";
import { InputError, usageError } from "../core/errors.js";
import { readJsonFile } from "../core/read-json-file.js";

/**
 * `--config exp.json`: an experiment kept as a file in the user's repository. The file is an object
 * of the command's options, by long name in any spelling ("linkingTopK", "linking-top-k",
 * "--linking-top-k"); a list is a comma list (a sweep), true a flag, false its `--no-` form. The
 * options become arguments placed before the command line's own, so a flag on the command line
 * overrides the file (the last value wins). A flag's `--no-` form is a key too ("--no-filter": true).
 * Unknown keys are errors naming the file and the key; `--config=FILE` is `--config FILE`, and a
 * second `--config` is refused.
 */
export function expandConfigFile(given: readonly string[], program: Command): string[] {
  // "--config=exp.json" is "--config exp.json"; two files would leave it unclear which value wins.
  const argv = given.flatMap((arg) => (arg.startsWith("--config=") ? ["--config", arg.slice("--config=".length)] : [arg]));
  const at = argv.indexOf("--config");
  if (at < 0) return [...argv];
  if (argv.indexOf("--config", at + 1) >= 0) throw usageError("--config takes one file, given more than once", "merge the experiment into one file; flags on the command line override it");
  const file = argv[at + 1];
  if (!file || file.startsWith("--")) throw usageError("--config needs a file: --config exp.json");
  const rest = [...argv.slice(0, at), ...argv.slice(at + 2)];
  const commandName = rest[2];
  const command = program.commands.find((c) => c.name() === commandName);
  if (!command) throw usageError(`--config goes with a command, e.g. hipporag run --config ${file}`);
  const data = readJsonFile(file);
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InputError("expected a JSON object of options, e.g. {\"dataset\": \"musique\", \"linkingTopK\": [3, 5, 10]}", { file });
  const options = new Map<string, Option>();
  for (const option of command.options) {
    options.set(option.attributeName(), option);
    if (option.long) options.set(option.long.replace(/^--(no-)?/, ""), option);
  }
  const args: string[] = [];
  const seen = new Map<Option, string>();
  for (const [key, given] of Object.entries(data as Record<string, unknown>)) {
    let name = key.replace(/^--/, "");
    let camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    let value = given;
    // "--no-filter": true (as --help spells it), or "noFilter": true, is "filter": false.
    const negated = /^no-/.test(name) ? name.slice(3) : /^no[A-Z]/.test(camel) ? camel[2]!.toLowerCase() + camel.slice(3) : undefined;
    if (negated !== undefined && !options.has(name) && !options.has(camel) && options.get(negated)?.long?.startsWith("--no-")) {
      if (typeof value !== "boolean") throw new InputError(`${options.get(negated)!.long} is a flag: give true or false`, { file, field: key });
      name = negated;
      camel = negated.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      value = !value;
    }
    const option = options.get(name) ?? options.get(camel);
    if (!option || name === "config") throw new InputError(`not an option of hipporag ${commandName} (see hipporag ${commandName} --help)`, { file, field: key });
    // Two spellings of one option ("filter" and "noFilter"): which one wins would be the file's key order.
    const earlier = seen.get(option);
    if (earlier !== undefined) throw new InputError(`the same option as field "${earlier}" (${option.long}): give it once`, { file, field: key });
    seen.set(option, key);
    const long = option.long!;
    const negatable = long.startsWith("--no-");
    const base = long.replace(/^--no-/, "--");
    if (typeof value === "boolean") {
      if (option.required || option.optional) throw new InputError(`expected a value for ${long}, got ${value}`, { file, field: key });
      // "--no-filter": filter false sets it; "filter": true keeps the default (on).
      if (negatable) {
        if (!value) args.push(long);
      } else if (value) args.push(base);
      continue;
    }
    if (!option.required && !option.optional) throw new InputError(`${long} is a flag: give true or false`, { file, field: key });
    const text = Array.isArray(value) ? value.map(String).join(",") : typeof value === "number" || typeof value === "string" ? String(value) : undefined;
    if (text === undefined || text === "") throw new InputError(`expected a string, a number or a list of them for ${long}`, { file, field: key });
    // Checked here with the flag's own parser, so a bad value names the file and key, not only the flag.
    if (option.parseArg) {
      try {
        option.parseArg(text, option.defaultValue as never);
      } catch (error) {
        throw new InputError((error as Error).message.replace(/^error: /, ""), { file, field: key });
      }
    }
    args.push(base, text);
  }
  return [...rest.slice(0, 3), ...args, ...rest.slice(3)];
}
