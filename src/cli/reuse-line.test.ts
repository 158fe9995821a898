import { describe, expect, it } from "vitest";
import { RecomputeTally } from "../core/fingerprint.js";
import { reuseLine } from "./output.js";

describe("reuseLine", () => {
  it("adds up: repeated question texts share one result, and the line says how many are distinct", () => {
    const tally = new RecomputeTally();
    for (let i = 0; i < 8; i++) tally.add("new");
    expect(reuseLine(10, "question", tally)).toBe("10 questions (8 distinct): 0 reused, 8 computed (8 new)");
    tally.add(undefined);
    tally.add(undefined);
    expect(reuseLine(10, "question", tally)).toBe("10 questions: 2 reused, 8 computed (8 new)");
  });
});
