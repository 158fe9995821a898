import Database from "better-sqlite3";
import { join } from "node:path";
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

/** SQLite's integrity check of a workspace ("ok" when sound). */
export function integrity(saveDir: string): string {
  const db = new Database(join(saveDir, "hipporag.sqlite"), { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}
