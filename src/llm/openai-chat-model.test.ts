import { afterEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "../test-support/fake-openai-server.js";
import { OpenAIChatModel } from "./openai-chat-model.js";
import type { RetryInfo } from "./retry.js";

let servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

const request = { messages: [{ role: "user" as const, content: "Capital of France?" }], stage: "qa" as const };
const fast = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 };

async function model(fault: ConstructorParameters<typeof FakeOpenAIServer>[0]["fault"], apiKey = "sk-test-secret-key-123456") {
  const server = await new FakeOpenAIServer({ chat: () => ({ content: "Paris" }), fault }).start();
  servers.push(server);
  const retries: RetryInfo[] = [];
  const chat = new OpenAIChatModel("m", { baseUrl: server.url, apiKey, retry: fast, onRetry: (info) => retries.push(info) });
  return { server, chat, retries };
}

describe("OpenAIChatModel: a 200 reply that carries an error body (gateways such as OpenRouter and LiteLLM send these)", () => {
  it("is retried like any transient failure, and the retry says what the server said", async () => {
    const { server, chat, retries } = await model(({ attempt }) => (attempt < 2 ? { kind: "body-200", body: { error: { message: "Upstream provider overloaded", code: 502 } } } : undefined));
    const result = await chat.generate(request);
    expect(result.text).toBe("Paris");
    expect(server.chatRequests()).toHaveLength(3);
    expect(retries.map((r) => r.reason)).toEqual([expect.stringMatching(/Upstream provider overloaded/), expect.stringMatching(/Upstream provider overloaded/)]);
  });

  it("that keeps failing ends as a retryable REMOTE failure whose message quotes the server (secrets redacted)", async () => {
    const key = "sk-test-secret-key-123456";
    const { server, chat } = await model(() => ({ kind: "body-200", body: { error: { message: `Provider returned error for key ${key}` } } }), key);
    const error = await chat.generate(request).then(() => undefined, (e: unknown) => e as { code?: string; message: string; isRetryable?: boolean });
    expect(error?.code).toBe("REMOTE");
    expect(error?.isRetryable).toBe(true);
    expect(error?.message).toMatch(/Provider returned error for key/);
    expect(error?.message).not.toContain(key);
    expect(server.chatRequests()).toHaveLength(3);
  });

  it("with an HTTP status as its code is treated as that status: a rejected key stops at once", async () => {
    const { server, chat } = await model(() => ({ kind: "body-200", body: { error: { message: "No auth credentials found", code: 401 } } }));
    const error = await chat.generate(request).then(() => undefined, (e: unknown) => e as { code?: string; message: string; fatal?: boolean });
    expect(error?.message).toMatch(/refused the credentials.*No auth credentials found/);
    expect(error?.fatal).toBe(true);
    expect(server.chatRequests()).toHaveLength(1);
    await expect(chat.generate(request)).rejects.toThrow(/refused the credentials/);
    expect(server.chatRequests()).toHaveLength(1); // nothing more was sent
  });

  it("a 200 reply with neither text nor error is retried, then named for what it lacks", async () => {
    const { server, chat } = await model(() => ({ kind: "body-200", body: { id: "x", choices: [] } }));
    await expect(chat.generate(request)).rejects.toThrow(/failed after 3 attempt\(s\): .*no message text/);
    expect(server.chatRequests()).toHaveLength(3);
  });
});
