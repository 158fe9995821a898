import { Option, type Command } from "commander";
import { usageError } from "../core/errors.js";
import { DEFAULT_IRCOT_STEPS } from "../retrieval/ircot/ircot-retrieve.js";
import { methodOf, RETRIEVAL_METHODS } from "../retrieval/method-registry.js";
import { SEED_POLICIES } from "../retrieval/seed-policies/seed-policy-registry.js";
import { DEFAULT_RETRIEVAL, effectiveRetrievalOptions, type RetrievalOptions } from "../retrieval/retriever.js";
import { MAX_LINKING_TOP_K, MAX_TOP_K } from "../retrieval/check-retrieval-options.js";
import { parsePositiveInt, parseUnitFloat } from "./parse-number.js";

/** Retrieval options shared by retrieve and run; defaults are upstream's. */
export function retrievalOptions(command: Command, options: { method?: boolean } = {}): Command {
  // `run` runs all three methods, so it takes no --method (it would only confuse).
  // The choices are the registry's (retrieval/method-registry.ts): a new method needs no edit here.
  if (options.method !== false) {
    command.addOption(
      new Option("--method <method>", RETRIEVAL_METHODS.map((m) => `${m.id} (${m.description})`).join(", "))
        .choices(RETRIEVAL_METHODS.map((m) => m.id))
        .default(DEFAULT_RETRIEVAL.method),
    );
  }
  return command
    .option("--no-filter", "skip the recognition-memory filter (the paper's ablation; needs no LLM)")
    .option("--top-k <n>", `passages returned per question (a comma list sweeps; default ${DEFAULT_RETRIEVAL.topK})`, listOf(parsePositiveInt("--top-k", MAX_TOP_K)), [DEFAULT_RETRIEVAL.topK])
    .option("--linking-top-k <n>", `candidate facts for the filter and max seed phrases (a comma list sweeps; default ${DEFAULT_RETRIEVAL.linkingTopK})`, listOf(parsePositiveInt("--linking-top-k", MAX_LINKING_TOP_K)), [DEFAULT_RETRIEVAL.linkingTopK])
    .option("--passage-node-weight <w>", `weight of dense passage scores in the PPR reset (a comma list sweeps, e.g. 0.01,0.05,0.3; default ${DEFAULT_RETRIEVAL.passageNodeWeight})`, listOf(parseUnitFloat("--passage-node-weight")), [DEFAULT_RETRIEVAL.passageNodeWeight])
    .option("--damping <d>", `PPR damping, the probability of following an edge (a comma list sweeps; default ${DEFAULT_RETRIEVAL.damping})`, listOf(parseUnitFloat("--damping", { below1: true })), [DEFAULT_RETRIEVAL.damping])
    .addOption(new Option("--seed-weighting <mode>", "paper (the code behind the paper's numbers) or head (upstream since 2025-06)").choices(["paper", "head"]).default("paper"))
    .option("--filter-match-cutoff <r>", "min difflib ratio to map a filter output to a candidate (upstream 0; a comma list sweeps)", listOf(parseUnitFloat("--filter-match-cutoff")), [DEFAULT_RETRIEVAL.filterMatchCutoff])
    .addOption(
      new Option("--linking <how>", "seed phrases from: fact (query-to-triple, HippoRAG 2), query (query-to-node ablation) or ner (NER-to-node ablation, needs an LLM); node linkings skip the filter")
        .choices(Object.keys(SEED_POLICIES))
        .default("fact"),
    )
    .option("--no-passage-nodes", "the w/o-passage-nodes ablation: PPR over phrase nodes only; a passage scores the sum of its phrases' PageRank")
    .option("--ircot", "IRCoT around the method: retrieve, write one reasoning sentence with the LLM, retrieve again with it, until \"So the answer is\" or --max-steps (needs an LLM)")
    .option("--max-steps <n>", `IRCoT's retrieval steps (and reasoning calls) per question at most (default ${DEFAULT_IRCOT_STEPS})`, parsePositiveInt("--max-steps"))
    .option("--ircot-prompt <file>", "JSON file overriding IRCoT prompt fields (system, frame, demoInput, demoOutput)");
}

export interface RetrievalCliOptions {
  method: RetrievalOptions["method"];
  filter: boolean;
  /** Numeric settings are lists: one value, or the values of a sweep. */
  topK: number[];
  linkingTopK: number[];
  passageNodeWeight: number[];
  damping: number[];
  seedWeighting: RetrievalOptions["seedWeighting"];
  filterMatchCutoff: number[];
  linking: RetrievalOptions["linking"];
  passageNodes: boolean;
  ircot?: boolean;
  maxSteps?: number;
  ircotPrompt?: string;
}

