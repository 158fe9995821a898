/**
 * Runs the loopback fake LLM server on its own (for benchmarks and the soak script, so that the
 * client's CPU can be measured apart from the server's). Prints its URL on stdout.
 *   npx tsx scripts/fake-llm-server.ts [--latency MS] [--faults RATE] [--seed N]
 */
import { arg } from "./bench-util.js";
import { FakeOpenAIServer } from "../src/test-support/fake-openai-server.js";
import { fakeLlm } from "../src/test-support/fake-llm.js";
import { evenRates, faultMix } from "../src/test-support/fault-mix.js";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(`Runs the loopback fake OpenAI-compatible server (chat and embeddings) until SIGTERM; prints its URL.
  npx tsx scripts/fake-llm-server.ts [--latency MS] [--faults RATE] [--seed N]
  --latency MS   delay before each reply (default 0)
  --faults RATE  share of requests given an injected fault: 5xx, 429, hangs, drops, malformed, truncated (default 0)
  --seed N       seed of the fault mix (default 1)
`);
  process.exit(0);
}
const mix = faultMix(evenRates(arg("faults", 0)), arg("seed", 1), fakeLlm);
const server = await new FakeOpenAIServer({ chat: fakeLlm, embed: (t) => [t.length % 7, 1, 2], fault: mix.fault, latencyMs: arg("latency", 0) }).start();
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", async () => {
  process.stderr.write(`${JSON.stringify({ requests: mix.stats.requests, injected: mix.stats.injected })}\n`);
  await server.stop();
  process.exit(0);
});
