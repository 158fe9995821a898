import type { ChatMessage } from "../llm/chat-model.js";

/**
 * Query NER for the "w/ NER-to-node" ablation (HippoRAG 1's linking, paper Table 4): the LLM lists
 * the named entities a question mentions, as {"named_entities": [...]}. Our own wording, one shot;
 * the reply is read by the same lenient parser as passage NER.
 */
export const QUERY_NER_SYSTEM =
  "You extract named entities from questions. List every named entity (people, places, organisations, works, events, dates, numbers with units) " +
  'that the question mentions and that would help answer it, each exactly as written in the question. Reply with JSON only: {"named_entities": [...]}.';

const DEMO_QUESTION = "Which river flows through the city where the author of The Hobbit studied?";
const DEMO_REPLY = '{"named_entities": ["The Hobbit"]}';
const DEMO_QUESTION_2 = "Was Marie Curie born before the Eiffel Tower was completed in 1889?";
const DEMO_REPLY_2 = '{"named_entities": ["Marie Curie", "Eiffel Tower", "1889"]}';

/** Reply tokens asked for a question's entities (a short JSON list). */
export const QUERY_NER_MAX_TOKENS = 256;

export function queryNerMessages(question: string): ChatMessage[] {
  return [
    { role: "system", content: QUERY_NER_SYSTEM },
    { role: "user", content: `Question: ${DEMO_QUESTION}` },
    { role: "assistant", content: DEMO_REPLY },
    { role: "user", content: `Question: ${DEMO_QUESTION_2}` },
    { role: "assistant", content: DEMO_REPLY_2 },
    { role: "user", content: `Question: ${question}` },
  ];
}
