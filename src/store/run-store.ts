import type { Inputs } from "../core/fingerprint.js";

/** One question's stored ranking in a run. `trace` is the retriever's trace, kept as given. */
export interface RetrievalRow {
  questionKey: string;
  questionId: string;
  question: string;
  indexId: string;
  /** What the ranking was computed from: input name → fingerprint. */
  inputs: Inputs;
  passageIds: string[];
  scores: number[];
  trace: unknown;
}

/** One question's stored answer in a run, with the inputs it was computed from. */
export interface AnswerRow {
  inputs: Inputs;
  answer: string;
  raw: string;
}

/**
 * Retrievals and answers per run (a run = a method with its settings, e.g. "hipporag2"), each keyed
 * by (run, question key). Writes replace what a key held.
 */
export interface RunStore {
  /** Stores rankings as one unit; each replaces the question's ranking and drops its answer (it answered another ranking). */
  saveRetrievals(run: string, rows: readonly RetrievalRow[]): void;
  /** A run's rankings by question key (empty for an unknown run). */
  retrievals(run: string): Map<string, RetrievalRow>;
  /** Every run with a stored ranking, sorted by name. */
  runs(): string[];
  saveAnswer(run: string, questionKey: string, answer: AnswerRow): void;
  /** Removes these questions' answers in the run (absent keys are ignored), as one unit. */
  dropAnswers(run: string, questionKeys: readonly string[]): void;
  /** A run's answers by question key. */
  answers(run: string): Map<string, AnswerRow>;
}
