import { describe, expect, it } from "vitest";
import { runLabel } from "./hipporag.js";
import { DEFAULT_RETRIEVAL, effectiveRetrievalOptions, type RetrievalOptions } from "./retrieval/retriever.js";

const label = (overrides: Partial<RetrievalOptions>) => runLabel(effectiveRetrievalOptions({ ...DEFAULT_RETRIEVAL, ...overrides }));

describe("run labels name what a run measures, so different settings never overwrite each other", () => {
  it("defaults, baselines and the ablations", () => {
    expect(label({})).toBe("hipporag2");
    expect(label({ method: "dense", passageNodeWeight: 0.3 })).toBe("dense");
    expect(label({ method: "bm25" })).toBe("bm25");
    expect(label({ filter: false })).toBe("hipporag2-nofilter");
    expect(label({ linking: "query" })).toBe("hipporag2-querynode"); // node linkings never filter
    expect(label({ linking: "ner", filter: true })).toBe("hipporag2-nernode");
    expect(label({ filter: false, passageNodes: false })).toBe("hipporag2-nofilter-nopassagenodes");
    expect(label({ seedWeighting: "head" })).toBe("hipporag2-headseeds");
  });

  it("a sweep keeps one run per value; settings that do not apply leave the name alone", () => {
    const sweep = [0.01, 0.05, 0.1, 0.3, 0.5].map((w) => label({ passageNodeWeight: w }));
    expect(sweep).toEqual(["hipporag2-pnw0.01", "hipporag2", "hipporag2-pnw0.1", "hipporag2-pnw0.3", "hipporag2-pnw0.5"]);
    expect(label({ filter: false, linkingTopK: 10, damping: 0.85 })).toBe("hipporag2-nofilter-link10-damping0.85");
    expect(label({ filterMatchCutoff: 0.6 })).toBe("hipporag2-cutoff0.6");
    expect(label({ filter: false, filterMatchCutoff: 0.6 })).toBe("hipporag2-nofilter"); // no filter, no cutoff
    expect(label({ passageNodes: false, passageNodeWeight: 0.3 })).toBe("hipporag2-nopassagenodes"); // no passage nodes, no weight
    expect(label({ topK: 5 })).toBe("hipporag2-top5"); // a shorter list would lose Recall@10 and beyond
    expect(label({ method: "dense", topK: 5 })).toBe("dense-top5");
  });

  it("IRCoT around any method adds -ircot<max steps> after the method's own name", () => {
    expect(label({ filter: false, ircotSteps: 4 })).toBe("hipporag2-nofilter-ircot4");
    expect(label({ method: "dense", topK: 5, ircotSteps: 2 })).toBe("dense-top5-ircot2");
    expect(label({ method: "bm25", ircotSteps: 3 })).toBe("bm25-ircot3");
  });
});

