import { usageError } from "../../core/errors.js";
import { fingerprint } from "../../core/fingerprint.js";
import type { Question } from "../../datasets/dataset-types.js";
import type { Workspace } from "../../store/workspace.js";
import { loadRetrievals, questionKey, saveAnswer, saveFailedAnswer, saveRetrievals } from "../retrieval-store.js";

/**
 * IRCoT's own answers (the text after "So the answer is" in each question's concluding sentence) of
 * a stored IRCoT run, stored as a run of their own, `<run>-ircotanswer`, with the same rankings, so
 * eval and reports score the reasoner's answer beside the QA reader's. No LLM is called: the answers
 * are in the stored traces, and are re-read each time (a re-retrieved run gives new ones). A
 * question whose reasoning reached the step limit without concluding gets an empty answer; one whose
 * reasoning call failed (retried by the next retrieve) is recorded as a failure, not as an answer.
 */
/** The run of IRCoT's own answers of `run`, and back: what qa --ircot-answer writes, and what only it may. */
export const IRCOT_ANSWER_SUFFIX = "-ircotanswer";
export function ircotAnswerBase(run: string): string | undefined {
  return run.endsWith(IRCOT_ANSWER_SUFFIX) ? run.slice(0, -IRCOT_ANSWER_SUFFIX.length) : undefined;
}

export function storeIrcotAnswers(workspace: Workspace, run: string, questions: readonly Question[], indexFingerprint: string): { run: string; answered: number; unconcluded: number; failed: number } {
  const stored = loadRetrievals(workspace, run);
  const keys = [...new Set(questions.map((q) => questionKey(q.question)))];
  const missing = keys.filter((key) => !stored.has(key));
  if (missing.length) throw usageError(`${missing.length} of ${keys.length} questions have no stored retrieval in run ${run}`, `retrieve them first (hipporag retrieve with the settings of ${run})`);
  if (keys.some((key) => stored.get(key)!.inputs.index !== indexFingerprint)) throw usageError(`run ${run} is out of date: the index changed since it was retrieved`, `retrieve again (hipporag retrieve with the settings of ${run})`);
  if (keys.some((key) => !stored.get(key)!.trace.ircot)) throw usageError(`run ${run} is not an IRCoT run: its traces hold no reasoning`, "retrieve with --ircot first, and pass that run (e.g. hipporag2-ircot4)");
  const own = `${run}${IRCOT_ANSWER_SUFFIX}`;
  const rows = keys.map((key) => stored.get(key)!);
  saveRetrievals(workspace, own, rows[0]?.indexId ?? "", rows.map((row) => ({ questionId: row.questionId, inputs: row.inputs, result: { question: row.question, passageIds: row.passageIds, scores: row.scores, trace: row.trace } })));
  let unconcluded = 0;
  let failed = 0;
  for (const row of rows) {
    const ircot = row.trace.ircot!;
    const inputs = { question: row.questionKey, ircot: fingerprint(ircot) };
    if (ircot.answer === undefined && ircot.error !== undefined) {
      failed++;
      saveFailedAnswer(workspace, own, row.questionKey, inputs, `IRCoT's reasoning failed: ${ircot.error}`);
      continue;
    }
    if (ircot.answer === undefined) unconcluded++;
    saveAnswer(workspace, own, row.questionKey, inputs, ircot.answer ?? "", ircot.steps.map((s) => s.sentence ?? "").join(" "));
  }
  return { run: own, answered: rows.length - unconcluded - failed, unconcluded, failed };
}
