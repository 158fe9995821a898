/**
 * Fuzz of the model-output parsers: random and adversarial replies up to 1 MB, each parsed with a
 * time bound (default 1,000 ms per input). A parser that is worse than linear, or that recurses on
 * deep nesting, shows here as a slow row; the script exits 1 if any input exceeds the bound.
 * Usage: npx tsx scripts/fuzz-parsers.ts [--bound 1000] [--random 40] [--seed 1]
 */
import { parseNerOutput, parseTripleOutput, fixBrokenGeneratedJson } from "../src/openie/parse-openie-output.js";
import { mapToCandidates, parseFilterOutput } from "../src/retrieval/parse-filter-output.js";
import { extractAnswer } from "../src/qa/qa-prompt.js";
import { arg, report } from "./bench-util.js";

const bound = arg("bound", 1000);
const randomCount = arg("random", 40);
let state = arg("seed", 1) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const MB = 1 << 20;
const repeat = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Adversarial shapes: what made the old parsers quadratic or recursive, and what models really emit when they loop. */
const adversarial: [string, string][] = [
  ["200 KB of [", repeat("[", 200 * 1024)],
  ["1 MB of [", repeat("[", MB)],
  ["1 MB of {", repeat("{", MB)],
  ["1 MB of ]", repeat("]", MB)],
  ['1 MB of {"a": [', repeat('{"a": [', MB)],
  ["1 MB of [[ then garbage", repeat("[[", MB / 2) + "x"],
  ["1 MB balanced deep nesting", repeat("[", MB / 2) + repeat("]", MB / 2)],
  ["1 MB of quotes", repeat('"', MB)],
  ["1 MB of '", repeat("'", MB)],
  ["1 MB of backslashes", repeat("\\", MB)],
  ["1 MB of digits", repeat("1", MB)],
  ["1 MB of numbers in a list", `[${repeat("1, ", MB)}`],
  ["1 MB valid, wrong key", JSON.stringify({ entities: Array.from({ length: 60_000 }, (_, i) => `entity ${i}`) })],
  ["1 MB of small objects", repeat('{"x": 1} ', MB)],
  ["1 MB of small lists", repeat("[1, 2] ", MB)],
  ["1 MB of unclosed small objects", repeat('{"x": [1, ', MB)],
  ["1 MB looping triple reply", `{"triples": [${repeat('["a", "b", "c"], ', MB)}`],
  ["1 MB fenced garbage", "```json\n" + repeat("{[", MB) + "\n```"],
  ["1 MB of newlines and headers", repeat("[[ ## fact_after_filter ## ]]\n", MB)],
  ["1 MB of Answer:", repeat("Answer: ", MB)],
  ["1 MB one hallucinated fact", `[[ ## fact_after_filter ## ]]\n{"fact": [["${repeat("x", MB)}", "b", "c"]]}\n\n[[ ## completed ## ]]`],
];
const ALPHABET = '[]{}(),:"\'\\ \nabc01.-eE';
const randomInputs: [string, string][] = Array.from({ length: randomCount }, (_, i) => {
  const size = Math.floor(random() ** 2 * MB) + 1;
  let text = "";
  const chunk: string[] = [];
  for (let j = 0; j < size; j++) chunk.push(ALPHABET[Math.floor(random() * ALPHABET.length)]!);
  text = chunk.join("");
  return [`random ${i} (${Math.round(size / 1024)} KB)`, text];
});

const CANDIDATES = [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"], ["j", "k", "l"], ["m", "n", "o"]];
const parsers: [string, (text: string) => unknown][] = [
  ["ner", (t) => parseNerOutput(t)],
  ["ner (truncated)", (t) => parseNerOutput(t, "length")],
  ["triples", (t) => parseTripleOutput(t)],
  ["triples (truncated)", (t) => parseTripleOutput(t, "length")],
  ["repair", (t) => fixBrokenGeneratedJson(t)],
  ["filter", (t) => {
    const parsed = parseFilterOutput(t);
    return parsed.ok ? mapToCandidates(parsed.facts, CANDIDATES, 5) : parsed;
  }],
  ["qa answer", (t) => extractAnswer(t)],
];

const rows: Record<string, string | number>[] = [];
let worst = 0;
let over = 0;
for (const [name, text] of [...adversarial, ...randomInputs]) {
  const row: Record<string, string | number> = { input: name, kb: Math.round(text.length / 1024) };
  for (const [parser, parse] of parsers) {
    const start = performance.now();
    parse(text);
    const took = Math.round((performance.now() - start) * 10) / 10;
    row[`${parser} ms`] = took;
    worst = Math.max(worst, took);
    if (took > bound) over++;
  }
  rows.push(row);
}
report("fuzz-parsers", rows, { boundMs: bound, worstMs: worst, overBound: over, inputs: rows.length });
console.log(`\nworst ${worst} ms over ${rows.length} inputs × ${parsers.length} parsers; bound ${bound} ms; ${over} over the bound`);
process.exit(over > 0 ? 1 : 0);
