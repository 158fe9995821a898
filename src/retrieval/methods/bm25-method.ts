import { DEFAULT_RETRIEVAL } from "../retrieval-types.js";
import type { RetrievalMethod } from "../retrieval-method.js";
import type { RetrievalResult } from "../retrieval-types.js";

/** BM25 over the passages' text (the paper's sparse baseline); no vectors, no graph, no LLM. */
export const bm25Method: RetrievalMethod = {
  id: "bm25",
  description: "the sparse baseline",
  label: (options) => `bm25${options.topK !== DEFAULT_RETRIEVAL.topK ? `-top${options.topK}` : ""}`,
  settingsOf: (options) => ({ topK: options.topK, ircotSteps: options.ircotSteps }),
  llmUse: () => null,
  async doRetrieve(memory, questions, options, { onEach, tick }) {
    const bm25 = memory.bm25();
    const results: RetrievalResult[] = [];
    for (const question of questions) {
      await tick();
      const scores = bm25.scores(question);
      results.push(memory.result(question, scores, scores, options, { method: "bm25", candidateFacts: [], seeds: [], top: [] }));
      onEach?.(results.length);
    }
    await tick(); // a signal during the last question stops the run here, not after it
    return results;
  },
  explain: () => ({ detail: "", sections: [], scoreColumn: "score" }),
};
