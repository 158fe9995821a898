/** Where a record sits, for InputError messages: the file and the record index. */
export interface RecordPlace {
  file: string;
  record: number;
}

/**
 * One upstream question-file style (spec §13): how to recognise a record, and how to read its gold
 * passages (exact `title\ntext` strings) and gold answers. One small module per style, listed in
 * `registry.ts`; the first whose `detect` accepts a record reads it.
 */
export interface DatasetFormat {
  /** Identity, shown in notes: "musique", "hotpotqa", … */
  readonly name: string;
  /** Whether this style reads `sample`; `datasetName` breaks ties upstream breaks by name (hotpotqa vs 2wiki). */
  detect(sample: Record<string, unknown>, datasetName: string): boolean;
  /** The raw question (validated by the loader); default `sample.question`. */
  readQuestion?(sample: Record<string, unknown>): unknown;
  /** Gold passages, duplicates removed; [] means QA only (Recall counts 0, as upstream). */
  goldDocs(sample: Record<string, unknown>, where: RecordPlace): string[];
  /** Gold answers, duplicates removed. */
  goldAnswers(sample: Record<string, unknown>, where: RecordPlace): string[];
  /** Top-level fields this style reads or knows to be irrelevant; any other field is reported as not understood. */
  readonly understood: readonly string[];
}

/** Fields every style shares (identity and question). */
export const COMMON_FIELDS = ["id", "_id", "question", "answer", "gold_ans", "reference", "answer_aliases"] as const;
