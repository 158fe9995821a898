import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";

/** The last resort: a question and its answers, no passage fields at all (allowed upstream; Recall counts 0). */
export const qaOnlyFormat: DatasetFormat = {
  name: "qa-only",
  detect: () => true,
  goldDocs: () => [],
  goldAnswers: (sample, where) => upstreamGoldAnswers(sample, where),
  understood: [...COMMON_FIELDS],
};
