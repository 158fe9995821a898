import { describe, expect, it } from "vitest";
import { conclusionOf, firstSentence } from "./ircot-prompt.js";
import { mergeRankings } from "./merge-rankings.js";

describe("mergeRankings", () => {
  it("takes rank 1 of every step in step order, then rank 2, …, each passage once, cut at top-k", () => {
    const steps = [
      { passageIds: ["a", "b", "c", "d"], scores: [0.9, 0.8, 0.7, 0.6] },
      { passageIds: ["b", "e", "a", "f"], scores: [0.5, 0.4, 0.3, 0.2] },
      { passageIds: ["g", "a", "h"], scores: [0.1, 0.05, 0.01] },
    ];
    expect(mergeRankings(steps, 10)).toEqual({
      passageIds: ["a", "b", "g", "e", "c", "h", "d", "f"],
      scores: [0.9, 0.5, 0.1, 0.4, 0.7, 0.01, 0.6, 0.2],
      steps: [0, 1, 2, 1, 0, 2, 0, 1],
    });
    expect(mergeRankings(steps, 3).passageIds).toEqual(["a", "b", "g"]);
    expect(mergeRankings([steps[0]!], 2).passageIds).toEqual(["a", "b"]); // one step: its own ranking
    expect(mergeRankings([], 5).passageIds).toEqual([]);
  });
});

describe("the reasoning sentence", () => {
  it("concludes on IRCoT's 'So the answer is', in any case, with or without a colon", () => {
    expect(conclusionOf("So the answer is: Bahir Dar.")).toBe("Bahir Dar");
    expect(conclusionOf("Lake Tana is in Amhara, so the answer is Bahir Dar")).toBe("Bahir Dar");
    // no answer after the words: not a conclusion (it was a concluded empty answer)
    expect(conclusionOf("Fine. So the answer is:")).toBeUndefined();
    expect(conclusionOf("So the answer is .")).toBeUndefined();
    expect(conclusionOf("The capital of Amhara is Bahir Dar.")).toBeUndefined();
  });
  it("is the reply's first line", () => {
    expect(firstSentence("\n  The capital is Bahir Dar.\nSo the answer is: X.")).toBe("The capital is Bahir Dar.");
    expect(firstSentence("   ")).toBe("");
    // the answer on the line after the conclusion words belongs to it
    expect(firstSentence("So the answer is:\n\nGreece.\nMore.")).toBe("So the answer is: Greece.");
    expect(conclusionOf(firstSentence("Byron died there, so the answer is\nGreece."))).toBe("Greece");
  });
});
