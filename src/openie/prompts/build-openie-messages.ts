import { pyJsonDumps } from "../../core/py-json.js";
import type { ChatMessage } from "../../llm/chat-model.js";
import type { OpenIEPrompts } from "./openie-prompts.js";

export function nerMessages(prompts: OpenIEPrompts, passage: string): ChatMessage[] {
  return [
    { role: "system", content: prompts.nerSystem },
    { role: "user", content: prompts.nerDemoInput },
    { role: "assistant", content: prompts.nerDemoOutput },
    { role: "user", content: passage },
  ];
}

/** The entity list goes in as Python `json.dumps({"named_entities": [...]})` text, as upstream (spec §3.2). */
export function tripleMessages(prompts: OpenIEPrompts, passage: string, entities: readonly string[]): ChatMessage[] {
  const frame = (text: string, entityJson: string) =>
    prompts.tripleFrame.replace("{passage}", () => text).replace("{named_entity_json}", () => entityJson);
  return [
    { role: "system", content: prompts.tripleSystem },
    { role: "user", content: frame(prompts.nerDemoInput, prompts.nerDemoOutput) },
    { role: "assistant", content: prompts.tripleDemoOutput },
    { role: "user", content: frame(passage, pyJsonDumps({ named_entities: entities })) },
  ];
}
