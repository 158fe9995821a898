import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";
import { supportingFactsDocs } from "./gold-passages.js";

/** 2WikiMultihopQA (and any other `supporting_facts` set not named hotpotqa*): sentences joined with " ", as upstream. */
export const twoWikiFormat: DatasetFormat = {
  name: "2wikimultihopqa",
  detect: (sample) => "supporting_facts" in sample,
  goldDocs: (sample, where) => supportingFactsDocs(sample, where, " "),
  goldAnswers: (sample, where) => upstreamGoldAnswers(sample, where),
  understood: [...COMMON_FIELDS, "supporting_facts", "context", "type", "evidences", "entity_ids"],
};
