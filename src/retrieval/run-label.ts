import { methodOf } from "./method-registry.js";
import type { RetrievalOptions } from "./retrieval-types.js";

/**
 * Runs are named by what they measure: "hipporag2", "hipporag2-nofilter", "dense", "bm25", with a
 * suffix for each setting away from its default, so a sweep (Table 5's passage-node weights) keeps
 * one stored run per value: "hipporag2-pnw0.01", "hipporag2-nofilter-link10-damping0.85". Each
 * method names its own runs (RetrievalMethod.label); IRCoT around it adds "-ircot<max steps>".
 */
export function runLabel(options: RetrievalOptions): string {
  return `${methodOf(options.method).label(options)}${options.ircotSteps ? `-ircot${options.ircotSteps}` : ""}`;
}
