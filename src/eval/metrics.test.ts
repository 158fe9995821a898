import { describe, expect, it } from "vitest";
import { evaluate, scoreQuestions } from "./evaluate.js";
import { exactMatch, recallAtK, round4, tokenF1 } from "./metrics.js";
import { extractAnswer } from "../qa/qa-prompt.js";
import { normalizeAnswer } from "./normalize-answer.js";

describe("normalizeAnswer (SQuAD, as upstream)", () => {
  it("lower-cases, drops punctuation and articles, collapses spaces", () => {
    expect(normalizeAnswer("The  Beatles!")).toBe("beatles");
    expect(normalizeAnswer("An apple, a day.")).toBe("apple day");
    expect(normalizeAnswer("Theatre of the absurd")).toBe("theatre of absurd");
    expect(normalizeAnswer("U.S.A.")).toBe("usa");
    expect(normalizeAnswer("  ")).toBe("");
  });
  it("splits on Python's whitespace, not JavaScript's: U+0085 and U+001C–U+001F split, U+FEFF does not", () => {
    expect(normalizeAnswer("New\u0085York")).toBe("new york");
    expect(exactMatch("New\u0085York", "New York")).toBe(1);
    expect(normalizeAnswer("x\x1fy")).toBe("x y");
    expect(exactMatch("x\ufeffy", "x y")).toBe(0);
    expect(extractAnswer("Thought: …\nAnswer: Paris\u0085")).toBe("Paris");
    expect(extractAnswer("Answer: \ufeffParis")).toBe("\ufeffParis");
  });
  it("treats non-ASCII letters as word characters next to articles (Python's Unicode \\b)", () => {
    expect(normalizeAnswer("théa the")).toBe("théa");
    expect(normalizeAnswer("éan")).toBe("éan");
  });
});

describe("exact match and token F1", () => {
  it("computes hand-checked values", () => {
    expect(exactMatch("The Beatles", "beatles")).toBe(1);
    expect(exactMatch("Paris", "Paris, France")).toBe(0);
    // gold "paris france" (2), predicted "paris" (1): P=1, R=0.5, F1=2/3
    expect(tokenF1("Paris, France", "Paris")).toBeCloseTo(2 / 3, 12);
    // multiset overlap: gold "new new york" vs "new york york": common = new×1 + york×1 = 2; P=R=2/3
    expect(tokenF1("new new york", "new york york")).toBeCloseTo(2 / 3, 12);
  });
  it("scores 0 when both sides are empty after normalisation (upstream quirk)", () => {
    expect(tokenF1("the", "a")).toBe(0);
    expect(exactMatch("the", "a")).toBe(1);
    expect(tokenF1("", "")).toBe(0);
  });
});

describe("round4 is Python's round(x, 4), as upstream reports", () => {
  it("rounds the exact binary value, an exact tie to the even digit", () => {
    expect(round4(1 / 32)).toBe(0.0312); // 0.03125 exactly: Math.round(x·10⁴)/10⁴ gave 0.0313
    expect(round4(3 / 32)).toBe(0.0938);
    expect(round4(0.00225)).toBe(0.0022); // the double is just below …225
    expect(round4(0.01875)).toBe(0.0187);
    expect(round4(2 / 3)).toBe(0.6667);
    expect(round4(0.6875)).toBe(0.6875);
    expect(round4(1)).toBe(1);
    expect(round4(0)).toBe(0);
    expect(round4(-1 / 32)).toBe(-0.0312);
  });
});

describe("recall@k", () => {
  const gold = ["A\na", "B\nb"];
  it("counts set overlap over the gold set", () => {
    expect(recallAtK(["A\na", "X\nx", "B\nb"], gold, 1)).toBe(0.5);
    expect(recallAtK(["A\na", "X\nx", "B\nb"], gold, 2)).toBe(0.5);
    expect(recallAtK(["A\na", "X\nx", "B\nb"], gold, 5)).toBe(1);
  });
  it("handles duplicate docs and fewer than k docs", () => {
    expect(recallAtK(["A\na", "A\na"], gold, 2)).toBe(0.5);
    expect(recallAtK(["B\nb"], gold, 200)).toBe(0.5);
    expect(recallAtK([], gold, 5)).toBe(0);
  });
  it("gives 0 for a question without gold passages", () => {
    expect(recallAtK(["A\na"], [], 5)).toBe(0);
  });
  it("matches on the full passage string, never the title alone", () => {
    expect(recallAtK(["A\nother text"], ["A\na"], 5)).toBe(0);
  });
});

