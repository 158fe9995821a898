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
