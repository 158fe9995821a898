import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";
import { contextsDocs, paragraphsDocs } from "./gold-passages.js";

/**
 * PopQA: answers from `obj` + `possible_answers` (a JSON-encoded list) + `o_wiki_title` + `o_aliases`
 * when there is no `answer`; gold passages from `contexts` or `paragraphs` (both seen in the wild),
 * in upstream's order.
 */
export const popqaFormat: DatasetFormat = {
  name: "popqa",
  detect: (sample) => "obj" in sample || "possible_answers" in sample,
  goldDocs: (sample, where) => ("contexts" in sample ? contextsDocs(sample, where) : "paragraphs" in sample ? paragraphsDocs(sample, where) : []),
  goldAnswers: (sample, where) => upstreamGoldAnswers(sample, where),
  understood: [
    ...COMMON_FIELDS, "obj", "possible_answers", "o_wiki_title", "o_aliases", "subj", "prop", "s_wiki_title", "s_aliases",
    "s_pop", "o_pop", "prop_id", "subj_id", "obj_id", "s_uri", "o_uri", "paragraphs", "contexts",
  ],
};
