import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { textProcessing } from "../core/ids.js";
import { Workspace } from "../store/workspace.js";
import { FakeOpenAIServer } from "../test-support/fake-openai-server.js";
import { SHARED_DATASETS, tempDir } from "../test-support/cli-harness.js";
import { loadCorpus } from "../datasets/load-corpus.js";
import { isSparse, normalizeRows, type Encoder, type Matrix, type VectorMatrix } from "./encoder.js";
import { EmbeddingStore, ENCODER_PROBE_TEXT } from "./embedding-store.js";
import { decodeFloat16Into, encodeFloat16, fromFloat16Bits, toFloat16Bits } from "./float16.js";
import { LexicalEncoder } from "./lexical-encoder.js";
import { OnnxEncoder } from "./onnx-encoder.js";
import { OpenAIEncoder } from "./openai-encoder.js";
import { VectorCorpus } from "./vector-search.js";

const FIXTURE = join(import.meta.dirname, "__fixtures__", "tiny-bert");
const reference = JSON.parse(readFileSync(join(FIXTURE, "reference.json"), "utf8")) as { sentences: string[]; mean: number[][]; cls: number[][] };

const row = (m: Matrix, r: number) => Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim));

describe("OnnxEncoder (transformers.js on a tiny local model, no network)", () => {
  it("mean pooling matches the numpy reference", async () => {
    const encoder = new OnnxEncoder(FIXTURE, { pooling: "mean", offline: true });
    const matrix = await encoder.embedFormatted(reference.sentences);
    expect(matrix.rows).toBe(4);
    expect(matrix.dim).toBe(16);
    reference.mean.forEach((expected, r) => row(matrix, r).forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5)));
    expect(encoder.id).toBe("onnx:local/tiny-bert:mean:fp32:none");
    await encoder.dispose();
  });
  it("CLS pooling matches the numpy reference", async () => {
    const encoder = new OnnxEncoder(FIXTURE, { pooling: "cls", offline: true });
    const matrix = await encoder.embedFormatted(reference.sentences);
    reference.cls.forEach((expected, r) => row(matrix, r).forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5)));
  });
  it("fails clearly, without network, for a hub id that is not cached in offline mode", async () => {
    const encoder = new OnnxEncoder("some-org/not-downloaded-model", { offline: true, cacheDir: tempDir() });
    await expect(encoder.embedFormatted(["x"])).rejects.toThrow(/cannot load embedding model "some-org\/not-downloaded-model"/);
  });
  it("a hub that cannot be reached is a remote fault (exit 3) saying so, not a bad model id; the hub is HF_ENDPOINT's", async () => {
    const { createServer } = await import("node:http");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as import("node:net").AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const encoder = new OnnxEncoder("some-org/not-downloaded-model", { cacheDir: tempDir(), hubEndpoint: `http://127.0.0.1:${port}` });
    const error = await encoder.embedFormatted(["x"]).then(() => undefined, (e: unknown) => e as { code?: string; message: string; suggestion?: string });
    expect(error?.code).toBe("REMOTE");
    expect(error?.message).toMatch(new RegExp(`cannot reach the model hub at http://127\\.0\\.0\\.1:${port} to download "some-org/not-downloaded-model"`));
    expect(error?.suggestion).toMatch(/--offline/);
  });
  it("fails clearly for a local folder without the quantized weights", async () => {
    const encoder = new OnnxEncoder(FIXTURE, { offline: true, dtype: "q8" });
    await expect(encoder.embedFormatted(["x"])).rejects.toThrow(/model_quantized\.onnx|cannot load/);
  });
});

