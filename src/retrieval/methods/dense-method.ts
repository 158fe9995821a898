import { DEFAULT_RETRIEVAL } from "../retrieval-types.js";
import type { RetrievalMethod } from "../retrieval-method.js";
import type { RetrievalResult } from "../retrieval-types.js";

/** Dense passage retrieval with the index's encoder (StandardRAG, spec §11): min-max normalised cosine. */
export const denseMethod: RetrievalMethod = {
  id: "dense",
  description: "dense passage retrieval, StandardRAG",
  label: (options) => `dense${options.topK !== DEFAULT_RETRIEVAL.topK ? `-top${options.topK}` : ""}`,
  settingsOf: (options) => ({ topK: options.topK, ircotSteps: options.ircotSteps }),
  llmUse: () => null,
  async doRetrieve(memory, questions, options, { onEach, signal, tick }) {
    const queryPassage = await memory.queryVectors(questions, "query_to_passage", signal);
    const results: RetrievalResult[] = [];
    // Groups of 64: one (64 × d) · (passages × d)ᵀ product each.
    for (let start = 0; start < questions.length; start += 64) {
      await tick();
      const rows = questions.slice(start, start + 64).map((_, i) => start + i);
      const dense = await memory.denseScores(queryPassage, rows);
      rows.forEach((q, i) => {
        results.push(memory.result(questions[q]!, dense[i]!, dense[i]!, options, { method: "dense", candidateFacts: [], seeds: [], top: [] }));
        onEach?.(results.length);
      });
    }
    await tick(); // a signal during the last group stops the run here, not after it
    return results;
  },
  explain: () => ({ detail: "", sections: [], scoreColumn: "score" }),
};
