import { afterEach } from "vitest";
import { FakeOpenAIServer, type FakeServerOptions } from "./fake-openai-server.js";

/**
 * Loopback OpenAI-compatible servers for one test file: `server(options)` starts one, and every one
 * started is stopped after each test.
 */
export function loopbackServers(): (options: FakeServerOptions) => Promise<FakeOpenAIServer> {
  let servers: FakeOpenAIServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });
  return async (options) => {
    const s = await new FakeOpenAIServer(options).start();
    servers.push(s);
    return s;
  };
}
