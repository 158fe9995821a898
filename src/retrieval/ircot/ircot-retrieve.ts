import pLimit from "p-limit";
import { HippoError, isFatal } from "../../core/errors.js";
import type { ChatModel } from "../../llm/chat-model.js";
import { generateComplete } from "../../llm/generate-complete.js";
import type { IrcotTrace, RetrievalResult } from "../retrieval-types.js";
import { conclusionOf, firstSentence, ircotMessages, type IrcotPrompt } from "./ircot-prompt.js";
import { mergeRankings } from "./merge-rankings.js";

/** Passages of the merged ranking the reasoner reads at each step (IRCoT caps its context at 15 paragraphs). */
export const IRCOT_READ_K = 10;
/** Token limit of one reasoning sentence; a reply cut off is asked again with a larger limit (generateComplete). */
export const IRCOT_MAX_TOKENS = 256;
/** --max-steps default: upstream's max_qa_steps spirit, enough for MuSiQue's 2–4 hops plus the conclusion. */
export const DEFAULT_IRCOT_STEPS = 4;

export interface IrcotSettings {
  /** Retrieval steps at most, and reasoning calls at most (one after each retrieval). */
  maxSteps: number;
  /** Passages in the merged ranking (--top-k). */
  topK: number;
  chat: ChatModel;
  prompt: IrcotPrompt;
  concurrency: number;
  acceptTruncated?: boolean;
  /** A passage's stored text (`title\ntext`), for the reasoner and the trace's titles. */
  contentOf: (passageId: string) => string;
  signal?: AbortSignal;
  /** Called with the number of questions whose reasoning has ended. */
  onEach?: (done: number) => void;
}

interface State {
  question: string;
  query: string;
  steps: RetrievalResult[];
  sentences: string[];
  trace: IrcotTrace;
  done: boolean;
}

/**
 * IRCoT (Trivedi et al., 2023) around any retrieval method (`rank`): step 1 retrieves with the
 * question; after each retrieval the LLM writes one more reasoning sentence from the question, the
 * merged passages so far and the sentences so far (stage "ircot", cached); a sentence containing
 * "So the answer is" ends the question, and otherwise the next step retrieves with the question plus
 * that sentence, up to `maxSteps` retrievals (so at most `maxSteps` calls). Questions advance
 * together: each step is one batch of `rank` and concurrent LLM calls. The final ranking merges the
 * steps' rankings (mergeRankings); the trace of step 1 is kept, with every step under `ircot`.
 */
export async function ircotRetrieve(questions: readonly string[], rank: (queries: readonly string[]) => Promise<RetrievalResult[]>, settings: IrcotSettings): Promise<RetrievalResult[]> {
  const states: State[] = questions.map((question) => ({
    question,
    query: question,
    steps: [],
    sentences: [],
    trace: { maxSteps: settings.maxSteps, steps: [], calls: 0, tokens: { prompt: 0, completion: 0 } },
    done: false,
  }));
  const limit = pLimit(settings.concurrency);
  let finished = 0;
  const finish = (state: State) => {
    state.done = true;
    settings.onEach?.(++finished);
  };
  for (let step = 1; step <= settings.maxSteps; step++) {
    const active = states.filter((s) => !s.done);
    if (active.length === 0) break;
    interruptedCheck(settings.signal, step, questions.length - active.length, questions.length);
    // ---------- retrieval: every active question's current query in one batch
    const ranked = await rank(active.map((s) => s.query));
    active.forEach((state, i) => {
      const seen = new Set(state.steps.flatMap((s) => s.passageIds.slice(0, IRCOT_READ_K)));
      state.steps.push(ranked[i]!);
      const fresh = ranked[i]!.passageIds.slice(0, IRCOT_READ_K).filter((id) => !seen.has(id));
      state.trace.steps.push({ query: state.query, newPassages: fresh.map((passageId) => ({ passageId, title: settings.contentOf(passageId).split("\n")[0]! })) });
    });
    // ---------- reasoning: one more sentence per question, concurrently
    let stopped: unknown;
    await Promise.all(
      active.map((state) =>
        limit(async () => {
          if (stopped) throw stopped; // the stage is stopping: start nothing more
          const record = state.trace.steps.at(-1)!;
          const passages = mergeRankings(state.steps, IRCOT_READ_K).passageIds.map(settings.contentOf);
          try {
            // A call that failed was made too: counted, so "0 calls" never stands beside "failed".
            state.trace.calls++;
            const reply = await generateComplete(
              settings.chat,
              { messages: ircotMessages(settings.prompt, state.question, passages, state.sentences), stage: "ircot", maxTokens: IRCOT_MAX_TOKENS },
              { signal: settings.signal, accept: (r) => firstSentence(r.text) !== "", acceptTruncated: settings.acceptTruncated },
            );
            if (reply.finishReason === "length") state.trace.truncated = true;
            if (!reply.cacheHit) (state.trace.tokens.prompt += reply.promptTokens), (state.trace.tokens.completion += reply.completionTokens);
            const sentence = firstSentence(reply.text);
            if (!sentence) throw new Error("empty reasoning sentence");
            record.sentence = sentence;
            record.cacheHit = reply.cacheHit;
            state.sentences.push(sentence);
            const answer = conclusionOf(sentence);
            if (answer !== undefined) {
              state.trace.answer = answer;
              finish(state);
            } else if (step === settings.maxSteps) finish(state);
            else state.query = `${state.question} ${sentence}`;
          } catch (error) {
            if (settings.signal?.aborted) interruptedCheck(settings.signal, step, finished, questions.length);
            if (isFatal(error)) {
              stopped = error; // a rejected key or an unreachable server: stop the stage, not each question
              throw error;
            }
            // This question's reasoning ends here with the ranking so far; the next run retries it.
            state.trace.error = (error as Error).message;
            finish(state);
          }
        }),
      ),
    );
  }
  return states.map((state) => merged(state, settings));
}

/** The question's final result: step 1's trace with the IRCoT steps, and the merged ranking. */
function merged(state: State, settings: IrcotSettings): RetrievalResult {
  const { passageIds, scores, steps } = mergeRankings(state.steps, settings.topK);
  const first = state.steps[0]!;
  // A passage at merged rank r was placed from rank ≤ r of its step, so the top 10 are in their steps' traces.
  const top = passageIds.slice(0, 10).map((passageId, r) => ({
    passageId,
    title: settings.contentOf(passageId).split("\n")[0]!,
    score: scores[r]!,
    dense: state.steps[steps[r]!]!.trace.top.find((t) => t.passageId === passageId)?.dense ?? 0,
  }));
  return { question: state.question, passageIds, scores, trace: { ...first.trace, top, ircot: state.trace } };
}

function interruptedCheck(signal: AbortSignal | undefined, step: number, done: number, total: number): void {
  if (signal?.aborted) throw new HippoError("INTERRUPTED", `interrupted at IRCoT step ${step} (${done} of ${total} questions of this group finished reasoning; finished groups are stored)`, { suggestion: "re-run the same command to resume: stored steps' LLM replies are reused from the cache" });
}
