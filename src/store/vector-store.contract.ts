import { expect, it } from "vitest";
import type { Matrix } from "../embedding/encoder.js";
import { innerProduct, rankHits } from "./vector-hits.js";
import type { VectorStore } from "./vector-store.js";

/**
 * What every vector store must do, run against each backend by `vector-store.test.ts`. `open`
 * gives a fresh, empty store. Exact stores must return the brute-force top-k; approximate ones
 * (Chroma's HNSW) must reach it on these small spaces with recall ≥ 0.9 and the same scores.
 */
export function vectorStoreContract(open: () => Promise<VectorStore>): void {
  it("starts empty: no dimension, nothing stored, nothing found", async () => {
    const store = await open();
    expect(await store.dimension("enc")).toBeUndefined();
    expect(await store.has("enc", ["a", "b"])).toEqual(new Set());
    const rows: number[] = [];
    await store.get("enc", ["a"], (i) => rows.push(i));
    expect(rows).toEqual([]);
    expect(await store.search("enc", unit([1, 0, 0, 0]), 3)).toEqual([]);
    await store.close();
  });

  it("gives back exactly the vectors upserted, by index of the ids asked for (repeats included, unknown ids skipped)", async () => {
    const store = await open();
    const m = randomMatrix(50, 16, 1);
    const ids = m.ids;
    await store.upsert("enc", ids, m.matrix, "f32");
    expect(await store.dimension("enc")).toBe(16);
    const asked = [ids[7]!, "missing", ids[3]!, ids[7]!];
    const got = new Map<number, number[]>();
    await store.get("enc", asked, (i, v) => got.set(i, Array.from(v)));
    expect([...got.keys()].sort()).toEqual([0, 2, 3]);
    expect(got.get(0)).toEqual(row(m.matrix, 7));
    expect(got.get(2)).toEqual(row(m.matrix, 3));
    expect(got.get(3)).toEqual(row(m.matrix, 7));
    await store.close();
  });

  it("upsert replaces a stored id, and spaces are separate", async () => {
    const store = await open();
    await store.upsert("enc", ["x", "y"], { rows: 2, dim: 4, data: new Float32Array([...unit([1, 0, 0, 0]), ...unit([0, 1, 0, 0])]) }, "f32");
    await store.upsert("enc", ["x"], { rows: 1, dim: 4, data: unit([0, 0, 1, 0]) }, "f32");
    await store.upsert("other|f16", ["x"], { rows: 1, dim: 4, data: unit([0, 0, 0, 1]) }, "f16");
    const got: number[][] = [];
    await store.get("enc", ["x", "y"], (_, v) => got.push(Array.from(v)));
    expect(got).toContainEqual(Array.from(unit([0, 0, 1, 0])));
    expect(got).toContainEqual(Array.from(unit([0, 1, 0, 0])));
    const other: number[][] = [];
    await store.get("other|f16", ["x", "y"], (_, v) => other.push(Array.from(v)));
    expect(other).toEqual([Array.from(unit([0, 0, 0, 1]))]);
    expect(await store.has("other|f16", ["x", "y"])).toEqual(new Set(["x"]));
    await store.close();
  });

  it("answers has and get for thousands of ids at once (the scan paths)", async () => {
    const store = await open();
    const m = randomMatrix(2600, 8, 2);
    await store.upsert("enc", m.ids, m.matrix, "f32");
    const asked = [...m.ids.slice(0, 2500), "nope-1", "nope-2"];
    expect(await store.has("enc", asked)).toEqual(new Set(m.ids.slice(0, 2500)));
    let sum = 0;
    let rows = 0;
    await store.get("enc", asked, (i, v) => {
      rows++;
      sum += v[0]! - m.matrix.data[i * 8]!;
    });
    expect(rows).toBe(2500);
    expect(sum).toBe(0);
    await store.close();
  });

  it("search returns the top k by inner product (exact stores: the brute-force answer; approximate: recall ≥ 0.9), best first", async () => {
    const store = await open();
    const m = randomMatrix(400, 32, 3);
    await store.upsert("enc", m.ids, m.matrix, "f32");
    const queries = randomMatrix(10, 32, 4).matrix;
    let found = 0;
    for (let q = 0; q < queries.rows; q++) {
      const query = queries.data.subarray(q * 32, (q + 1) * 32);
      const truth = rankHits(m.ids.map((id, r) => ({ id, score: innerProduct(query, m.matrix.data.subarray(r * 32, (r + 1) * 32)) })), 10);
      const hits = await store.search("enc", query, 10);
      expect(hits).toHaveLength(10);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      const truthScore = new Map(truth.map((h) => [h.id, h.score]));
      for (const hit of hits) if (truthScore.has(hit.id)) expect(hit.score).toBe(truthScore.get(hit.id));
      if (store.exactSearch) expect(hits).toEqual(truth);
      found += hits.filter((h) => truthScore.has(h.id)).length;
    }
    expect(found / (10 * queries.rows)).toBeGreaterThanOrEqual(0.9);
    await store.close();
  });

  it("delete removes vectors from get, has and search", async () => {
    const store = await open();
    const m = randomMatrix(20, 8, 5);
    await store.upsert("enc", m.ids, m.matrix, "f32");
    await store.delete("enc", [m.ids[0]!, m.ids[1]!, "never-stored"]);
    expect(await store.has("enc", m.ids.slice(0, 3))).toEqual(new Set([m.ids[2]!]));
    const hits = await store.search("enc", m.matrix.data.subarray(0, 8), 20);
    expect(hits.map((h) => h.id)).not.toContain(m.ids[0]);
    expect(hits).toHaveLength(18);
    await store.close();
  });
}

function unit(values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / norm);
}

function row(m: Matrix, r: number): number[] {
  return Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim));
}

/** Deterministic L2-normalised random rows with ids "v0", "v1", … */
function randomMatrix(rows: number, dim: number, seed: number): { ids: string[]; matrix: Matrix } {
  let state = seed * 2654435761;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) data.set(unit(Array.from({ length: dim }, random)), r * dim);
  return { ids: Array.from({ length: rows }, (_, r) => `v${seed}-${r}`), matrix: { rows, dim, data } };
}
