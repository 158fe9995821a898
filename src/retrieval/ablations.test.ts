import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LexicalEncoder } from "../embedding/lexical-encoder.js";
import { OpenAIEncoder } from "../embedding/openai-encoder.js";
import type { Encoder } from "../embedding/encoder.js";
import { personalizedPageRank } from "../graph/personalized-pagerank.js";
import { HippoRag, toPassages } from "../hipporag.js";
import { FakeOpenAIServer } from "../test-support/fake-openai-server.js";
import { fakeLlm } from "../test-support/fake-llm.js";
import { runCli, tempDir, musiqueWorkspace } from "../test-support/cli-harness.js";
import { FILTER_SYSTEM } from "./filter-prompt.js";
import { QUERY_NER_SYSTEM } from "./query-ner-prompt.js";

// The paper's Table 4 ablations on musique_train_dev (GPT-3.5 OpenIE imported, lexical encoder).
let saveDir: string;
let base: string[];
let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
beforeAll(async () => {
  ({ saveDir, base } = await musiqueWorkspace());
}, 60_000);

describe("retrieval ablations (paper Table 4)", () => {
  it("query-to-node and w/o passage nodes need no LLM and are stored as runs of their own", async () => {
    const full = JSON.parse((await runCli(["retrieve", ...base, "--no-filter", "--json"])).stdout);
    const queryNode = await runCli(["retrieve", ...base, "--linking", "query", "--json"]);
    expect(queryNode.code).toBe(0);
    const noPassages = await runCli(["retrieve", ...base, "--no-filter", "--no-passage-nodes", "--json"]);
    expect(noPassages.code).toBe(0);
    const q = JSON.parse(queryNode.stdout);
    const n = JSON.parse(noPassages.stdout);
    expect([full.run, q.run, n.run]).toEqual(["hipporag2-nofilter", "hipporag2-querynode", "hipporag2-nofilter-nopassagenodes"]);
    for (const run of [q, n]) {
      expect(run.questions).toBe(full.questions);
      expect(run.recall["5"]).toBeGreaterThan(0.2);
      expect(run.recall).not.toEqual(full.recall);
    }
    // the filter judges facts: node linking never asks for it, so no LLM is needed
    const stored = JSON.parse((await runCli(["eval", ...base, "--run", "hipporag2-querynode", "--json"])).stdout);
    expect(stored.recall).toEqual(q.recall);

    const explained = await runCli(["retrieve", ...base, "--linking", "query", "--explain", "Who founded the Journal of Mathematical Physics?"]);
    expect(explained.stdout).toMatch(/linking: query-to-node/);
    expect(explained.stdout).not.toMatch(/candidate facts/);
    expect(explained.stdout).toMatch(/seed phrases \(reset weight = similarity/);
    expect(explained.stdout).toMatch(/journal of mathematical physics/);
    const withoutPassages = await runCli(["retrieve", ...base, "--no-filter", "--no-passage-nodes", "--explain", "Who founded the Journal of Mathematical Physics?"]);
    expect(withoutPassages.stdout).toMatch(/rank\s+Σ phrase PPR\s+dense/);
  });

  it("NER-to-node asks the LLM for the question's entities once, links each to a phrase, retries failures on the next run", async () => {
    let nerDown = true;
    server = await new FakeOpenAIServer({ chat: fakeLlm, fault: ({ body }) => (nerDown && (body as any).messages?.[0]?.content === QUERY_NER_SYSTEM ? { kind: "status", status: 500 } : undefined) }).start();
    const llm = ["--llm-base-url", server.url, "--llm-name", "gpt-3.5-turbo-1106", "--max-retries", "0"];
    const down = await runCli(["retrieve", ...base, ...llm, "--linking", "ner", "--json"]);
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/questions fell back to dense retrieval because query NER failed \(first: .*HTTP 5\d\d[^;]*\); re-run to retry them/);
    expect(JSON.parse(down.stdout).fallbacks["ner-error"]).toBeGreaterThan(0);

    nerDown = false;
    const up = await runCli(["retrieve", ...base, ...llm, "--linking", "ner", "--json"]);
    expect(up.code).toBe(0);
    const result = JSON.parse(up.stdout);
    expect(result.run).toBe("hipporag2-nernode");
    expect(result.fallbacks["ner-error"]).toBeUndefined();
    expect(result.recall["5"]).toBeGreaterThan(0.2);
    const systems = server.chatRequests().map((c) => c.messages[0]!.content);
    expect(systems).not.toContain(FILTER_SYSTEM);
    const nerCalls = systems.filter((s) => s === QUERY_NER_SYSTEM).length;
    // the second run asked only for the questions that failed, and a third asks nothing
    await runCli(["retrieve", ...base, ...llm, "--linking", "ner", "--json"]);
    expect(server.chatRequests().length).toBe(systems.length);
    expect(nerCalls).toBe(2 * result.questions);

    const explained = await runCli(["retrieve", ...base, ...llm, "--linking", "ner", "--explain", "Who founded the Journal of Mathematical Physics?"]);
    expect(explained.stdout).toMatch(/linking: NER-to-node/);
    expect(explained.stdout).toMatch(/question entities \(LLM NER\)/);
    // the entity matches its phrase exactly: similarity 1
    expect(explained.stdout).toMatch(/1\.0000\s+Journal of Mathematical Physics\s+journal of mathematical physics/);
  });

  it("NER-to-node without an LLM is a usage error", async () => {
    const run = await runCli(["retrieve", ...base, "--linking", "ner", "--explain", "Who founded the Journal of Mathematical Physics?"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/NER-to-node linking needs an LLM/);
  });
});

describe("w/o passage nodes, computed by hand", () => {
  it("PPR runs on the phrase graph with the seeds alone; a passage scores the sum of its phrases' PageRank", async () => {
    const hippo = await HippoRag.open({ saveDir, openieModel: "gpt-3.5-turbo-1106", encoder: new LexicalEncoder() });
    const question = "Who founded the Journal of Mathematical Physics?";
    const [result] = await hippo.retrieve([question], 10, { filter: false, passageNodes: false });
    const graph = (await hippo.retriever()).graph;
    const E = graph.phrases.length;
    const { offsets, targets, weights } = graph.csr;
    // The phrase-to-phrase edges, read straight from the full graph's CSR.
    const edges: [number, number, number][] = [];
    for (let i = 0; i < E; i++) for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (targets[k]! < E && i <= targets[k]!) edges.push([i, targets[k]!, i === targets[k] ? weights[k]! / 2 : weights[k]!]); // a self-loop is stored as 2w
    const reset = new Array<number>(E).fill(0);
    for (const seed of result!.trace.seeds) reset[seed.node] = seed.weight;
    expect(result!.trace.seeds.length).toBeGreaterThan(0);
    const ppr = personalizedPageRank({ nodeCount: E, edges }, reset);
    const passageScore = (j: number) => {
      let sum = 0;
      for (let k = offsets[E + j]!; k < offsets[E + j + 1]!; k++) sum += ppr[targets[k]!]!;
      return sum;
    };
    result!.passageIds.forEach((id, rank) => {
      const j = graph.passageIds.indexOf(id);
      expect(result!.scores[rank]).toBeCloseTo(passageScore(j), 12);
    });
    // and the ranking is by that score: no passage outside the top 10 beats the 10th
    const all = graph.passageIds.map((_, j) => passageScore(j)).sort((a, b) => b - a);
    expect(result!.scores[9]).toBeCloseTo(all[9]!, 12);
    hippo.close();
  });
});

describe("a corpus whose OpenIE found no facts at all", () => {
  it("every linking falls back to dense retrieval, for sparse and dense encoders alike", async () => {
    server = await new FakeOpenAIServer({ chat: fakeLlm, embed: (text) => [text.length % 5, 1, text.includes("alpha") ? 3 : 0] }).start();
    const encoders: Encoder[] = [new LexicalEncoder(), new OpenAIEncoder("test-embed", { baseUrl: server.url, apiKey: "k" })];
    for (const encoder of encoders) {
      const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: "m", encoder });
      const docs = ["A\nalpha beta", "B\ngamma delta"];
      const passages = toPassages(docs);
      hippo.workspace.passages.insert(passages);
      hippo.workspace.openie("m").saveMany(passages.map((p) => ({ passageId: p.id, entities: [], triples: [] })), "test");
      expect((await hippo.index(docs)).stats.facts).toBe(0);
      for (const [options, fallback] of [
        [{ filter: false }, "no-facts"],
        [{ linking: "query" }, "no-seeds"],
        [{ filter: false, passageNodes: false }, "no-facts"],
      ] as const) {
        const [result] = await hippo.retrieve(["alpha?"], 2, options);
        const [dense] = await hippo.retrieve(["alpha?"], 2, { method: "dense" });
        expect(result!.trace.fallback).toBe(fallback);
        expect(result!.docs).toEqual(dense!.docs);
      }
      hippo.close();
    }
  });
});
