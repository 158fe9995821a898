import type { ChatMessage } from "../../llm/chat-model.js";

/**
 * The IRCoT reasoning prompt (our own wording; the shape follows Trivedi et al., 2023): passages,
 * the question and the reasoning so far, and the model writes exactly one more sentence; the last
 * one starts "So the answer is:". One demonstration. Any field can be replaced with
 * `--ircot-prompt FILE.json` (same keys); `frame` must keep {passages}, {question} and {thoughts}.
 */
export interface IrcotPrompt {
  system: string;
  /** The user message: {passages} (each "Wikipedia Title: title\ntext"), {question}, {thoughts} (the sentences so far). */
  frame: string;
  /** The demonstration, as already-filled user message and the assistant's one sentence. */
  demoInput: string;
  demoOutput: string;
}

/** The convention that ends the reasoning (IRCoT's "So the answer is:"), matched case-insensitively. */
export const CONCLUSION = "So the answer is";

const SYSTEM =
  "You answer multi-hop questions one reasoning step at a time. You are given Wikipedia passages, a question, and the reasoning written so far. " +
  "Write exactly one new sentence that states one more fact taken from the passages and moves the reasoning toward the answer; name the entity it finds. " +
  'When the reasoning is enough to answer, write instead a final sentence of the form "So the answer is: <answer>." with a short answer. Write nothing else.';

const FRAME = "{passages}\n\nQuestion: {question}\nThought so far: {thoughts}\nNext sentence:";

const DEMO_PASSAGES = [
  "Wikipedia Title: Lake Tana\nLake Tana is the largest lake in Ethiopia and the source of the Blue Nile. It lies in the Amhara Region in the north-western Ethiopian Highlands.",
  "Wikipedia Title: Amhara Region\nThe Amhara Region is a regional state in northern Ethiopia. Its capital is Bahir Dar, a city on the southern shore of Lake Tana.",
  "Wikipedia Title: Blue Nile Falls\nThe Blue Nile Falls is a waterfall on the Blue Nile river in Ethiopia, about 30 km downstream from Lake Tana.",
].join("\n\n");

export const DEFAULT_IRCOT_PROMPT: IrcotPrompt = {
  system: SYSTEM,
  frame: FRAME,
  demoInput: fill(FRAME, DEMO_PASSAGES, "What is the capital of the region where the source of the Blue Nile is?", "The Blue Nile flows out of Lake Tana, which lies in the Amhara Region."),
  demoOutput: "The capital of the Amhara Region is Bahir Dar. So the answer is: Bahir Dar.",
};

/** The messages of one reasoning step: the passages so far, the question, the sentences so far. */
export function ircotMessages(prompt: IrcotPrompt, question: string, passages: readonly string[], sentences: readonly string[]): ChatMessage[] {
  const shown = passages.map((p) => `Wikipedia Title: ${p}`).join("\n\n");
  return [
    { role: "system", content: prompt.system },
    { role: "user", content: prompt.demoInput },
    { role: "assistant", content: prompt.demoOutput },
    { role: "user", content: fill(prompt.frame, shown, question, sentences.join(" ") || "(none yet)") },
  ];
}

/**
 * One sentence from the reply: its first line, trimmed (a model that writes more is cut to its first
 * line), except that a first line ending in "So the answer is:" takes the next non-empty line as its
 * answer (models write "So the answer is:\nGreece."; cut there, the conclusion had no answer).
 */
export function firstSentence(reply: string): string {
  const lines = reply.trim().split("\n").map((line) => line.trim());
  const first = lines[0] ?? "";
  const next = lines.slice(1).find((line) => line !== "");
  return next !== undefined && new RegExp(`${CONCLUSION}\\s*:?$`, "i").test(first) ? `${first} ${next}` : first;
}

/**
 * The answer a concluding sentence gives ("So the answer is: X." gives "X"), or undefined when it does
 * not conclude: "So the answer is:" with nothing after it names no answer, so the reasoning goes on
 * (it was stored as a concluded empty answer).
 */
export function conclusionOf(sentence: string): string | undefined {
  const at = sentence.toLowerCase().indexOf(CONCLUSION.toLowerCase());
  if (at < 0) return undefined;
  const answer = sentence.slice(at + CONCLUSION.length).replace(/^\s*[:,]?\s*/, "").replace(/\.\s*$/, "").trim();
  return answer === "" ? undefined : answer;
}

function fill(frame: string, passages: string, question: string, thoughts: string): string {
  // Functions as replacements: "$" in a passage is text, not a replacement pattern.
  return frame.replace("{passages}", () => passages).replace("{question}", () => question).replace("{thoughts}", () => thoughts);
}
