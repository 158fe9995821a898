/**
 * Runs the loopback fake LLM server on its own (for benchmarks and the soak script, so that the
 * client's CPU can be measured apart from the server's). Prints its URL on stdout.
 *   npx tsx scripts/fake-llm-server.ts [--latency MS] [--faults RATE] [--seed N]
 */
import { arg } from "./bench-util.js";
import { FakeOpenAIServer } from "../src/test-support/fake-openai-server.js";
import { fakeLlm } from "../src/test-support/fake-llm.js";
import { evenRates, faultMix } from "../src/test-support/fault-mix.js";

const mix = faultMix(evenRates(arg("faults", 0)), arg("seed", 1), fakeLlm);
const server = await new FakeOpenAIServer({ chat: fakeLlm, embed: (t) => [t.length % 7, 1, 2], fault: mix.fault, latencyMs: arg("latency", 0) }).start();
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", async () => {
  process.stderr.write(`${JSON.stringify({ requests: mix.stats.requests, injected: mix.stats.injected })}\n`);
  await server.stop();
  process.exit(0);
});
