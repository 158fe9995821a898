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
});
