import { setMaxListeners } from "node:events";
import pLimit from "p-limit";
import { HippoError, isFatal } from "../core/errors.js";
import { storageFailure } from "../store/storage-error.js";
import type { Passage } from "../datasets/dataset-types.js";
import type { ChatModel, ChatResult } from "../llm/chat-model.js";
import { generateComplete } from "../llm/generate-complete.js";
import { parseNerOutput, parseTripleOutput } from "./parse-openie-output.js";
import type { OpenIEStore } from "../store/openie-store.js";
import { nerMessages, tripleMessages } from "./prompts/build-openie-messages.js";
import type { OpenIEPrompts } from "./prompts/openie-prompts.js";

export interface OpenIESummary {
  total: number;
  /** Already done before this run (no call made). */
  skipped: number;
  /** Finished in this run. */
  extracted: number;
  failed: number;
  llmCalls: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  interrupted: boolean;
  failures: { passageId: string; stage: "ner" | "triples"; error: string }[];
}

export interface RunOpenIEOptions {
  store: OpenIEStore;
  chat: ChatModel;
  prompts: OpenIEPrompts;
  concurrency: number;
  /** Max tokens per reply (undefined = server default; upstream PAPER sent no limit). */
  maxTokens?: number;
  /** Keep truncated replies after upstream's JSON repair (default: retry with a larger limit, else record a failure). */
  acceptTruncated?: boolean;
  signal?: AbortSignal;
  onProgress?: (summary: OpenIESummary, done: number) => void;
}

export const OPENIE_SOURCE = "llm";

/**
 * Online OpenIE over the passages that lack a finished result (spec §3): NER, then triples
 * conditioned on the NER list. Each passage commits on its own, so a killed run resumes where it
 * stopped. A failure (HTTP error after retries, unparseable reply) is recorded with its reason and
 * retried by the next run; it is never stored as an empty extraction.
 */
export async function runOpenIE(passages: readonly Passage[], options: RunOpenIEOptions): Promise<OpenIESummary> {
  const { store, chat, prompts } = options;
  const existing = store.all();
  const todo = passages.filter((p) => existing.get(p.id)?.status !== "done");
  const summary: OpenIESummary = {
    total: passages.length,
    skipped: passages.length - todo.length,
    extracted: 0,
    failed: 0,
    llmCalls: 0,
    cacheHits: 0,
    promptTokens: 0,
    completionTokens: 0,
    interrupted: false,
    failures: [],
  };
  const limit = pLimit(options.concurrency);
  let finished = 0;
  // A fault no retry can fix (rejected key, unreachable server, a write that fails) stops the stage:
  // no new passage starts, requests in flight are abandoned (their passages stay to do), and what
  // finished is kept. Those abandoned are not this passage's failure, so nothing is recorded for them.
  // A failed write (disk full, read-only) only stops new passages: replies in flight are still
  // received and kept in memory, and written at the end if the cause has gone away meanwhile.
  const stop = new AbortController();
  const abortInFlight = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abortInFlight.signal]) : abortInFlight.signal;
  setMaxListeners(0, signal); // every request in flight listens on it: hundreds at once are expected
  let fatal: HippoError | undefined;
  const unsaved: { passageId: string; entities: string[]; triples?: string[][] }[] = [];
  const stopStage = (error: HippoError) => {
    fatal ??= error;
    stop.abort();
    if (error.code !== "WORKSPACE") abortInFlight.abort();
  };
  const asFatal = (error: unknown) => (isFatal(error) ? error : storageFailure(error, store.location));

  const account = (result: ChatResult) => {
    if (result.cacheHit) summary.cacheHits++;
    else {
      summary.llmCalls++;
      summary.promptTokens += result.promptTokens;
      summary.completionTokens += result.completionTokens;
    }
  };

  async function processPassage(passage: Passage): Promise<void> {
    if (signal.aborted || stop.signal.aborted) return;
    let entities = existing.get(passage.id)?.entities;
    let extracted: string[][] | undefined;
    let stage: "ner" | "triples" = "ner";
    // Only a passage with an outcome (done, or recorded as failed) counts as finished: one abandoned
    // when the stage stops is still to do, and progress must not show it as done.
    let settled = false;
    try {
      if (!entities) {
        const ner = await generateComplete(
          chat,
          { messages: nerMessages(prompts, passage.content), stage: "openie-ner", maxTokens: options.maxTokens },
          { signal, accept: (r) => parseNerOutput(r.text, r.finishReason).ok, acceptTruncated: options.acceptTruncated },
        );
        account(ner);
        const parsed = parseNerOutput(ner.text, ner.finishReason);
        if (!parsed.ok) throw new HippoError("REMOTE", `NER reply unusable: ${parsed.error}`);
        entities = parsed.value;
        store.saveNer(passage.id, entities, OPENIE_SOURCE);
      }
      stage = "triples";
      const triple = await generateComplete(
        chat,
        { messages: tripleMessages(prompts, passage.content, entities), stage: "openie-triples", maxTokens: options.maxTokens },
        { signal, accept: (r) => parseTripleOutput(r.text, r.finishReason).ok, acceptTruncated: options.acceptTruncated },
      );
      account(triple);
      const parsed = parseTripleOutput(triple.text, triple.finishReason);
      if (!parsed.ok) throw new HippoError("REMOTE", `triple reply unusable: ${parsed.error}`);
      extracted = parsed.value;
      store.saveDone(passage.id, entities, extracted, OPENIE_SOURCE);
      summary.extracted++;
      settled = true;
    } catch (error) {
      const stopping = asFatal(error);
      if (stopping) {
        if (stopping.code === "WORKSPACE" && entities) unsaved.push({ passageId: passage.id, entities, triples: extracted });
        return stopStage(stopping);
      }
      if (signal.aborted || (HippoError.isInstance(error) && error.code === "INTERRUPTED")) return;
      const message = error instanceof Error ? error.message : String(error);
      try {
        store.saveFailure(passage.id, stage, message, OPENIE_SOURCE, entities);
      } catch (writeError) {
        const failure = asFatal(writeError);
        if (failure) return stopStage(failure);
        throw writeError;
      }
      summary.failed++;
      summary.failures.push({ passageId: passage.id, stage, error: message });
      settled = true;
    } finally {
      if (settled) {
        finished++;
        options.onProgress?.(summary, summary.skipped + finished);
      }
    }
  }

  await Promise.all(todo.map((passage) => limit(() => processPassage(passage))));
  if (fatal && unsaved.length) {
    // One more try for the replies received after the write failed: kept if there is room now.
    let written = 0;
    for (const item of unsaved) {
      try {
        if (item.triples) store.saveDone(item.passageId, item.entities, item.triples, OPENIE_SOURCE);
        else store.saveNer(item.passageId, item.entities, OPENIE_SOURCE);
        written++;
      } catch {
        break;
      }
    }
    summary.extracted += unsaved.slice(0, written).filter((item) => item.triples).length;
    throw new HippoError(fatal.code, `${fatal.message}; of ${unsaved.length} replies received after that, ${written} were written on a second try and ${unsaved.length - written} dropped (they are extracted again by the next run)`, {
      suggestion: fatal.suggestion,
      fatal: true,
    });
  }
  if (fatal) throw fatal;
  summary.interrupted = options.signal?.aborted ?? false;
  return summary;
}
