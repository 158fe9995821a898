import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";

/**
 * LV-Eval (long documents, QA only). The spec does not describe the published file, so this reads it
 * defensively: the question from `question` or LV-Eval's own `input`, answers from upstream's fields or
 * LV-Eval's `answers` list. It has no supporting-passage flags, so there are no gold passages: the loader
 * says so, and Recall is not meaningful for it.
 */
export const lvevalFormat: DatasetFormat = {
  name: "lveval",
  detect: (sample, datasetName) => datasetName.startsWith("lveval") || (typeof sample.context === "string" && ("answers" in sample || "input" in sample)),
  readQuestion: (sample) => sample.question ?? sample.input,
  goldDocs: () => [],
  goldAnswers: (sample, where) => upstreamGoldAnswers(sample, where, ["answers"]),
  understood: [...COMMON_FIELDS, "input", "context", "answers", "distractor", "confusing_facts", "answer_keywords", "length", "dataset", "language", "all_classes"],
};
