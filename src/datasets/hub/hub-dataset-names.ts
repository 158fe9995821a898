import { posix } from "node:path";
import type { HubFile } from "./list-hub-files.js";

/** A dataset as the repository holds it: its corpus file and, when present, its questions file. */
export interface HubDataset {
  name: string;
  corpus?: HubFile;
  questions?: HubFile;
  /** Other files with the same names deeper in the tree, ignored (the shallowest one wins). */
  shadowed: string[];
}

/**
 * Datasets found anywhere in the tree: `<name>_corpus.json` and `<name>.json`, in any folder, since
 * the repository layout is the authors' to change (`reproduce/dataset/musique.json` and
 * `musique.json` both count). A name needs a corpus file; a `<name>.json` alone is listed only when
 * it is the questions of a corpus. When a name occurs in several folders the shallowest path wins
 * (ties: alphabetical), and the others are reported.
 */
export function hubDatasets(files: readonly HubFile[]): HubDataset[] {
  const corpora = new Map<string, HubFile[]>();
  const jsons = new Map<string, HubFile[]>();
  for (const file of files) {
    const base = posix.basename(file.path);
    const corpus = /^(.+)_corpus\.json$/.exec(base);
    if (corpus) push(corpora, corpus[1]!, file);
    else if (base.endsWith(".json")) push(jsons, base.slice(0, -".json".length), file);
  }
  return [...corpora.keys()].sort().map((name) => {
    const [corpus, ...otherCorpora] = shallowestFirst(corpora.get(name)!);
    const [questions, ...otherQuestions] = shallowestFirst(jsons.get(name) ?? []);
    return { name, corpus, questions, shadowed: [...otherCorpora, ...otherQuestions].map((f) => f.path) };
  });
}

function push(map: Map<string, HubFile[]>, key: string, file: HubFile): void {
  const list = map.get(key) ?? [];
  list.push(file);
  map.set(key, list);
}

function shallowestFirst(files: HubFile[]): HubFile[] {
  const depth = (file: HubFile) => file.path.split("/").length;
  return [...files].sort((a, b) => depth(a) - depth(b) || a.path.localeCompare(b.path));
}
