import { HippoError, usageError } from "./core/errors.js";
import { md5Hex, passageId } from "./core/ids.js";
import { createLogger, type Logger } from "./core/logger.js";
import type { Passage, Question } from "./datasets/dataset-types.js";
import { createEncoder, DEFAULT_ENCODER, type EncoderSettings } from "./embedding/create-encoder.js";
import type { Encoder } from "./embedding/encoder.js";
import { evaluate, type EvalReport } from "./eval/evaluate.js";
import { MemoryIndex, type IndexProgress, type IndexUpdate } from "./graph/memory-index.js";
import { CachedChatModel } from "./llm/cached-chat-model.js";
import { OpenAIChatModel } from "./llm/openai-chat-model.js";
import type { RetryInfo } from "./llm/retry.js";
import { openieModels } from "./openie/openie-store.js";
import { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./openie/prompts/openie-prompts.js";
import { runOpenIE, type OpenIESummary } from "./openie/run-openie.js";
import { runQa, type QaOutcome } from "./qa/run-qa.js";
import { loadRetrievals, saveAnswer, saveRetrievals } from "./retrieval/retrieval-store.js";
import { DEFAULT_RETRIEVAL, effectiveRetrievalOptions, Retriever, type RetrievalOptions, type RetrievalResult } from "./retrieval/retriever.js";
import { insertPassages, rankedMetadata, splitPassage } from "./store/passage-store.js";
import { Workspace } from "./store/workspace.js";

export interface LlmConfig {
  model: string;
  baseUrl?: string;
  /** Never logged or stored. */
  apiKey?: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryAfterMs?: number;
  maxTokens?: number;
  onRetry?: (info: RetryInfo) => void;
}

export interface HippoRagConfig {
  /** Workspace folder (one SQLite file inside). */
  saveDir: string;
  /** The LLM for OpenIE, the filter and QA; without one, only imported/batch OpenIE and --no-filter retrieval work. */
  llm?: LlmConfig;
  /** Which OpenIE results index on (default: the LLM's name, else the only model in the workspace). */
  openieModel?: string;
  embedding?: EncoderSettings;
  /** Or a ready encoder (takes precedence over `embedding`). */
  encoder?: Encoder;
  retrieval?: Partial<RetrievalOptions>;
  /** Passages in the QA prompt (upstream qa_top_k = 5). */
  qaTopK?: number;
  /** How new dense vectors are stored: f32, or f16 (half the space; ~1e-3 relative error). */
  vectorDtype?: "f32" | "f16";
  openiePrompts?: OpenIEPrompts;
  logger?: Logger;
}

export type DocInput = string | { title: string; text: string; metadata?: Record<string, unknown> };

export interface RetrievedDocs extends RetrievalResult {
  docs: string[];
  /** Per doc, the passage's stored metadata (source, chunk position, …) or null; absent when no doc has any. */
  metadata?: (Record<string, unknown> | null)[];
}

export interface QaResult {
  question: string;
  answer?: string;
  raw?: string;
  error?: string;
  docs: string[];
}

/**
 * Runs are named by what they measure: "hipporag2", "hipporag2-nofilter", "dense", "bm25", with a
 * suffix for each setting away from its default, so a sweep (Table 5's passage-node weights) keeps
 * one stored run per value: "hipporag2-pnw0.01", "hipporag2-nofilter-link10-damping0.85".
 */
export function runLabel(options: RetrievalOptions): string {
  const d = DEFAULT_RETRIEVAL;
  const top = options.topK !== d.topK ? `-top${options.topK}` : "";
  if (options.method !== "hipporag") return `${options.method}${top}`;
  const linking = options.linking === "fact" ? (options.filter ? "" : "-nofilter") : options.linking === "query" ? "-querynode" : "-nernode";
  return [
    `hipporag2${linking}`,
    options.passageNodes ? "" : "-nopassagenodes",
    options.passageNodes && options.passageNodeWeight !== d.passageNodeWeight ? `-pnw${options.passageNodeWeight}` : "",
    options.linkingTopK !== d.linkingTopK ? `-link${options.linkingTopK}` : "",
    options.damping !== d.damping ? `-damping${options.damping}` : "",
    options.filter && options.filterMatchCutoff !== d.filterMatchCutoff ? `-cutoff${options.filterMatchCutoff}` : "",
    options.seedWeighting === "head" ? "-headseeds" : "",
    top,
  ].join("");
}

/**
 * HippoRAG 2 as a library object, with the shape of the original's quick start:
 * `index(docs)`, `retrieve(queries, numToRetrieve)`, `ragQa(queries | retrievals, gold)`, `delete(docs)`.
 * Everything is stored in the workspace, so every call resumes and reuses earlier work.
 */
export class HippoRag {
  readonly workspace: Workspace;
  readonly logger: Logger;
  private chatModel?: CachedChatModel;
  private retrieverCache?: { key: string; retriever: Retriever };

  private constructor(
    readonly config: HippoRagConfig,
    readonly encoder: Encoder,
  ) {
    this.workspace = Workspace.open(config.saveDir);
    this.logger = config.logger ?? createLogger("warn");
  }

  static async open(config: HippoRagConfig): Promise<HippoRag> {
    const encoder = config.encoder ?? (await createEncoder(config.embedding ?? { name: DEFAULT_ENCODER }));
    return new HippoRag(config, encoder);
  }

  close(): void {
    this.workspace.close();
  }

  /** The LLM behind OpenIE, the filter and QA, wrapped in the workspace's response cache. */
  chat(): CachedChatModel {
    if (!this.config.llm) {
      throw usageError("this step needs an LLM and none is configured", "pass --llm-base-url/--llm-name (or set OPENAI_API_KEY), or use --no-filter / --skip-qa for the graph-only path");
    }
    this.chatModel ??= new CachedChatModel(
      new OpenAIChatModel(this.config.llm.model, {
        baseUrl: this.config.llm.baseUrl,
        apiKey: this.config.llm.apiKey,
        timeoutMs: this.config.llm.timeoutMs,
        retry: { maxRetries: this.config.llm.maxRetries, maxRetryAfterMs: this.config.llm.maxRetryAfterMs },
        onRetry: this.config.llm.onRetry,
      }),
      this.workspace,
    );
    return this.chatModel;
  }

  /** OpenIE model whose results are indexed: configured, else the LLM's, else the only one present. */
  openieModel(): string {
    if (this.config.openieModel) return this.config.openieModel;
    const present = openieModels(this.workspace).filter((m) => m.done > 0);
    if (this.config.llm && (present.length === 0 || present.some((m) => m.model === this.config.llm!.model))) return this.config.llm.model;
    if (present.length === 1) return present[0]!.model;
    if (present.length === 0) return this.config.llm?.model ?? "gpt-4o-mini";
    throw usageError(`the workspace holds OpenIE results of several models (${present.map((m) => m.model).join(", ")})`, "choose one with --llm-name");
  }

  memoryIndex(): MemoryIndex {
    return new MemoryIndex(this.workspace, this.openieModel(), this.encoder, undefined, this.config.vectorDtype);
  }

  /**
   * Adds documents (`title\ntext` strings or {title, text}) to the memory. OpenIE runs for those that
   * lack it when an LLM is configured; otherwise they must have been imported (or batch-ingested).
   */
  async index(
    docs: readonly DocInput[],
    options: { signal?: AbortSignal; onOpenIEProgress?: (s: OpenIESummary, done: number) => void } & IndexProgress = {},
  ): Promise<IndexUpdate & { openie?: OpenIESummary }> {
    const passages = toPassages(docs);
    insertPassages(this.workspace, passages);
    const index = this.memoryIndex();
    let openie: OpenIESummary | undefined;
    const lacking = index.missingOpenIE(passages.map((p) => p.id));
    if (lacking.missing.length > 0 && this.config.llm) {
      const missing = new Set(lacking.missing);
      openie = await runOpenIE(passages.filter((p) => missing.has(p.id)), {
        store: index.openie,
        chat: this.chat(),
        prompts: this.config.openiePrompts ?? DEFAULT_OPENIE_PROMPTS,
        concurrency: this.config.llm.concurrency ?? 16,
        maxTokens: this.config.llm.maxTokens,
        signal: options.signal,
        onProgress: options.onOpenIEProgress,
      });
      if (openie.interrupted) throw new HippoError("INTERRUPTED", "interrupted during OpenIE; finished passages are kept", { suggestion: "re-run to resume" });
      if (openie.failed > 0) {
        throw new HippoError("INCOMPLETE", `OpenIE failed for ${openie.failed} passages (first: ${openie.failures[0]!.error})`, {
          suggestion: "re-run: only the failed passages are retried, everything else is kept",
        });
      }
    }
    const update = await index.add(passages.map((p) => p.id), { onStage: options.onStage, onProgress: options.onProgress }, options.signal);
    this.retrieverCache = undefined;
    return { ...update, openie };
  }

  /** Removes documents, and the facts, entities and edges only they supported. */
  async delete(docs: readonly DocInput[]): Promise<IndexUpdate> {
    const ids = toPassages(docs).map((p) => p.id);
    const update = await this.memoryIndex().delete(ids);
    this.retrieverCache = undefined;
    return update;
  }

  retrievalOptions(overrides: Partial<RetrievalOptions> = {}): RetrievalOptions {
    return effectiveRetrievalOptions({ ...DEFAULT_RETRIEVAL, ...this.config.retrieval, ...overrides });
  }

  async retriever(): Promise<Retriever> {
    const index = this.memoryIndex();
    const ids = index.passageIds();
    if (ids.length === 0) throw usageError(`nothing is indexed in ${this.workspace.path} for OpenIE model ${index.openieModel} and encoder ${this.encoder.id}`, "run hipporag index first (with the same --llm-name and --embedding-name)");
    const key = `${index.id}:${md5Hex(ids.join(","))}`;
    if (this.retrieverCache?.key !== key) {
      // The filter can be switched on per call, so the retriever gets the LLM whenever one is configured.
      const chat = this.config.llm ? this.chat() : undefined;
      this.retrieverCache = { key, retriever: await Retriever.create(index, chat, this.config.llm?.concurrency ?? 8) };
    }
    return this.retrieverCache.retriever;
  }

  /** Ranked passages for each query (upstream `retrieve`); results carry a trace of every decision. */
  async retrieve(queries: readonly string[], numToRetrieve?: number, overrides: Partial<RetrievalOptions> = {}, onEach?: (done: number) => void): Promise<RetrievedDocs[]> {
    const options = this.retrievalOptions({ ...overrides, ...(numToRetrieve ? { topK: numToRetrieve } : {}) });
    if (options.method === "hipporag" && options.filter && !this.config.llm) {
      throw usageError("the recognition-memory filter needs an LLM", "configure one, or pass --no-filter (the paper's w/o-filter ablation)");
    }
    if (options.method === "hipporag" && options.linking === "ner" && !this.config.llm) {
      throw usageError("NER-to-node linking needs an LLM for the questions' named entities", "configure one with --llm-base-url and --llm-name");
    }
    const retriever = await this.retriever();
    const results = await retriever.retrieve(queries, options, onEach);
    const contentOf = new Map(retriever.graph.passageIds.map((id, i) => [id, retriever.contents[i]!]));
    return results.map((r) => withMetadata({ ...r, docs: r.passageIds.map((id) => contentOf.get(id)!) }, rankedMetadata(this.workspace, r.passageIds)));
  }

  /**
   * Retrieves for dataset questions and stores each result under its run label; questions already
   * stored with the same settings and index are reused (a filter error is retried).
   */
  /** `onEach(done)` counts the questions retrieved in this call (reused ones are not retrieved). */
  async retrieveQuestions(questions: readonly Question[], overrides: Partial<RetrievalOptions> = {}, onEach?: (done: number, todo: number) => void): Promise<{ run: string; results: Map<string, RetrievedDocs>; reused: number; fallbacks: Record<string, number> }> {
    const options = this.retrievalOptions(overrides);
    const run = runLabel(options);
    const index = this.memoryIndex();
    const fingerprint = md5Hex(JSON.stringify({ options, index: index.id, passages: md5Hex(index.passageIds().join(",")) }));
    const stored = loadRetrievals(this.workspace, run);
    const todo = questions.filter((q) => {
      const row = stored.get(q.id);
      return !row || row.trace?.fingerprint !== fingerprint || row.trace?.fallback === "filter-error" || row.trace?.fallback === "ner-error";
    });
    if (todo.length > 0) {
      const fresh = await this.retrieve(todo.map((q) => q.question), undefined, overrides, (done) => onEach?.(done, todo.length));
      saveRetrievals(this.workspace, run, todo.map((q, i) => ({ questionId: q.id, result: fresh[i]! })), fingerprint);
    }
    const all = loadRetrievals(this.workspace, run);
    const ids = [...new Set([...all.values()].flatMap((r) => r.passageIds))];
    const contents = index.passageContents(ids);
    const contentOf = new Map(ids.map((id, i) => [id, contents[i]!]));
    const results = new Map<string, RetrievedDocs>();
    const fallbacks: Record<string, number> = {};
    for (const q of questions) {
      const row = all.get(q.id)!;
      results.set(q.id, withMetadata({ question: row.question, passageIds: row.passageIds, scores: row.scores, trace: row.trace, docs: row.passageIds.map((id) => contentOf.get(id)!) }, rankedMetadata(this.workspace, row.passageIds)));
      if (row.trace?.fallback) fallbacks[row.trace.fallback] = (fallbacks[row.trace.fallback] ?? 0) + 1;
    }
    return { run, results, reused: questions.length - todo.length, fallbacks };
  }

  /**
   * Answers questions from their top `qaTopK` passages (upstream `rag_qa`). Takes queries (retrieved
   * first) or earlier retrievals; with gold docs/answers it also returns the evaluation.
   */
  async ragQa(
    queriesOrRetrievals: readonly string[] | readonly RetrievedDocs[],
    gold: { goldDocs?: readonly (readonly string[])[]; goldAnswers?: readonly (readonly string[])[] } = {},
  ): Promise<{ results: QaResult[]; evaluation?: EvalReport }> {
    const retrievals = typeof queriesOrRetrievals[0] === "string" ? await this.retrieve(queriesOrRetrievals as string[]) : (queriesOrRetrievals as RetrievedDocs[]);
    const topK = this.config.qaTopK ?? 5;
    const outcomes = await runQa(
      retrievals.map((r, i) => ({ key: String(i), question: r.question, passages: r.docs.slice(0, topK) })),
      this.chat(),
      { concurrency: this.config.llm?.concurrency ?? 8, maxTokens: this.config.llm?.maxTokens },
    );
    const results = outcomes.map((o, i) => ({ question: retrievals[i]!.question, answer: o.answer, raw: o.raw, error: o.error, docs: retrievals[i]!.docs }));
    let evaluation: EvalReport | undefined;
    if (gold.goldAnswers || gold.goldDocs) {
      evaluation = evaluate(results.map((r, i) => ({
        docs: gold.goldDocs ? r.docs : undefined,
        goldDocs: gold.goldDocs?.[i] ?? [],
        answer: gold.goldAnswers ? (r.answer ?? "") : undefined,
        goldAnswers: gold.goldAnswers?.[i] ?? [],
      })));
    }
    return { results, evaluation };
  }

  /** QA over a stored run's retrievals; answers already stored are reused, failures retried next time. */
  async answerStored(run: string, questions: readonly Question[], onEach?: (done: number) => void, signal?: AbortSignal): Promise<{ answered: number; reused: number; failed: QaOutcome[]; tokens: { prompt: number; completion: number } }> {
    const stored = loadRetrievals(this.workspace, run);
    const existing = new Set(this.workspace.db.prepare("SELECT question_id FROM answers WHERE run = ?").pluck().all(run) as string[]);
    const todo = questions.filter((q) => stored.has(q.id) && !existing.has(q.id));
    const already = questions.length - todo.length; // reused answers (or questions without a retrieval) count as done
    const index = this.memoryIndex();
    const topK = this.config.qaTopK ?? 5;
    const outcomes = await runQa(
      todo.map((q) => ({ key: q.id, question: q.question, passages: index.passageContents(stored.get(q.id)!.passageIds.slice(0, topK)) })),
      this.chat(),
      { concurrency: this.config.llm?.concurrency ?? 8, maxTokens: this.config.llm?.maxTokens, onEach: (done) => onEach?.(already + done), signal },
    );
    const tokens = { prompt: 0, completion: 0 };
    for (const outcome of outcomes) {
      tokens.prompt += outcome.promptTokens;
      tokens.completion += outcome.completionTokens;
      if (outcome.answer !== undefined) saveAnswer(this.workspace, run, outcome.key, outcome.answer, outcome.raw!);
    }
    return { answered: outcomes.filter((o) => o.answer !== undefined).length, reused: questions.filter((q) => existing.has(q.id)).length, failed: outcomes.filter((o) => o.error), tokens };
  }
}

export function toPassages(docs: readonly DocInput[]): Passage[] {
  // A string is indexed exactly as given (upstream hashes the string itself); {title, text} becomes
  // `title\ntext`, as upstream main.py builds its docs.
  return docs.map((doc) => {
    const content = typeof doc === "string" ? doc : `${doc.title}\n${doc.text}`;
    const { title, text } = typeof doc === "string" ? splitPassage(doc) : doc;
    const metadata = typeof doc === "string" ? undefined : doc.metadata;
    return { id: passageId(content), title, text, content, ...(metadata ? { metadata } : {}) };
  });
}

function withMetadata(result: RetrievedDocs, metadata: RetrievedDocs["metadata"]): RetrievedDocs {
  return metadata ? { ...result, metadata } : result;
}
