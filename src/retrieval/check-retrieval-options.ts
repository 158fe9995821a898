import { usageError } from "../core/errors.js";
import { flag, knownKeys, oneOf, positiveInt, unitFloat } from "../core/validate.js";
import { methodOf } from "./method-registry.js";
import type { RetrievalOptions } from "./retrieval-types.js";
import { SEED_POLICIES } from "./seed-policies/seed-policy-registry.js";

/** The largest --top-k and --linking-top-k (a typo of 1e9 would allocate for ever). */
export const MAX_TOP_K = 10_000_000;
export const MAX_LINKING_TOP_K = 10_000;

/** Every setting of RetrievalOptions (a Record, so that a new option cannot be forgotten here). */
const KEYS: Record<keyof RetrievalOptions, true> = {
  method: true, topK: true, linkingTopK: true, passageNodeWeight: true, damping: true, seedWeighting: true,
  filter: true, filterMatchCutoff: true, linking: true, passageNodes: true, ircotSteps: true,
};

/**
 * The library's retrieval settings checked by the CLI's rules (the same limits and messages as
 * --top-k, --damping, …: retrieval-options.ts), once, where they are given: `name` is their path
 * ("retrieval" in the config, "options" of a call). Undefined fields are left to the defaults.
 */
export function checkRetrievalOptions(name: string, options: Partial<RetrievalOptions>): void {
  if (typeof options !== "object" || options === null) throw usageError(`${name} must be an object of retrieval settings, got ${String(options)}`);
  knownKeys(name, options, Object.keys(KEYS));
  const at = (key: string) => `${name}.${key}`;
  const o = options;
  // Numbers are numbers here ("5" is a typo the CLI's parsers would read, a library caller's bug).
  for (const key of ["topK", "linkingTopK", "passageNodeWeight", "damping", "filterMatchCutoff", "ircotSteps"] as const) {
    if (o[key] !== undefined && typeof o[key] !== "number") throw usageError(`${at(key)} must be a number, got ${JSON.stringify(o[key])}`);
  }
  if (o.method !== undefined) {
    if (typeof o.method === "string") methodOf(o.method);
    else if (typeof o.method !== "object" || o.method === null || typeof o.method.doRetrieve !== "function" || typeof o.method.label !== "function") {
      throw usageError(`${at("method")} must be a method id or a method object (id, label, doRetrieve, …)`);
    }
  }
  if (o.topK !== undefined) positiveInt(at("topK"), o.topK, MAX_TOP_K);
  if (o.linkingTopK !== undefined) positiveInt(at("linkingTopK"), o.linkingTopK, MAX_LINKING_TOP_K);
  if (o.passageNodeWeight !== undefined) unitFloat(at("passageNodeWeight"), o.passageNodeWeight);
  if (o.damping !== undefined) unitFloat(at("damping"), o.damping, { below1: true });
  if (o.filterMatchCutoff !== undefined) unitFloat(at("filterMatchCutoff"), o.filterMatchCutoff);
  if (o.seedWeighting !== undefined) oneOf(at("seedWeighting"), o.seedWeighting, ["paper", "head"] as const);
  if (o.linking !== undefined) oneOf(at("linking"), o.linking, Object.keys(SEED_POLICIES) as RetrievalOptions["linking"][]);
  if (o.filter !== undefined) flag(at("filter"), o.filter);
  if (o.passageNodes !== undefined) flag(at("passageNodes"), o.passageNodes);
  if (o.ircotSteps !== undefined) positiveInt(at("ircotSteps"), o.ircotSteps);
}
