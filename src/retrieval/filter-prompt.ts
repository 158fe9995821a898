import { pyJsonDumps } from "../core/py-json.js";
import type { ChatMessage } from "../llm/chat-model.js";

/**
 * The recognition-memory filter prompt: our own wording with upstream's structure (spec §7.3):
 * a system message describing the fields and the `[[ ## field ## ]]` layout, one-shot demonstrations
 * as user/assistant pairs, then the real question with its candidate facts as `{"fact": [...]}`.
 */
/** Max tokens per filter reply unless --filter-max-tokens says otherwise (upstream's). */
export const FILTER_MAX_TOKENS = 512;

export const FILTER_SYSTEM = `You receive these input fields:
1. \`question\` (str): a question that may need several reasoning steps
2. \`fact_before_filter\` (str): candidate facts as JSON {"fact": [[subject, predicate, object], ...]}
You produce this output field:
1. \`fact_after_filter\` (Fact): JSON {"fact": [[subject, predicate, object], ...]}

Every message is laid out as fields, each opened by a header line:

[[ ## question ## ]]
{question}

[[ ## fact_before_filter ## ]]
{fact_before_filter}

[[ ## fact_after_filter ## ]]
{fact_after_filter}

[[ ## completed ## ]]

Your job: act as the recognition memory of a retrieval system. From the candidate facts, keep the
ones (at most 4) that help answer the question or lead towards its answer, most useful first. Copy
kept facts exactly as they appear among the candidates; never invent or edit a fact. If none of the
candidates is relevant, answer {"fact": []}.`;

interface Demo {
  question: string;
  candidates: string[][];
  kept: string[][];
}

const DEMOS: Demo[] = [
  {
    question: "Which country is the birthplace of the composer of the opera Rusalka?",
    candidates: [
      ["rusalka", "composed by", "antonin dvorak"],
      ["antonin dvorak", "born in", "nelahozeves"],
      ["nelahozeves", "village in", "czech republic"],
      ["rusalka", "premiered in", "1901"],
      ["the little mermaid", "inspired", "rusalka"],
    ],
    kept: [
      ["rusalka", "composed by", "antonin dvorak"],
      ["antonin dvorak", "born in", "nelahozeves"],
      ["nelahozeves", "village in", "czech republic"],
    ],
  },
  {
    question: "When did the team that drafted Tim Duncan win its first championship?",
    candidates: [
      ["tim duncan", "drafted by", "san antonio spurs"],
      ["san antonio spurs", "first nba championship", "1999"],
      ["tim duncan", "attended", "wake forest university"],
      ["wake forest university", "located in", "north carolina"],
      ["san antonio spurs", "play in", "san antonio"],
    ],
    kept: [
      ["tim duncan", "drafted by", "san antonio spurs"],
      ["san antonio spurs", "first nba championship", "1999"],
    ],
  },
  {
    question: "Who is the spouse of the director of the film Lost River?",
    candidates: [
      ["lost river", "river in", "west virginia"],
      ["lost river", "tributary of", "cacapon river"],
      ["cacapon river", "flows through", "hampshire county"],
      ["west virginia", "capital", "charleston"],
      ["hampshire county", "county seat", "romney"],
    ],
    kept: [],
  },
];

function userMessage(question: string, candidates: readonly string[][]): string {
  return (
    `[[ ## question ## ]]\n${question}\n\n[[ ## fact_before_filter ## ]]\n${pyJsonDumps({ fact: candidates })}\n\n` +
    "Answer with the field `[[ ## fact_after_filter ## ]]` (a JSON Fact object), then the line `[[ ## completed ## ]]`."
  );
}

function assistantMessage(kept: readonly string[][]): string {
  return `[[ ## fact_after_filter ## ]]\n${pyJsonDumps({ fact: kept })}\n\n[[ ## completed ## ]]`;
}

export function filterMessages(question: string, candidates: readonly string[][]): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: "system", content: FILTER_SYSTEM }];
  for (const demo of DEMOS) {
    messages.push({ role: "user", content: userMessage(demo.question, demo.candidates) });
    messages.push({ role: "assistant", content: assistantMessage(demo.kept) });
  }
  messages.push({ role: "user", content: userMessage(question, candidates) });
  return messages;
}
