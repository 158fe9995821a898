import { describe, expect, it } from "vitest";
import { mapToCandidates, parseFilterOutput } from "./parse-filter-output.js";

const candidates = [
  ["thomas c sudhof", "professor at", "stanford university"],
  ["thomas c sudhof", "studies", "synaptic transmission"],
  ["david eagleman", "neuroscientist at", "stanford university"],
];

describe("parseFilterOutput", () => {
  it("reads the fact_after_filter section, JSON or Python literal", () => {
    expect(parseFilterOutput('[[ ## fact_after_filter ## ]]\n{"fact": [["a", "b", "c"]]}\n\n[[ ## completed ## ]]')).toEqual({ ok: true, facts: [["a", "b", "c"]] });
    expect(parseFilterOutput("[[ ## fact_after_filter ## ]] ignored text\n{'fact': [('a', 'b', 'c'),]}\n[[ ## completed ## ]]")).toEqual({ ok: true, facts: [["a", "b", "c"]] });
    expect(parseFilterOutput('[[ ## fact_after_filter ## ]]\n{"fact": []}\n[[ ## completed ## ]]')).toEqual({ ok: true, facts: [] });
  });
  it("accepts a bare {\"fact\": …} object without headers (small models drop them)", () => {
    expect(parseFilterOutput('Sure: {"fact": [["x", "y", "z"]]}')).toEqual({ ok: true, facts: [["x", "y", "z"]] });
  });
  it("rejects malformed replies with a reason", () => {
    for (const reply of ["", "I don't know", '[[ ## fact_after_filter ## ]]\n{"facts": []}', '[[ ## fact_after_filter ## ]]\n{"fact": "a, b, c"}', '[[ ## fact_after_filter ## ]]\n{"fact": [[1, 2, 3]]}', "[[ ## fact_after_filter ## ]]\n{not json"]) {
      const parsed = parseFilterOutput(reply);
      expect(parsed.ok, reply).toBe(false);
    }
  });
});

describe("mapToCandidates (upstream difflib mapping)", () => {
  it("maps exact copies, near copies and hallucinations (cutoff 0, as upstream), keeping order and duplicates", () => {
    const generated = [
      ["Thomas C. Sudhof", "studies", "synaptic transmission"],
      ["thomas c sudhof", "professor at", "stanford university"],
      ["thomas c sudhof", "professor at", "stanford university"],
      ["completely", "made", "up"],
    ];
    const mapped = mapToCandidates(generated, candidates, 5);
    expect(mapped.slice(0, 3)).toEqual([1, 0, 0]);
    expect(mapped).toHaveLength(4);
  });
  it("drops hallucinations when a cutoff is set, and stops at the limit", () => {
    expect(mapToCandidates([["completely", "made", "up"]], candidates, 5, 0.7)).toEqual([]);
    expect(mapToCandidates([candidates[0]!, candidates[1]!, candidates[2]!], candidates, 2)).toEqual([0, 1]);
  });
});
