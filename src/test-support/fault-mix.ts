import type { ChatBody, Fault, FakeReply } from "./fake-openai-server.js";

/** Rates (0..1) of each injected fault; they are tried in this order per request. */
export interface FaultRates {
  status500?: number;
  status429?: number;
  hang?: number;
  drop?: number;
  malformedBody?: number;
  truncated?: number;
  wrongKeys?: number;
  empty?: number;
}

/** Splits a total fault rate evenly across every kind (what the soak script's "30%" means). */
export function evenRates(total: number): Required<FaultRates> {
  const each = total / 8;
  return { status500: each, status429: each, hang: each, drop: each, malformedBody: each, truncated: each, wrongKeys: each, empty: each };
}

export interface FaultStats {
  injected: Record<string, number>;
  requests: number;
}

/**
 * A seeded fault injector for FakeOpenAIServer: per request, draws one fault (or none). Reply faults
 * (truncated, wrong keys, empty) apply to chat only; HTTP-level ones to chat and embeddings.
 */
export function faultMix(rates: FaultRates, seed = 1, normal?: (body: ChatBody) => FakeReply): { fault: (r: { path: string; body: unknown }) => Fault | undefined; stats: FaultStats; enabled: { on: boolean } } {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const stats: FaultStats = { injected: {}, requests: 0 };
  const enabled = { on: true };
  const count = (kind: string) => (stats.injected[kind] = (stats.injected[kind] ?? 0) + 1);
  const fault = ({ path, body }: { path: string; body: unknown }): Fault | undefined => {
    stats.requests++;
    if (!enabled.on) return undefined;
    const chat = path.endsWith("/chat/completions");
    let x = random();
    const pick = (rate: number | undefined) => {
      if (!rate) return false;
      if (x < rate) return true;
      x -= rate;
      return false;
    };
    if (pick(rates.status500)) return count("500"), { kind: "status", status: 500 };
    if (pick(rates.status429)) return count("429"), { kind: "status", status: 429, retryAfterSeconds: 1 };
    if (pick(rates.hang)) return count("hang"), { kind: "hang" };
    if (pick(rates.drop)) return count("drop"), { kind: "drop" };
    if (pick(rates.malformedBody)) return count("malformed"), { kind: "malformed-body" };
    if (!chat || !normal) return undefined;
    if (pick(rates.truncated)) {
      count("truncated");
      const full = normal(body as ChatBody).content;
      return { kind: "reply", reply: { content: full.slice(0, Math.max(1, Math.floor(full.length * random()))), finishReason: "length" } };
    }
    if (pick(rates.wrongKeys)) return count("wrong-keys"), { kind: "reply", reply: { content: '{"entities_list": ["x"], "relations": []}' } };
    if (pick(rates.empty)) return count("empty"), { kind: "reply", reply: { content: "" } };
    return undefined;
  };
  return { fault, stats, enabled };
}
