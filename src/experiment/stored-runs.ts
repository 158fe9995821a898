import { HippoError, usageError } from "../core/errors.js";
import { changedParts, fingerprint, RecomputeTally, type Inputs } from "../core/fingerprint.js";
import type { Question } from "../datasets/dataset-types.js";
import { withMetadata, type HippoRag, type RetrievedDocs } from "../hipporag.js";
import { QA_TOP_K, qaMessages } from "../qa/qa-prompt.js";
import { runQa, type QaItem, type QaOutcome } from "../qa/run-qa.js";
import { DEFAULT_IRCOT_PROMPT, ircotMessages } from "../retrieval/ircot/ircot-prompt.js";
import { IRCOT_MAX_TOKENS } from "../retrieval/ircot/ircot-retrieve.js";
import { ircotUsage, type IrcotUsage } from "../retrieval/ircot/ircot-usage.js";
import { storeIrcotAnswers } from "../retrieval/ircot/store-ircot-answers.js";
import { methodId, methodOf } from "../retrieval/method-registry.js";
import { loadAnswerRows, loadRetrievals, questionKey, saveAnswer, saveFailedAnswer, saveRetrievals } from "../retrieval/retrieval-store.js";
import type { RetrievalOptions } from "../retrieval/retriever.js";
import { countFallbacks, firstLlmErrors, type LlmFailure } from "../retrieval/count-fallbacks.js";
import { runLabel } from "../retrieval/run-label.js";
import { rankedMetadata } from "../store/passage-store.js";

/**
 * The experiment runner's bookkeeping, apart from the library class: retrieval runs and answers
 * stored in the workspace per run label, each reused only when every input it was computed from is
 * unchanged (the reuse rule, core/fingerprint.ts), computed again otherwise with the reason counted.
 * The CLI's retrieve, qa and run (and their dry runs) are built on these.
 */

/**
 * What a retrieval of `question` with `options` is computed from (the reuse rule, core/fingerprint):
 * the question's text, the index (OpenIE, corpus, encoder), the settings, and the LLM and prompt
 * of the filter or query NER when they take part; for IRCoT also the reasoning LLM and its prompt.
 */
function retrievalInputs(hippo: HippoRag, question: string, options: RetrievalOptions, indexFingerprint: string): Inputs {
  const use = methodOf(options.method).llmUse(options);
  const inputs: Inputs = {
    question: questionKey(question),
    index: indexFingerprint,
    // A method object (library) is fingerprinted by its id, as a registered one is.
    settings: fingerprint({ ...(methodOf(options.method).settingsOf?.(options) ?? options), method: methodId(options.method) }),
    // --filter-max-tokens only when set: results stored before it existed keep their inputs
    llm: fingerprint(use ? { model: hippo.stageLlm("filter")?.modelId, prompt: use.prompt, ...filterMaxTokens(hippo) } : null),
  };
  // Only IRCoT runs have this part, so single-step results keep the inputs they were stored with.
  if (options.ircotSteps) {
    const prompt = ircotMessages(hippo.config.ircotPrompt ?? DEFAULT_IRCOT_PROMPT, "{question}", ["{passage}"], ["{thought}"]);
    inputs.reasoner = fingerprint({ model: hippo.stageLlm("qa")?.modelId, prompt, maxTokens: IRCOT_MAX_TOKENS });
  }
  return inputs;
}

function filterMaxTokens(hippo: HippoRag): { maxTokens?: number } {
  const max = hippo.stageLlm("filter")?.maxTokens;
  return max === undefined ? {} : { maxTokens: max };
}

/**
 * Retrieves for dataset questions and stores each result under its run label. A stored result is
 * reused only when every input it was computed from is unchanged (`retrievalInputs`); a filter or
 * NER error is retried. Results are saved every 64 questions, so an interrupted run resumes.
 * `onEach(done, todo)` counts the questions retrieved in this call (reused ones are not retrieved).
 */
