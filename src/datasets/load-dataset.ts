import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.js";
import type { Dataset } from "./dataset-types.js";
import { loadCorpus } from "./load-corpus.js";
import { loadQuestions } from "./load-questions.js";

export const DEFAULT_DATASET_DIR = "reproduce/dataset";

export function datasetPaths(name: string, dir: string): { corpusPath: string; questionsPath: string } {
  return { corpusPath: join(dir, `${name}_corpus.json`), questionsPath: join(dir, `${name}.json`) };
}

/**
 * Loads `<dir>/<name>_corpus.json` and, when present (or required), `<dir>/<name>.json`.
 * A corpus-only dataset (no questions file) is fine for `openie` and `index`.
 */
export function loadDataset(name: string, dir: string, options: { requireQuestions?: boolean } = {}): Dataset {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new InputError(`invalid dataset name "${name}" (letters, digits, "_", "-", "." only)`, {}, {
      suggestion: "Pass the name without the _corpus.json suffix, e.g. --dataset musique",
    });
  }
  const { corpusPath, questionsPath } = datasetPaths(name, dir);
  if (!existsSync(corpusPath)) {
    throw new InputError(`dataset "${name}" not found: no ${corpusPath}`, {}, {
      suggestion: `Put ${name}_corpus.json (and ${name}.json for questions) in ${dir}, or point --dataset-dir at the folder that has them`,
    });
  }
  const passages = loadCorpus(corpusPath);
  const hasQuestions = existsSync(questionsPath);
  if (!hasQuestions && options.requireQuestions) {
    throw new InputError(`dataset "${name}" has no questions file ${questionsPath}`, {}, {
      suggestion: "This command needs questions; add the questions file or pass --predictions for eval",
    });
  }
  return {
    name,
    corpusPath,
    questionsPath: hasQuestions ? questionsPath : undefined,
    passages,
    questions: hasQuestions ? loadQuestions(questionsPath, name) : [],
  };
}
