import { HippoError, usageError } from "./core/errors.js";
import { changedParts, fingerprint, RecomputeTally, type Inputs } from "./core/fingerprint.js";
import { passageId } from "./core/ids.js";
import type { Logger } from "./core/logger.js";
import { positiveInt } from "./core/validate.js";
import type { Passage, Question } from "./datasets/dataset-types.js";
import { createEncoder, DEFAULT_ENCODER, type EncoderSettings } from "./embedding/create-encoder.js";
import type { Encoder } from "./embedding/encoder.js";
import { evaluate, type EvalReport } from "./eval/evaluate.js";
import { MemoryIndex, type IndexProgress, type IndexUpdate } from "./graph/memory-index.js";
import { CachedChatModel } from "./llm/cached-chat-model.js";
import { LLM_DEFAULTS, resolveLlmConfig, type LlmConfig, type ResolvedLlmConfig } from "./llm/llm-config.js";
import { OpenAIChatModel } from "./llm/openai-chat-model.js";
import { openieModels } from "./openie/openie-store.js";
import { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./openie/prompts/openie-prompts.js";
import { runOpenIE, type OpenIESummary } from "./openie/run-openie.js";
import { QA_TOP_K, qaMessages } from "./qa/qa-prompt.js";
import { runQa, type QaOutcome } from "./qa/run-qa.js";
import { filterMessages } from "./retrieval/filter-prompt.js";
import { queryNerMessages } from "./retrieval/query-ner-prompt.js";
import { loadAnswers, loadRetrievals, questionKey, saveAnswer, saveRetrievals } from "./retrieval/retrieval-store.js";
import { DEFAULT_RETRIEVAL, effectiveRetrievalOptions, Retriever, type RetrievalOptions, type RetrievalResult } from "./retrieval/retriever.js";
import { insertPassages, rankedMetadata, splitPassage } from "./store/passage-store.js";
import { openVectorStore, type VectorStoreSettings } from "./store/open-vector-store.js";
import type { VectorStore, VectorStoreKind } from "./store/vector-store.js";
import { Workspace } from "./store/workspace.js";

export type { LlmConfig } from "./llm/llm-config.js";

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
  /**
   * Where dense vectors are kept: "sqlite" (default, the workspace file), "lancedb" (embedded, on
   * disk; `url` = folder, default `<saveDir>/lancedb`), "chroma" (a server; `url`, default
   * http://localhost:8000), or a ready VectorStore. Sparse (lexical) vectors always stay in SQLite.
   */
  vectorStore?: VectorStoreKind | VectorStoreSettings | VectorStore;
  openiePrompts?: OpenIEPrompts;
  /** false: open only an existing workspace (never create one); default true. */
  createWorkspace?: boolean;
  /**
   * Keep replies cut off by the token limit (finish_reason "length") after upstream's JSON repair, as
   * upstream does. Off by default: a truncated reply is asked again with a larger limit, and if still
   * cut off, recorded as failed and retried by the next run.
   */
  acceptTruncated?: boolean;
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
  /** The LLM settings with every default filled in and validated (undefined: no LLM). */
  readonly llm?: ResolvedLlmConfig;
  private chatModel?: CachedChatModel;
  private retrieverCache?: { key: string; retriever: Retriever };
  /** The dense vector store (set by `open`). */
  vectors!: VectorStore;
  /** Whether `vectors` was opened here (then `close` closes it) or given ready in the config (the caller's). */
  private ownsVectors = false;
  /** Store notices already logged: each is said once per HippoRag, not once per index opened. */
  private readonly noticed = new Set<string>();

  private constructor(
    readonly config: HippoRagConfig,
    readonly encoder: Encoder,
    llm: ResolvedLlmConfig | undefined,
  ) {
    this.llm = llm;
    this.workspace = Workspace.open(config.saveDir, { create: config.createWorkspace ?? true });
  }

  /** Validates the config once (the same rules and messages as the CLI), then opens the workspace. */
  static async open(config: HippoRagConfig): Promise<HippoRag> {
    const llm = config.llm ? resolveLlmConfig(config.llm) : undefined;
    if (config.qaTopK !== undefined) positiveInt("qaTopK", config.qaTopK);
    const encoder = config.encoder ?? (await createEncoder(config.embedding ?? { name: DEFAULT_ENCODER }));
    const hippo = new HippoRag(config, encoder, llm);
    try {
      const store = config.vectorStore;
      if (typeof store === "object" && "upsert" in store) {
        hippo.vectors = store;
      } else {
        hippo.vectors = await openVectorStore(hippo.workspace, store);
        hippo.ownsVectors = true;
      }
    } catch (error) {
      hippo.workspace.close();
      throw error;
    }
    return hippo;
  }

  close(): void {
    if (this.ownsVectors) void this.vectors.close(); // LanceDB releases its handles at once; Chroma and SQLite hold nothing of their own
    this.workspace.close();
  }

  /** The LLM behind OpenIE, the filter and QA, wrapped in the workspace's response cache. */
  chat(): CachedChatModel {
    if (!this.llm) {
      throw usageError("this step needs an LLM and none is configured", "configure one (llm.model with llm.baseUrl or llm.apiKey; on the command line --llm-base-url or OPENAI_API_KEY), or take the graph-only path without the filter and QA");
    }
    this.chatModel ??= new CachedChatModel(
      new OpenAIChatModel(this.llm.model, {
        baseUrl: this.llm.baseUrl,
        apiKey: this.llm.apiKey,
        timeoutMs: this.llm.timeoutMs,
        retry: { maxRetries: this.llm.maxRetries, maxRetryAfterMs: this.llm.maxRetryAfterMs },
        onRetry: this.llm.onRetry,
      }),
      this.workspace,
    );
    return this.chatModel;
  }

  /** OpenIE model whose results are indexed: configured, else the LLM's, else the only one present. */
  openieModel(): string {
    if (this.config.openieModel) return this.config.openieModel;
    const present = openieModels(this.workspace).filter((m) => m.done > 0);
    if (this.llm && (present.length === 0 || present.some((m) => m.model === this.llm!.model))) return this.llm.model;
    if (present.length === 1) return present[0]!.model;
    if (present.length === 0) return this.llm?.model ?? LLM_DEFAULTS.model;
    throw usageError(`the workspace holds OpenIE results of several models (${present.map((m) => m.model).join(", ")})`, "choose one with openieModel (--llm-name on the command line)");
  }

  memoryIndex(): MemoryIndex {
    return new MemoryIndex(this.workspace, this.openieModel(), this.encoder, undefined, this.config.vectorDtype, this.vectors, (m) => {
      if (!this.noticed.has(m)) this.config.logger?.warn(m);
      this.noticed.add(m);
    });
  }

  /**
   * Adds documents (`title\ntext` strings or {title, text}) to the memory. OpenIE runs for those that
   * lack it when an LLM is configured; otherwise they must have been imported (or batch-ingested).
   * With `sync`, the memory afterwards holds exactly these documents in this order (what a fresh
   * workspace given the same corpus would build); otherwise they are added to what it holds.
   */
  async index(
    docs: readonly DocInput[],
    options: { signal?: AbortSignal; sync?: boolean; onOpenIEProgress?: (s: OpenIESummary, done: number) => void } & IndexProgress = {},
  ): Promise<IndexUpdate & { openie?: OpenIESummary }> {
    const passages = toPassages(docs);
    insertPassages(this.workspace, passages);
    const index = this.memoryIndex();
    let openie: OpenIESummary | undefined;
    const lacking = index.missingOpenIE(passages.map((p) => p.id));
    if (lacking.missing.length > 0 && !this.llm) {
      throw new HippoError("INPUT", `${lacking.missing.length} of ${passages.length} passages have no OpenIE results for model ${index.openieModel}, and no LLM is configured to extract them${lacking.failed ? ` (${lacking.failed} failed before)` : ""}`, {
        suggestion: "configure an LLM (OPENAI_API_KEY for OpenAI, or --llm-base-url for a local server), or import results (openie --import, --import-batch)",
      });
    }
    if (lacking.missing.length > 0 && this.llm) {
      const missing = new Set(lacking.missing);
      openie = await runOpenIE(passages.filter((p) => missing.has(p.id)), {
        store: index.openie,
        chat: this.chat(),
        prompts: this.config.openiePrompts ?? DEFAULT_OPENIE_PROMPTS,
        concurrency: this.llm.concurrency,
        maxTokens: this.llm.maxTokens,
        acceptTruncated: this.config.acceptTruncated,
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
    const ids = passages.map((p) => p.id);
    const progress = { onStage: options.onStage, onProgress: options.onProgress };
    const update = options.sync ? await index.update(ids, progress, options.signal) : await index.add(ids, progress, options.signal);
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
    return effectiveRetrievalOptions({ ...DEFAULT_RETRIEVAL, ...definedOnly(this.config.retrieval ?? {}), ...definedOnly(overrides) });
  }

  async retriever(): Promise<Retriever> {
    const index = this.memoryIndex();
    const ids = index.passageIds();
    if (ids.length === 0) throw usageError(`nothing is indexed in ${this.workspace.path} for OpenIE model ${index.openieModel} and encoder ${this.encoder.id}`, "index documents first (hipporag index, with the same --llm-name and --embedding-name)");
    const key = index.fingerprint();
    if (this.retrieverCache?.key !== key) {
      // The filter can be switched on per call, so the retriever gets the LLM whenever one is configured.
      const chat = this.llm ? this.chat() : undefined;
      this.retrieverCache = { key, retriever: await Retriever.create(index, chat, this.llm?.concurrency ?? 8) };
    }
    return this.retrieverCache.retriever;
  }

  /** Ranked passages for each query (upstream `retrieve`); results carry a trace of every decision. */
  async retrieve(queries: readonly string[], numToRetrieve?: number, overrides: Partial<RetrievalOptions> = {}, onEach?: (done: number) => void, signal?: AbortSignal): Promise<RetrievedDocs[]> {
    const options = this.retrievalOptions({ ...overrides, ...(numToRetrieve ? { topK: numToRetrieve } : {}) });
    if (options.method === "hipporag" && options.filter && !this.llm) {
      throw usageError("the recognition-memory filter needs an LLM", "configure one, or turn the filter off (--no-filter; the paper's w/o-filter ablation)");
    }
    if (options.method === "hipporag" && options.linking === "ner" && !this.llm) {
      throw usageError("NER-to-node linking needs an LLM for the questions' named entities", "configure an LLM (--llm-base-url and --llm-name on the command line)");
    }
    const retriever = await this.retriever();
    const results = await retriever.retrieve(queries, options, onEach, signal);
    const contentOf = new Map(retriever.graph.passageIds.map((id, i) => [id, retriever.contents[i]!]));
    return results.map((r) => withMetadata({ ...r, docs: r.passageIds.map((id) => contentOf.get(id)!) }, rankedMetadata(this.workspace, r.passageIds)));
  }

  /**
   * What a retrieval of `question` with `options` is computed from (the reuse rule, core/fingerprint):
   * the question's text, the index (OpenIE, corpus, encoder), the settings, and the LLM and prompt
   * of the filter or query NER when they take part.
   */
  private retrievalInputs(question: string, options: RetrievalOptions, indexFingerprint: string): Inputs {
    const usesLlm = options.method === "hipporag" && (options.filter || options.linking === "ner");
    const prompt = !usesLlm ? null : options.linking === "ner" ? queryNerMessages("{question}") : filterMessages("{question}", [["{s}", "{p}", "{o}"]]);
    return {
      question: questionKey(question),
      index: indexFingerprint,
      settings: fingerprint(options),
      llm: fingerprint(usesLlm ? { model: this.llm?.model, prompt } : null),
    };
  }

  /**
   * Retrieves for dataset questions and stores each result under its run label. A stored result is
   * reused only when every input it was computed from is unchanged (`retrievalInputs`); a filter or
   * NER error is retried. Results are saved every 64 questions, so an interrupted run resumes.
   * `onEach(done, todo)` counts the questions retrieved in this call (reused ones are not retrieved).
   */
  async retrieveQuestions(
    questions: readonly Question[],
    overrides: Partial<RetrievalOptions> = {},
    onEach?: (done: number, todo: number) => void,
    signal?: AbortSignal,
  ): Promise<{ run: string; results: Map<string, RetrievedDocs>; reused: number; recomputed: RecomputeTally; fallbacks: Record<string, number> }> {
    const options = this.retrievalOptions(overrides);
    const run = runLabel(options);
    const index = this.memoryIndex();
    index.assertFresh();
    const indexFingerprint = index.fingerprint();
    const stored = loadRetrievals(this.workspace, run);
    const storedKeyOfId = new Map([...stored.values()].map((row) => [row.questionId, row.questionKey]));
    const tally = new RecomputeTally();
    const todo: Question[] = [];
    const planned = new Set<string>();
    for (const q of questions) {
      const key = questionKey(q.question);
      if (planned.has(key)) continue; // the same text twice: one result serves both
      planned.add(key);
      const row = stored.get(key);
      const inputs = this.retrievalInputs(q.question, options, indexFingerprint);
      const changed = changedParts(row?.inputs, inputs);
      const retry = row?.trace.fallback === "filter-error" || row?.trace.fallback === "ner-error";
      const reason = !row
        ? storedKeyOfId.has(q.id) && storedKeyOfId.get(q.id) !== key ? "question text changed" : "new"
        : changed.length ? RECOMPUTE_REASONS[changed[0]!] ?? `${changed[0]} changed` : retry ? "retried after an LLM error" : undefined;
      tally.add(reason);
      if (reason) todo.push(q);
    }
    for (let start = 0; start < todo.length; start += 64) {
      if (signal?.aborted) throw new HippoError("INTERRUPTED", `interrupted: ${start} of ${todo.length} questions retrieved and stored for run ${run}`, { suggestion: "re-run the same command to resume" });
      const group = todo.slice(start, start + 64);
      const fresh = await this.retrieve(group.map((q) => q.question), undefined, overrides, (done) => onEach?.(start + done, todo.length), signal);
      saveRetrievals(this.workspace, run, index.id, group.map((q, i) => ({ questionId: q.id, inputs: this.retrievalInputs(q.question, options, indexFingerprint), result: fresh[i]! })));
    }
    const all = loadRetrievals(this.workspace, run);
    const ids = [...new Set([...all.values()].flatMap((r) => r.passageIds))];
    const contents = index.passageContents(ids);
    const contentOf = new Map(ids.map((id, i) => [id, contents[i]!]));
    const results = new Map<string, RetrievedDocs>();
    const fallbacks: Record<string, number> = {};
    for (const q of questions) {
      const row = all.get(questionKey(q.question))!;
      results.set(q.id, withMetadata({ question: row.question, passageIds: row.passageIds, scores: row.scores, trace: row.trace, docs: row.passageIds.map((id) => contentOf.get(id)!) }, rankedMetadata(this.workspace, row.passageIds)));
      if (row.trace.fallback) fallbacks[row.trace.fallback] = (fallbacks[row.trace.fallback] ?? 0) + 1;
    }
    return { run, results, reused: tally.reused, recomputed: tally, fallbacks };
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
    const topK = this.config.qaTopK ?? QA_TOP_K;
    const outcomes = await runQa(
      retrievals.map((r, i) => ({ key: String(i), question: r.question, passages: r.docs.slice(0, topK) })),
      this.chat(),
      { concurrency: this.llm!.concurrency, maxTokens: this.llm!.maxTokens, acceptTruncated: this.config.acceptTruncated },
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

  /**
   * QA over a stored run's retrievals. A stored answer is reused only when its inputs are unchanged:
   * the question, the passages it was given (qa top-k of the current ranking), the QA model and
   * prompt. The run must be current: a ranking retrieved from an index that has changed since is
   * refused, as are questions the run never retrieved. Failures are retried next time.
   */
  async answerStored(
    run: string,
    questions: readonly Question[],
    onEach?: (done: number) => void,
    signal?: AbortSignal,
  ): Promise<{ answered: number; reused: number; recomputed: RecomputeTally; failed: QaOutcome[]; tokens: { prompt: number; completion: number } }> {
    const stored = loadRetrievals(this.workspace, run);
    const index = this.memoryIndex();
    const indexFingerprint = index.fingerprint();
    const keys = [...new Set(questions.map((q) => questionKey(q.question)))];
    const missing = keys.filter((key) => !stored.has(key));
    if (missing.length) {
      throw usageError(`${missing.length} of ${keys.length} questions have no stored retrieval in run ${run}`, `retrieve them first (hipporag retrieve with the settings of ${run})`);
    }
    const stale = keys.filter((key) => stored.get(key)!.inputs.index !== indexFingerprint);
    if (stale.length) {
      throw usageError(`run ${run} is out of date for ${stale.length} of ${keys.length} questions: the index changed since they were retrieved`, `retrieve again (hipporag retrieve with the settings of ${run}); QA on the old rankings would not be current`);
    }
    const answers = loadAnswers(this.workspace, run);
    const topK = this.config.qaTopK ?? QA_TOP_K;
    const qa = fingerprint({ model: this.llm?.model, maxTokens: this.llm?.maxTokens ?? null, prompt: qaMessages(["{passage}"], "{question}") });
    const inputsOf = (key: string): Inputs => ({ question: key, passages: fingerprint(stored.get(key)!.passageIds.slice(0, topK)), qa });
    const tally = new RecomputeTally();
    const todo: string[] = [];
    for (const key of keys) {
      const changed = changedParts(answers.get(key)?.inputs, inputsOf(key));
      const reason = !changed.length ? undefined : changed[0] === "new" ? "new" : changed[0] === "passages" ? "passages changed (ranking or qa top-k)" : "QA model or prompt changed";
      tally.add(reason);
      if (reason) todo.push(key);
    }
    const outcomes = await runQa(
      todo.map((key) => ({ key, question: stored.get(key)!.question, passages: index.passageContents(stored.get(key)!.passageIds.slice(0, topK)) })),
      this.chat(),
      {
        concurrency: this.llm!.concurrency,
        maxTokens: this.llm!.maxTokens,
        acceptTruncated: this.config.acceptTruncated,
        onEach: (done) => onEach?.(tally.reused + done),
        onAnswer: (outcome) => saveAnswer(this.workspace, run, outcome.key, inputsOf(outcome.key), outcome.answer!, outcome.raw!),
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
}

/** The output's words for each input of a retrieval that changed. */
const RECOMPUTE_REASONS: Record<string, string> = {
  new: "new",
  question: "question text changed",
  index: "index changed since the stored run",
  settings: "settings changed",
  llm: "filter LLM or prompt changed",
};

/** `{ ...defaults, ...partial }` must not let an `undefined` erase a default. */
function definedOnly<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
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
