import { beforeAll, describe, expect, it } from "vitest";
import { SyntheticEncoder, syntheticCorpus } from "../../scripts/synthetic-corpus.js";
import { pyTupleRepr } from "../core/ids.js";
import { VectorCorpus } from "../embedding/vector-search.js";
import { HippoRag, toPassages } from "../hipporag.js";
import { musiqueWorkspace, tempDir } from "../test-support/cli-harness.js";
import type { Retriever, RetrievalOptions } from "./retriever.js";

/**
 * The retriever searches its fact and passage vectors a block at a time (f16 vectors held as f16)
 * and keeps only each question's best facts. The reference here is the search as it was: one f32
 * matrix per kind, every fact scored, the whole score vector min-max normalised and ranked.
 */
async function unblockedResults(hippo: HippoRag, retriever: Retriever, questions: string[], options: Partial<RetrievalOptions>) {
  const f32 = async (texts: string[], purpose: "passage" | "fact") => new VectorCorpus(await retriever.queryVectors(texts, purpose), Number.MAX_SAFE_INTEGER);
  const reference = Object.create(retriever) as Retriever;
  const facts = await f32(retriever.graph.facts.map(pyTupleRepr), "fact");
  // No best rows: every question takes the whole-vector path (minMaxNormalize + topK over all facts).
  facts.topMany = async (_q, rows, k) => rows.map(() => ({ rows: Array<number>(k).fill(0), scores: Array<number>(k).fill(0), min: 0, max: 0 }));
  Object.defineProperty(reference, "factCorpus", { value: facts });
  Object.defineProperty(reference, "passageCorpus", { value: await f32(retriever.contents, "passage") });
  return reference.retrieve(questions, hippo.retrievalOptions(options));
}

describe("retrieval in blocks equals the whole-matrix search", () => {
  it("dense f16 vectors (the GEMM path): same rankings, scores and traces", async () => {
    const saveDir = tempDir();
    const hippo = await HippoRag.open({ saveDir, openieModel: "synthetic", encoder: new SyntheticEncoder(128), vectorDtype: "f16" });
    const corpus = syntheticCorpus(0.05); // 583 passages, ~7,000 facts: 64 × 7,000 × 128 multiply-adds go through the GEMM
    const passages = toPassages(corpus.passages);
    hippo.workspace.passages.insert(passages);
    hippo.workspace.openie("synthetic").saveMany(passages.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "synthetic");
    await hippo.index(passages);
    const retriever = await hippo.retriever();
    expect(retriever.factCorpus.bytes).toBe(retriever.factCorpus.rows * 128 * 2); // held as f16
    // Blocks of ~1,000 rows, so that both corpora are searched in several (the default is 16,384 rows).
    for (const name of ["factCorpus", "passageCorpus"] as const) Object.defineProperty(retriever, name, { value: new VectorCorpus(retriever[name].matrix, 1000) });
    const questions = Array.from({ length: 70 }, (_, i) => `what is entity ${i * 3} variant ${i % 14} related to by relation ${i % 50}?`);
    const options = { method: "hipporag" as const, filter: false, topK: 50 };
    const got = await retriever.retrieve(questions, hippo.retrievalOptions(options));
    expect(got).toEqual(await unblockedResults(hippo, retriever, questions, options));
    hippo.close();
  }, 120_000);

  describe("MuSiQue (lexical vectors, sparse)", () => {
    let saveDir: string;
    beforeAll(async () => {
      ({ saveDir } = await musiqueWorkspace());
    }, 60_000);
    it("same rankings, scores and traces", async () => {
      const hippo = await HippoRag.open({ saveDir });
      const retriever = await hippo.retriever();
      const questions = retriever.contents.slice(0, 40).map((c) => `Who is ${c.split("\n")[0]} and where was it founded?`);
      const options = { method: "hipporag" as const, filter: false };
      const got = await retriever.retrieve(questions, hippo.retrievalOptions(options));
      expect(got.some((r) => r.trace.seeds.length > 0)).toBe(true);
      expect(got).toEqual(await unblockedResults(hippo, retriever, questions, options));
      hippo.close();
    }, 120_000);
  });
});
