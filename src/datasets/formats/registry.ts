import type { DatasetFormat } from "./dataset-format.js";

export type { DatasetFormat };
import { hotpotqaFormat } from "./hotpotqa-format.js";
import { lvevalFormat } from "./lveval-format.js";
import { musiqueFormat } from "./musique-format.js";
import { narrativeqaFormat } from "./narrativeqa-format.js";
import { nqRearFormat } from "./nq-rear-format.js";
import { popqaFormat } from "./popqa-format.js";
import { qaOnlyFormat } from "./qa-only-format.js";
import { twoWikiFormat } from "./two-wiki-format.js";

/**
 * Every question-file style, in detection order. The order keeps upstream's precedence for gold
 * passages (`supporting_facts`, then `contexts`, then `paragraphs`); the QA-only styles that carry
 * none of those come last, and `qa-only` accepts anything.
 */
export const DATASET_FORMATS: readonly DatasetFormat[] = Object.freeze([
  hotpotqaFormat,
  twoWikiFormat,
  popqaFormat,
  nqRearFormat,
  musiqueFormat,
  lvevalFormat,
  narrativeqaFormat,
  qaOnlyFormat,
]);

/** The style that reads this record. */
export function detectFormat(sample: Record<string, unknown>, datasetName: string): DatasetFormat {
  return DATASET_FORMATS.find((format) => format.detect(sample, datasetName))!;
}
