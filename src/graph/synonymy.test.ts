import { describe, expect, it } from "vitest";
import { dotAll } from "../embedding/dense-search.js";
import { normalizeRows, type Matrix } from "../embedding/encoder.js";
import { createOnnxMatmul } from "../embedding/onnx-matmul.js";
import { queriesForSynonyms, synonymCandidates, synonymLists } from "./synonymy.js";

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
  it("vectors that barely differ (every pair above the threshold) give the same lists as the uncapped candidates, holding only what the walk takes", async () => {
    // 1,500 phrases, 5 distinct vectors: 2.25M pairs above 0.8 (lists pruned past 1,024), of which each list takes 101
    const n = 1500;
    const phrases = Array.from({ length: n }, (_, i) => `phrase ${String(i).padStart(5, "0")}`);
    const m = matrix(phrases.map((_, i) => [1, 0.01 * (i % 5), 0.02]));
    const rows = phrases.map((_, i) => i);
    const lists = await synonymLists(phrases, m, rows);
    const all = await synonymCandidates(phrases, m, rows, 0.8);
    expect(all.get(0)!.length).toBe(n);
    const { walkCandidates, DEFAULT_SYNONYMY } = await import("./synonymy.js");
    for (const q of [0, 1, 7, 1499]) expect(lists.get(phrases[q]!)).toEqual(walkCandidates(phrases, q, all.get(q)!, DEFAULT_SYNONYMY));
    expect(lists.get(phrases[0]!)).toHaveLength(101);
    const capped = await synonymCandidates(phrases, m, rows, 0.8, undefined, undefined, undefined, undefined, undefined, undefined, 103);
    expect([...capped.values()].every((list) => list.length === 103)).toBe(true);
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
  it("the entries ≥ a threshold, found inside onnxruntime, are dotAll's, bit for bit, in row-major order", async () => {
    const random = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const next = random(3);
    const a = normalizeRows({ rows: 300, dim: 64, data: Float32Array.from({ length: 300 * 64 }, next) });
    const b = normalizeRows({ rows: 700, dim: 64, data: Float32Array.from({ length: 700 * 64 }, next) });
    const engine = await createOnnxMatmul();
    const full = await engine.dotAll(a, b);
    for (const threshold of [0.25, 0.4, 2]) {
      const expected: [number, number, number][] = [];
      full.forEach((v, k) => {
        if (v >= threshold) expected.push([Math.floor(k / 700), k % 700, v]);
      });
      const found = await engine.above(a, b, threshold);
      expect(Array.from(found.scores, (v, k) => [found.rows[k], found.cols[k], v])).toEqual(expected);
      if (threshold < 1) expect(expected.length).toBeGreaterThan(100);
    }
    await engine.dispose();
  });
});

describe("incremental synonymy in a dense cluster (more than 101 candidates)", () => {
  it("a new phrase enters the full list of an old phrase it does not list itself", async () => {
    const { LexicalEncoder } = await import("../embedding/lexical-encoder.js");
    const { HippoRag } = await import("../hipporag.js");
    const { tempDir } = await import("../test-support/cli-harness.js");
    const { graphSnapshot } = await import("../test-support/workspace-snapshot.js");
    // 130 near-identical names → every name has > 101 candidates ≥ 0.8
    const passages = Array.from({ length: 130 }, (_, i) => ({ title: `P${i}`, text: `Doc ${i}` }));
    const triples = (i: number) => [[`alexander hamilton junior federalist treasury ${i}`, "knows", `person ${i}`]];
    const build = async (batches: number[][]) => {
      const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: "m", encoder: new LexicalEncoder() });
      const { toPassages } = await import("../hipporag.js");
      const all = toPassages(passages);
      hippo.workspace.passages.insert(all);
      hippo.workspace.openie("m").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: triples(i) })), "test");
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

