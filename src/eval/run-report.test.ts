import { describe, expect, it } from "vitest";
import { compareRuns } from "./compare-runs.js";
import { scoreQuestions } from "./evaluate.js";
import { withIntervals } from "./run-eval.js";
import { runHtml, runMarkdown, type RunReport } from "./run-report.js";

// Three runs on 20 questions: "same-a" and "same-b" rank identically (identical curves), "short" ranks 5 passages.
const questions = Array.from({ length: 20 }, (_, i) => ({ id: `q${i}`, gold: [`G${i}\ng`, `H${i}\nh`] }));
const ranking = (i: number, length: number, shift: number) => Array.from({ length }, (_, r) => (r === (i % 7) + shift ? `G${i}\ng` : r === 2 * (i % 5) + shift ? `H${i}\nh` : `X${r}\nx`));
const scored = (name: string, length: number, shift = 0) => ({
  name,
  ids: questions.map((q) => q.id),
  scores: scoreQuestions(questions.map((q, i) => ({ docs: ranking(i, length, shift), goldDocs: q.gold, goldAnswers: [] })), { topK: length }),
});
// "short" also ranks the gold passages two places lower: worse than same-a at R@1…R@5
const runs = [scored("same-a", 200), scored("same-b", 200), scored("short", 5, 2)];
const bootstrap = { resamples: 1000, seed: 0 };
const report: RunReport = {
  dataset: "musique",
  createdAt: "2026-12-01T00:00:00.000Z",
  settings: { encoder: "lexical", topK: 200, llm: { openie: "gpt-4o-mini", filter: null }, skipped: undefined },
  notes: ["QA skipped: no LLM configured."],
  warnings: ["12 passages are not in the index (OpenIE failed): the numbers cover a partial index."],
  results: runs.map((r) => withIntervals(r, bootstrap)),
  comparisons: runs.slice(1).map((r) => compareRuns(runs[0]!, r, bootstrap)),
  bootstrap,
  stages: { index: { passageNodes: 1890, synonymyEdges: 3298, excluded: [], leftOutIds: ["a", "b"], timingsMs: { synonymy: 1200 } } },
  costs: [{ stage: "openie-ner (gpt-4o-mini)", calls: 1890, promptTokens: 912345, completionTokens: 45678, estimatedUsd: 0.1643 }],
  workspaceCosts: [{ stage: "openie-ner (gpt-4o-mini)", calls: 3780, promptTokens: 1824690, completionTokens: 91356, estimatedUsd: 0.3286 }],
  timingsMs: { "openie + index": 6543, retrieve: 2468, total: 9400 },
};
const md = runMarkdown(report);
const html = runHtml(report);
const svg = html.match(/<svg[\s\S]*<\/svg>/)![0];

