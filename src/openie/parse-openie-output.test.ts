import { describe, expect, it } from "vitest";
import { filterInvalidTriples, fixBrokenGeneratedJson, parseNerOutput, parseTripleOutput } from "./parse-openie-output.js";

describe("parseNerOutput", () => {
  it("reads plain, fenced, single-quoted, trailing-comma and bare-list replies", () => {
    expect(parseNerOutput('{"named_entities": ["A", "B", "A"]}')).toEqual({ ok: true, value: ["A", "B"] });
    expect(parseNerOutput('Sure!\n```json\n{"named_entities": ["A"]}\n```')).toEqual({ ok: true, value: ["A"] });
    expect(parseNerOutput("{'named_entities': ['A', 'B',]}")).toEqual({ ok: true, value: ["A", "B"] });
    expect(parseNerOutput('["A", 1862]')).toEqual({ ok: true, value: ["A", "1862"] });
    expect(parseNerOutput('Here: {"named_entities": []} done')).toEqual({ ok: true, value: [] });
  });
  it("fails (never silently empty) on empty, wrong keys and prose", () => {
    expect(parseNerOutput("").ok).toBe(false);
    expect(parseNerOutput('{"entities": ["A"]}').ok).toBe(false);
    expect(parseNerOutput("I cannot help with that.").ok).toBe(false);
  });
  it("repairs output truncated by the token limit", () => {
    expect(parseNerOutput('{"named_entities": ["A", "B", "C', "length")).toEqual({ ok: true, value: ["A", "B"] });
  });
});

describe("parseTripleOutput", () => {
  it("keeps only 3-element triples, stringifies elements, dedupes", () => {
    const reply = '{"triples": [["a", "b", "c"], ["a", "b"], ["a", "b", "c"], ["x", "born in", 1862], ["p", "q", "r", "s"]]}';
    expect(parseTripleOutput(reply)).toEqual({ ok: true, value: [["a", "b", "c"], ["x", "born in", "1862"]] });
  });
  it("accepts a bare list of lists and Python literals", () => {
    expect(parseTripleOutput("[('a', 'b', None), ['c', 'd', True]]")).toEqual({ ok: true, value: [["a", "b", "None"], ["c", "d", "True"]] });
    expect(parseTripleOutput('Here are the triples:\n[["a", "b", "c"]]\nHope this helps.')).toEqual({ ok: true, value: [["a", "b", "c"]] });
  });
  it("repairs a reply cut after a complete triple", () => {
    const cut = '{"triples": [["a", "b", "c"], ["d", "e", "f"], ["g", "h';
    expect(parseTripleOutput(cut, "length")).toEqual({ ok: true, value: [["a", "b", "c"], ["d", "e", "f"]] });
  });
  it("fails on malformed JSON that cannot be repaired without the length flag", () => {
    expect(parseTripleOutput('{"triples": [["a", "b"').ok).toBe(false);
    expect(parseTripleOutput('{"facts": [["a", "b", "c"]]}').ok).toBe(false);
  });
});

describe("fixBrokenGeneratedJson (spec §3.4)", () => {
  it("keeps valid JSON and closes what is open after the last comma", () => {
    expect(fixBrokenGeneratedJson('{"a": 1}')).toBe('{"a": 1}');
    expect(fixBrokenGeneratedJson('{"a": [1, 2, 3')).toBe('{"a": [1, 2]}');
    // the last comma is the one after "x, y" (commas inside strings count too, as upstream)
    expect(fixBrokenGeneratedJson('{"a": ["x, y", "z')).toBe('{"a": ["x, y"]}');
  });
  it("filterInvalidTriples drops non-lists", () => {
    expect(filterInvalidTriples(["abc", ["a", "b", "c"], null])).toEqual([["a", "b", "c"]]);
  });
});