describe("synonym candidates score each pair of query rows once (the upper triangle, mirrored)", () => {
  // Clustered random vectors so rows have many candidates; some rows ineligible, some not querying.
  function clustered(rows: number, dim: number, seed: number): Matrix {
    let state = seed;
    const random = () => ((state = (state * 16807) % 2147483647) / 2147483647) - 0.5;
    const centres = Array.from({ length: Math.ceil(rows / 12) }, () => Array.from({ length: dim }, random));
    return normalizeRows({ rows, dim, data: Float32Array.from({ length: rows * dim }, (_, at) => centres[Math.floor(at / dim / 12)]![at % dim]! + 0.25 * random()) });
  }
  for (const [rows, dim, engine] of [[3073, 384, "onnxruntime"], [400, 16, "JavaScript"]] as const) {
    it(`equals scoring every query row against all rows, bit for bit (${engine} products)`, async () => {
      const m = clustered(rows, dim, 11);
      const phrases = Array.from({ length: rows }, (_, i) => `p${String(i).padStart(5, "0")}`);
      const eligible = (row: number) => row % 17 !== 5;
      // every row but every 9th queries; 3073 - 342 = 2731 = 5 × 512 + 171, and the subset case below ends in a one-row block
      const queries = phrases.map((_, i) => i).filter((i) => i % 9 !== 4);
      const ours = await synonymCandidates(phrases, m, queries, 0.8, eligible);
      // Reference: the product of each 512-row block of queries with all rows, as before.
      const gemm = engine === "onnxruntime" ? await createOnnxMatmul() : undefined;
      for (let start = 0; start < queries.length; start += 512) {
        const block = queries.slice(start, start + 512);
        const a: Matrix = { rows: block.length, dim, data: Float32Array.from(block.flatMap((q) => [...m.data.subarray(q * dim, (q + 1) * dim)])) };
        const scores = gemm ? await gemm.dotAll(a, m) : dotAll(a, m);
        block.forEach((q, i) => {
          const expected: [number, number][] = [];
          for (let j = 0; j < rows; j++) if (scores[i * rows + j]! >= 0.8 && eligible(j)) expected.push([j, scores[i * rows + j]!]);
          expected.sort((x, y) => y[1] - x[1] || (phrases[x[0]]! < phrases[y[0]]! ? -1 : 1));
          expect(ours.get(q)).toEqual(expected);
        });
      }
      expect([...ours.values()].reduce((n, list) => n + list.length, 0)).toBeGreaterThan(rows * 5);
      await gemm?.dispose();
    });
  }
  it("few queries (an incremental update) score the columns in bounded slices with the bits of whole products", async () => {
    const rows = 3073;
    const m = clustered(rows, 384, 7);
    const phrases = Array.from({ length: rows }, (_, i) => `r${String(i).padStart(5, "0")}`);
    const eligible = (row: number) => row % 13 !== 2;
    const queries = phrases.map((_, i) => i).filter((i) => i % 7 === 3).concat([rows - 1]); // 440 + 1 < rows / 4
    // slices of 1000 columns: 0–999, 1000–1999, 2000–2999, and a last one moved back to stay 512 wide
    const sliced = await synonymCandidates(phrases, m, queries, 0.8, eligible, undefined, undefined, undefined, undefined, 1000);
    const gemm = await createOnnxMatmul();
    const a: Matrix = { rows: queries.length, dim: 384, data: Float32Array.from(queries.flatMap((q) => [...m.data.subarray(q * 384, (q + 1) * 384)])) };
    const scores = await gemm.dotAll(a, m);
    queries.forEach((q, i) => {
      const expected: [number, number][] = [];
      for (let j = 0; j < rows; j++) if (scores[i * rows + j]! >= 0.8 && eligible(j)) expected.push([j, scores[i * rows + j]!]);
      expected.sort((x, y) => y[1] - x[1] || (phrases[x[0]]! < phrases[y[0]]! ? -1 : 1));
      expect(sliced.get(q), `row ${q}`).toEqual(expected);
    });
    expect([...sliced.values()].reduce((n, list) => n + list.length, 0)).toBeGreaterThan(queries.length * 5);
    await gemm.dispose();
  });

  it("a one-row last block and the narrow tail of the triangle give the bits of one full product", async () => {
    const n = 2561; // 5 × 512 + 1: the last block has one row, and its upper triangle one column
    const m = clustered(n, 384, 5); // 2561² × 384 multiply-adds: onnxruntime
    const phrases = Array.from({ length: n }, (_, i) => `q${String(i).padStart(4, "0")}`);
    const ours = await synonymCandidates(phrases, m, phrases.map((_, i) => i), 0.8);
    const gemm = await createOnnxMatmul();
    const full = await gemm.dotAll(m, m);
    // every row, the one-row last block included, as one n × n product scores it
    for (let q = 0; q < n; q++) {
      const expected: [number, number][] = [];
      for (let j = 0; j < n; j++) if (full[q * n + j]! >= 0.8) expected.push([j, full[q * n + j]!]);
      expected.sort((x, y) => y[1] - x[1] || (phrases[x[0]]! < phrases[y[0]]! ? -1 : 1));
      expect(ours.get(q)).toEqual(expected);
    }
    await gemm.dispose();
  });
});
