import { describe, expect, it } from "vitest";
import { runCli, tempDir, writeJson } from "../../test-support/cli-harness.js";

// One small file pair per dataset of the paper, in the authors' styles (spec §13), written here. The
// corpus holds each gold passage as `title\ntext` plus a distractor; a predictions file that returns the
// gold text must score Recall@2 = 1 and EM = 1 through `hipporag eval`, which proves the gold passages
// and answers were read the way upstream reads them.
const DISTRACTOR = { title: "Elsewhere", text: "Nothing relevant here." };
const CASES: { name: string; corpus: { title: string; text: string }[]; question: Record<string, unknown>; gold: string[]; answer: string }[] = [
  {
    name: "musique",
    corpus: [{ title: "Erik Hort", text: "Erik Hort was born in Montebello." }, { title: "Montebello", text: "Montebello is in Rockland County." }],
    question: {
      id: "2hop__1", question: "Which county?", answer: "Rockland County", answer_aliases: ["Rockland"], answerable: true,
      question_decomposition: [{ id: 1, question: "Where was Erik Hort born?", answer: "Montebello", paragraph_support_idx: 0 }],
      paragraphs: [
        { idx: 0, title: "Erik Hort", paragraph_text: "Erik Hort was born in Montebello.", is_supporting: true },
        { idx: 1, title: "Montebello", paragraph_text: "Montebello is in Rockland County.", is_supporting: true },
        { idx: 2, title: "Elsewhere", paragraph_text: "Nothing relevant here.", is_supporting: false },
      ],
    },
    gold: ["Erik Hort\nErik Hort was born in Montebello.", "Montebello\nMontebello is in Rockland County."],
    answer: "Rockland",
  },
  {
    name: "2wikimultihopqa",
    corpus: [{ title: "Ann", text: "Ann was born in 1900. She sang." }],
    question: { _id: "w1", type: "comparison", question: "When was Ann born?", answer: "1900", supporting_facts: [["Ann", 0]], context: [["Ann", ["Ann was born in 1900.", "She sang."]], ["Elsewhere", ["Nothing relevant here."]]], evidences: [["Ann", "born", "1900"]] },
    gold: ["Ann\nAnn was born in 1900. She sang."],
    answer: "1900",
  },
  {
    name: "hotpotqa",
    corpus: [{ title: "Bo", text: "Bo is a river. It is long." }],
    question: { _id: "h1", type: "bridge", level: "hard", question: "What is Bo?", answer: "a river", supporting_facts: [["Bo", 0]], context: [["Bo", ["Bo is a river.", " It is long."]], ["Elsewhere", ["Nothing relevant here."]]] },
    gold: ["Bo\nBo is a river. It is long."],
    answer: "river",
  },
  {
    name: "nq_rear",
    corpus: [{ title: "Cy", text: "Cy wrote the anthem." }],
    question: { id: "n1", question: "Who wrote the anthem?", reference: ["Cy", "Cyrus"], contexts: [{ idx: 0, title: "Cy", text: "Cy wrote the anthem.", is_supporting: true }, { idx: 1, ...DISTRACTOR, is_supporting: false }] },
    gold: ["Cy\nCy wrote the anthem."],
    answer: "Cyrus",
  },
  {
    name: "popqa",
    corpus: [{ title: "Dee", text: "Dee is a painter." }],
    question: { id: 5, question: "What is Dee's occupation?", subj: "Dee", prop: "occupation", obj: "painter", o_wiki_title: "Painting", possible_answers: '["painter", "artist"]', o_aliases: [], paragraphs: [{ title: "Dee", text: "Dee is a painter.", is_supporting: true }, { ...DISTRACTOR, is_supporting: false }] },
    gold: ["Dee\nDee is a painter."],
    answer: "painter", // "artist" is inside the JSON text, which upstream compares whole
  },
  {
    name: "lveval",
    corpus: [{ title: "Book", text: "A long book about Eve." }],
    question: { _id: "l1", input: "Who is the book about?", context: "A long book about Eve.", answers: ["Eve"], length: "16k" },
    gold: [],
    answer: "Eve",
  },
  {
    name: "narrativeqa",
    corpus: [{ title: "Story", text: "Fay left the town at dawn." }],
    question: { id: "s1", question: { text: "When did Fay leave?" }, answers: [{ text: "at dawn" }, { text: "dawn" }], document: { id: "d1", kind: "gutenberg" } },
    gold: [],
    answer: "dawn",
  },
];

/** A ranked doc that is no passage of any corpus: only lengthens a ranking. */
const FILLER = "Filler\nNothing in any corpus.";

describe("every dataset of the paper loads with its gold passages and answers", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const dir = tempDir();
      writeJson(dir, `${c.name}_corpus.json`, [...c.corpus, DISTRACTOR]);
      writeJson(dir, `${c.name}.json`, [c.question]);
      const question = typeof c.question.question === "string" ? c.question.question : (c.question.input as string) ?? (c.question.question as { text: string }).text;
      // Recall@k is reported only up to the longest ranking of a predictions file: rank at least 2 docs, so Recall@2 exists.
      const predictions = writeJson(dir, "pred.json", [{ question, docs: [...c.gold, `${DISTRACTOR.title}\n${DISTRACTOR.text}`, FILLER], answer: c.answer }]);
      const result = await runCli(["eval", "--dataset", c.name, "--dataset-dir", dir, "--save-dir", dir, "--predictions", predictions, "--json"]);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.em).toBe(1);
      // a dataset without gold passages (NarrativeQA, LV-Eval) has no Recall, not a Recall of 0
      expect(report.recall?.["2"]).toBe(c.gold.length > 0 ? 1 : undefined);
      // and a prediction that misses the gold passages scores 0
      const wrong = writeJson(dir, "wrong.json", [{ question, docs: [`${DISTRACTOR.title}\n${DISTRACTOR.text}`, FILLER], answer: "nothing like it" }]);
      const miss = JSON.parse((await runCli(["eval", "--dataset", c.name, "--dataset-dir", dir, "--save-dir", dir, "--predictions", wrong, "--json"])).stdout);
      expect([miss.em, miss.recall?.["2"]]).toEqual([0, c.gold.length > 0 ? 0 : undefined]);
    });
  }
});
