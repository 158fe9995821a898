import { resolve } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LexicalEncoder } from "../embedding/lexical-encoder.js";
import { HippoRag, runLabel } from "../hipporag.js";
import { loadDataset } from "../datasets/load-dataset.js";
import { FakeOpenAIServer, type ChatBody } from "../test-support/fake-openai-server.js";
import { runCli, tempDir } from "../test-support/cli-harness.js";
import { DEFAULT_IRCOT_PROMPT } from "./ircot/ircot-prompt.js";
import { RETRIEVAL_METHODS } from "./method-registry.js";
import type { RetrievalMethod } from "./retrieval-method.js";
import { DEFAULT_RETRIEVAL, type RetrievalResult } from "./retrieval-types.js";
import { retrieveQuestions } from "../experiment/stored-runs.js";

const DEMO = resolve(import.meta.dirname, "../../reproduce/demo");
let saveDir: string;
let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
beforeAll(async () => {
  saveDir = tempDir();
  const at = ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];
  expect((await runCli(["openie", ...at, "--import", resolve(DEMO, "openie_results_ner_handwritten.json")])).code).toBe(0);
  expect((await runCli(["index", ...at])).code).toBe(0);
});

/** A method of the test's own: passages ranked by how many of the query's words their title holds. */
const titleWords: RetrievalMethod = {
  id: "title-words",
  description: "title word overlap",
  label: (options) => `titlewords${options.topK !== DEFAULT_RETRIEVAL.topK ? `-top${options.topK}` : ""}`,
  llmUse: () => null,
  async doRetrieve(memory, questions, options, { onEach, tick }) {
    const results: RetrievalResult[] = [];
    for (const question of questions) {
      await tick();
      const words = new Set(question.toLowerCase().match(/\w+/g) ?? []);
      const scores = memory.contents.map((c) => (c.split("\n")[0]!.toLowerCase().match(/\w+/g) ?? []).filter((w) => words.has(w)).length);
      results.push(memory.result(question, scores, scores, options, { method: "title-words", candidateFacts: [], seeds: [], top: [] }));
      onEach?.(results.length);
    }
    return results;
  },
  explain: () => ({ detail: "", sections: [], scoreColumn: "title words" }),
};

