import type { Linking } from "../retrieval-types.js";
import { factSeedPolicy } from "./fact-seed-policy.js";
import { nerSeedPolicy } from "./ner-seed-policy.js";
import { queryNodeSeedPolicy } from "./query-node-seed-policy.js";
import type { SeedPolicy } from "./seed-policy.js";

/** Every --linking value's policy; a new linking is one file plus a line here (and the Linking type). */
export const SEED_POLICIES: Record<Linking, SeedPolicy> = {
  fact: factSeedPolicy,
  query: queryNodeSeedPolicy,
  ner: nerSeedPolicy,
};
