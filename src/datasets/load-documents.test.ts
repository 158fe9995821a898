import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-support/cli-harness.js";
import { datasetNameFromCorpus } from "./load-dataset.js";
import { loadDocuments } from "./load-documents.js";

describe("loadDocuments (--corpus)", () => {
  it("reads a folder of .txt/.md files recursively: title = file name, source = path inside the folder", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "guides"));
    writeFileSync(join(dir, "b.md"), "# B\r\n\r\nBee text.\r\n");
    writeFileSync(join(dir, "guides", "a.txt"), "Alpha text.");
    writeFileSync(join(dir, "empty.txt"), "  \n");
    writeFileSync(join(dir, "image.png"), "not text");
    writeFileSync(join(dir, ".hidden.md"), "ignored");
    const { documents, notes } = loadDocuments(dir);
    expect(documents).toEqual([
      { title: "b", text: "# B\n\nBee text.", metadata: { source: "b.md" } },
      { title: "a", text: "Alpha text.", metadata: { source: "guides/a.txt" } },
    ]);
    expect(notes).toEqual([`skipped the empty file ${join(dir, "empty.txt")}`]);
  });
  it("reads .jsonl and .json records, keeping their extra fields as metadata", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "docs.jsonl"), `${JSON.stringify({ title: "T", text: "x", url: "http://a", year: 2020 })}\n\n${JSON.stringify({ title: "U", text: "y" })}\n`);
    expect(loadDocuments(join(dir, "docs.jsonl")).documents).toEqual([
      { title: "T", text: "x", metadata: { source: "docs.jsonl", line: 1, url: "http://a", year: 2020 } },
      { title: "U", text: "y", metadata: { source: "docs.jsonl", line: 3 } },
    ]);
    writeFileSync(join(dir, "mine_corpus.json"), JSON.stringify([{ title: "T", text: "x", idx: 4 }]));
    expect(loadDocuments(join(dir, "mine_corpus.json")).documents[0]!.metadata).toEqual({ source: "mine_corpus.json", record: 0, idx: 4 });
  });
  it("names file, record and field for bad records, ill-formed text, and unsupported paths", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.jsonl"), `{"title": "T", "text": "x"}\n{"title": 3, "text": "y"}\n`);
    expect(() => loadDocuments(join(dir, "bad.jsonl"))).toThrow(/bad\.jsonl: line 2: field "title": expected a string, got a number/);
    writeFileSync(join(dir, "break.jsonl"), `{"title": "T", "text": "x"}\n{"title": "T\\nU", "text": "y"}\n`);
    expect(() => loadDocuments(join(dir, "break.jsonl"))).toThrow(/break\.jsonl: line 2: field "title": the title holds a line break/);
    mkdirSync(join(dir, "folder"));
    writeFileSync(join(dir, "folder", "A\nB.txt"), "B text.");
    expect(() => loadDocuments(join(dir, "folder"))).toThrow(/folder\/A\\nB\.txt: field "title": the title holds a line break.*rename the file without it$/);
    writeFileSync(join(dir, "broken.jsonl"), `{"title": "T", "text": "x"}\n{oops\n`);
    expect(() => loadDocuments(join(dir, "broken.jsonl"))).toThrow(/broken\.jsonl: line 2: not valid JSON/);
    writeFileSync(join(dir, "lone.jsonl"), `{"title": "T", "text": "x", "meta": {"note": "\\ud800"}}\n`);
    expect(() => loadDocuments(join(dir, "lone.jsonl"))).toThrow(/lone\.jsonl: line 1: field "meta\.note": text with a lone UTF-16 surrogate/);
    writeFileSync(join(dir, "empty_corpus.json"), "[]");
    expect(() => loadDocuments(join(dir, "empty_corpus.json"))).toThrow(/empty_corpus\.json: the file has no records/);
    writeFileSync(join(dir, "bad_corpus.json"), JSON.stringify([{ title: "T", text: "x" }, { title: "U" }]));
    expect(() => loadDocuments(join(dir, "bad_corpus.json"))).toThrow(/bad_corpus\.json: record 1: field "text": missing/);
    writeFileSync(join(dir, "x.csv"), "a,b");
    expect(() => loadDocuments(join(dir, "x.csv"))).toThrow(/x\.csv: unsupported corpus file/);
    expect(() => loadDocuments(join(dir, "missing"))).toThrow(/missing: not found/);
    mkdirSync(join(dir, "nothing"));
    expect(() => loadDocuments(join(dir, "nothing"))).toThrow(/has no \.txt or \.md files/);
  });
  it("names a dataset after its corpus", () => {
    expect(datasetNameFromCorpus("data/musique_corpus.json")).toBe("musique");
    expect(datasetNameFromCorpus("notes.jsonl")).toBe("notes");
    expect(datasetNameFromCorpus("/home/me/My Docs/")).toBe("My_Docs");
  });
});