describe("a step that needs an LLM none is configured for", () => {
  it("says how to configure one for that stage, every placeholder filled", async () => {
    const { HippoRag } = await import("./hipporag.js");
    const { LexicalEncoder } = await import("./embedding/lexical-encoder.js");
    const { tempDir } = await import("./test-support/cli-harness.js");
    const hippo = await HippoRag.open({ saveDir: tempDir(), encoder: new LexicalEncoder() });
    try {
      const error = (() => {
        try {
          hippo.chat("qa");
        } catch (e) {
          return e as { message: string; suggestion?: string };
        }
      })();
      expect(error?.message).toMatch(/needs an LLM for qa and none is configured/);
      expect(error?.suggestion).toMatch(/--qa-llm-base-url/);
      expect(error?.suggestion).toMatch(/llm\.qa\b/);
      expect(error?.suggestion).not.toMatch(/\$\{/);
    } finally {
      hippo.close();
    }
  });
});

describe("HippoRag.open validates the config once, by the CLI's rules", () => {
  const open = async (config: Record<string, unknown>) => {
    const { HippoRag } = await import("./hipporag.js");
    const { LexicalEncoder } = await import("./embedding/lexical-encoder.js");
    const { tempDir } = await import("./test-support/cli-harness.js");
    return HippoRag.open({ saveDir: tempDir(), encoder: new LexicalEncoder(), ...config } as never);
  };
  const refusal = async (config: Record<string, unknown>) => {
    try {
      (await open(config)).close();
    } catch (error) {
      return error as { name: string; code: string; message: string; suggestion?: string };
    }
    throw new Error(`accepted ${JSON.stringify(config)}`);
  };

  it("refuses retrieval settings the CLI refuses, naming the setting (not a RangeError at the first retrieve)", async () => {
    for (const [retrieval, message] of [
      [{ damping: 1 }, /retrieval\.damping must be a number from 0 up to \(not including\) 1, got 1/],
      [{ topK: 0 }, /retrieval\.topK must be a positive integer up to 10000000, got 0/],
      [{ passageNodeWeight: -1 }, /retrieval\.passageNodeWeight must be a number between 0 and 1, got -1/],
      [{ linkingTopK: 0 }, /retrieval\.linkingTopK must be a positive integer/],
      [{ topK: "5" }, /retrieval\.topK must be a number, got "5"/],
      [{ linking: "facts" }, /retrieval\.linking must be one of fact, query, ner, got "facts"/],
      [{ method: "sparse" }, /unknown retrieval method "sparse"/],
      [{ filter: "no" }, /retrieval\.filter must be true or false/],
      [{ topk: 5 }, /retrieval\.topk is not a setting/],
    ] as const) {
      const error = await refusal({ retrieval });
      expect([error.name, error.code], JSON.stringify(retrieval)).toEqual(["HippoError", "USAGE"]);
      expect(error.message, JSON.stringify(retrieval)).toMatch(message);
    }
  });

  it("refuses a misspelt LLM or config key instead of silently using the default model", async () => {
    expect((await refusal({ llm: { modle: "x", baseUrl: "http://127.0.0.1:9/v1" } })).message).toMatch(/llm\.model must name a model: llm has modle, baseUrl but no model/);
    expect((await refusal({ llm: { model: "x", baseUrl: "http://127.0.0.1:9/v1", maxRetry: 2 } })).message).toMatch(/llm\.maxRetry is not a setting/);
    expect((await refusal({ llm: { qa: { model: "x", baseUrl: "http://127.0.0.1:9/v1" }, openIE: {} } })).message).toMatch(/llm\.openIE is not a setting/);
    expect((await refusal({ llm: { qa: { model: "x", baseURL: "http://127.0.0.1:9/v1" } } })).message).toMatch(/llm\.qa\.baseURL is not a setting/);
    expect((await refusal({ qaTopk: 3 })).message).toMatch(/config\.qaTopk is not a setting/);
  });

  it("refuses every setting of the wrong type or shape at open, naming it (they failed later as TypeErrors, or sent empty prompts)", async () => {
    const { HippoRag } = await import("./hipporag.js");
    for (const [config, message] of [
      [{ openiePrompts: { foo: 1 } }, /openiePrompts\.foo is not a prompt/],
      [{ openiePrompts: { nerSystem: "x" } }, /openiePrompts\.nerDemoInput must be a string, got nothing/],
      [{ ircotPrompt: "think" }, /ircotPrompt must be an object of prompt strings, got string/],
      [{ vectorDtype: "f8" }, /vectorDtype must be one of f32, f16, got "f8"/],
      [{ openieModel: 5 }, /openieModel must name a model, got 5/],
      [{ logger: 5 }, /logger must have debug, info, warn and error methods: it lacks debug, info, warn, error/],
      [{ acceptTruncated: "yes" }, /acceptTruncated must be true or false, got "yes"/],
      [{ encoder: {} }, /encoder must implement Encoder .*it lacks id, maxBatch, formatInput, embedFormatted/],
      [{ encoder: undefined, embedding: { name: "lexical", foo: 1 } }, /embedding\.foo is not a setting/],
      [{ vectorStore: { kind: "lancedb", url: 5 } }, /vectorStore\.url must be a string/],
      [{ vectorStore: "pinecone" }, /vectorStore must be one of sqlite, lancedb, chroma, got "pinecone"/],
      [{ llm: { qa: null } }, /llm\.qa must be an LLM config \(\{ model, baseUrl, … \}\) or a ChatModel, got null/],
      [{ saveDir: 5 }, /saveDir must name the workspace folder, got 5/],
    ] as const) {
      const error = await refusal(config);
      expect([error.name, error.code], JSON.stringify(config)).toEqual(["HippoError", "USAGE"]);
      expect(error.message, JSON.stringify(config)).toMatch(message);
    }
    await expect(HippoRag.open(null as never)).rejects.toThrow(/the config must be an object \(\{ saveDir, … \}\), got null/);
    await expect(HippoRag.open({} as never)).rejects.toThrow(/saveDir must name the workspace folder, got undefined/);
  });

  it("refuses documents that are not strings or { title, text }, naming the record and field, before storing any", async () => {
    const hippo = await open({});
    try {
      for (const [docs, message] of [
        [[null], /^record 0: expected a "title\\ntext" string or \{ title, text \}, got null/],
        [["A\na", 5], /^record 1: expected a "title\\ntext" string or \{ title, text \}, got a number/],
        [[{ title: 5, text: "abc" }], /^record 0: field "title": expected a string, got a number/],
        [[{ title: "X" }], /^record 0: field "text": missing/],
        [[{ title: "X", text: "x", metadata: "str" }], /^record 0: field "metadata": expected an object, got a string/],
        [[""], /^record 0: empty passage/],
      ] as const) {
        await expect(hippo.index(docs as never), JSON.stringify(docs)).rejects.toThrow(message);
      }
      expect(hippo.workspace.passages.all()).toEqual([]);
      await expect(hippo.ragQa([{ question: "a?", docs: [], passageIds: [], scores: [], trace: {} } as never, { question: "b?", docs: [], passageIds: [], scores: [], trace: {} } as never], { goldAnswers: [["x"]] })).rejects.toThrow(/goldAnswers has 1 entries for 2 questions/);
    } finally {
      hippo.close();
    }
  });

  it("checks each call's options and numToRetrieve too", async () => {
    const hippo = await open({});
    try {
      await expect(hippo.retrieve(["q"], 0)).rejects.toThrow(/numToRetrieve must be a positive integer/);
      await expect(hippo.retrieve(["q"], 5, { damping: 2 })).rejects.toThrow(/options\.damping must be a number from 0 up to/);
    } finally {
      hippo.close();
    }
  });
});

describe("a {title, text} whose title holds a line break", () => {
  it("is refused by index and delete, naming the record, and nothing is stored", async () => {
    const { HippoRag } = await import("./hipporag.js");
    const { LexicalEncoder } = await import("./embedding/lexical-encoder.js");
    const { tempDir } = await import("./test-support/cli-harness.js");
    const hippo = await HippoRag.open({ saveDir: tempDir(), encoder: new LexicalEncoder() });
    try {
      // as "title\ntext", {A\nB, C} would be the passage {A, B\nC}: delete would remove that one
      const docs = [{ title: "A", text: "B\nC" }, { title: "A\nB", text: "C" }];
      await expect(hippo.index(docs)).rejects.toThrow(/^record 1: field "title": the title holds a line break/);
      expect(hippo.workspace.passages.all()).toEqual([]);
      await expect(hippo.delete(docs.slice(1))).rejects.toThrow(/record 0: field "title": the title holds a line break/);
    } finally {
      hippo.close();
    }
  });
});