/**
 * Which of these questions a retrieval with `overrides` must compute, and why (the reuse rule);
 * reads only. What `retrieveQuestions` does first, and what a dry run reports.
 */
export function planRetrieval(hippo: HippoRag, questions: readonly Question[], overrides: Partial<RetrievalOptions> = {}): { run: string; options: RetrievalOptions; todo: Question[]; tally: RecomputeTally; usesLlm: boolean } {
  const options = hippo.retrievalOptions(overrides);
  const run = runLabel(options);
  const index = hippo.memoryIndex();
  index.assertFresh();
  const indexFingerprint = index.fingerprint();
  const stored = loadRetrievals(hippo.workspace, run);
  const storedKeyOfId = new Map([...stored.values()].map((row) => [row.questionId, row.questionKey]));
  const tally = new RecomputeTally();
  const todo: Question[] = [];
  const planned = new Set<string>();
  for (const q of questions) {
    const key = questionKey(q.question);
    if (planned.has(key)) continue; // the same text twice: one result serves both
    planned.add(key);
    const row = stored.get(key);
    const inputs = retrievalInputs(hippo, q.question, options, indexFingerprint);
    const changed = changedParts(row?.inputs, inputs);
    const retry = row?.trace.fallback === "filter-error" || row?.trace.fallback === "ner-error" || row?.trace.ircot?.error !== undefined;
    // Reasoning kept from a cut-off reply only because --accept-truncated allowed it: redone without the flag.
    const cutOff = row?.trace.ircot?.truncated === true && !hippo.config.acceptTruncated;
    // Stored by an earlier version as concluded with an empty answer ("So the answer is:" alone): reasoned again.
    const emptyConclusion = row?.trace.ircot?.answer === "";
    const reason = !row
      ? storedKeyOfId.has(q.id) && storedKeyOfId.get(q.id) !== key ? "question text changed" : "new"
      : changed.length ? RECOMPUTE_REASONS[changed[0]!] ?? `${changed[0]} changed` : retry ? "retried after an LLM error" : cutOff ? "IRCoT reasoning cut off by the token limit (kept under --accept-truncated)" : emptyConclusion ? "IRCoT concluded without an answer" : undefined;
    tally.add(reason);
    if (reason) todo.push(q);
  }
  const usesLlm = Boolean(methodOf(options.method).llmUse(options)) || Boolean(options.ircotSteps);
  return { run, options, todo, tally, usesLlm };
}

export async function retrieveQuestions(
  hippo: HippoRag,
  questions: readonly Question[],
  overrides: Partial<RetrievalOptions> = {},
  onEach?: (done: number, todo: number) => void,
  signal?: AbortSignal,
): Promise<{ run: string; results: Map<string, RetrievedDocs>; reused: number; recomputed: RecomputeTally; fallbacks: Record<string, number>; llmErrors: Partial<Record<LlmFailure, string>>; ircot?: IrcotUsage }> {
  const { run, options, todo, tally } = planRetrieval(hippo, questions, overrides);
  const index = hippo.memoryIndex();
  const indexFingerprint = index.fingerprint();
  for (let start = 0; start < todo.length; start += 64) {
    if (signal?.aborted) throw new HippoError("INTERRUPTED", `interrupted: ${start} of ${todo.length} questions retrieved and stored for run ${run}`, { suggestion: "re-run the same command to resume" });
    const group = todo.slice(start, start + 64);
    const fresh = await hippo.retrieve(group.map((q) => q.question), undefined, overrides, (done) => onEach?.(start + done, todo.length), signal);
    saveRetrievals(hippo.workspace, run, index.id, group.map((q, i) => ({ questionId: q.id, inputs: retrievalInputs(hippo, q.question, options, indexFingerprint), result: fresh[i]! })));
  }
  const all = loadRetrievals(hippo.workspace, run);
  const ids = [...new Set([...all.values()].flatMap((r) => r.passageIds))];
  const contents = index.passageContents(ids);
  const contentOf = new Map(ids.map((id, i) => [id, contents[i]!]));
  const results = new Map<string, RetrievedDocs>();
  for (const q of questions) {
    const row = all.get(questionKey(q.question))!;
    results.set(q.id, withMetadata({ question: row.question, passageIds: row.passageIds, scores: row.scores, trace: row.trace, docs: row.passageIds.map((id) => contentOf.get(id)!) }, rankedMetadata(hippo.workspace.passages, row.passageIds)));
  }
  const traces = [...results.values()].map((r) => r.trace);
  const fallbacks = countFallbacks(traces);
  return { run, results, reused: tally.reused, recomputed: tally, fallbacks, llmErrors: firstLlmErrors(traces), ...(options.ircotSteps ? { ircot: ircotUsage([...results.values()]) } : {}) };
}

