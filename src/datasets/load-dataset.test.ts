import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { md5Hex } from "../core/ids.js";
import { SHARED_DATASETS, tempDir, writeJson } from "../test-support/cli-harness.js";
import { loadDataset } from "./load-dataset.js";
import { questionsFromRecords } from "./load-questions.js";

describe("loadDataset on the shared data", () => {
  it("reads musique_train_dev: 1,890 passages, 50 questions, every gold passage in the corpus", () => {
    const dataset = loadDataset("musique_train_dev", SHARED_DATASETS);
    expect(dataset.passages).toHaveLength(1890);
    expect(dataset.questions).toHaveLength(50);
    const contents = new Set(dataset.passages.map((p) => p.content));
    const gold = dataset.questions.flatMap((q) => q.goldDocs);
    expect(gold.length).toBeGreaterThan(100);
    for (const doc of gold) expect(contents.has(doc)).toBe(true);
    const first = dataset.passages[0]!;
    expect(first.id).toBe(`chunk-${md5Hex(`${first.title}\n${first.text}`)}`);
    expect((dataset.notes ?? []).filter((n) => /gold passage/.test(n))).toEqual([]);
  });
  it("says when gold passages match no corpus passage (they can never be retrieved), naming questions and titles", () => {
    const dir = tempDir();
    writeJson(dir, "mine_corpus.json", [{ title: "A", text: "x" }, { title: "B", text: "y" }]);
    writeJson(dir, "mine.json", [
      { id: "q1", question: "One?", answer: "x", paragraphs: [{ title: "A", paragraph_text: "x", is_supporting: true }] },
      { id: "q2", question: "Two?", answer: "y", paragraphs: [{ title: "B", paragraph_text: "y!", is_supporting: true }, { title: "C", paragraph_text: "z", is_supporting: true }] },
    ]);
    const dataset = loadDataset("mine", dir);
    const note = (dataset.notes ?? []).find((n) => /gold passage/.test(n));
    expect(note).toBe(`${join(dir, "mine.json")}: 2 of 3 gold passages (in 1 of 2 questions) match no passage of ${join(dir, "mine_corpus.json")} exactly (title and text): they can never be retrieved, so Recall@k counts them as missed (question q2: "B", "C")`);
  });
  it("reads the sample set with a list answer", () => {
    const dataset = loadDataset("sample", SHARED_DATASETS);
    expect(dataset.passages).toHaveLength(3);
    expect(dataset.questions[0]!.goldAnswers).toEqual(["Thomas C. Sudhof"]);
    expect(dataset.questions[0]!.goldDocs[0]!.startsWith("Thomas C. Sudhof\nIntroduction")).toBe(true);
  });
  it("reads a corpus-only dataset (no questions file)", () => {
    const dataset = loadDataset("2wikimultihopqa", SHARED_DATASETS);
    expect(dataset.passages).toHaveLength(6119);
    expect(dataset.questions).toEqual([]);
  });
  it("collapses exact duplicate passages into one id", () => {
    const dir = tempDir();
    writeJson(dir, "dup_corpus.json", [{ title: "A", text: "x" }, { title: "A", text: "x" }, { title: "A", text: "y" }]);
    const dataset = loadDataset("dup", dir);
    expect(dataset.passages).toHaveLength(2);
    // Said, so a passage count below the file's record count is explained.
    expect(dataset.notes).toContain(`${join(dir, "dup_corpus.json")}: 1 record repeats an earlier passage exactly (same title and text): indexed once, as upstream (record 1)`);
  });
  it("says when --corpus documents repeat, and when questions repeat a text under another id", () => {
    const dir = tempDir();
    writeJson(dir, "docs_corpus.json", [{ title: "A", text: "x" }, { title: "A", text: "x" }, { title: "A", text: "x" }]);
    writeJson(dir, "docs.json", [{ id: "q1", question: "Who?", answer: "A" }, { id: "q2", question: "Who?", answer: "A" }]);
    const dataset = loadDataset("docs", dir, { corpus: join(dir, "docs_corpus.json") });
    expect(dataset.passages).toHaveLength(1);
    expect(dataset.questions).toHaveLength(2);
    expect(dataset.notes).toContain(`${join(dir, "docs_corpus.json")}: 2 documents repeat an earlier passage exactly (same title and text): indexed once, as upstream (record 1, record 2)`);
    expect((dataset.notes ?? []).some((n) => n.startsWith("1 question repeats an earlier question's text (ids q2 = q1)"))).toBe(true);
  });
});

