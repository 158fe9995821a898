import { describe, expect, it } from "vitest";
import { dotAll } from "../embedding/dense-search.js";
import { normalizeRows, type Matrix } from "../embedding/encoder.js";
import { createOnnxMatmul } from "../embedding/onnx-matmul.js";
import { queriesForSynonyms, synonymLists } from "./synonymy.js";

function matrix(rows: number[][]): Matrix {
  return normalizeRows({ rows: rows.length, dim: rows[0]!.length, data: Float32Array.from(rows.flat()) });
}

describe("synonymy lists (upstream's walk, spec §5.1)", () => {
  it("keeps neighbours at cosine ≥ 0.8 in descending order, skipping itself and the empty phrase", async () => {
    const phrases = ["alpha one", "alpha uno", "", "beta"];
    const m = matrix([[1, 0.1, 0], [1, 0.2, 0], [1, 0.15, 0], [0, 0, 1]]);
    const lists = await synonymLists(phrases, m, [0, 1, 2, 3]);
    expect(lists.get("alpha one")!.map(([p]) => p)).toEqual(["alpha uno"]);
    expect(lists.get("alpha one")![0]![1]).toBeGreaterThan(0.99);
    expect(lists.get("beta")).toEqual([]);
    expect(lists.get("")).toEqual([]); // "" has no alphanumerics: it never queries
  });
  it("phrases with ≤ 2 alphanumeric characters do not query, but can be neighbours", async () => {
    expect(queriesForSynonyms("u.s")).toBe(false);
    expect(queriesForSynonyms("usa")).toBe(true);
    const lists = await synonymLists(["ab", "abc"], matrix([[1, 0], [1, 0.01]]), [0, 1]);
    expect(lists.get("ab")).toEqual([]);
    expect(lists.get("abc")!.map(([p]) => p)).toEqual(["ab"]);
  });
  it("accepts at most 101 neighbours (upstream checks 'more than 100' before accepting)", async () => {
    const phrases = Array.from({ length: 150 }, (_, i) => `name ${i}`);
    const m = matrix(phrases.map((_, i) => [1, i * 1e-4]));
    const lists = await synonymLists(phrases, m, [0]);
    expect(lists.get("name 0")).toHaveLength(101);
  });
});

describe("onnxruntime GEMM", () => {
  it("A · Bᵀ equals the JS product", async () => {
    const a = matrix(Array.from({ length: 9 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.sin(i * 7 + j))));
    const b = matrix(Array.from({ length: 13 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.cos(i * 3 + j))));
    const engine = await createOnnxMatmul(1);
    const fast = await engine.dotAll(a, b);
    const slow = dotAll(a, b);
    expect(fast).toHaveLength(9 * 13);
    fast.forEach((v, i) => expect(v).toBeCloseTo(slow[i]!, 5));
    await engine.dispose();
  });
});

describe("incremental synonymy in a dense cluster (more than 101 candidates)", () => {
  it("a new phrase enters the full list of an old phrase it does not list itself", async () => {
    const { LexicalEncoder } = await import("../embedding/lexical-encoder.js");
    const { HippoRag } = await import("../hipporag.js");
    const { OpenIEStore } = await import("../openie/openie-store.js");
    const { tempDir } = await import("../test-support/cli-harness.js");
    const { graphSnapshot } = await import("../test-support/workspace-snapshot.js");
    // 130 near-identical names → every name has > 101 candidates ≥ 0.8
    const passages = Array.from({ length: 130 }, (_, i) => ({ title: `P${i}`, text: `Doc ${i}` }));
    const triples = (i: number) => [[`alexander hamilton junior federalist treasury ${i}`, "knows", `person ${i}`]];
    const build = async (batches: number[][]) => {
      const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: "m", encoder: new LexicalEncoder() });
      const { insertPassages } = await import("../store/passage-store.js");
      const { toPassages } = await import("../hipporag.js");
      const all = toPassages(passages);
      insertPassages(hippo.workspace, all);
      new OpenIEStore(hippo.workspace, "m").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: triples(i) })), "test");
      for (const batch of batches) await hippo.index(batch.map((i) => passages[i]!));
      return hippo;
    };
    const whole = await build([Array.from({ length: 130 }, (_, i) => i)]);
    const steps = await build([Array.from({ length: 100 }, (_, i) => i), Array.from({ length: 30 }, (_, i) => 100 + i)]);
    const lists = (h: typeof whole) => h.workspace.db.prepare("SELECT phrase, neighbors FROM synonyms ORDER BY phrase").all();
    const lengths = (lists(whole) as { neighbors: string }[]).map((r) => JSON.parse(r.neighbors).length);
    expect(Math.max(...lengths)).toBe(101); // the cap is reached: the case the merge must get right
    expect(lists(steps)).toEqual(lists(whole));
    expect(graphSnapshot(steps)).toEqual(graphSnapshot(whole));
    whole.close();
    steps.close();
  });
});
