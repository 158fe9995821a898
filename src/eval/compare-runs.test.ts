import { describe, expect, it } from "vitest";
import { compareRuns } from "./compare-runs.js";
import { poolScores, scoreQuestions } from "./evaluate.js";
import { formatComparisonTable } from "./format-eval-report.js";
import { metricIntervals } from "./metric-intervals.js";
import { requestedTopK } from "./run-eval.js";

const gold = (i: number) => [`G${i}\ng`, `H${i}\nh`];
const item = (i: number, docs: string[], answer: string) => ({ docs, goldDocs: gold(i), answer, goldAnswers: [`answer ${i}`] });

describe("compareRuns: paired A − B over the questions both runs scored", () => {
  // A finds both gold passages in its top 2 for every question; B finds one of them, in second place
  const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
  const a = { name: "A", ids, scores: scoreQuestions(ids.map((_, i) => item(i, [`G${i}\ng`, `H${i}\nh`, "X\nx"], i % 4 ? `answer ${i}` : "no")), { topK: 3 }) };
  // B is stored in another order and lacks q0: pairing is by id, not position
  const bIds = ids.slice(1).reverse();
  const b = { name: "B", ids: bIds, scores: scoreQuestions(bIds.map((id) => { const i = Number(id.slice(1)); return item(i, ["X\nx", `H${i}\nh`], "no"); }), { topK: 2 }) };
  const options = { resamples: 2000, seed: 5 };

  it("says when the columns (each run's own questions) and the difference (the pairs) cover different questions", () => {
    const c = compareRuns(a, b, options);
    const reports = [a, b].map((run) => ({ name: run.name, report: poolScores(run.scores) }));
    expect(formatComparisonTable(c, reports)).toContain("A and B are each run's means over its own questions (40 and 39); A − B, its interval and p are over the 39 questions both scored.");
    const same = compareRuns(b, { ...b, name: "B2" }, options);
    expect(formatComparisonTable(same, [reports[1]!, { name: "B2", report: reports[1]!.report }])).not.toContain("own questions");
  });

  it("pairs by question id and reports the mean difference, its interval and p", () => {
    const c = compareRuns(a, b, options);
    expect(c.count).toBe(39);
    // B's top-k is 2: Recall@5 and beyond exist only for A, so only R@1 and R@2 are compared
    expect(Object.keys(c.recall!)).toEqual(["1", "2"]);
    expect(c.recall!["1"]).toBe(0.5); // A 1/2 vs B 0 on every question
    expect(c.recall!["2"]).toBe(0.5); // A 1 vs B 1/2
    expect(c.ci95.recall!["1"]).toEqual([0.5, 0.5]); // a constant difference has no spread
    expect(c.p.recall!["1"]).toBe(0);
    // EM: A is right on 30 of the 39 common questions (q1…q39 except the nine multiples of 4), B never
    expect(c.em).toBe(Math.round((30 / 39) * 10_000) / 10_000);
    expect(c.ci95.em![0]).toBeLessThan(c.em!);
    expect(c.ci95.em![1]).toBeGreaterThan(c.em!);
    expect(c.p.em).toBe(0);
    // p = 0 is "below what the resamples resolve": <0.001 at 10,000 resamples, <0.050 at 20 (never <0.001)
    expect(formatComparisonTable(compareRuns(a, b, { ...options, resamples: 20 }), [])).toMatch(/<0\.050 †/);
    expect(formatComparisonTable(compareRuns(a, b, { ...options, resamples: 10_000 }), [])).toMatch(/<0\.001 †/);
  });

  it("a run against itself: zero differences, p = 1; B against A: p = 1 for a difference that is always negative", () => {
    const self = compareRuns(a, a, options);
    expect(self.recall!["2"]).toBe(0);
    expect(self.p.recall!["2"]).toBe(1);
    expect(self.ci95.f1).toEqual([0, 0]);
    expect(compareRuns(b, a, options).p.recall!["1"]).toBe(1);
  });

  it("refuses runs with no question in common", () => {
    expect(() => compareRuns(a, { ...b, ids: bIds.map((id) => `other-${id}`) }, options)).toThrow(/no question in common/);
  });

  it("metricIntervals gives every metric an interval around its mean", () => {
    const intervals = metricIntervals(a.scores, options);
    expect(Object.keys(intervals.recall!)).toEqual(["1", "2"]);
    expect(intervals.recall!["2"]).toEqual([1, 1]);
    expect(intervals.em![0]).toBeLessThan(0.75);
    expect(intervals.em![1]).toBeGreaterThan(0.75);
  });
});

describe("requestedTopK: a stored run's --top-k from its label", () => {
  it("reads the -top<k> suffix runLabel adds away from the default, else the default 200", () => {
    expect(requestedTopK("hipporag2-nofilter")).toBe(200);
    expect(requestedTopK("hipporag2-nofilter-top5")).toBe(5);
    expect(requestedTopK("dense-top50")).toBe(50);
    expect(requestedTopK("hipporag2-pnw0.01-top20")).toBe(20);
  });
});
