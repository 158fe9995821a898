import { pyStrip } from "../core/python-builtins.js";
import type { ChatMessage } from "../llm/chat-model.js";

/** Passages in the QA prompt (upstream qa_top_k = 5). */
export const QA_TOP_K = 5;

/**
 * The QA prompt (our own wording, upstream's structure, spec §8): a system instruction, a one-shot
 * demonstration with retrieved passages, then the top passages as `Wikipedia Title: title\ntext`
 * blocks and `Question: …\nThought: `.
 */
export const QA_SYSTEM =
  "You are a careful reading-comprehension assistant. Read the passages, then reason step by step after " +
  '"Thought: ", using only what the passages say. End with a line that starts with "Answer: " followed by a ' +
  "short answer: a name, a date, a number or a few words, not a sentence.";

const DEMO_PASSAGES = [
  "Gabriel Lippmann\nJonas Ferdinand Gabriel Lippmann was a physicist and inventor, known for his method of reproducing colours by photography. He supervised the doctoral research of Marie Curie at the University of Paris.",
  "University of Paris\nThe University of Paris, often called the Sorbonne, was founded around 1150 and formally recognised by King Philip II in 1200. It was divided into thirteen universities in 1970.",
  "Marie Curie\nMarie Salomea Skłodowska-Curie was a physicist and chemist who conducted pioneering research on radioactivity. She was the first woman to win a Nobel Prize.",
  "Lippmann plate\nA Lippmann plate is a clear glass plate with a transparent photographic emulsion of extremely fine grains, used in Lippmann's colour photography process.",
  "Sorbonne (building)\nThe Sorbonne is a building in the Latin Quarter of Paris which housed the former University of Paris.",
];

const DEMO_QUESTION = "When was the university where Marie Curie's doctoral advisor worked founded?";
const DEMO_ANSWER =
  "Marie Curie's doctoral research was supervised by Gabriel Lippmann at the University of Paris. " +
  "The University of Paris was founded around 1150. \nAnswer: around 1150.";

function userPrompt(passages: readonly string[], question: string): string {
  return `${passages.map((p) => `Wikipedia Title: ${p}\n\n`).join("")}Question: ${question}\nThought: `;
}

export function qaMessages(passages: readonly string[], question: string): ChatMessage[] {
  return [
    { role: "system", content: QA_SYSTEM },
    { role: "user", content: userPrompt(DEMO_PASSAGES, DEMO_QUESTION) },
    { role: "assistant", content: DEMO_ANSWER },
    { role: "user", content: userPrompt(passages, question) },
  ];
}

/** Upstream: the text after the first "Answer:" (up to a second one), stripped as Python strips; else the raw reply. */
export function extractAnswer(reply: string): string {
  const parts = reply.split("Answer:");
  return parts.length > 1 ? pyStrip(parts[1]!) : reply;
}