/**
 * Which answers of a stored run QA must compute, and why, with the QA item of each; reads only. A
 * stored answer is reused only when its inputs are unchanged: the question, the passages it was
 * given (qa top-k of the current ranking), the QA model and prompt. The run must be current: a
 * ranking retrieved from another index, or from this one before it changed, is refused, as are
 * questions the run never retrieved. Failures are asked again.
 */
export function planAnswers(hippo: HippoRag, run: string, questions: readonly Question[]): { keys: string[]; todo: QaItem[]; tally: RecomputeTally; inputsOf: (key: string) => Inputs } {
  const stored = loadRetrievals(hippo.workspace, run);
  const index = hippo.memoryIndex();
  const indexFingerprint = index.fingerprint();
  const keys = [...new Set(questions.map((q) => questionKey(q.question)))];
  const missing = keys.filter((key) => !stored.has(key));
  if (missing.length) {
    throw usageError(`${missing.length} of ${keys.length} questions have no stored retrieval in run ${run}`, `retrieve them first (hipporag retrieve with the settings of ${run})`);
  }
  const elsewhere = [...new Set(keys.map((key) => stored.get(key)!.indexId).filter((id) => id !== index.id))];
  if (elsewhere.length) {
    throw usageError(
      `run ${run} was retrieved from ${elsewhere.length === 1 ? "the index" : "the indexes"} ${elsewhere.join(", ")}, not from ${index.id}, the one these options name`,
      `name the OpenIE model (--openie-llm-name ${hippo.workspace.indexes.get(elsewhere[0]!)?.openieModel ?? "…"}), --embedding-name (with its --instruction-format) and --vectors it was retrieved with, or retrieve it again with these options`,
    );
  }
  const stale = keys.filter((key) => stored.get(key)!.inputs.index !== indexFingerprint);
  if (stale.length) {
    throw usageError(`run ${run} is out of date for ${stale.length} of ${keys.length} questions: the index changed since they were retrieved`, `retrieve again (hipporag retrieve with the settings of ${run}); QA on the old rankings would not be current`);
  }
  const { answers, failed, reranked } = loadAnswerRows(hippo.workspace, run);
  const topK = hippo.config.qaTopK ?? QA_TOP_K;
  const qaLlm = hippo.stageLlm("qa");
  const qa = fingerprint({ model: qaLlm?.modelId, maxTokens: qaLlm?.maxTokens ?? null, prompt: qaMessages(["{passage}"], "{question}") });
  const inputsOf = (key: string): Inputs => ({ question: key, passages: fingerprint(stored.get(key)!.passageIds.slice(0, topK)), qa });
  const tally = new RecomputeTally();
  const todo: QaItem[] = [];
  for (const key of keys) {
    const held = answers.get(key)?.inputs;
    const changed = changedParts(held, inputsOf(key));
    // An answer from a reply cut off by the token limit was kept only because --accept-truncated
    // allowed it: without the flag it is no answer, and is asked again (with a larger limit).
    const cutOff = held?.[TRUNCATED_MARK] !== undefined && !hippo.config.acceptTruncated;
    const reason = changed.length ? (changed[0] === "new" ? (failed.has(key) ? "failed before" : reranked.has(key) ? "retrieved again since it was answered" : "new") : changed[0] === "passages" ? "passages changed (ranking or qa top-k)" : "QA model, prompt or max tokens changed") : cutOff ? "cut off by the token limit (kept under --accept-truncated)" : undefined;
    tally.add(reason);
    if (reason) todo.push({ key, question: stored.get(key)!.question, passages: index.passageContents(stored.get(key)!.passageIds.slice(0, topK)) });
  }
  return { keys, todo, tally, inputsOf };
}

