import { readdirSync, statSync } from "node:fs";
import { basename, extname, join, relative } from "node:path";
import { InputError } from "../core/errors.js";
import { readJsonFile, readTextFile } from "../core/read-json-file.js";
import { ILL_FORMED_PROBLEM, illFormedPath } from "../core/well-formed.js";
import { typeName } from "./type-name.js";
import { TITLE_LINE_BREAK_PROBLEM, titleHasLineBreak } from "./title-line-break.js";

/** A document before chunking: its title, its text, and everything else the user gave about it. */
export interface SourceDocument {
  title: string;
  text: string;
  /** `source` (the file, or the corpus file and record), plus every extra field of the record. */
  metadata: Record<string, unknown>;
}

export interface LoadedDocuments {
  documents: SourceDocument[];
  notes: string[];
}

const TEXT_EXTENSIONS = new Set([".txt", ".md", ".markdown"]);

/**
 * Reads `--corpus PATH`: a `*_corpus.json` (or any JSON array of `{title, text, …}`; a record is
 * named by its index, from 0), a `.jsonl` of such objects (named by line, from 1), or a folder of `.txt` / `.md` files, searched recursively
 * (title = the file name without its extension, source = the path inside the folder).
 */
export function loadDocuments(path: string): LoadedDocuments {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError("not found (expected a *_corpus.json, a .jsonl or a folder of .txt/.md files)", { file: path });
  }
  if (stat.isDirectory()) return loadFolder(path);
  if (path.endsWith(".jsonl")) return { documents: loadJsonLines(path), notes: [] };
  if (path.endsWith(".json")) {
    const data = readJsonFile(path);
    if (!Array.isArray(data)) throw new InputError("expected a JSON array of {title, text} objects", { file: path });
    // An empty corpus would build an empty index and "succeed": nothing to retrieve from is an input error.
    if (data.length === 0) throw new InputError("the file has no records (an empty JSON array)", { file: path });
    return { documents: data.map((record, index) => documentFromRecord(record, path, { record: index })), notes: [] };
  }
  throw new InputError("unsupported corpus file (expected .json, .jsonl, or a folder of .txt/.md files)", { file: path });
}

function loadJsonLines(path: string): SourceDocument[] {
  const documents: SourceDocument[] = [];
  readTextFile(path).split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message.split("\n")[0]})`, { file: path, line: index + 1 });
    }
    documents.push(documentFromRecord(record, path, { line: index + 1 }));
  });
  if (documents.length === 0) throw new InputError("the file has no records", { file: path });
  return documents;
}

function loadFolder(root: string): LoadedDocuments {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (TEXT_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(full);
    }
  };
  walk(root);
  if (files.length === 0) throw new InputError("the folder has no .txt or .md files", { file: root });
  const notes: string[] = [];
  const documents: SourceDocument[] = [];
  for (const file of files) {
    const text = readTextFile(file).replace(/\r\n/g, "\n").trim();
    if (text === "") {
      notes.push(`skipped the empty file ${file}`);
      continue;
    }
    const title = basename(file, extname(file));
    // A file name may hold a line break too (the message shows it escaped, on one line).
    if (titleHasLineBreak(title)) throw new InputError(TITLE_LINE_BREAK_PROBLEM.replace("replace the break with a space", "rename the file without it"), { file: JSON.stringify(file).slice(1, -1), field: "title" });
    const field = illFormedPath({ title, text });
    if (field) throw new InputError(ILL_FORMED_PROBLEM, { file, field });
    documents.push({ title, text, metadata: { source: relative(root, file).split("\\").join("/") } });
  }
  if (documents.length === 0) throw new InputError("every .txt/.md file in the folder is empty", { file: root });
  return { documents, notes };
}

/**
 * One `{title, text, …}` record, at `at` (a JSON array's `record` index or a .jsonl `line`, which is
 * also kept in its metadata); every other field is kept as metadata.
 */
export function documentFromRecord(record: unknown, file: string, at: { record: number } | { line: number }): SourceDocument {
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw new InputError(`expected an object with "title" and "text", got ${typeName(record)}`, { file, ...at });
  }
  const illFormed = illFormedPath(record);
  if (illFormed) throw new InputError(ILL_FORMED_PROBLEM, { file, ...at, field: illFormed });
  const { title, text, ...extra } = record as Record<string, unknown>;
  for (const [field, value] of [["title", title], ["text", text]] as const) {
    if (typeof value !== "string") {
      throw new InputError(value === undefined ? "missing" : `expected a string, got ${typeName(value)}`, { file, ...at, field });
    }
  }
  if ((title as string).trim() === "" && (text as string).trim() === "") {
    throw new InputError("empty passage (title and text are both empty)", { file, ...at, field: "text" });
  }
  if (titleHasLineBreak(title as string)) throw new InputError(TITLE_LINE_BREAK_PROBLEM, { file, ...at, field: "title" });
  return { title: title as string, text: text as string, metadata: { source: basename(file), ...at, ...extra } };
}