/** A numeric option that takes one value or a comma list (a sweep); each value is checked by `parse`. */
function listOf(parse: (value: string) => number) {
  return (value: string): number[] => [...new Set(value.split(",").map((part) => parse(part.trim())))];
}

/**
 * Every combination of the swept values, in the order given (the first list varies slowest). Each is
 * a run of its own: its label names every non-default setting (runLabel), so the runs share the index
 * and sit side by side in eval.
 */
export function resolveRetrievalSweep(options: RetrievalCliOptions): RetrievalOptions[] {
  if (!options.ircot && (options.maxSteps !== undefined || options.ircotPrompt !== undefined)) {
    throw usageError(`${options.maxSteps !== undefined ? "--max-steps" : "--ircot-prompt"} applies to IRCoT only`, "add --ircot");
  }
  checkMethodSettings(options);
  const combos: RetrievalOptions[] = [];
  for (const topK of options.topK)
    for (const linkingTopK of options.linkingTopK)
      for (const passageNodeWeight of options.passageNodeWeight)
        for (const damping of options.damping)
          for (const filterMatchCutoff of options.filterMatchCutoff)
            combos.push(
              effectiveRetrievalOptions({
                method: options.method,
                filter: options.filter,
                topK,
                linkingTopK,
                passageNodeWeight,
                damping,
                seedWeighting: options.seedWeighting,
                filterMatchCutoff,
                linking: options.linking,
                passageNodes: options.passageNodes,
                ...(options.ircot ? { ircotSteps: options.maxSteps ?? DEFAULT_IRCOT_STEPS } : {}),
              }),
            );
  return combos;
}

/** The settings a method may ignore, with the flag that sets each. */
const METHOD_SETTINGS: readonly [keyof RetrievalCliOptions & keyof RetrievalOptions, string][] = [
  ["filter", "--no-filter"],
  ["linkingTopK", "--linking-top-k"],
  ["passageNodeWeight", "--passage-node-weight"],
  ["damping", "--damping"],
  ["seedWeighting", "--seed-weighting"],
  ["filterMatchCutoff", "--filter-match-cutoff"],
  ["linking", "--linking"],
  ["passageNodes", "--no-passage-nodes"],
];

/**
 * A setting away from its default that the method does not use (the graph's settings with
 * `--method dense` or `bm25`) is refused: it would be accepted, change nothing, and a sweep over it
 * would compute one run several times. A method's run label names every setting it uses, so a
 * setting that leaves the label unchanged is one it ignores.
 */
function checkMethodSettings(options: RetrievalCliOptions): void {
  // The filter's own setting without the filter (off, or skipped by a node linking) changes nothing.
  const cutoffs = options.filterMatchCutoff ?? [];
  const noFilter = options.filter === false ? "--no-filter" : options.linking !== undefined && options.linking !== "fact" ? `--linking ${options.linking}` : undefined;
  if (noFilter && cutoffs.some((value) => value !== DEFAULT_RETRIEVAL.filterMatchCutoff)) {
    throw usageError(`--filter-match-cutoff has no effect with ${noFilter} (no filter output to map)`, "drop it, or run with the filter");
  }
  // Likewise the passage nodes' weight without passage nodes: a sweep over it would store identical runs.
  if (options.passageNodes === false && (options.passageNodeWeight ?? []).some((value) => value !== DEFAULT_RETRIEVAL.passageNodeWeight)) {
    throw usageError("--passage-node-weight has no effect with --no-passage-nodes (no passage node to weigh)", "drop one of them");
  }
  // `run` has no --method: it runs every method, each with the settings it uses.
  if (options.method === undefined) return;
  const method = methodOf(options.method);
  const base: RetrievalOptions = { ...DEFAULT_RETRIEVAL, method: options.method };
  for (const [key, flag] of METHOD_SETTINGS) {
    const given = options[key];
    const values: unknown[] = Array.isArray(given) ? given : [given];
    for (const value of values) {
      if (value === undefined || value === DEFAULT_RETRIEVAL[key]) continue;
      const withValue = { ...base, [key]: value } as RetrievalOptions;
      if (method.label(withValue) === method.label(base)) {
        throw usageError(`${flag} has no effect with --method ${method.id}`, "drop it, or use --method hipporag (the graph's settings apply to it only)");
      }
    }
  }
}

/** The one setting of a command that takes no sweep (--explain, --predictions-out). */
export function resolveRetrieval(options: RetrievalCliOptions, why?: string): RetrievalOptions {
  const combos = resolveRetrievalSweep(options);
  if (combos.length > 1 && why) throw usageError(`${why} takes one value per option, not a sweep (${combos.length} settings given)`);
  return combos[0]!;
}
