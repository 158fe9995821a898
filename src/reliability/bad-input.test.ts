import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir, writeJson } from "../test-support/cli-harness.js";
import { workspaceRows } from "../store/workspace-rows.js";

const GOOD_CORPUS = [{ title: "A", text: "Alpha lives in Berlin." }, { title: "B", text: "Beta lives in Paris." }];
const GOOD_QUESTIONS = [{ id: "q1", question: "Where does Alpha live?", answer: "Berlin", paragraphs: [{ title: "A", paragraph_text: "Alpha lives in Berlin.", is_supporting: true }] }];
const GOOD_OPENIE = { docs: GOOD_CORPUS.map((p) => ({ passage: `${p.title}\n${p.text}`, extracted_entities: [p.title], extracted_triples: [[p.title, "lives in", p.text.split(" ").pop()!.replace(".", "")]] })) };

interface Case {
  name: string;
  /** Files to write in the dataset dir (name → content; a string is written as is, Buffer as bytes). */
  files?: Record<string, unknown>;
  args: (dir: string) => string[];
  error: RegExp;
}

const corpusCase = (name: string, corpus: unknown, error: RegExp): Case => ({ name: `corpus: ${name}`, files: { "bad_corpus.json": corpus, "bad.json": GOOD_QUESTIONS }, args: (d) => ["run", "--dataset", "bad", "--dataset-dir", d], error });
const questionCase = (name: string, questions: unknown, error: RegExp): Case => ({ name: `questions: ${name}`, files: { "bad_corpus.json": GOOD_CORPUS, "bad.json": questions }, args: (d) => ["run", "--dataset", "bad", "--dataset-dir", d], error });
const openieCase = (name: string, file: unknown, error: RegExp): Case => ({ name: `openie file: ${name}`, files: { "bad_corpus.json": GOOD_CORPUS, "openie_results_ner_x.json": file }, args: (d) => ["openie", "--dataset", "bad", "--dataset-dir", d, "--import", join(d, "openie_results_ner_x.json")], error });
const batchCase = (name: string, lines: string, error: RegExp, model = "x"): Case => ({ name: `batch results: ${name}`, files: { "bad_corpus.json": GOOD_CORPUS, "out.jsonl": lines }, args: (d) => ["openie", "--dataset", "bad", "--dataset-dir", d, "--llm-name", model, "--import-batch", join(d, "out.jsonl")], error });
const promptCase = (name: string, prompts: unknown, error: RegExp): Case => ({ name: `prompt file: ${name}`, files: { "bad_corpus.json": GOOD_CORPUS, "prompts.json": prompts }, args: (d) => ["openie", "--dataset", "bad", "--dataset-dir", d, "--llm-name", "x", "--export-batch", join(d, "req.jsonl"), "--openie-prompts", join(d, "prompts.json")], error });
const argCase = (name: string, args: string[], error: RegExp): Case => ({ name: `arguments: ${name}`, files: { "bad_corpus.json": GOOD_CORPUS, "bad.json": GOOD_QUESTIONS }, args: (d) => [...args.map((a) => a.replace("DIR", d))], error });
// passage id of GOOD_CORPUS[0] ("A\nAlpha lives in Berlin."), whose NER was never imported
const PASSAGE_A = `chunk-${createHash("md5").update("A\nAlpha lives in Berlin.").digest("hex")}`;
const PASSAGE_B_ID = `chunk-${createHash("md5").update("B\nBeta lives in Paris.").digest("hex")}`;

