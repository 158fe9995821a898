import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getCloseMatches, pyStrRepr, sequenceRatio } from "./sequence-matcher.js";

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "__fixtures__", "difflib.json"), "utf8"));

describe("difflib port (reference values from CPython: scripts/make-difflib-fixture.py)", () => {
  it("ratio equals Python's on short and long (autojunk) strings", () => {
    for (const { a, b, ratio } of fixture.ratios) expect(sequenceRatio(a, b)).toBeCloseTo(ratio, 12);
  });
  it("get_close_matches breaks ties towards the larger string", () => {
    expect(getCloseMatches(fixture.closeMatch.word, fixture.closeMatch.possibilities, 1, 0)).toEqual(fixture.closeMatch.best);
  });
  it("repr picks quotes as Python does", () => {
    for (const [text, repr] of Object.entries(fixture.reprs)) expect(pyStrRepr(text)).toBe(repr);
  });
});
