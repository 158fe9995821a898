import { describe, expect, it } from "vitest";
import type { NamedReport } from "./format-eval-report.js";
import { paperTables } from "./paper-tables.js";

const report = (name: string, r5: number, stale = false): NamedReport => ({ name, report: { count: 10, recall: { "2": r5 / 2, "5": r5 } } as NamedReport["report"], ...(stale ? { stale } : {}) });

describe("paper tables", () => {
  it("a stale run keeps its paper system, its numbers marked (stale) in the column of the workspace it is stale in", () => {
    const tables = paperTables([
      { dataset: "musique", saveDir: "outputs/musique", reports: [report("hipporag2-nofilter", 0.7), report("bm25", 0.4, true)] },
      { dataset: "2wikimultihopqa", saveDir: "outputs/2wiki", reports: [report("bm25", 0.5)] },
    ]);
    const retrieval = tables[0]!;
    const bm25 = retrieval.body.find((row) => row[0] === "bm25")!;
    expect(bm25[1]).not.toBe("–"); // the paper's BM25 row
    expect(bm25[2]).toBe("20.0 / 40.0 (stale)"); // musique's
    expect(bm25[5]).toBe("25.0 / 50.0"); // 2Wiki's, current
    expect(retrieval.body.find((row) => row[0] === "hipporag2-nofilter")![2]).not.toMatch(/stale/);
  });

  it("two workspaces of one dataset: each run note names its workspace, and the same note of both is kept twice", () => {
    const noted = (name: string): NamedReport => ({ ...report(name, 0.5), notes: [`${name}: 8 of 8 questions have no answer (failed)`] });
    const tables = paperTables([
      { dataset: "demo", saveDir: "ws-a", reports: [noted("hipporag2-nofilter")] },
      { dataset: "demo", saveDir: "ws-b", reports: [noted("hipporag2-nofilter")] },
    ]);
    const notes = tables[0]!.notes;
    expect(notes).toContain("demo (ws-a): hipporag2-nofilter: 8 of 8 questions have no answer (failed)");
    expect(notes).toContain("demo (ws-b): hipporag2-nofilter: 8 of 8 questions have no answer (failed)");
  });

  it("dense is the paper's NV-Embed-v2 row only where that is its encoder; eval's index tag does not split rows", () => {
    const withIndex = (name: string, r5: number, index: string): NamedReport => ({ ...report(`${name} [${index}]`, r5), run: name, indexes: [index] });
    const tables = paperTables([
      { dataset: "musique", saveDir: "ws-lexical", reports: [withIndex("hipporag2", 0.7, "gpt-4o-mini|lexical-v1-t0.35-b0"), withIndex("dense", 0.5, "gpt-4o-mini|openai:text-embedding-3-small:none")] },
      { dataset: "musique", saveDir: "ws-nv", reports: [withIndex("dense", 0.6, "gpt-4o-mini|openai:nvidia/NV-Embed-v2:nv-embed")] },
    ]);
    const retrieval = tables[0]!;
    expect(retrieval.body.map((row) => row[0])).toEqual(["hipporag2", "dense"]);
    const dense = retrieval.body.find((row) => row[0] === "dense")!;
    expect(dense[1]).toBe("NV-Embed-v2 (dense) (where it is the encoder)");
    expect(dense.slice(2, 5)).toEqual(["25.0 / 50.0", "– / –", "– / –"]); // text-embedding-3-small: no paper row
    expect(dense[6]).not.toBe("– / –"); // NV-Embed-v2: the paper's row
    expect(retrieval.notes.join("\n")).toMatch(/musique \(ws-lexical\): its runs come from different indexes, not comparable as they stand/);
  });

  it("an ablation is the full run with that one change: the filter's own variant, the same linking top-k, no IRCoT", () => {
    const tables = paperTables([
      { dataset: "musique", saveDir: "ws", reports: [report("hipporag2", 0.75), report("hipporag2-nopassagenodes", 0.6), report("hipporag2-nofilter-nopassagenodes", 0.65), report("hipporag2-querynode-link3", 0.4), report("hipporag2-nernode-ircot4", 0.5)] },
      { dataset: "musique", saveDir: "graph-only", reports: [report("hipporag2-nofilter", 0.7), report("hipporag2-nofilter-nopassagenodes", 0.65), report("hipporag2-nopassagenodes", 0.6)] },
    ]);
    const ablations = tables.find((t) => t.title.includes("Table 4"))!;
    const row = (variant: string) => ablations.body.find((r) => r[0] === variant)!;
    expect(row("w/o passage nodes")[1]).toBe("hipporag2-nopassagenodes");
    expect(row("w/o passage nodes")[5]).toBe("hipporag2-nofilter-nopassagenodes");
    expect(row("w/ Query-to-node")[1]).toBe("–");
    expect(row("w/ NER-to-node")[1]).toBe("–");
  });
});
