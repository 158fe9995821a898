import type { Question } from "../datasets/dataset-types.js";
import { loadAnswers, loadRetrievals, questionKey } from "../retrieval/retrieval-store.js";
import type { Workspace } from "../store/workspace.js";

/**
 * What a stored run's numbers do not show by themselves, said beside them in `eval`: questions
 * whose ranking fell back to the dense one (and why; LLM errors are retried by the next retrieve),
 * questions without an answer (failed or not asked: scored as empty answers), and a partial index
 * (`--skip-failed` left passages out). Empty when the run is whole.
 */
export function runNotes(workspace: Workspace, run: string, questions: readonly Question[]): string[] {
  const retrieved = loadRetrievals(workspace, run);
  const answers = loadAnswers(workspace, run);
  const keys = [...new Set(questions.map((q) => questionKey(q.question)))].filter((key) => retrieved.has(key));
  const notes: string[] = [];
  const fallbacks = new Map<string, number>();
  for (const key of keys) {
    const trace = retrieved.get(key)!.trace as { fallback?: string; ircot?: { error?: string } };
    if (trace.fallback) fallbacks.set(trace.fallback, (fallbacks.get(trace.fallback) ?? 0) + 1);
    if (trace.ircot?.error !== undefined) fallbacks.set("ircot-error", (fallbacks.get("ircot-error") ?? 0) + 1);
  }
  if (fallbacks.size) {
    const total = [...fallbacks.values()].reduce((a, b) => a + b, 0);
    const errors = [...fallbacks.keys()].some((k) => k.endsWith("-error"));
    notes.push(`${run}: ${total} of ${keys.length} questions fell back (${[...fallbacks].map(([k, n]) => `${n} ${k}`).join(", ")})${errors ? "; the LLM errors are retried by the next retrieve" : ""}`);
  }
  if (answers.size > 0) {
    const unanswered = keys.filter((key) => !answers.has(key)).length;
    if (unanswered) notes.push(`${run}: ${unanswered} of ${keys.length} questions have no answer (failed or not asked): EM/F1 count them as empty answers; hipporag qa answers them`);
  }
  const excluded = new Set(workspace.runs.indexIds(run).flatMap((id) => workspace.indexes.excluded(id))).size;
  if (excluded) notes.push(`${run}: retrieved from a partial index (${excluded} passage${excluded === 1 ? "" : "s"} left out for lack of OpenIE, --skip-failed)`);
  return notes;
}
