import { QA_SYSTEM } from "../qa/qa-prompt.js";
import { FILTER_SYSTEM } from "../retrieval/filter-prompt.js";
import { QUERY_NER_SYSTEM } from "../retrieval/query-ner-prompt.js";
import type { ChatBody, FakeReply } from "./fake-openai-server.js";
import { fakeOpenIEReply, lastUser } from "./fake-openie-model.js";

/**
 * A deterministic LLM for end-to-end tests: OpenIE as fake-openie-model; the filter keeps candidate
 * facts sharing a content word with the question; query NER lists the question's capitalised word
 * runs; QA answers with the title of the first passage.
 */
export function fakeLlm(body: ChatBody): FakeReply {
  const openie = fakeOpenIEReply(body);
  if (openie) return openie;
  const system = body.messages[0]?.content;
  const user = lastUser(body);
  if (system === FILTER_SYSTEM) {
    const question = /\[\[ ## question ## \]\]\n([^\n]*)/.exec(user)![1]!.toLowerCase();
    const facts = JSON.parse(/\[\[ ## fact_before_filter ## \]\]\n([^\n]*)/.exec(user)![1]!).fact as string[][];
    const words = new Set(question.split(/[^a-z0-9]+/).filter((w) => w.length > 3));
    const kept = facts.filter((f) => f.join(" ").split(/[^a-z0-9]+/).some((w) => words.has(w))).slice(0, 4);
    return { content: `[[ ## fact_after_filter ## ]]\n${JSON.stringify({ fact: kept })}\n\n[[ ## completed ## ]]` };
  }
  if (system === QUERY_NER_SYSTEM) {
    const question = user.replace(/^Question: /, "");
    const entities = [...question.matchAll(/(?<![\w'])(?:[A-Z][\w'’.-]*)(?: (?:of |the |de )?[A-Z][\w'’.-]*)*/g)].map((m) => m[0]).filter((e) => !/^(What|Who|Which|When|Where|How|Why|Is|Was|Are|Did|Does|In|The)$/.test(e));
    return { content: JSON.stringify({ named_entities: entities }) };
  }
  if (system === QA_SYSTEM) {
    const title = /^Wikipedia Title: ([^\n]*)/.exec(user)?.[1] ?? "unknown";
    return { content: `The first passage is about ${title}. \nAnswer: ${title}` };
  }
  return { content: "" };
}
