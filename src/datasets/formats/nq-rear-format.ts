import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";
import { contextsDocs } from "./gold-passages.js";

/** NQ-Rear (`contexts` with `is_supporting`; answers usually in `reference`, a list). */
export const nqRearFormat: DatasetFormat = {
  name: "nq_rear",
  detect: (sample) => "contexts" in sample,
  goldDocs: (sample, where) => contextsDocs(sample, where),
  goldAnswers: (sample, where) => upstreamGoldAnswers(sample, where),
  understood: [...COMMON_FIELDS, "contexts", "long_answer", "short_answers"],
};
