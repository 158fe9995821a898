import type { ChatMessage } from "../llm/chat-model.js";
import type { RetrievalOptions, RetrievalResult, RetrievalTrace } from "./retrieval-types.js";
import type { Retriever } from "./retriever.js";

/** What a method may use while ranking, besides the memory: progress, Ctrl-C, and a cooperative tick. */
export interface MethodContext {
  /** Called with the number of questions finished so far in this call. */
  onEach?: (done: number) => void;
  signal?: AbortSignal;
  /** Gives the event loop a turn during long synchronous work; throws INTERRUPTED once the signal is aborted. */
  tick: () => Promise<void>;
}

/** An LLM a method needs with some options: the prompt (fingerprinted with the model) and what to say without one. */
export interface MethodLlmUse {
  /** The messages with placeholders ({question}, …): a change of wording recomputes stored results. */
  prompt: ChatMessage[];
  /** The usage error when no LLM is configured, and its hint. */
  missing: [message: string, hint: string];
}

/** What --explain prints for a method, beside the question and the top passages every method has. */
export interface MethodExplanation {
  /** After "method: <id>", e.g. ", linking: query-to-fact". */
  detail: string;
  sections: { title: string; columns?: string[]; rows?: (string | number)[][]; lines?: string[] }[];
  /** The heading of the top passages' score column ("PPR", "score", …). */
  scoreColumn: string;
}

/**
 * A retrieval method: ranks a batch of questions over the loaded memory (`Retriever`). Each one is a
 * file in `methods/` registered in `method-registry.ts`, which feeds the CLI's --method choices,
 * run labels and --explain; the library also takes a method object in `RetrievalOptions.method`.
 */
export interface RetrievalMethod {
  /** The --method value and the trace's `method`. */
  readonly id: string;
  /** One phrase for --help. */
  readonly description: string;
  /** The stored run's name for these options: the method's name plus a suffix per setting away from its default. */
  label(options: RetrievalOptions): string;
  /** The LLM this method calls with these options, or null when it calls none. */
  llmUse(options: RetrievalOptions): MethodLlmUse | null;
  /** Ranks `questions` (one result each, in order); options arrive as they take effect (effectiveRetrievalOptions). */
  doRetrieve(memory: Retriever, questions: readonly string[], options: RetrievalOptions, context: MethodContext): Promise<RetrievalResult[]>;
  explain(trace: RetrievalTrace): MethodExplanation;
}