describe("gold answers and passages in every upstream style", () => {
  it("MuSiQue: paragraph_text or text, is_supporting (missing counts as true), aliases", () => {
    const [q] = questionsFromRecords([{
      id: "m1", question: "q?", answer: "Paris", answer_aliases: ["City of Light"],
      paragraphs: [
        { title: "T", paragraph_text: "one", is_supporting: true },
        { title: "T", text: "two" },
        { title: "U", paragraph_text: "three", is_supporting: false },
      ],
    }], "f", "musique");
    expect(q!.goldAnswers.sort()).toEqual(["City of Light", "Paris"]);
    expect(q!.goldDocs.sort()).toEqual(["T\none", "T\ntwo"]);
  });
  it("HotpotQA joins sentences with no space, 2Wiki with a space", () => {
    const record = {
      _id: "h1", question: "q?", answer: "yes",
      supporting_facts: [["A", 0], ["A", 1]],
      context: [["A", ["First.", " Second."]], ["B", ["Other."]]],
    };
    expect(questionsFromRecords([record], "f", "hotpotqa")[0]!.goldDocs).toEqual(["A\nFirst. Second."]);
    expect(questionsFromRecords([record], "f", "2wikimultihopqa")[0]!.goldDocs).toEqual(["A\nFirst.  Second."]);
    expect(questionsFromRecords([record], "f", "hotpotqa")[0]!.id).toBe("h1");
  });
  it("contexts style and PopQA answers", () => {
    const [q] = questionsFromRecords([{
      question: "q?", obj: "Ann", possible_answers: '["Ann", "Anne"]', o_wiki_title: "Ann (singer)", o_aliases: ["A."],
      contexts: [{ title: "X", text: "x", is_supporting: true }, { title: "Y", text: "y", is_supporting: false }],
    }], "f", "popqa");
    expect(q!.goldDocs).toEqual(["X\nx"]);
    expect(q!.goldAnswers.sort()).toEqual(["A.", "Ann", "Ann (singer)", '["Ann", "Anne"]']); // JSON text whole, as upstream
    expect(q!.id).toBe("0");
  });
});

describe("questions without gold answers (asking about your own documents)", () => {
  it("a file in which no question has an answer (objects or bare strings) loads, says EM/F1 are not scored, and scores none", async () => {
    const { scoreQuestions } = await import("../eval/evaluate.js");
    const dir = tempDir();
    writeJson(dir, "own_corpus.json", [{ title: "A", text: "Alice was born in Lyon." }]);
    writeJson(dir, "own.json", ["Where was Alice born?", { question: "Who is Alice?" }]);
    const dataset = loadDataset("own", dir);
    expect(dataset.questions.map((q) => [q.id, q.question, q.goldAnswers])).toEqual([["0", "Where was Alice born?", []], ["1", "Who is Alice?", []]]);
    expect(dataset.notes?.some((n) => /no question has a gold answer: answers are generated and shown, EM\/F1 not scored/.test(n))).toBe(true);
    const scores = scoreQuestions(dataset.questions.map((q) => ({ docs: ["A\nAlice was born in Lyon."], goldDocs: q.goldDocs, goldAnswers: q.goldAnswers, answer: "Lyon" })));
    expect(scores.em).toBeUndefined();
    expect(scores.f1).toBeUndefined();
  });
  it("a file in which some questions have answers and others not still names the record that lacks one", () => {
    const dir = tempDir();
    writeJson(dir, "mixed_corpus.json", [{ title: "A", text: "x" }]);
    writeJson(dir, "mixed.json", [{ question: "q1?", answer: "a" }, { question: "q2?" }]);
    expect(() => loadDataset("mixed", dir)).toThrow(/mixed\.json: record 1: field "answer": missing/);
  });
});

describe("ill-formed text in a corpus", () => {
  it("is an InputError through the CLI, naming file, record and field", async () => {
    const { runCli } = await import("../test-support/cli-harness.js");
    const dir = tempDir();
    writeJson(dir, "bad_corpus.json", '[{"title": "A", "text": "fine"}, {"title": "B\\udc00", "text": "x"}]');
    const result = await runCli(["index", "--dataset", "bad", "--dataset-dir", dir, "--save-dir", join(dir, "ws")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad_corpus\.json: record 1: field "title": text with a lone UTF-16 surrogate/);
  });
});