describe("OpenAIEncoder (real HTTP against a loopback server)", () => {
  let server: FakeOpenAIServer;
  afterEach(() => server?.stop());
  const embed = (text: string) => [text.length, 1, 0, 2];

  it("batches, decodes base64 and float replies, retries 5xx, and sends NV-Embed instructions for queries only", async () => {
    server = await new FakeOpenAIServer({
      embed,
      fault: ({ attempt, body }) => (attempt === 0 && (body as any).input[0] === "t0" ? { kind: "status", status: 503 } : undefined),
    }).start();
    for (const encodingFormat of ["base64", "float"] as const) {
      const encoder = new OpenAIEncoder("nvidia/NV-Embed-v2", { baseUrl: server.url, apiKey: "k", batchSize: 3, concurrency: 2, encodingFormat, retry: { baseDelayMs: 10 } });
      const texts = Array.from({ length: 7 }, (_, i) => `t${i}`);
      const matrix = await encoder.embedFormatted(texts);
      expect(matrix.rows).toBe(7);
      const norm = Math.hypot(2, 1, 0, 2);
      expect(row(matrix, 0).map((v) => +v.toFixed(6))).toEqual([2 / norm, 1 / norm, 0, 2 / norm].map((v) => +v.toFixed(6)));
      expect(encoder.formatInput("Who?", "query_to_fact")).toBe("Instruct: Given a question, retrieve relevant triplet facts that matches this question.\nQuery: Who?");
      expect(encoder.formatInput("Paris\ntext", "passage")).toBe("Paris\ntext");
    }
    const bodies = server.requests.map((r) => r.body);
    // 7 texts in batches of 3 → 3, 3, 1; the batch starting at t0 got a 503 first and was retried.
    for (const format of ["base64", "float"]) {
      expect(bodies.filter((b) => b.encoding_format === format).map((b) => b.input.length).sort()).toEqual([1, 3, 3, 3]);
      expect(bodies.filter((b) => b.input[0] === "t0" && b.encoding_format === format)).toHaveLength(2);
    }
  });

  it("puts the instruction actually sent through the store: the query string reaches the server", async () => {
    server = await new FakeOpenAIServer({ embed }).start();
    const workspace = Workspace.open(tempDir());
    const store = new EmbeddingStore(workspace, new OpenAIEncoder("nvidia/NV-Embed-v2", { baseUrl: server.url, apiKey: "k" }));
    await store.matrix(["Who founded X?"], "query_to_passage");
    // the first request of a process also carries the probe that checks the server still serves the stored vectors' model
    expect(server.requests[0]!.body.input).toEqual(["Instruct: Given a question, retrieve relevant documents that best answer the question.\nQuery: Who founded X?", ENCODER_PROBE_TEXT]);
    workspace.close();
  });

  it("refuses malformed vectors (0 dimensions, a base64 length not a multiple of 4, bad or repeated indices) as a server fault, storing none", async () => {
    const replies: [string, (n: number) => unknown[]][] = [
      ["0 dimensions", (n) => Array.from({ length: n }, (_, index) => ({ index, embedding: [] }))],
      ["base64 of 6 bytes", (n) => Array.from({ length: n }, (_, index) => ({ index, embedding: "abcdefgh" }))],
      ["a repeated index", (n) => Array.from({ length: n }, () => ({ index: 0, embedding: [1, 0, 0] }))],
      ["an index out of range", (n) => Array.from({ length: n }, (_, index) => ({ index: index + 5, embedding: [1, 0, 0] }))],
    ];
    for (const [what, data] of replies) {
      const http = await import("node:http");
      const raw = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          const inputs = (JSON.parse(body) as { input: string[] }).input;
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ object: "list", data: data(inputs.length), model: "m", usage: { prompt_tokens: 1, total_tokens: 1 } }));
        });
      });
      await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(raw.address() as import("node:net").AddressInfo).port}/v1`;
      const workspace = Workspace.open(tempDir());
      try {
        const store = new EmbeddingStore(workspace, new OpenAIEncoder("m", { baseUrl: url, apiKey: "k", retry: { maxRetries: 0 } }));
        const error = await store.matrix(["a", "b"], "passage").then(() => undefined, (e: unknown) => e);
        expect(error, what).toMatchObject({ code: "REMOTE" });
        expect((error as Error).message, what).toMatch(/embedding server/);
        expect(workspace.db.prepare("SELECT COUNT(*) AS n FROM embeddings").get(), what).toEqual({ n: 0 });
      } finally {
        workspace.close();
        raw.close();
      }
    }
  });

  it("a 200 reply carrying an error body is retried, and quoted when it keeps failing; nothing is stored", async () => {
    let failing = 2;
    server = await new FakeOpenAIServer({ embed, fault: () => (failing-- > 0 ? { kind: "body-200", body: { error: { message: "Upstream embedder overloaded" } } } : undefined) }).start();
    const reasons: string[] = [];
    const encoder = new OpenAIEncoder("m", { baseUrl: server.url, apiKey: "k", retry: { maxRetries: 2, baseDelayMs: 1 }, onRetry: (info) => reasons.push(info.reason) });
    expect((await encoder.embedFormatted(["a"])).rows).toBe(1);
    expect(reasons).toEqual([expect.stringMatching(/Upstream embedder overloaded/), expect.stringMatching(/Upstream embedder overloaded/)]);
    failing = 10;
    const workspace = Workspace.open(tempDir());
    try {
      const store = new EmbeddingStore(workspace, new OpenAIEncoder("m", { baseUrl: server.url, apiKey: "k", retry: { maxRetries: 1, baseDelayMs: 1 } }));
      const error = await store.matrix(["b"], "passage").then(() => undefined, (e: unknown) => e as { code?: string; message: string; isRetryable?: boolean });
      expect(error).toMatchObject({ code: "REMOTE", isRetryable: true });
      expect(error?.message).toMatch(/failed after 2 attempt\(s\): .*Upstream embedder overloaded/);
      expect(workspace.db.prepare("SELECT COUNT(*) AS n FROM embeddings").get()).toEqual({ n: 0 });
    } finally {
      workspace.close();
    }
  });

  it("defaults to no instruction for OpenAI text-embedding models, and honours an explicit template", () => {
    expect(new OpenAIEncoder("text-embedding-3-small", { apiKey: "k" }).formatInput("q", "query_to_fact")).toBe("q");
    const custom = new OpenAIEncoder("text-embedding-3-small", { apiKey: "k", instructionFormat: { template: "{instruction} | {query}" } });
    expect(custom.formatInput("q", "query_to_passage")).toBe("Given a question, retrieve relevant documents that best answer the question. | q");
  });
});

describe("an instruction template is part of the encoder's id", () => {
  it("two templates of the same length name two encoders (their vectors and stored runs are not each other's)", () => {
    const a = new OpenAIEncoder("m", { baseUrl: "http://127.0.0.1:9/v1", apiKey: "k", instructionFormat: { template: "{instruction}: {query}" } });
    const b = new OpenAIEncoder("m", { baseUrl: "http://127.0.0.1:9/v1", apiKey: "k", instructionFormat: { template: "{query}: {instruction}" } });
    expect(a.id).toMatch(/^openai:m:tpl-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
  });
});

describe("LexicalEncoder", () => {
  const encoder = new LexicalEncoder();
  // IDF needs real corpus statistics (indexing learns it from the indexed passages).
  const corpus = loadCorpus(join(SHARED_DATASETS, "musique_train_dev_corpus.json")).map((p) => p.content);
  const weigh = encoder.searchWeighting(encoder.embedSync(corpus));
  const cosine = (a: string, b: string) => {
    const m = weigh(encoder.embedSync([textProcessing(a), textProcessing(b)]));
    const corpusRow = new VectorCorpus(weigh(encoder.embedSync([textProcessing(b)])));
    return corpusRow.scores(m, 0)[0]!;
  };
  it("puts near-duplicate entity names above the 0.8 synonymy threshold", () => {
    expect(cosine("James P. Hogan", "James Hogan")).toBeGreaterThan(0.8);
    expect(cosine("the Beatles", "Beatles")).toBeGreaterThan(0.99);
  });
  it("keeps different entities that share words below it", () => {
    expect(cosine("University of Copenhagen", "University of Oslo")).toBeLessThan(0.8);
    expect(cosine("World War II", "World War I")).toBeLessThan(0.8);
    expect(cosine("1963", "1964")).toBeLessThan(0.2);
  });
  it("raw vectors (what synonymy uses: no corpus statistics, so incremental == from scratch)", () => {
    const raw = (a: string, b: string) => new VectorCorpus(encoder.embedSync([textProcessing(b)])).scores(encoder.embedSync([textProcessing(a)]), 0)[0]!;
    expect(raw("James P. Hogan", "James Hogan")).toBeGreaterThan(0.8);
    expect(raw("United States", "United States of America")).toBeGreaterThan(0.8);
    expect(raw("University of Copenhagen", "University of Oslo")).toBeLessThan(0.8);
    expect(raw("1963", "1964")).toBeLessThan(0.2);
    // documented weakness: names differing in one short token look like near-duplicates
    expect(raw("World War II", "World War I")).toBeGreaterThan(0.8);
  });
  it("is deterministic and sparse", () => {
    const a = encoder.embedSync(["Thomas Sudhof studies synapses"]);
    const b = new LexicalEncoder().embedSync(["Thomas Sudhof studies synapses"]);
    expect(isSparse(a)).toBe(true);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  });
});

describe("EmbeddingStore", () => {
  class CountingEncoder implements Encoder {
    readonly id = "counting";
    readonly maxBatch = 2;
    calls: string[][] = [];
    formatInput(text: string) {
      return text;
    }
    async embedFormatted(inputs: readonly string[]): Promise<VectorMatrix> {
      this.calls.push([...inputs]);
      const data = new Float32Array(inputs.length * 3);
      inputs.forEach((t, i) => data.set([t.length, 1, 0.5], i * 3));
      return { rows: inputs.length, dim: 3, data };
    }
  }
  it("never embeds a text twice, commits per batch, and returns rows in the asked order", async () => {
    const workspace = Workspace.open(tempDir());
    const encoder = new CountingEncoder();
    const store = new EmbeddingStore(workspace, encoder);
    await store.matrix(["a", "bb", "a", "ccc"], "passage");
    expect(encoder.calls).toEqual([["a", "bb"], ["ccc"]]);
    const again = (await store.matrix(["ccc", "a"], "entity")) as Matrix;
    expect(encoder.calls).toHaveLength(2);
    expect(Array.from(again.data.subarray(0, 3))).toEqual([3, 1, 0.5]);
    expect(store.stats).toMatchObject({ requested: 6, embedded: 3 });
    workspace.close();
  });
  it("stores Float16 compactly and sparse rows exactly", async () => {
    const workspace = Workspace.open(tempDir());
    const half = new EmbeddingStore(workspace, new CountingEncoder(), "f16");
    const m = (await half.matrix(["abcd"], "passage")) as Matrix;
    expect(Array.from(m.data)).toEqual([4, 1, 0.5]);
    const blob = workspace.db.prepare("SELECT length(vector) FROM embeddings").pluck().get();
    expect(blob).toBe(6);
    const lexical = new LexicalEncoder();
    const sparse = new EmbeddingStore(workspace, lexical);
    const stored = await sparse.matrix(["Graph memory for LLMs"], "passage");
    const loaded = await sparse.matrix(["Graph memory for LLMs"], "passage");
    expect(loaded).toEqual(stored);
    workspace.close();
  });
  it("float16 conversion round-trips representative values", () => {
    for (const v of [0, 1, -2.5, 0.1, 65504, 1e-5]) expect(fromFloat16Bits(toFloat16Bits(v))).toBeCloseTo(v, v < 1e-3 ? 6 : 2);
  });
  it("decoding a float16 blob (table lookup) gives every one of the 65,536 bit patterns' values, from an odd byte offset", () => {
    const raw = Buffer.alloc(1 + 65536 * 2);
    for (let bits = 0; bits < 65536; bits++) raw.writeUInt16LE(bits, 1 + bits * 2);
    const decoded = new Float32Array(65536 + 3);
    decodeFloat16Into(raw.subarray(1), decoded, 3); // blobs from SQLite are not 2-byte aligned
    for (let bits = 0; bits < 65536; bits++) {
      const expected = Math.fround(fromFloat16Bits(bits));
      if (Number.isNaN(expected)) expect(decoded[3 + bits]).toBeNaN();
      else expect(Object.is(decoded[3 + bits], expected)).toBe(true);
    }
    const values = Float32Array.from([0.5, -0.25, 0.1, 3.3]);
    const round = new Float32Array(4);
    decodeFloat16Into(encodeFloat16(values), round, 0);
    round.forEach((v, i) => expect(v).toBe(Math.fround(fromFloat16Bits(toFloat16Bits(values[i]!)))));
  });
});

describe("VectorCorpus.scoresMany", () => {
  it("a batch of dense queries through onnxruntime equals scoring them one at a time", async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const make = (rows: number, dim: number) => normalizeRows({ rows, dim, data: Float32Array.from({ length: rows * dim }, random) });
    const corpus = new VectorCorpus(make(2000, 512));
    const queries = make(70, 512);
    const rows = Array.from({ length: 64 }, (_, i) => i + 3); // 64 × 2000 × 512 multiply-adds: the GEMM path
    const batch = await corpus.scoresMany(queries, rows);
    rows.forEach((q, i) => {
      const one = corpus.scores(queries, q);
      for (let j = 0; j < 2000; j += 97) expect(batch[i * 2000 + j]).toBeCloseTo(one[j]!, 5);
    });
  });
});