const CASES: Case[] = [
  corpusCase("not JSON", "[{oops", /bad_corpus\.json: not valid JSON \(.*line 1 column 3\)/),
  corpusCase("truncated file", '[{"title": "A", "text": "a"}, {"tit', /bad_corpus\.json: not valid JSON/),
  corpusCase("empty file", "", /bad_corpus\.json: the file is empty/),
  corpusCase("not an array", { title: "A", text: "a" }, /bad_corpus\.json: expected a JSON array/),
  corpusCase("empty corpus", [], /bad_corpus\.json: the corpus is empty/),
  corpusCase("record not an object", [GOOD_CORPUS[0], 7], /bad_corpus\.json: record 1: expected an object/),
  corpusCase("missing title", [{ text: "a" }], /bad_corpus\.json: record 0: field "title": missing/),
  corpusCase("text of the wrong type", [{ title: "A", text: 5 }], /bad_corpus\.json: record 0: field "text": expected a string, got a number/),
  corpusCase("empty passage", [{ title: "", text: " " }], /bad_corpus\.json: record 0: field "text": empty passage/),
  // stored as "title\ntext": the title would read back cut at the break, the record could equal another
  corpusCase("title with a line break", [{ title: "A\nB", text: "C" }], /bad_corpus\.json: record 0: field "title": the title holds a line break/),
  { name: "delete: title with a line break", files: { "del.json": [{ title: "A", text: "a" }, { title: "A\nB", text: "C" }] }, args: (d) => ["delete", "--docs", join(d, "del.json"), "--save-dir", join(d, "ws")], error: /del\.json: record 1: field "title": the title holds a line break/ },
  corpusCase("huge passage", [{ title: "A", text: "x".repeat(300_000) }], /bad_corpus\.json: record 0: field "text": passage is 300002 characters/),
  corpusCase("NaN (not JSON)", '[{"title": "A", "text": NaN}]', /bad_corpus\.json: not valid JSON/),
  corpusCase("invalid UTF-8", Buffer.from([0x5b, 0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d, 0x5d]), /bad_corpus\.json: invalid UTF-8 at byte 4 \(hint: save it as UTF-8/),
  questionCase("missing question", [{ id: "1", answer: "x" }], /bad\.json: record 0: field "question": missing/),
  questionCase("duplicate ids", [GOOD_QUESTIONS[0], GOOD_QUESTIONS[0]], /bad\.json: record 1: field "id": duplicate id "q1" \(also record 0\)/),
  questionCase("answer of the wrong type", [{ id: "1", question: "q?", answer: { x: 1 } }], /bad\.json: record 0: field "answer": expected a string or a list of strings, got an object/),
  // (a file in which no question has an answer is your own questions, asked without gold: load-dataset.test.ts)
  questionCase("one question without an answer among answered ones", [{ id: "1", question: "q?", answer: "a" }, { id: "2", question: "q2?" }], /bad\.json: record 1: field "answer": missing/),
  questionCase("paragraphs not a list", [{ id: "1", question: "q?", answer: "a", paragraphs: "A" }], /bad\.json: record 0: field "paragraphs": expected a list/),
  questionCase("bad supporting_facts", [{ id: "1", question: "q?", answer: "a", supporting_facts: [[3]], context: [] }], /bad\.json: record 0: field "supporting_facts": item 0/),
  questionCase("answer_aliases not a list", [{ id: "1", question: "q?", answer: "a", answer_aliases: "b" }], /bad\.json: record 0: field "answer_aliases": expected a list/),
  questionCase("empty questions", [], /bad\.json: no questions/),
  openieCase("no docs", { results: [] }, /openie_results_ner_x\.json: field "docs": expected an object with a "docs" list/),
  openieCase("empty docs", { docs: [] }, /openie_results_ner_x\.json: field "docs": no docs/),
  openieCase("passage not a string", { docs: [{ passage: 3, extracted_entities: [], extracted_triples: [] }] }, /record 0: field "passage": expected a non-empty string, got a number/),
  openieCase("triples not a list", { docs: [{ passage: "A\na", extracted_entities: [], extracted_triples: "x" }] }, /record 0: field "extracted_triples": expected a list/),
  openieCase("triple element an object", { docs: [{ passage: "A\na", extracted_entities: [], extracted_triples: [["a", {}, "c"]] }] }, /record 0: field "extracted_triples": item 0, element 1: expected a string/),
  openieCase("a passage twice with other results", { docs: [{ passage: "A\na", extracted_entities: ["a"], extracted_triples: [["a", "is", "b"]] }, { passage: "B\nb", extracted_entities: [], extracted_triples: [] }, { passage: "A\na", extracted_entities: ["a"], extracted_triples: [["a", "is", "c"]] }] }, /openie_results_ner_x\.json: record 2: field "extracted_triples": passage "A" appears again with other results \(also record 0\); keep one of them: nothing was imported/),
  openieCase("entity an object", { docs: [{ passage: "A\na", extracted_entities: [{}], extracted_triples: [] }] }, /record 0: field "extracted_entities": item 0: expected a string/),
  batchCase("line not JSON", '{"custom_id": ', /out\.jsonl: line 1: not valid JSON/),
  batchCase("a good line, then a bad one (nothing is kept)", `{"custom_id": "openie-ner:${PASSAGE_B_ID}", "response": {"status_code": 200, "body": {"choices": [{"message": {"content": "{\\"named_entities\\": [\\"B\\"]}"}}]}}}\n{"custom_id": 3}\n`, /out\.jsonl: line 2: field "custom_id"/, "fresh-model"),
  batchCase("unknown custom_id", '{"custom_id": "summarise:1", "response": null}\n', /out\.jsonl: line 1: field "custom_id": expected "openie-ner:<passage id>"/),
  batchCase("triples before NER", `{"custom_id": "openie-triples:${PASSAGE_A}", "response": {"status_code": 200, "body": {"choices": [{"message": {"content": "[]"}}]}}}\n`, /out\.jsonl: line 1: field "custom_id": a triple result for a passage whose NER result was never imported/, "model-without-ner"),
  argCase("embedding URL not a URL", ["index", "--dataset", "bad", "--dataset-dir", "DIR", "--embedding-name", "e5", "--embedding-base-url", "ftp://x"], /--embedding-base-url is not a URL: "ftp:\/\/x"/),
  promptCase("unknown key", { nerSysten: "x" }, /prompts\.json: field "nerSysten": unknown key/),
  promptCase("value not a string", { nerSystem: 3 }, /prompts\.json: field "nerSystem": expected a string/),
  promptCase("frame without placeholders", { tripleFrame: "no placeholders" }, /prompts\.json: field "tripleFrame": must contain \{passage\} and \{named_entity_json\}/),
  argCase("zero concurrency", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--concurrency", "0"], /--concurrency must be a positive integer, got "0"/),
  argCase("top-k out of range (1e20 would become a run label)", ["retrieve", "--dataset", "bad", "--dataset-dir", "DIR", "--top-k", "99999999999999999999"], /--top-k must be a positive integer up to 10000000, got "99999999999999999999"/),
  argCase("request timeout beyond Node's longest timer", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--request-timeout", "2147484"], /--request-timeout must be a positive integer up to 2147483, got "2147484"/),
  argCase("top-k not a number", ["retrieve", "--dataset", "bad", "--dataset-dir", "DIR", "--top-k", "many"], /--top-k must be a positive integer up to 10000000, got "many"/),
  // Number("0x10") is 16: a run label "top16" from a typo
  argCase("top-k in hexadecimal", ["retrieve", "--dataset", "bad", "--dataset-dir", "DIR", "--top-k", "0x10"], /--top-k must be a positive integer up to 10000000, got "0x10"/),
  argCase("max-cost in hexadecimal", ["run", "--dataset", "bad", "--dataset-dir", "DIR", "--max-cost", "0x10"], /--max-cost must be a non-negative number of US dollars, got "0x10"/),
  argCase("chunk overlap empty", ["index", "--dataset", "bad", "--dataset-dir", "DIR", "--chunk-tokens", "8", "--chunk-overlap", ""], /--chunk-overlap must be a whole number ≥ 0, got ""/),
  argCase("damping in hexadecimal", ["retrieve", "--dataset", "bad", "--dataset-dir", "DIR", "--damping", "0x0"], /--damping must be a number from 0 up to \(not including\) 1, got "0x0"/),
  argCase("damping out of range", ["retrieve", "--dataset", "bad", "--dataset-dir", "DIR", "--damping", "2"], /--damping must be a number from 0 up to \(not including\) 1, got "2"/),
  argCase("damping 1 (PageRank never converges)", ["retrieve", "--dataset", "bad", "--dataset-dir", "DIR", "--damping", "1"], /--damping must be a number from 0 up to \(not including\) 1, got "1"/),
  argCase("unknown method", ["retrieve", "--dataset", "bad", "--dataset-dir", "DIR", "--method", "magic"], /argument 'magic' is invalid/),
  argCase("base URL not a URL", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--llm-base-url", "localhost:8000"], /--llm-base-url is not a URL: "localhost:8000"/),
  // fetch refuses URLs with credentials, and the client appends its path to a query string: no
  // request could succeed; and the secret in them is never echoed
  argCase("base URL with credentials", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--llm-base-url", "http://user:S3CRETPW@127.0.0.1:9/v1"], /^(?!.*S3CRETPW).*--llm-base-url must not hold a user name or password \(http:\/\/\*\*\*@127\.0\.0\.1:9\/v1\)/),
  argCase("base URL with credentials after a space", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--llm-base-url", " http://user:S3CRETPW@127.0.0.1:9/v1"], /^(?!.*S3CRETPW).*--llm-base-url must not hold a user name or password \(http:\/\/\*\*\*@127\.0\.0\.1:9\/v1\)/),
  argCase("base URL with credentials, one slash", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--llm-base-url", "http:/user:S3CRETPW@127.0.0.1:9/v1"], /^(?!.*S3CRETPW).*--llm-base-url must not hold a user name or password/),
  argCase("unparsable URL with a password", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--llm-base-url", "http://user:S3C/RETPW@127.0.0.1:9/v1"], /^(?!.*RETPW).*--llm-base-url is not a URL: "http:\/\/\*\*\*@127\.0\.0\.1:9\/v1"/),
  argCase("base URL with a query string", ["index", "--dataset", "bad", "--dataset-dir", "DIR", "--embedding-name", "e5", "--embedding-base-url", "http://127.0.0.1:9/v1?api-key=QSECRET77"], /^(?!.*QSECRET77).*--embedding-base-url must not carry a query string other than \?api-version= \(http:\/\/127\.0\.0\.1:9\/v1\?\*\*\*\)/),
  argCase("base URL with a bare ?", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--llm-base-url", "http://127.0.0.1:9/v1?"], /--llm-base-url must not carry a query string other than \?api-version=/),
  argCase("base URL with a fragment", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--llm-base-url", "http://127.0.0.1:9/v1#key=FRAGSECRET"], /^(?!.*FRAGSECRET).*--llm-base-url must not carry a fragment \(http:\/\/127\.0\.0\.1:9\/v1#\*\*\*\)/),
  argCase("no dataset", ["index", "--dataset-dir", "DIR"], /hipporag index needs --dataset/),
  argCase("unknown option", ["index", "--dataset", "bad", "--dataset-dir", "DIR", "--colour"], /unknown option '--colour'/),
  argCase("two openie modes", ["openie", "--dataset", "bad", "--dataset-dir", "DIR", "--import", "a.json", "--export", "b.json"], /use one of --import, --export/),
  argCase("no LLM for online OpenIE", ["openie", "--dataset", "bad", "--dataset-dir", "DIR"], /no LLM configured: OPENAI_API_KEY is not set and no --llm-base-url was given/),
  argCase("eval of a dataset without questions", ["eval", "--dataset", "bad", "--dataset-dir", "DIR/none", "--predictions", "p.json"], /dataset "bad" not found/),
];

describe(`bad input: ${CASES.length} malformed inputs each give one line naming file/record/field, exit 2, and change nothing`, () => {
  it("has at least 30 distinct cases", () => expect(new Set(CASES.map((c) => c.name)).size).toBeGreaterThanOrEqual(30));
  for (const c of CASES) {
    it(c.name, async () => {
      const dir = tempDir();
      for (const [name, content] of Object.entries(c.files ?? {})) {
        if (Buffer.isBuffer(content)) writeFileSync(join(dir, name), content);
        else writeJson(dir, name, content);
      }
      // a workspace with work already in it, which must come out unchanged
      const saveDir = join(dir, "ws");
      writeJson(dir, "openie_results_ner_x.good.json", GOOD_OPENIE);
      await runCli(["openie", "--save-dir", saveDir, "--dataset", "seed", "--dataset-dir", dir, "--llm-name", "x", "--import", join(dir, "openie_results_ner_x.good.json")]);
      const before = workspaceRows(saveDir);
      expect(Object.keys(before).length).toBeGreaterThan(0);
      const result = await runCli([...c.args(dir), "--save-dir", saveDir]);
      expect(result.code, result.stderr).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(c.error);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const after = workspaceRows(saveDir);
      delete (after as Record<string, unknown>).reports;
      delete (before as Record<string, unknown>).reports;
      expect(after).toEqual(before);
    });
  }
});
