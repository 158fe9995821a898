import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";
import { paragraphsDocs } from "./gold-passages.js";

/** MuSiQue and the upstream sample: `paragraphs` with `text` or `paragraph_text`; a missing `is_supporting` counts as true. */
export const musiqueFormat: DatasetFormat = {
  name: "musique",
  detect: (sample) => "paragraphs" in sample,
  goldDocs: (sample, where) => paragraphsDocs(sample, where),
  goldAnswers: (sample, where) => upstreamGoldAnswers(sample, where),
  understood: [...COMMON_FIELDS, "paragraphs", "question_decomposition", "answerable"],
};
