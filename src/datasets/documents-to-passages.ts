import { InputError } from "../core/errors.js";
import { passageId } from "../core/ids.js";
import { chunkText, type ChunkSettings } from "./chunk-text.js";
import type { Passage } from "./dataset-types.js";
import type { SourceDocument } from "./load-documents.js";
import { MAX_PASSAGE_CHARS } from "./load-corpus.js";
import type { TokenCounter } from "./token-count.js";

export interface Chunking extends ChunkSettings {
  counter: TokenCounter;
}

/**
 * Documents → passages. Without chunking each document is one passage `title\ntext`; with it, a text
 * over `maxTokens` becomes several passages `title\n<chunk>`, each with metadata saying where it came
 * from (`source`, `chunk` i of `chunks`, character `start`/`end` in the text, its `tokens` and the
 * `tokenizer`, and the `chunkSize` / `chunkOverlap` settings) plus the document's own fields. Ids stay `chunk-<md5 of the passage>`, so other chunk
 * settings give other passages (a different corpus), never a mix. Exact duplicates keep the first.
 */
export function documentsToPassages(documents: readonly SourceDocument[], file: string, chunking?: Chunking): { passages: Passage[]; split: number; duplicates: string[] } {
  const seen = new Set<string>();
  const passages: Passage[] = [];
  let split = 0;
  /** Where each dropped repeat came from ("record 3", "line 7", a file), so a note can name them. */
  const duplicates: string[] = [];
  documents.forEach((document, index) => {
    const pieces = chunking
      ? chunkText(document.text, chunking, chunking.counter)
      : [{ text: document.text, start: 0, end: document.text.length, tokens: undefined }];
    if (pieces.length > 1) split++;
    pieces.forEach((piece, i) => {
      const content = `${document.title}\n${piece.text}`;
      if (content.length > MAX_PASSAGE_CHARS) {
        throw new InputError(`passage is ${content.length} characters, more than the ${MAX_PASSAGE_CHARS} allowed`, { file, ...whereIs(document, index), field: "text" }, {
          suggestion: "split long documents with --chunk-tokens N (e.g. 512)",
        });
      }
      const id = passageId(content);
      if (seen.has(id)) {
        const where = whereIs(document, index);
        const label = "line" in where ? `line ${where.line}` : /^\d+$/.test(where.record) ? `record ${where.record}` : where.record;
        duplicates.push(chunking && pieces.length > 1 ? `${label} chunk ${i + 1}` : label);
        return;
      }
      seen.add(id);
      const position = chunking
        ? { chunk: i, chunks: pieces.length, start: piece.start, end: piece.end, tokens: piece.tokens, tokenizer: chunking.counter.id, chunkSize: chunking.maxTokens, chunkOverlap: chunking.overlapTokens }
        : {};
      passages.push({ id, title: document.title, text: piece.text, content, metadata: { ...document.metadata, ...position } });
    });
  });
  return { passages, split, duplicates };
}

/** Where a document came from, as errors name it: its .jsonl line, its JSON record, or its file. */
function whereIs(document: SourceDocument, index: number): { line: number } | { record: string } {
  const { line, record, source } = document.metadata;
  return typeof line === "number" ? { line } : { record: String(record ?? source ?? index) };
}