describe("evaluate (pooled)", () => {
  it("takes the max over gold answers, the mean over questions, rounded to 4 dp", () => {
    const report = evaluate([
      { docs: ["A\na", "B\nb"], goldDocs: ["A\na", "C\nc", "D\nd"], answer: "Paris", goldAnswers: ["London", "Paris, France"] },
      { docs: ["C\nc"], goldDocs: ["C\nc"], answer: "", goldAnswers: ["x"] },
      { docs: [], goldDocs: [], answer: "the cat", goldAnswers: ["cat"] },
    ]);
    expect(report.count).toBe(3);
    expect(report.recall!["1"]).toBe(0.4444); // (1/3 + 1 + 0) / 3
    expect(report.recall!["2"]).toBe(0.4444);
    expect(report.em).toBe(0.3333); // 0, 0, 1
    expect(report.f1).toBe(0.5556); // 2/3, 0, 1
    expect(report.shortRankings).toBe(3);
  });
  it("omits QA metrics when answers are missing and recall when docs are missing", () => {
    expect(evaluate([{ docs: ["A\na"], goldDocs: ["A\na"], goldAnswers: ["x"] }]).em).toBeUndefined();
    expect(evaluate([{ goldDocs: ["A\na"], answer: "x", goldAnswers: ["x"] }]).recall).toBeUndefined();
  });
  it("omits recall when no question has gold passages (not 0 by construction); some without gold count 0, as upstream", () => {
    const none = evaluate([{ docs: ["A\na"], goldDocs: [], answer: "x", goldAnswers: ["x"] }, { docs: ["B\nb"], goldDocs: [], answer: "y", goldAnswers: ["x"] }]);
    expect(none.recall).toBeUndefined();
    expect(none.em).toBe(0.5);
    expect(evaluate([{ docs: ["A\na"], goldDocs: [], goldAnswers: [] }, { docs: ["B\nb"], goldDocs: ["B\nb"], goldAnswers: [] }]).recall!["1"]).toBe(0.5);
  });
});

describe("scoreQuestions / evaluate: per-question values and the run's top-k", () => {
  it("without a top-k scores every cut-off, as upstream (a short ranking carries its recall forward)", () => {
    const report = evaluate([{ docs: ["A\na"], goldDocs: ["A\na", "B\nb"], goldAnswers: [] }]);
    expect(Object.keys(report.recall!)).toHaveLength(10);
    expect(report.recall!["200"]).toBe(0.5);
    expect(report.topK).toBeUndefined();
  });
  it("pools exactly as the per-question sums in question order (upstream's np.mean then round 4)", () => {
    const items = Array.from({ length: 37 }, (_, i) => ({
      docs: Array.from({ length: 1 + (i % 12) }, (_, r) => `D${(i * 7 + r * 3) % 20}\nd`),
      goldDocs: [`D${i % 20}\nd`, `D${(i + 5) % 20}\nd`, `D${(i + 9) % 20}\nd`],
      answer: i % 3 ? "Paris" : "the cat sat",
      goldAnswers: ["cat", "Paris France"],
    }));
    const scores = scoreQuestions(items, { topK: 12 });
    const report = evaluate(items, { topK: 12 });
    expect(scores.topK).toBe(12);
    expect(report.topK).toBe(12);
    // Recall@k only up to the run's top-k (12): 1, 2, 5, 10; never 20…200 carried forward
    expect([...scores.recall!.keys()]).toEqual([1, 2, 5, 10]);
    expect(Object.keys(report.recall!)).toEqual(["1", "2", "5", "10"]);
    for (const k of [1, 2, 5, 10]) {
      const legacy = items.reduce((sum, item) => sum + recallAtK(item.docs, item.goldDocs, k), 0) / items.length;
      expect(report.recall![String(k)]).toBe(Math.round(legacy * 10_000) / 10_000);
      expect(Array.from(scores.recall!.get(k)!)).toEqual(items.map((item) => recallAtK(item.docs, item.goldDocs, k)));
    }
    expect(Array.from(scores.em!)).toEqual(items.map((item) => Math.max(...item.goldAnswers.map((g) => exactMatch(g, item.answer)))));
    expect(Array.from(scores.f1!)).toEqual(items.map((item) => Math.max(...item.goldAnswers.map((g) => tokenF1(g, item.answer)))));
    expect(report.em).toBe(Math.round((scores.em!.reduce((s, x) => s + x, 0) / 37) * 10_000) / 10_000);
  });
  it("a full-length ranking keeps all ten cut-offs", () => {
    const docs = Array.from({ length: 200 }, (_, i) => `P${i}\np`);
    expect(Object.keys(evaluate([{ docs, goldDocs: ["P150\np"], goldAnswers: [] }], { topK: 200 }).recall!)).toEqual(["1", "2", "5", "10", "20", "30", "50", "100", "150", "200"]);
  });
});
