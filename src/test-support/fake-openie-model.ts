import { DEFAULT_OPENIE_PROMPTS } from "../openie/prompts/openie-prompts.js";
import type { ChatBody, FakeReply } from "./fake-openai-server.js";

/**
 * A deterministic stand-in for an OpenIE LLM: entities = capitalised word runs and numbers of the
 * passage; triples link consecutive entities. Good enough to build a real graph in tests.
 */
export function fakeEntities(passage: string): string[] {
  const matches = passage.match(/\b[A-Z][\w'-]*(?: +(?:of +)?(?:[A-Z][\w'-]*|\d+\b))*|\b\d{3,4}\b/g) ?? [];
  return [...new Set(matches.map((m) => m.trim()))];
}

export function fakeTriples(entities: readonly string[]): string[][] {
  const triples: string[][] = [];
  for (let i = 0; i + 1 < entities.length; i++) triples.push([entities[i]!, "is related to", entities[i + 1]!]);
  return triples;
}

/** Which OpenIE step a request is, from its system prompt. */
export function openieStage(body: ChatBody): "ner" | "triples" | undefined {
  const system = body.messages[0]?.content;
  if (system === DEFAULT_OPENIE_PROMPTS.nerSystem) return "ner";
  if (system === DEFAULT_OPENIE_PROMPTS.tripleSystem) return "triples";
  return undefined;
}

export function lastUser(body: ChatBody): string {
  return body.messages[body.messages.length - 1]!.content;
}

export function fakeOpenIEReply(body: ChatBody): FakeReply | undefined {
  const stage = openieStage(body);
  if (stage === "ner") return { content: JSON.stringify({ named_entities: fakeEntities(lastUser(body)) }) };
  if (stage === "triples") {
    const user = lastUser(body);
    const entityJson = user.slice(user.lastIndexOf("```") + 3).trim();
    const entities = (JSON.parse(entityJson) as { named_entities: string[] }).named_entities;
    return { content: JSON.stringify({ triples: fakeTriples(entities) }) };
  }
  return undefined;
}
