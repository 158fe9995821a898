import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";

/** `{text: …}` objects (NarrativeQA's own question and answer shape) become their text; anything else is kept for validation. */
function textOf(value: unknown): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "text" in value ? (value as { text: unknown }).text : value;
}

/**
 * NarrativeQA (whole books and scripts, QA only). Not described in the spec, so read defensively: the
 * question as a string or `{text}`, answers from upstream's fields or `answers` (strings or `{text}`).
 * The story itself is the corpus; no passage is marked supporting, so there are no gold passages.
 */
export const narrativeqaFormat: DatasetFormat = {
  name: "narrativeqa",
  detect: (sample, datasetName) => datasetName.startsWith("narrativeqa") || ("document" in sample && "answers" in sample),
  readQuestion: (sample) => textOf(sample.question),
  goldDocs: () => [],
  goldAnswers: (sample, where) => {
    const answers = Array.isArray(sample.answers) ? sample.answers.map(textOf) : sample.answers;
    const answer = Array.isArray(sample.answer) ? sample.answer.map(textOf) : textOf(sample.answer);
    const normalised = { ...sample, ...("answers" in sample ? { answers } : {}), ...("answer" in sample ? { answer } : {}) };
    return upstreamGoldAnswers(normalised, where, ["answers"]);
  },
  understood: [...COMMON_FIELDS, "document", "document_id", "answers", "question_tokens", "set", "kind"],
};
