import { describe, expect, it } from "vitest";
import type { NamedReport } from "./format-eval-report.js";
import { paperTables } from "./paper-tables.js";

const report = (name: string, r5: number, stale = false): NamedReport => ({ name, report: { count: 10, recall: { "2": r5 / 2, "5": r5 } } as NamedReport["report"], ...(stale ? { stale } : {}) });

describe("paper tables", () => {
  it("a stale run keeps its paper system, marked (stale) beside its name", () => {
    const tables = paperTables([{ dataset: "musique", saveDir: "outputs/musique", reports: [report("hipporag2-nofilter", 0.7), report("bm25", 0.4, true)] }]);
    const retrieval = tables[0]!;
    const bm25 = retrieval.body.find((row) => row[0]!.startsWith("bm25"))!;
    expect(bm25[0]).toBe("bm25 (stale)");
    expect(bm25[1]).not.toBe("–"); // the paper's BM25 row
    expect(retrieval.body.find((row) => row[0] === "hipporag2-nofilter")).toBeDefined();
  });
});
