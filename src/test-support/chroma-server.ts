import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** A real Chroma server (the npm `chromadb` package's `chroma run`) on a free loopback port, in a temporary folder. */
export interface ChromaServer {
  url: string;
  stop(): Promise<void>;
}

export async function startChromaServer(): Promise<ChromaServer> {
  const dir = mkdtempSync(join(tmpdir(), "hipporag-chroma-"));
  const port = await freePort();
  const cli = resolve(import.meta.dirname, "../../node_modules/chromadb/dist/cli.mjs");
  const child = spawn(process.execPath, [cli, "run", "--path", join(dir, "db"), "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://localhost:${port}`;
  const stop = async () => {
    await kill(child);
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready once the heartbeat answers (the server prints "Listening on" just before).
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`chroma run exited with ${child.exitCode}: ${output}`);
    }
    try {
      if ((await fetch(`${url}/api/v2/heartbeat`)).ok) return { url, stop };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`chroma run did not answer within 20 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
