import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assembleWat } from "../../scripts/assemble-wat.js";
import { mulberry32, syntheticGraph, syntheticReset } from "../../scripts/synthetic-graph.js";
import { csrFromEdges } from "./csr-graph.js";
import { personalizedPageRank, personalizedPageRankMany } from "./personalized-pagerank.js";
import { createWasmGraph, jsSolver, wasmSolver } from "./ppr-kernel.js";
import { createManySolver } from "./ppr-many.js";
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
    const here = wasmSolver(graph, 0);
    const reference = jsSolver(csr, scaled);
    const random = mulberry32(2);
    const resets = Array.from({ length: 4 }, () => {
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
});
