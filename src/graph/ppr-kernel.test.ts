import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assembleWat } from "../../scripts/assemble-wat.js";
import { mulberry32, syntheticGraph, syntheticReset } from "../../scripts/synthetic-graph.js";
import { csrFromEdges } from "./csr-graph.js";
import { personalizedPageRank, personalizedPageRankMany } from "./personalized-pagerank.js";
import { scaledWeights } from "./ppr-sweep-graph.js";
import { createWasmGraph, jsSolver, wasmLane } from "./ppr-kernel.js";
import { createManySolver, splitPoint } from "./ppr-many.js";
import { PPR_SWEEP_WASM_BASE64 } from "./ppr-sweep-wasm.js";

describe("the WebAssembly PageRank kernel", () => {
  it("is the committed assembly of ppr-sweep.wat (re-run scripts/build-ppr-wasm.ts after editing it)", async () => {
    const source = readFileSync(join(import.meta.dirname, "ppr-sweep.wat"), "utf8");
    const assembled = Buffer.from(await assembleWat(source)).toString("base64");
    expect(PPR_SWEEP_WASM_BASE64).toBe(assembled);
  });

  it("gives bit-identical scores to the JavaScript reference kernel", async () => {
    const g = syntheticGraph(0.05, 3);
    const csr = csrFromEdges(g.entities + g.passages, g.edges);
    const random = mulberry32(11);
    for (const options of [{}, { damping: 0.85 }, { relaxation: 1, tolerance: 1e-12 }]) {
      const reset = syntheticReset(g, random);
      const wasm = personalizedPageRank(csr, reset, { ...options, kernel: "wasm" });
      const js = personalizedPageRank(csr, reset, { ...options, kernel: "js" });
      expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer))).toBe(true);
      expect(personalizedPageRank(csr, reset, options)).toEqual(wasm); // wasm is the default
      const [many] = await personalizedPageRankMany(csr, [reset], { ...options, kernel: "js" });
      expect(many).toEqual(js);
    }
  });

  it("is bit-identical to the reference on rows of every length the sweep's quad, pair and tail steps split differently (0–9 entries)", () => {
    // Node i (i = 1..9) links to i distinct hub nodes, so its row has i entries; hubs have long rows.
    const hubs = 9;
    const edges: [number, number, number][] = [];
    for (let i = 1; i <= 9; i++) for (let h = 0; h < i; h++) edges.push([hubs + i, h, 0.5 + ((i * 7 + h * 3) % 5) / 3]);
    const graph = { nodeCount: hubs + 11, edges }; // node hubs + 10: no edges (a row of 0 entries)
    const reset = Array.from({ length: graph.nodeCount }, (_, i) => 1 + (i % 4));
    const wasm = personalizedPageRank(graph, reset, { kernel: "wasm", tolerance: 1e-14 });
    const js = personalizedPageRank(graph, reset, { kernel: "js", tolerance: 1e-14 });
    expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer))).toBe(true);
  });

  it("handles graphs without edges and isolated nodes like the reference", () => {
    for (const kernel of ["wasm", "js"] as const) {
      expect(Array.from(personalizedPageRank({ nodeCount: 3, edges: [] }, [1, 1, 2], { kernel }))).toEqual([0.25, 0.25, 0.5]);
      expect(personalizedPageRank({ nodeCount: 4, edges: [[0, 1, 1], [1, 2, 3]] }, [1, 0, 0, 0], { kernel })[3]).toBe(0);
    }
  });

  it("falls back to the JavaScript kernel where WebAssembly is off (node --jitless), with the same scores", () => {
    const entry = join(import.meta.dirname, "..", "..", "dist", "index.js");
    const script = `const m = await import(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify([typeof WebAssembly, Array.from(m.personalizedPageRank({ nodeCount: 4, edges: [[0, 1, 1], [1, 2, 2], [2, 3, 0.5]] }, [1, 0, 0, 1]))]));`;
    const run = spawnSync(process.execPath, ["--jitless", "--no-warnings", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const [wasmType, scores] = JSON.parse(run.stdout) as [string, number[]];
    expect(wasmType).toBe("undefined");
    expect(scores).toEqual(Array.from(personalizedPageRank({ nodeCount: 4, edges: [[0, 1, 1], [1, 2, 2], [2, 3, 0.5]] }, [1, 0, 0, 1])));
  });

  it("a batch survives its worker dying: the main thread solves the worker's share", async () => {
    const g = syntheticGraph(0.02, 5);
    const csr = csrFromEdges(g.entities + g.passages, g.edges);
    const scaled = new Float64Array(csr.weights.length);
    const degree = new Float64Array(csr.nodeCount);
    for (let i = 0; i < csr.nodeCount; i++) for (let k = csr.offsets[i]!; k < csr.offsets[i + 1]!; k++) degree[i] += csr.weights[k]!;
    for (let i = 0; i < csr.nodeCount; i++) for (let k = csr.offsets[i]!; k < csr.offsets[i + 1]!; k++) scaled[k] = csr.weights[k]! / degree[csr.targets[k]!]!;
    const graph = createWasmGraph(csr, scaled, 2)!;
    const here = wasmLane(graph, 0).list;
    const reference = jsSolver(csr, scaled);
    const random = mulberry32(2);
    const resets = Array.from({ length: 20 }, () => {
      const r = syntheticReset(g, random);
      const total = r.reduce((a, b) => a + b, 0);
      return r.map((x) => x / total);
    });
    const many = createManySolver(graph);
    const alive = await many.solveAll(resets, 0.5, 1.2, 1e-9, 1000, here);
    many.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const afterDeath = await many.solveAll(resets, 0.5, 1.2, 1e-9, 1000, here);
    resets.forEach((v, i) => {
      const expected = Array.from(reference(v, 0.5, 1.2, 1e-9, 1000));
      expect(Array.from(alive[i]!)).toEqual(expected);
      expect(Array.from(afterDeath[i]!)).toEqual(expected);
    });
  });

  it("a batch whose worker dies mid-batch after its half was transferred remakes that half here", async () => {
    const g = syntheticGraph(0.02, 6);
    const csr = csrFromEdges(g.entities + g.passages, g.edges);
    const scaled = scaledWeights(csr);
    const graph = createWasmGraph(csr, scaled, 2)!;
    const reference = jsSolver(csr, scaled);
    const random = mulberry32(8);
    const originals = Array.from({ length: 12 }, () => {
      const r = syntheticReset(g, random);
      const total = r.reduce((a, b) => a + b, 0);
      return r.map((x) => x / total);
    });
    const resets = originals.map((v) => v.slice());
    const remade: number[] = [];
    const many = createManySolver(graph);
    const solving = many.solveAll(resets, 0.5, 1.2, 1e-9, 1000, wasmLane(graph, 0).list, (i) => (remade.push(i), originals[i]!.slice()));
    many.close(); // the worker exits while the batch is under way
    const solved = await solving;
    expect(resets.slice(6).every((v) => v.length === 0)).toBe(true); // the worker's half was transferred, not copied
    expect(remade).toEqual([6, 7, 8, 9, 10, 11]);
    originals.forEach((v, i) => expect(Array.from(solved[i]!)).toEqual(Array.from(reference(v, 0.5, 1.2, 1e-9, 1000))));
  });

  it("solves blocks of 2, 4 and 8 resets (sweep2/4/8) bit-identically to one at a time, whatever the block's fill and stopping sweeps", () => {
    const g = syntheticGraph(0.03, 9);
    const csr = csrFromEdges(g.entities + g.passages, g.edges);
    const scaled = new Float64Array(csr.weights.length);
    const degree = new Float64Array(csr.nodeCount);
    for (let i = 0; i < csr.nodeCount; i++) for (let k = csr.offsets[i]!; k < csr.offsets[i + 1]!; k++) degree[i] += csr.weights[k]!;
    for (let i = 0; i < csr.nodeCount; i++) for (let k = csr.offsets[i]!; k < csr.offsets[i + 1]!; k++) scaled[k] = csr.weights[k]! / degree[csr.targets[k]!]!;
    const lane = wasmLane(createWasmGraph(csr, scaled, 1)!, 0);
    const reference = jsSolver(csr, scaled);
    const random = mulberry32(21);
    const resets = Array.from({ length: 19 }, (_, i) => {
      // Mixed resets so columns of one block stop at different sweeps: some on a single node.
      const r = i % 4 === 3 ? new Float64Array(csr.nodeCount).fill(0, 0) : syntheticReset(g, random);
      if (i % 4 === 3) r[Math.floor(random() * g.entities)] = 1;
      const total = r.reduce((a, b) => a + b, 0);
      return r.map((x) => x / total);
    });
    let stops = new Set<number>();
    for (const [d, omega, tolerance, maxIterations] of [[0.5, 1.2, 1e-9, 1000], [0.85, 1, 1e-12, 1000], [0.5, 1.2, 1e-14, 5]] as const) {
      const expected = resets.map((v) => reference(v, d, omega, tolerance, maxIterations));
      // 19 and 10: slots refilled as columns converge; 3: 5 unused columns; 2: one at a time.
      for (const width of [2, 4, 8] as const) {
        for (const count of [19, 10, 3, 2]) {
          const before = lane.blockSweeps[width];
          const solved = lane.list(resets.slice(0, count), d, omega, tolerance, maxIterations, width);
          expect(solved).toHaveLength(count);
          solved.forEach((u, i) => expect(Buffer.from(u.buffer).equals(Buffer.from(expected[i]!.buffer)), `reset ${i} of ${count}, width ${width}`).toBe(true));
          if (count >= Math.min(width, 3)) expect(lane.blockSweeps[width], `${count} resets in blocks of ${width}`).toBeGreaterThan(before);
        }
      }
      if (d === 0.5 && maxIterations === 1000) stops = new Set(resets.map((v) => sweepsOf(reference, v, d, omega, tolerance)));
    }
    expect(stops.size).toBeGreaterThan(1); // the test covers columns that stop at different sweeps
  });

  it("keeps the weights precise enough: within 1e-10 of a plain f64 solve, also for resets that concentrate mass", () => {
    // A guard for compressing the kernels' weights: the reference is a plain Gauss-Seidel solve in
    // f64 (weights divided per entry) to 1e-17, so only the kernels' storage and order can differ.
    // The f64 kernels: 4.5e-14. f32 weights fail it: 7.9e-9 on a one-node reset (scores ~0.5, so
    // relative 2e-8), 2e-10 on a HippoRAG-shaped reset; the 1e-8 goal would have no margin.
    const g = syntheticGraph(0.05, 17);
    const csr = csrFromEdges(g.entities + g.passages, g.edges);
    const n = csr.nodeCount;
    const degree = (i: number) => csr.offsets[i + 1]! - csr.offsets[i]!;
    const exact = (reset: Float64Array, d: number) => {
      const strength = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let k = csr.offsets[i]!; k < csr.offsets[i + 1]!; k++) strength[i] += csr.weights[k]!;
      const total = reset.reduce((a, b) => a + b, 0);
      const v = reset.map((x) => x / total);
      const u = Float64Array.from(v);
      for (let sweep = 0; sweep < 500; sweep++) {
        let change = 0;
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let k = csr.offsets[j]!; k < csr.offsets[j + 1]!; k++) acc += (csr.weights[k]! / strength[csr.targets[k]!]!) * u[csr.targets[k]!]!;
          const next = v[j]! + d * acc;
          change = Math.max(change, Math.abs(next - u[j]!));
          u[j] = next;
        }
        if (change < 1e-17) break;
      }
      const sum = u.reduce((a, b) => a + b, 0);
      return u.map((x) => x / sum);
    };
    let hub = 0;
    let leaf = 0; // the node with the fewest neighbours (at least one)
    for (let i = 0; i < n; i++) {
      if (degree(i) > degree(hub)) hub = i;
      if (degree(i) > 0 && (degree(leaf) === 0 || degree(i) < degree(leaf))) leaf = i;
    }
    const one = (i: number) => {
      const reset = new Float64Array(n);
      reset[i] = 1;
      return reset;
    };
    const resets = [one(hub), one(leaf), one(n - 1), syntheticReset(g, mulberry32(5))];
    let worst = 0;
    for (const d of [0.5, 0.85]) {
      for (const reset of resets) {
        const reference = exact(reset, d);
        for (const kernel of ["wasm", "js"] as const) {
          const scores = personalizedPageRank(csr, reset, { damping: d, tolerance: 1e-15, kernel });
          scores.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - reference[i]!))));
        }
      }
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it("cuts a batch between the two threads in halves", () => {
    expect([1, 2, 9, 200, 201].map(splitPoint)).toEqual([1, 1, 5, 100, 101]);
  });
});

/** How many sweeps the reference needs for v: the smallest maxIterations giving the converged answer. */
function sweepsOf(reference: ReturnType<typeof jsSolver>, v: Float64Array, d: number, omega: number, tolerance: number): number {
  const converged = Buffer.from(reference(v, d, omega, tolerance, 1000).buffer);
  let [lo, hi] = [0, 1000]; // the answer after k sweeps equals the converged one exactly when k ≥ the count
  while (lo < hi) {
    const k = (lo + hi) >> 1;
    if (Buffer.from(reference(v, d, omega, tolerance, k).buffer).equals(converged)) hi = k;
    else lo = k + 1;
  }
  return lo;
}
