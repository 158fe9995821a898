import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeHubOptions {
  repo?: string;
  /** path in the repository → content. */
  files: Record<string, string | Buffer>;
  /** Paths listed as LFS files (`lfs.oid` = sha256, ETag = sha256); the others get a git blob oid. */
  lfs?: readonly string[];
  /** When set, every request needs `Authorization: Bearer <token>` (a gated repository). */
  token?: string;
  /** Entries per tree page (Link: rel="next"); default all on one page. */
  pageSize?: number;
  /** Ignore ?recursive=true and list folders one level at a time, as a plain tree endpoint does. */
  flatTree?: boolean;
  /** Answer LFS downloads with a 302 to a second loopback server (the Hub's CDN), as huggingface.co does. */
  cdn?: boolean;
}

export interface RecordedRequest {
  url: string;
  range?: string;
  authorization?: string;
}

/** A loopback stand-in for the Hugging Face Hub file API (tree listing and resolve with Range), with faults to inject. */
export class FakeHub {
  readonly requests: RecordedRequest[] = [];
  /** path → how many more downloads to cut after `bytes` bytes (the socket is destroyed mid-body). */
  readonly drops = new Map<string, { bytes: number; times: number }>();
  /** Paths served with one byte flipped (the listing still gives the true hash). */
  readonly corrupt = new Set<string>();
  private server?: Server;
  private cdnServer?: Server;
  endpoint = "";
  cdnEndpoint = "";
  /** Requests the CDN received. */
  readonly cdnRequests: RecordedRequest[] = [];

  constructor(readonly options: FakeHubOptions) {}

  get repo(): string {
    return this.options.repo ?? "osunlp/HippoRAG_2";
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push({ url: req.url ?? "", range: header(req, "range"), authorization: header(req, "authorization") });
      if (this.options.token && header(req, "authorization") !== `Bearer ${this.options.token}`) {
        res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: `Access to dataset ${this.repo} is restricted. You must have access to it and be authenticated.`, received: header(req, "authorization") ?? null }));
        return;
      }
      const url = new URL(req.url ?? "/", "http://x");
      const treePrefix = `/api/datasets/${this.repo}/tree/`;
      const resolvePrefix = `/datasets/${this.repo}/resolve/`;
      if (url.pathname.startsWith(treePrefix)) return this.tree(decodeURIComponent(url.pathname.slice(treePrefix.length)), url, res);
      if (url.pathname.startsWith(resolvePrefix)) {
        const rest = url.pathname.slice(resolvePrefix.length);
        const path = rest.slice(rest.indexOf("/") + 1).split("/").map(decodeURIComponent).join("/");
        const content = this.options.files[path];
        if (this.options.cdn && content !== undefined && this.options.lfs?.includes(path)) {
          const bytes = Buffer.from(content);
          res.writeHead(302, { location: `${this.cdnEndpoint}/cdn/${encodeURIComponent(path)}`, "x-linked-etag": `"${sha256(bytes)}"`, "x-linked-size": bytes.length }).end();
          return;
        }
        return this.resolve(path, req, res);
      }
      res.writeHead(404).end("not found");
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    if (this.options.cdn) {
      this.cdnServer = createServer((req, res) => {
        this.cdnRequests.push({ url: req.url ?? "", range: header(req, "range"), authorization: header(req, "authorization") });
        const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.replace(/^\/cdn\//, ""));
        this.resolve(path, req, res);
      });
      await new Promise<void>((resolve) => this.cdnServer!.listen(0, "127.0.0.1", resolve));
      this.cdnEndpoint = `http://127.0.0.1:${(this.cdnServer!.address() as AddressInfo).port}`;
    }
    return this;
  }

  async stop(): Promise<void> {
    this.cdnServer?.closeAllConnections();
    await new Promise<void>((resolve) => this.cdnServer?.close(() => resolve()) ?? resolve());
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Downloads (resolve requests) of one path. */
  downloads(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.url.includes("/resolve/") && decodeURIComponent(r.url).endsWith(`/${path}`));
  }

  private tree(rest: string, url: URL, res: import("node:http").ServerResponse): void {
    const [revision, ...folderParts] = rest.split("/");
    if (revision !== "main" && revision !== "v1") {
      res.writeHead(404).end(JSON.stringify({ error: `Invalid rev id: ${revision}` }));
      return;
    }
    const folder = folderParts.join("/");
    const recursive = url.searchParams.get("recursive") === "true" && !this.options.flatTree;
    const entries: Record<string, unknown>[] = [];
    const dirs = new Set<string>();
    for (const [path, content] of Object.entries(this.options.files)) {
      if (folder && !path.startsWith(`${folder}/`)) continue;
      const relative = folder ? path.slice(folder.length + 1) : path;
      if (!recursive && relative.includes("/")) {
        dirs.add(`${folder ? `${folder}/` : ""}${relative.split("/")[0]}`);
        continue;
      }
      if (recursive) {
        const parts = path.split("/");
        for (let i = 1; i < parts.length; i++) if (!folder || parts.slice(0, i).join("/").length > folder.length) dirs.add(parts.slice(0, i).join("/"));
      }
      const bytes = Buffer.from(content);
      const isLfs = this.options.lfs?.includes(path);
      entries.push({
        type: "file",
        path,
        size: bytes.length,
        oid: gitOid(bytes),
        ...(isLfs ? { lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: 134 } } : {}),
      });
    }
    for (const dir of dirs) entries.push({ type: "directory", path: dir, size: 0, oid: "0".repeat(40) });
    const pageSize = this.options.pageSize ?? entries.length;
    const cursor = Number(url.searchParams.get("cursor") ?? 0);
    const page = entries.slice(cursor, cursor + pageSize);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cursor + pageSize < entries.length) {
      const next = new URL(url.toString());
      next.searchParams.set("cursor", String(cursor + pageSize));
      headers.link = `<${this.endpoint}${next.pathname}${next.search}>; rel="next"`;
    }
    res.writeHead(200, headers).end(JSON.stringify(page));
  }

  private resolve(path: string, req: IncomingMessage, res: import("node:http").ServerResponse): void {
    const content = this.options.files[path];
    if (content === undefined) {
      res.writeHead(404, { "x-error-code": "EntryNotFound" }).end("Entry not found");
      return;
    }
    let bytes = Buffer.from(content);
    const etag = this.options.lfs?.includes(path) ? sha256(bytes) : gitOid(bytes);
    if (this.corrupt.has(path)) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length >> 1] ^= 0x20;
    }
    const range = /^bytes=(\d+)-$/.exec(header(req, "range") ?? "");
    const start = range ? Number(range[1]) : 0;
    if (start > bytes.length) {
      res.writeHead(416, { "content-range": `bytes */${bytes.length}` }).end();
      return;
    }
    const body = bytes.subarray(start);
    const headers: Record<string, string | number> = { etag: `"${etag}"`, "content-length": body.length, "accept-ranges": "bytes" };
    if (range) headers["content-range"] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    res.writeHead(range ? 206 : 200, headers);
    const drop = this.drops.get(path);
    if (drop && drop.times > 0) {
      drop.times--;
      res.write(body.subarray(0, drop.bytes), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function gitOid(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * Points the Hub client at `endpoint` with no token and no offline switch from the developer's
 * environment; returns what puts the environment back.
 */
export function useHubEndpoint(endpoint: string): () => void {
  const saved = { ...process.env };
  process.env.HF_ENDPOINT = endpoint;
  delete process.env.HF_TOKEN;
  delete process.env.HF_HUB_OFFLINE;
  delete process.env.HIPPORAG_OFFLINE;
  return () => {
    process.env = { ...saved };
  };
}