export async function answerStored(
  hippo: HippoRag,
  run: string,
  questions: readonly Question[],
  onEach?: (done: number) => void,
  signal?: AbortSignal,
): Promise<{ answered: number; reused: number; recomputed: RecomputeTally; failed: QaOutcome[]; tokens: { prompt: number; completion: number } }> {
  const { keys, todo, tally, inputsOf } = planAnswers(hippo, run, questions);
  const qaLlm = hippo.stageLlm("qa");
  const outcomes = await runQa(
    todo,
    hippo.chat("qa"),
    {
      concurrency: qaLlm!.concurrency,
      maxTokens: qaLlm!.maxTokens,
      acceptTruncated: hippo.config.acceptTruncated,
      onEach: (done) => onEach?.(tally.reused + done),
      onAnswer: (outcome) => saveAnswer(hippo.workspace, run, outcome.key, { ...inputsOf(outcome.key), ...(outcome.truncated ? { [TRUNCATED_MARK]: "yes" } : {}) }, outcome.answer!, outcome.raw!),
      // A question answered again failed: its stored answer came from other inputs (another QA
      // model, prompt or passages), so it is replaced by the failure rather than shown as this run's
      // answer (eval counts it as failed, the next qa asks again). One not reached (interrupted, or
      // the stage stopped) keeps it, and eval notes answers of mixed inputs.
      onFailure: (outcome) => saveFailedAnswer(hippo.workspace, run, outcome.key, inputsOf(outcome.key), outcome.error ?? "failed"),
      signal,
    },
  );
  if (signal?.aborted) {
    const answered = outcomes.filter((o) => o.answer !== undefined).length;
    throw new HippoError("INTERRUPTED", `interrupted: ${tally.reused + answered} of ${keys.length} answers of run ${run} are stored`, { suggestion: "re-run the same command to resume" });
  }
  const tokens = { prompt: 0, completion: 0 };
  for (const outcome of outcomes) {
    tokens.prompt += outcome.promptTokens;
    tokens.completion += outcome.completionTokens;
  }
  return { answered: outcomes.filter((o) => o.answer !== undefined).length, reused: tally.reused, recomputed: tally, failed: outcomes.filter((o) => o.error), tokens };
}

/** IRCoT's own answers of a stored IRCoT run, stored and scored as a run of their own (retrieval/ircot/store-ircot-answers.ts). */
export function storeIrcotAnswersOf(hippo: HippoRag, run: string, questions: readonly Question[]): ReturnType<typeof storeIrcotAnswers> {
  return storeIrcotAnswers(hippo.workspace, run, questions, hippo.memoryIndex().fingerprint());
}

/**
 * Stored beside an answer's input fingerprints when its reply was cut off by the token limit (kept
 * under --accept-truncated). Not an input: changedParts compares only the parts the current inputs
 * have, so an answer so marked is reused while the flag is on and asked again once it is off.
 */
const TRUNCATED_MARK = "truncated";

/** The output's words for each input of a retrieval that changed. */
const RECOMPUTE_REASONS: Record<string, string> = {
  new: "new",
  question: "question text changed",
  index: "index changed since the stored run",
  settings: "settings changed",
  llm: "filter LLM, prompt or max tokens changed",
  reasoner: "IRCoT reasoning LLM or prompt changed",
};
