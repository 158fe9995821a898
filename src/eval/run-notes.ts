import type { Question } from "../datasets/dataset-types.js";
import { storedIndexFingerprint } from "../graph/memory-index.js";
import { countFallbacks } from "../retrieval/count-fallbacks.js";
import { ircotAnswerBase } from "../retrieval/ircot/store-ircot-answers.js";
import { loadAnswerRows, loadRetrievals, questionKey } from "../retrieval/retrieval-store.js";
import type { Workspace } from "../store/workspace.js";

/**
 * What a stored run's numbers do not show by themselves, said beside them in `eval`: questions
 * whose ranking fell back to the dense one (and why; LLM errors are retried by the next retrieve),
 * questions without an answer (failed or not asked: scored as empty answers), answers of several QA
 * settings (a qa with another model that stopped early), and a partial index (`--skip-failed` left
 * passages out). Empty when the run is whole.
 */
export function runNotes(
  workspace: Workspace,
  run: string,
  questions: readonly Question[],
  corpus?: readonly string[],
  /** Each index's current fingerprint (storedIndexFingerprint reads its passages' OpenIE: shared by the callers). */
  fingerprintOf: (indexId: string) => string | undefined = indexFingerprints(workspace),
): string[] {
  const retrieved = loadRetrievals(workspace, run);
  const { answers, failed, reranked } = loadAnswerRows(workspace, run);
  const keys = [...new Set(questions.map((q) => questionKey(q.question)))].filter((key) => retrieved.has(key));
  const notes: string[] = [];
  const counts = countFallbacks(keys.map((key) => retrieved.get(key)!.trace));
  // An IRCoT reasoning call that failed ends that question's reasoning with the ranking so far: not a fallback to dense.
  const ircotErrors = counts["ircot-error"] ?? 0;
  const fallbacks = Object.entries(counts).filter(([k]) => k !== "ircot-error");
  if (fallbacks.length) {
    const total = fallbacks.reduce((sum, [, n]) => sum + n, 0);
    const errors = fallbacks.some(([k]) => k.endsWith("-error"));
    notes.push(`${run}: ${total} of ${keys.length} questions fell back (${fallbacks.map(([k, n]) => `${n} ${k}`).join(", ")})${errors ? "; the LLM errors are retried by the next retrieve" : ""}`);
  }
  if (ircotErrors) {
    notes.push(`${run}: ${ircotErrors} of ${keys.length} questions stopped reasoning early (an IRCoT reasoning call failed; their ranking is that of the steps before); the next retrieve reasons again`);
  }
  if (answers.size > 0 || failed.size > 0 || reranked.size > 0) {
    const unanswered = keys.filter((key) => !answers.has(key)).length;
    const failures = keys.filter((key) => failed.has(key)).length;
    const again = keys.filter((key) => reranked.has(key)).length;
    const asked = unanswered - failures - again;
    const parts = [failures ? `${failures} failed` : "", again ? `${again} retrieved again since answered` : "", asked ? `${asked} not asked` : ""].filter(Boolean);
    const why = parts.length === 1 ? parts[0]!.replace(/^\d+ /, "") : parts.join(", ");
    // Without gold answers there is no EM/F1 to count them in (eval says it is not scored).
    // (as scoreRun does: a run with no answer and no failure left, all retrieved again since, shows no EM/F1)
    const scored = !questions.some((q) => q.goldAnswers.length > 0) ? "" : answers.size > 0 || failed.size > 0 ? ": EM/F1 count them as empty answers" : ": EM/F1 are not shown until they are answered";
    const base = ircotAnswerBase(run);
    const remedy = base === undefined ? "hipporag qa answers them" : `hipporag retrieve (with --ircot) then qa --run ${base} --ircot-answer answers them`;
    if (unanswered) notes.push(`${run}: ${unanswered} of ${keys.length} questions have no answer (${why})${scored}; ${remedy}`);
    // A qa with another model or prompt that stopped before the end leaves answers of both.
    const settings = new Map<string, number>();
    for (const key of keys) {
      const qa = answers.get(key)?.inputs.qa;
      if (qa !== undefined) settings.set(qa, (settings.get(qa) ?? 0) + 1);
    }
    if (settings.size > 1) notes.push(`${run}: its answers come from ${settings.size} QA settings (model or prompt: ${[...settings.values()].sort((a, b) => b - a).join(" + ")} questions), as a qa run that did not finish leaves them; hipporag qa with the settings wanted brings them in line`);
  }
  // Only rankings from the index as it stands (same fingerprint) are from its partial state: one
  // retrieved before the index left passages out is stale (run-eval.ts says so), not partial.
  const fromPartial = new Set<string>();
  let partialRankings = 0;
  for (const key of keys) {
    const { indexId, inputs } = retrieved.get(key)!;
    if (inputs.index !== fingerprintOf(indexId) || workspace.indexes.excluded(indexId).length === 0) continue;
    fromPartial.add(indexId);
    partialRankings++;
  }
  // Left out of the corpus eval was given (when known): an index --skip-failed built over a larger
  // corpus is whole for a smaller one.
  const inCorpus = corpus ? new Set(corpus) : undefined;
  const excluded = new Set([...fromPartial].flatMap((id) => workspace.indexes.excluded(id)).filter((id) => !inCorpus || inCorpus.has(id))).size;
  const some = partialRankings < keys.length ? ` (${partialRankings} of ${keys.length} rankings)` : "";
  if (excluded) notes.push(`${run}: retrieved from a partial index${some} (${excluded} passage${excluded === 1 ? "" : "s"} left out for lack of OpenIE, --skip-failed)`);
  return notes;
}

/** storedIndexFingerprint of each index, each read once. */
export function indexFingerprints(workspace: Workspace): (indexId: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (indexId) => {
    if (!known.has(indexId)) known.set(indexId, storedIndexFingerprint(workspace, indexId));
    return known.get(indexId);
  };
}
