import { COMMON_FIELDS, type DatasetFormat } from "./dataset-format.js";
import { upstreamGoldAnswers } from "./gold-answers.js";
import { supportingFactsDocs } from "./gold-passages.js";

/** HotpotQA: `supporting_facts` + `context`; upstream joins a passage's sentences with "" for hotpotqa* names. */
export const hotpotqaFormat: DatasetFormat = {
  name: "hotpotqa",
  detect: (sample, datasetName) => "supporting_facts" in sample && datasetName.startsWith("hotpotqa"),
  goldDocs: (sample, where) => supportingFactsDocs(sample, where, ""),
  goldAnswers: (sample, where) => upstreamGoldAnswers(sample, where),
  understood: [...COMMON_FIELDS, "supporting_facts", "context", "type", "level"],
};
