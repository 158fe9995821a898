import { describe, expect, it } from "vitest";
import { InputError } from "../../core/errors.js";
import { readQuestionRecords } from "../load-questions.js";
import { DATASET_FORMATS, detectFormat } from "./registry.js";

const read = (records: unknown[], name: string) => readQuestionRecords(records, `${name}.json`, name);

describe("the format registry recognises every dataset of the paper", () => {
  it("musique: paragraphs (paragraph_text or text), is_supporting, answer + aliases", () => {
    const { questions, formats } = read([{
      id: "2hop__1", question: "Who?", answer: "Ann", answer_aliases: ["Anne"], answerable: true,
      question_decomposition: [{ id: 1, question: "x", answer: "y", paragraph_support_idx: 0 }],
      paragraphs: [{ idx: 0, title: "A", paragraph_text: "a", is_supporting: true }, { idx: 1, title: "B", paragraph_text: "b", is_supporting: false }],
    }], "musique");
    expect(formats).toEqual({ musique: 1 });
    expect(questions[0]).toEqual({ id: "2hop__1", question: "Who?", goldAnswers: ["Ann", "Anne"], goldDocs: ["A\na"] });
  });
  it("2wikimultihopqa and hotpotqa: supporting_facts select context items; the name decides the joiner", () => {
    const record = { _id: "x", question: "q?", answer: "no", type: "comparison", supporting_facts: [["A", 1]], context: [["A", ["One.", "Two."]], ["B", ["Three."]]] };
    expect(read([record], "2wikimultihopqa").questions[0]!.goldDocs).toEqual(["A\nOne. Two."]);
    expect(read([record], "hotpotqa").questions[0]!.goldDocs).toEqual(["A\nOne.Two."]);
    expect(read([record], "hotpotqa").formats).toEqual({ hotpotqa: 1 });
    expect(read([record], "2wikimultihopqa").formats).toEqual({ "2wikimultihopqa": 1 });
  });
  it("nq_rear: contexts with is_supporting, answers in reference", () => {
    const { questions, formats } = read([{ id: 7, question: "q?", reference: ["r1", "r2"], contexts: [{ idx: 0, title: "T", text: "t", is_supporting: true }, { idx: 1, title: "U", text: "u", is_supporting: false }] }], "nq_rear");
    expect(formats).toEqual({ nq_rear: 1 });
    expect(questions[0]).toEqual({ id: "7", question: "q?", goldAnswers: ["r1", "r2"], goldDocs: ["T\nt"] });
  });
  it("popqa: obj + possible_answers + o_wiki_title + o_aliases as upstream takes them (JSON text whole, noted); paragraphs as gold", () => {
    const { questions, formats } = read([{
      id: 1, question: "What is X's occupation?", subj: "X", prop: "occupation", obj: "singer", o_wiki_title: "Singing",
      possible_answers: '["singer", "vocalist"]', o_aliases: ["songstress"], s_pop: 10,
      paragraphs: [{ title: "X", text: "X is a singer.", is_supporting: true }, { title: "Y", text: "Y.", is_supporting: false }],
    }], "popqa");
    expect(formats).toEqual({ popqa: 1 });
    expect(questions[0]!.goldAnswers.sort()).toEqual(["Singing", '["singer", "vocalist"]', "singer", "songstress"]);
    expect(questions[0]!.goldDocs).toEqual(["X\nX is a singer."]);
    expect(read([{ question: "q?", obj: "a", o_wiki_title: "A", possible_answers: '["a", "b"]', o_aliases: "[]", paragraphs: [] }], "popqa").notes.join()).toMatch(
      /1 of 1 questions give possible_answers or o_aliases as JSON text: each is one gold string, as upstream's get_gold_answers takes it/,
    );
  });
  it("is_supporting is read with Python's truthiness, as upstream: 0, null, \"\" and [] are not supporting", () => {
    const paragraphs = [0, null, "", [], 1, "yes", undefined].map((flag, i) => ({ title: `P${i}`, text: "t", ...(flag === undefined ? {} : { is_supporting: flag }) }));
    expect(read([{ question: "q?", answer: "a", paragraphs }], "musique").questions[0]!.goldDocs).toEqual(["P4\nt", "P5\nt", "P6\nt"]);
    const contexts = [0, null, [], true].map((flag, i) => ({ title: `C${i}`, text: "t", is_supporting: flag }));
    expect(read([{ question: "q?", reference: ["a"], contexts }], "nq_rear").questions[0]!.goldDocs).toEqual(["C3\nt"]);
  });
  it("lveval: input or question, answers list, no gold passages, and a note that says so", () => {
    const loaded = read([
      { _id: "a", input: "Who wrote it?", context: "long text", answers: ["Bo", "B."], distractor: ["x"], length: "16k" },
      { _id: "b", question: "When?", answer: "1901", context: "long text" },
    ], "lveval");
    expect(loaded.formats).toEqual({ lveval: 2 });
    expect(loaded.questions.map((q) => [q.question, q.goldAnswers, q.goldDocs])).toEqual([["Who wrote it?", ["Bo", "B."], []], ["When?", ["1901"], []]]);
    expect(loaded.notes.join("\n")).toMatch(/no question has gold passages \(lveval: 2\): passages are retrieved and stored \(run --show N prints them, retrieve --explain one question.s, --predictions-out writes all\), Recall@k not scored; EM\/F1 still apply/);
  });
  it("narrativeqa: question and answers as strings or {text}; unknown fields are reported, not dropped silently", () => {
    const loaded = read([
      { id: "n1", question: { text: "Why did he leave?", tokens: ["Why"] }, answers: [{ text: "fear" }, { text: "to hide" }], document: { id: "d" }, mystery: 1 },
      { id: "n2", question: "Who?", answer: ["Tom"] },
    ], "narrativeqa");
    expect(loaded.formats).toEqual({ narrativeqa: 2 });
    expect(loaded.questions.map((q) => [q.question, q.goldAnswers])).toEqual([["Why did he leave?", ["fear", "to hide"]], ["Who?", ["Tom"]]]);
    expect(loaded.notes.join("\n")).toMatch(/fields not understood and ignored: "mystery" \(1 record\)/);
  });
  it("a bad item inside a style names the file, record and field", () => {
    expect(() => read([{ question: "q?", answers: [{ nope: 1 }] }], "narrativeqa")).toThrow(/narrativeqa\.json: record 0: field "answers": item 0: expected a string, got an object/);
    expect(() => read([{ question: "q?" }], "lveval")).toThrow(/field "answer": missing \(expected "answer", "gold_ans", "reference", "answers" or PopQA's "obj"\)/);
  });
  it("text that cannot round-trip through UTF-8 is an InputError naming file, record and field", () => {
    const bad = [{ id: "1", question: "ok?", answer: "a" }, { id: "2", question: "q?", answer: "a", paragraphs: [{ title: "T", text: "bad \ud800 text" }] }];
    expect(() => read(bad, "musique")).toThrow(InputError);
    expect(() => read(bad, "musique")).toThrow(/musique\.json: record 1: field "paragraphs\[0\]\.text": text with a lone UTF-16 surrogate/);
  });
  it("detection order keeps upstream's precedence: supporting_facts, then contexts, then paragraphs", () => {
    const names = (s: Record<string, unknown>, n = "x") => detectFormat(s, n).name;
    expect(names({ supporting_facts: [], contexts: [], paragraphs: [] })).toBe("2wikimultihopqa");
    expect(names({ contexts: [], paragraphs: [] })).toBe("nq_rear");
    expect(names({ question: "q", answer: "a" })).toBe("qa-only");
    expect(Object.isFrozen(DATASET_FORMATS)).toBe(true);
  });
});