describe("retrieval methods as plug-ins", () => {
  it("the CLI's --method choices are the registry's", async () => {
    expect(RETRIEVAL_METHODS.map((m) => m.id)).toEqual(["hipporag", "dense", "bm25"]);
    const unknown = await runCli(["retrieve", "--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir, "--method", "nonesuch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/hipporag, dense, bm25/);
  });
  it("refuses graph settings a method ignores, and an empty --explain (each ran as if not given)", async () => {
    const at = ["--dataset", "demo", "--dataset-dir", DEMO, "--save-dir", saveDir];
    for (const [method, args, flag] of [["dense", ["--damping", "0.85"], "--damping"], ["bm25", ["--passage-node-weight", "0.01,0.3"], "--passage-node-weight"], ["dense", ["--no-filter"], "--no-filter"]] as const) {
      const result = await runCli(["retrieve", ...at, "--method", method, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${flag} has no effect with --method ${method}`);
    }
    // The filter's setting without the filter (off, or skipped by a node linking), for any method.
    for (const args of [["--no-filter"], ["--linking", "query"]]) {
      const result = await runCli(["retrieve", ...at, ...args, "--filter-match-cutoff", "0.5"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--filter-match-cutoff has no effect with ${args.join(" ")}`);
    }
    const run = await runCli(["run", ...at, "--no-filter", "--filter-match-cutoff", "0,0.5", "--skip-qa"]);
    expect(run.code).toBe(2);
    const weights = await runCli(["retrieve", ...at, "--no-filter", "--no-passage-nodes", "--passage-node-weight", "0.01,0.3"]);
    expect(weights.code).toBe(2);
    expect(weights.stderr).toContain("--passage-node-weight has no effect with --no-passage-nodes");
    // What a method uses stays accepted.
    expect((await runCli(["retrieve", ...at, "--method", "dense", "--top-k", "3"])).code).toBe(0);
    // --explain's ranking: the dense column only beside HippoRAG 2's PageRank (BM25's trace holds its own score there)
    const header = async (...args: string[]) => (await runCli(["retrieve", ...at, ...args, "--explain", "Where did Lord Byron die?"])).stdout.split("\n").find((l) => l.startsWith("rank"))!;
    expect(await header("--method", "bm25")).not.toMatch(/dense/);
    expect(await header("--method", "dense")).not.toMatch(/\bdense\b.*\bdense\b/);
    expect(await header("--no-filter")).toMatch(/\bdense\b/);
    const empty = await runCli(["retrieve", ...at, "--explain", " "]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--explain needs a question/);
  });

  it("the library takes a method object: it ranks, names its run, is stored and reused like a built-in one", async () => {
    const hippo = await HippoRag.open({ saveDir, openieModel: "handwritten", encoder: new LexicalEncoder() });
    try {
      const { questions } = loadDataset("demo", DEMO, { requireQuestions: true });
      const first = await retrieveQuestions(hippo, questions, { method: titleWords, topK: 5 });
      expect(first.run).toBe("titlewords-top5");
      const q = questions.find((x) => x.question.includes("Marie Curie"))!;
      expect(first.results.get(q.id)!.docs[0]!.split("\n")[0]).toBe("Marie Curie");
      const again = await retrieveQuestions(hippo, questions, { method: titleWords, topK: 5 });
      expect(again.reused).toBe(questions.length);
      expect(runLabel({ ...DEFAULT_RETRIEVAL, method: titleWords, ircotSteps: 3 })).toBe("titlewords-ircot3");
    } finally {
      hippo.close();
    }
  });

  it("IRCoT wraps a plug-in method too, and Ctrl-C between steps stops it with INTERRUPTED", async () => {
    const controller = new AbortController();
    let reasoning = 0;
    server = await new FakeOpenAIServer({
      chat: (body: ChatBody) => {
        if (body.messages[0]!.content !== DEFAULT_IRCOT_PROMPT.system) throw new Error("only reasoning is asked");
        reasoning++;
        return { content: "Vistula." };
      },
    }).start();
    const hippo = await HippoRag.open({ saveDir, openieModel: "handwritten", encoder: new LexicalEncoder(), llm: { model: "m", baseUrl: server.url, apiKey: "k", maxRetries: 0 } });
    try {
      // no title word in the question; the sentence names one title
      const question = "Where does it flow?";
      const [single] = await hippo.retrieve([question], 5, { method: titleWords });
      expect(single!.docs[0]!.split("\n")[0]).not.toBe("Vistula");
      const [result] = await hippo.retrieve([question], 5, { method: titleWords, ircotSteps: 2 });
      expect(result!.trace.ircot!.steps.map((s) => s.query)).toEqual([question, `${question} Vistula.`]);
      expect(result!.trace.ircot!.steps[1]!.newPassages[0]!.title).toBe("Vistula");
      expect(result!.docs.slice(0, 2)).toEqual([single!.docs[0], result!.docs.find((d) => d.startsWith("Vistula\n"))]); // step 1's best, then step 2's
      expect(reasoning).toBe(2);

      // aborted while the first reasoning call runs: no second step is retrieved
      const asked = server.requests.length;
      server.options.chat = () => {
        controller.abort();
        return { content: "Warsaw is on the Vistula river." };
      };
      await expect(hippo.retrieve(["Which river flows through Warsaw?"], 5, { method: titleWords, ircotSteps: 3 }, undefined, controller.signal)).rejects.toMatchObject({ code: "INTERRUPTED" });
      expect(server.requests.length - asked).toBe(1);
    } finally {
      hippo.close();
    }
  });
});