describe("run report: Markdown and HTML from the same content", () => {
  it("the HTML has every section, warning, note, usage and timing the Markdown has", () => {
    const headings = [...md.matchAll(/^#+ (.*)$/gm)].map((m) => m[1]!);
    expect(headings).toEqual(expect.arrayContaining(["LLM usage of this run (the replies it stored; cached ones cost nothing)", "LLM usage of the workspace (every stored reply, each paid once, whichever run asked for it)", "Timings", "Settings", "Stage: index", "same-a vs same-b (paired, 20 questions)", "The paper's numbers: MuSiQue (paper test set, 11,656 passages)"]));
    for (const heading of headings) expect(html).toContain(heading.replace(/'/g, "'"));
    for (const text of ["12 passages are not in the index", "QA skipped: no LLM configured.", "openie-ner (gpt-4o-mini)", "912345", "45678", "0.1643", "openie + index: 6.5 s", "retrieve: 2.5 s", "total: 9.4 s", "1,000 resamples, seed 0"]) {
      expect(md, text).toContain(text);
      expect(html, text).toContain(text);
    }
    expect(md).toContain("**Warning:** 12 passages");
  });

  it("settings and stage tables read as values: nested settings one row each, lists and none spelled out, nothing 'undefined' or raw JSON", () => {
    const rows = md.split("\n").filter((line) => line.startsWith("| "));
    expect(rows).toEqual(expect.arrayContaining(["| llm.openie | gpt-4o-mini |", "| llm.filter | none |", "| excluded | none |", "| leftOutIds | a, b |", "| timingsMs.synonymy | 1200 |"]));
    expect(md).not.toMatch(/undefined|\{"|\[\]/);
    for (const row of ["<td>llm.openie</td><td>gpt-4o-mini</td>", "<td>timingsMs.synonymy</td><td>1200</td>"]) expect(html).toContain(row);
  });

  it("Recall@k beyond a run's top-k is – in the tables, and its curve stops at its top-k", () => {
    const shortRow = md.split("\n").find((line) => line.startsWith("| short |"))!;
    expect(shortRow.replace(/ \|$/, "").split(" | ").slice(5, 12)).toEqual(Array(7).fill("–"));
    expect(html).toMatch(/<tr><td>short<\/td><td>20<\/td>(<td>\d+\.\d \[[^\]]+\]<\/td>){3}(<td>–<\/td>){7}<\/tr>/);
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(" "));
    expect(polylines.map((p) => p.length)).toEqual([10, 10, 3]);
  });

  it("identical curves stay visible: offset and dashed differently", () => {
    const lines = [...svg.matchAll(/<polyline ([^>]*)\/>/g)].map((m) => m[1]!);
    const [a, b] = lines;
    const ys = (attrs: string) => attrs.match(/points="([^"]*)"/)![1]!.split(" ").map((p) => Number(p.split(",")[1]));
    expect(ys(a!).map((y, i) => Math.abs(y - ys(b!)[i]!))).toEqual(Array(10).fill(2));
    expect(a).not.toMatch(/stroke-dasharray/);
    expect(b).toMatch(/stroke-dasharray="8 4"/);
  });

  it("labels the paper's points in the SVG itself, with a key, not only on hover", () => {
    // MuSiQue: A = HippoRAG 2 (56.1 / 74.7), B = w/o filter (73.0), C = NV-Embed-v2 (52.7 / 69.7)
    for (const label of ["A 56.1", "A 74.7", "B 73.0", "C 52.7", "C 69.7"]) expect(svg).toMatch(new RegExp(`<text [^>]*>${label}</text>`));
    expect(svg).toMatch(/<text [^>]*>A HippoRAG 2: R@2 56\.1, R@5 74\.7<\/text>/);
    expect(svg).toMatch(/<text [^>]*>B HippoRAG 2 w\/o filter: R@5 73\.0<\/text>/);
    // labels at the same k never overlap: at least 11 px apart vertically
    const r5 = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*text-anchor="start"[^>]*>[A-E] [\d.]+<\/text>/g)].map((m) => Number(m[2]));
    expect(r5.length).toBe(5);
    for (let i = 1; i < r5.length; i++) expect(r5[i]! - r5[i - 1]!).toBeGreaterThanOrEqual(10.9); // positions are printed to 0.1 px
  });

  it("marks p < 0.05 with † in both formats", () => {
    expect(md).toMatch(/\| R@1 \| [\d.]+ \| [\d.]+ \| [−+]?\d+\.\d \| \[[^\]]+\] \| [<\d.]+( †)? \|/);
    const marked = md.split("\n").filter((line) => line.includes("†") && line.startsWith("| R@")).length;
    expect(marked).toBeGreaterThan(0);
    expect(html.split("<tr>").filter((row) => row.startsWith("<td>R@") && row.includes("†")).length).toBe(marked);
    // same-a vs same-b are identical: p = 1, never marked
    const identical = md.slice(md.indexOf("## same-a vs same-b"), md.indexOf("## same-a vs short"));
    expect(identical).not.toContain("†");
    expect(identical).toContain("| R@5 | ");
  });
});
