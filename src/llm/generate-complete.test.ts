import { describe, expect, it } from "vitest";
import { Workspace } from "../store/workspace.js";
import { tempDir } from "../test-support/cli-harness.js";
import { CachedChatModel } from "./cached-chat-model.js";
import type { ChatModel, ChatResult } from "./chat-model.js";
import { generateComplete } from "./generate-complete.js";

describe("generateComplete", () => {
  it("a reply the server's content filter withheld (finish_reason content_filter) is a retryable failure, never cached as an answer", async () => {
    let calls = 0;
    let filtered = true;
    const inner: ChatModel = {
      modelId: "m",
      generate: async (): Promise<ChatResult> => {
        calls++;
        return { text: filtered ? "" : "Paris", finishReason: filtered ? "content_filter" : "stop", promptTokens: 3, completionTokens: filtered ? 0 : 1, cacheHit: false };
      },
    };
    const workspace = Workspace.open(tempDir());
    try {
      const chat = new CachedChatModel(inner, workspace.llmCache);
      const request = { messages: [{ role: "user" as const, content: "Capital of France?" }], stage: "qa" as const };
      const error = await generateComplete(chat, request).then(() => undefined, (e: unknown) => e as { code?: string; message: string; isRetryable?: boolean });
      expect(error?.code).toBe("REMOTE");
      expect(error?.message).toMatch(/content_filter/);
      expect(error?.isRetryable).toBe(true);
      filtered = false;
      expect((await generateComplete(chat, request)).text).toBe("Paris"); // asked again: nothing was cached
      expect(calls).toBe(2);
    } finally {
      workspace.close();
    }
  });
});
