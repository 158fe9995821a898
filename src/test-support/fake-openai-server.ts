import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake model says to one chat request. */
export interface FakeReply {
  content: string;
  finishReason?: string;
}

export type Fault =
  | { kind: "status"; status: number; retryAfterSeconds?: number; error?: { message: string; code?: string; type?: string } }
  | { kind: "hang" }
  | { kind: "drop" }
  | { kind: "malformed-body" }
  /** Any JSON body with HTTP 200 (some gateways answer an upstream failure as 200 {"error": …}). */
  | { kind: "body-200"; body: unknown }
  | { kind: "reply"; reply: FakeReply };

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  [key: string]: unknown;
}

export interface FakeServerOptions {
  chat?: (body: ChatBody) => FakeReply;
  /** Embedding of one input text (any dimension). */
  embed?: (text: string) => number[];
  /** Decides a fault for a request (or none). `attempt` counts requests with the same body so far. */
  fault?: (request: { path: string; body: unknown; attempt: number }) => Fault | undefined;
  /** Fixed latency per request. */
  latencyMs?: number;
}

/**
 * A loopback OpenAI-compatible server for tests and benchmarks: POST /v1/chat/completions and
 * POST /v1/embeddings (float or base64), with injectable faults. Records every request.
 */
export class FakeOpenAIServer {
  readonly requests: { path: string; url: string; body: any; headers: IncomingMessage["headers"] }[] = [];
  private server?: Server;
  private readonly attempts = new Map<string, number>();
  private readonly sockets = new Set<import("node:net").Socket>();
  url = "";

  constructor(public options: FakeServerOptions) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  chatRequests(): ChatBody[] {
    return this.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => r.body as ChatBody);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return this.json(res, 400, { error: { message: "bad json" } });
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname; // routes ignore the query string
    this.requests.push({ path, url: req.url ?? "", body, headers: req.headers });
    const key = `${path}:${raw}`;
    const attempt = this.attempts.get(key) ?? 0;
    this.attempts.set(key, attempt + 1);
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    const fault = this.options.fault?.({ path, body, attempt });
    if (fault?.kind === "status") {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
      return this.json(res, fault.status, { error: fault.error ?? { message: `injected ${fault.status}` } }, headers);
    }
    if (fault?.kind === "hang") return; // never answers: the client's timeout must fire
    if (fault?.kind === "drop") return void req.socket.destroy();
    if (fault?.kind === "malformed-body") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end('{"id": "x", "choices": [');
    }
    if (fault?.kind === "body-200") return this.json(res, 200, fault.body);
    if (path.endsWith("/chat/completions")) {
      const reply = fault?.kind === "reply" ? fault.reply : (this.options.chat ?? (() => ({ content: "" })))(body);
      return this.json(res, 200, chatCompletion(body.model, reply, body));
    }
    if (path.endsWith("/embeddings")) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const embed = this.options.embed ?? (() => [1, 0]);
      const data = inputs.map((text, index) => {
        const vector = embed(text);
        const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
        return { object: "embedding", index, embedding };
      });
      return this.json(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
    }
    return this.json(res, 404, { error: { message: `no route ${path}` } });
  }

  private json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(value));
  }
}

export function chatCompletion(model: string, reply: FakeReply, body: ChatBody): Record<string, unknown> {
  const promptTokens = body.messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: reply.content }, finish_reason: reply.finishReason ?? "stop" }],
    usage: { prompt_tokens: promptTokens, completion_tokens: Math.ceil(reply.content.length / 4), total_tokens: 0 },
  };
}
