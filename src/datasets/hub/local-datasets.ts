import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface LocalDataset {
  name: string;
  corpusBytes: number;
  hasQuestions: boolean;
}

/** The datasets already in `dir`: every `<name>_corpus.json`, and whether `<name>.json` is beside it. */
export function localDatasets(dir: string): LocalDataset[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith("_corpus.json"))
    .sort()
    .map((file) => {
      const name = file.slice(0, -"_corpus.json".length);
      return { name, corpusBytes: statSync(join(dir, file)).size, hasQuestions: existsSync(join(dir, `${name}.json`)) };
    });
}
