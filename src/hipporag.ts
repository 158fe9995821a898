import { join } from "node:path";
import { HippoError, InputError, usageError } from "./core/errors.js";
import { passageId } from "./core/ids.js";
import type { Logger } from "./core/logger.js";
import { positiveInt, maskedLocation } from "./core/validate.js";
import { checkRetrievalOptions, MAX_TOP_K } from "./retrieval/check-retrieval-options.js";
import { checkHippoRagConfig } from "./check-hipporag-config.js";
import type { Passage } from "./datasets/dataset-types.js";
import { TITLE_LINE_BREAK_PROBLEM, titleHasLineBreak } from "./datasets/title-line-break.js";
import { typeName } from "./datasets/type-name.js";
import { createEncoder, DEFAULT_ENCODER, type EncoderSettings } from "./embedding/create-encoder.js";
import type { Encoder } from "./embedding/encoder.js";
import { evaluate, type EvalReport } from "./eval/evaluate.js";
import { indexIdOf, MemoryIndex, type IndexProgress, type IndexUpdate, type MissingOpenIE } from "./graph/memory-index.js";
import { embeddingKey } from "./embedding/embedding-store.js";
import { CachedChatModel } from "./llm/cached-chat-model.js";
import { LLM_DEFAULTS, type LlmConfig } from "./llm/llm-config.js";
import { resolveStageLlms, type LlmStage, type StageLlm, type StageLlmConfig } from "./llm/stage-llms.js";
import { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./openie/prompts/openie-prompts.js";
import { runOpenIE, type OpenIESummary } from "./openie/run-openie.js";
import { openieSetId, openieSetModel } from "./openie/openie-set.js";
import { QA_TOP_K } from "./qa/qa-prompt.js";
import { runQa } from "./qa/run-qa.js";
import { DEFAULT_IRCOT_PROMPT, type IrcotPrompt } from "./retrieval/ircot/ircot-prompt.js";
import { ircotRetrieve } from "./retrieval/ircot/ircot-retrieve.js";
import { methodOf } from "./retrieval/method-registry.js";
import { DEFAULT_RETRIEVAL, effectiveRetrievalOptions, Retriever, type RetrievalOptions, type RetrievalResult } from "./retrieval/retriever.js";
import { rankedMetadata, splitPassage } from "./store/passage-store.js";
import { checkVectorStoreSettings, openVectorStore, type VectorStoreSettings } from "./store/open-vector-store.js";
import type { VectorStore, VectorStoreKind } from "./store/vector-store.js";
import { Workspace } from "./store/workspace.js";
import { plural } from "./core/plural.js";

export type { LlmConfig } from "./llm/llm-config.js";

export interface HippoRagConfig {
  /** Workspace folder (one SQLite file inside). */
  saveDir: string;
  /**
   * The LLM: one config for OpenIE, the filter and QA, or one per stage (`{ openie, filter, qa }`, each a
   * config or a ChatModel object; the filter follows QA unless given). Without one, only imported/batch
   * OpenIE and retrieval without the filter work.
   */
  llm?: LlmConfig | StageLlmConfig;
  /**
   * Which OpenIE results the index is built from (and, with an OpenIE LLM of that model, extracted).
   * Default: the results the workspace already holds (so a QA model never re-extracts a corpus whose
   * OpenIE was imported), else the OpenIE LLM's model.
   */
  openieModel?: string;
  embedding?: EncoderSettings;
  /** Or a ready encoder (takes precedence over `embedding`). */
  encoder?: Encoder;
  retrieval?: Partial<RetrievalOptions>;
  /** Passages in the QA prompt (upstream qa_top_k = 5). */
  qaTopK?: number;
  /**
   * How new dense vectors are stored: f32, or f16 (half the space; ~1e-3 relative error). Default:
   * the precision of the workspace's index of this OpenIE model and encoder (f16 when that is the
   * only one), else f32, so that a command without it opens the index that was built.
   */
  vectorDtype?: "f32" | "f16";
  /**
   * Where dense vectors are kept: "sqlite" (default, the workspace file), "lancedb" (embedded, on
   * disk; `url` = folder, default `<saveDir>/lancedb`), "chroma" (a server; `url`, default
   * http://localhost:8000), or a ready VectorStore. Sparse (lexical) vectors always stay in SQLite.
   */
  vectorStore?: VectorStoreKind | VectorStoreSettings | VectorStore;
  openiePrompts?: OpenIEPrompts;
  /** The IRCoT reasoning prompt (retrieval.ircotSteps); default: ours, one demonstration (retrieval/ircot/ircot-prompt.ts). */
  ircotPrompt?: IrcotPrompt;
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

/** Every setting of HippoRagConfig (a Record, so that a new one cannot be left out of the check). */
const CONFIG_KEYS: Record<keyof HippoRagConfig, true> = {
  saveDir: true, llm: true, openieModel: true, embedding: true, encoder: true, retrieval: true, qaTopK: true, vectorDtype: true,
  vectorStore: true, openiePrompts: true, ircotPrompt: true, createWorkspace: true, acceptTruncated: true, logger: true,
};

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

export { runLabel } from "./retrieval/run-label.js";

/**
 * HippoRAG 2 as a library object, with the shape of the original's quick start:
 * `index(docs)`, `retrieve(queries, numToRetrieve)`, `ragQa(queries | retrievals, gold)`, `delete(docs)`.
 * Everything is stored in the workspace, so every call resumes and reuses earlier work.
 */
export class HippoRag {
  readonly workspace: Workspace;
  /** Each stage's LLM, validated with every default filled in (a stage without one is absent). */
  private readonly llms: Partial<Record<LlmStage, StageLlm>>;
  private readonly chats: Partial<Record<LlmStage, CachedChatModel>> = {};
  private retrieverCache?: { key: string; retriever: Retriever };
  /** The dense vector store (set by `open`). */
  vectors!: VectorStore;
  /** Whether `vectors` was opened here (then `close` closes it) or given ready in the config (the caller's). */
  private ownsVectors = false;
  /** How the vector store was opened (recorded with the index it builds), unless the caller gave an instance. */
  private vectorSettings?: VectorStoreSettings;
  /** Store notices already logged: each is said once per HippoRag, not once per index opened. */
  private readonly noticed = new Set<string>();

  private constructor(
    readonly config: HippoRagConfig,
    readonly encoder: Encoder,
    llms: Partial<Record<LlmStage, StageLlm>>,
  ) {
    this.llms = llms;
    this.workspace = Workspace.open(config.saveDir, { create: config.createWorkspace ?? true });
  }

  /** Validates the config once (the same rules and messages as the CLI), then opens the workspace. */
  static async open(config: HippoRagConfig): Promise<HippoRag> {
    checkHippoRagConfig(config, Object.keys(CONFIG_KEYS));
    const llms = resolveStageLlms(config.llm);
    if (config.retrieval !== undefined) checkRetrievalOptions("retrieval", config.retrieval);
    if (config.qaTopK !== undefined) positiveInt("qaTopK", config.qaTopK);
    const encoder = config.encoder ?? (await createEncoder(config.embedding ?? { name: DEFAULT_ENCODER }));
    const hippo = new HippoRag(config, encoder, llms);
    try {
      const store = config.vectorStore;
      if (typeof store === "object" && "upsert" in store) {
        hippo.vectors = store;
      } else {
        // No store named: the one the index was built with (a LanceDB index is not re-embedded into SQLite).
        const recorded = hippo.workspace.recordedVectorStore() as VectorStoreSettings | undefined;
        let settings: VectorStoreSettings = typeof store === "string" ? { kind: store } : (store ?? recorded ?? { kind: "sqlite" });
        // Checked before any message names it (a password in the URL is refused, never shown); a URL
        // an older version recorded with one is refused the same way, masked.
        if (store !== undefined) checkVectorStoreSettings(config.saveDir, settings);
        else if (recorded?.url) {
          try {
            checkVectorStoreSettings(config.saveDir, recorded);
          } catch (error) {
            if (!HippoError.isInstance(error)) throw error;
            throw usageError(`the vector store this workspace recorded is not usable as recorded: ${error.message}`, `name it once with --vector-store ${recorded.kind} --vector-store-url <its URL, without credentials> (vectorStore in the library): that records it anew`);
          }
        }
        // Sparse (lexical) vectors only ever live in SQLite: another store would stay empty (and a
        // LanceDB folder be made for nothing), and "embedded again" would not be true.
        if (encoder.sparse && settings.kind !== "sqlite") {
          if (store !== undefined) config.logger?.warn(`${encoder.id} gives sparse (lexical) vectors, which stay in the workspace's SQLite: the ${settings.kind} store is not used`);
          settings = { kind: "sqlite" };
        } else if (store !== undefined && recorded && (recorded.kind !== settings.kind || (recorded.url ?? "") !== (settings.url ?? ""))) {
          const where = recorded.url ? maskedLocation(recorded.url) : recorded.kind === "lancedb" ? join(config.saveDir, "lancedb") : "the workspace file";
          config.logger?.warn(`this workspace was indexed with its vectors in the ${recorded.kind} store (${where}); this command uses ${settings.kind}${settings.url ? ` at ${settings.url}` : ""}: vectors not stored there are embedded again (leave out --vector-store to use ${recorded.kind})`);
        }
        hippo.vectors = await openVectorStore(hippo.workspace, settings);
        hippo.vectorSettings = settings;
        hippo.ownsVectors = true;
      }
    } catch (error) {
      hippo.workspace.close();
      throw error;
    }
    return hippo;
  }

  /**
   * Runs a write (index, delete) under the workspace's writer lock, one at a time per instance: two
   * updates that overlapped each built on the index as it was, and the later commit undid the other
   * (both said "added"). A lock another process holds refuses the write (WORKSPACE, exit 4 in the
   * CLI); a lock the caller took already (the CLI's commands) is kept, and left to the caller.
   */
  private write<T>(what: string, work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(async () => {
      this.assertOpen();
      const take = !this.workspace.holdsWriterLock();
      if (take) this.workspace.acquireWriterLock(`library ${what}`);
      try {
        return await work();
      } catch (error) {
        // close() during the call: the driver's "connection is not open" TypeError, said in words.
        if (this.workspace.closed) throw usageError(`this HippoRag was closed while ${what} ran: what it committed before close() is kept, the rest was not done`, `call close() after awaiting ${what}(); re-run ${what}() on a new instance to finish`);
        throw error;
      } finally {
        if (take) this.workspace.releaseWriterLock();
      }
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  private writes: Promise<unknown> = Promise.resolve();

  /** A closed instance is refused in words, not with the database driver's TypeError. */
  private assertOpen(): void {
    if (this.workspace.closed) throw usageError("this HippoRag is closed (close() was called)", "open it again with HippoRag.open");
  }

  close(): void {
    if (this.ownsVectors) void this.vectors.close(); // LanceDB releases its handles at once; Chroma and SQLite hold nothing of their own
    this.workspace.close();
  }

  /** A stage's LLM (model id, concurrency, max tokens), or undefined when none is configured for it. */
  stageLlm(stage: LlmStage): StageLlm | undefined {
    return this.llms[stage];
  }

  /** A stage's LLM wrapped in the workspace's response cache. */
  chat(stage: LlmStage): CachedChatModel {
    this.assertOpen();
    const llm = this.llms[stage];
    if (!llm) {
      throw usageError(`this step needs an LLM for ${stage} and none is configured`, `configure one (on the command line --llm-base-url, or OPENAI_API_KEY for OpenAI, or --${stage}-llm-base-url for this stage alone; in the library llm: { model, baseUrl or apiKey }, or llm.${stage}), or take the graph-only path without the filter and QA`);
    }
    return (this.chats[stage] ??= new CachedChatModel(llm.model, this.workspace.llmCache));
  }

  /**
   * Whose OpenIE results the index is built from: the configured `openieModel`; else results the
   * workspace already holds (the OpenIE LLM's own if it has some, else the only model there), so that
   * a QA or filter model never re-extracts a corpus whose OpenIE was imported; else the OpenIE LLM's
   * model (extraction will run). Extraction with another model happens only when it is named.
   * Configured `openiePrompts` are an input like the model: only sets extracted with exactly those
   * prompts are candidates (a set of other prompts, or imported results, is never taken for them).
   */
  openieModel(): string {
    if (this.config.openieModel) return this.openieSet(this.config.openieModel);
    let present = this.workspace.openieModels().filter((m) => m.done > 0);
    if (this.config.openiePrompts) present = present.filter((m) => this.openieSet(openieSetModel(m.model)) === m.model);
    const own = this.llms.openie && this.openieSet(this.llms.openie.modelId);
    if (own && (present.length === 0 || present.some((m) => m.model === own))) return own;
    if (present.length === 1) return present[0]!.model;
    if (present.length === 0) return own ?? this.openieSet(LLM_DEFAULTS.model);
    throw usageError(`the workspace holds OpenIE results of several models (${present.map((m) => m.model).join(", ")})`, "choose one with openieModel (--openie-llm-name on the command line)");
  }

  /** The OpenIE set a model extracts into with this config's prompts (openie/openie-set.ts). */
  openieSet(model: string): string {
    return openieSetId(model, this.config.openiePrompts ?? DEFAULT_OPENIE_PROMPTS);
  }

  /** The vector precision: the configured one, else the workspace's index's (see HippoRagConfig.vectorDtype). */
  vectorDtype(openieModel = this.openieModel()): "f32" | "f16" {
    if (this.config.vectorDtype) return this.config.vectorDtype;
    const has = (dtype: "f32" | "f16") => this.workspace.indexes.get(indexIdOf(openieModel, embeddingKey(this.encoder.id, dtype))) !== undefined;
    return !has("f32") && has("f16") ? "f16" : "f32";
  }

  memoryIndex(): MemoryIndex {
    this.assertOpen();
    const openieModel = this.openieModel();
    return new MemoryIndex(this.workspace, openieModel, this.encoder, undefined, this.vectorDtype(openieModel), this.vectors, (m) => {
      if (!this.noticed.has(m)) this.config.logger?.warn(m);
      this.noticed.add(m);
    });
  }

  /**
   * The LLM that extracts the OpenIE `lacking` passages need (undefined when none need it, or
   * `skipFailed` leaves them out), or the input error a request that cannot be served gets: no LLM,
   * or one of another model than the workspace's OpenIE (never two models in one index). A dry run
   * asks the same, so it refuses what the real run would.
   */
  openieExtractor(total: number, lacking: MissingOpenIE, skipFailed?: boolean): StageLlm | undefined {
    const index = this.memoryIndex();
    // The OpenIE LLM extracts only into its own model's results: never two models in one index.
    const extractor = this.llms.openie && this.openieSet(this.llms.openie.modelId) === index.openieModel ? this.llms.openie : undefined;
    if (lacking.missing.length > 0 && !skipFailed && !this.llms.openie) {
      // Which OpenIE the workspace does hold (a --llm-name naming another model is the usual slip).
      const others = this.workspace.openieModels().filter((m) => m.done > 0 && m.model !== index.openieModel);
      const held = others.length ? `; the workspace holds OpenIE of ${others.map((m) => `${m.model} (${m.done} passage${m.done === 1 ? "" : "s"})`).join(", ")}` : "";
      throw new HippoError("INPUT", `${lacking.missing.length} of ${total} passage${total === 1 ? "" : "s"} ${lacking.missing.length === 1 ? "has" : "have"} no OpenIE results for model ${index.openieModel}, and no LLM is configured to extract them${lacking.failed ? ` (${lacking.failed} failed before)` : ""}${held}`, {
        suggestion: `${others.length ? `index those with --openie-llm-name ${others[0]!.model}, or ` : ""}configure an LLM (OPENAI_API_KEY for OpenAI, or --llm-base-url for a local server), or import results (openie --import, --import-batch)`,
      });
    }
    if (lacking.missing.length > 0 && !skipFailed && !extractor) {
      // Never spend on extraction silently, and never mix two models' OpenIE in one index.
      throw new HippoError("INPUT", `${lacking.missing.length} of ${total} passage${total === 1 ? "" : "s"} ${lacking.missing.length === 1 ? "has" : "have"} no OpenIE results of ${index.openieModel} (the workspace's OpenIE), and the configured LLM is ${this.llms.openie!.modelId}`, {
        suggestion: `extract them with ${openieSetModel(index.openieModel)} (--openie-llm-name ${openieSetModel(index.openieModel)} and its server), import them, re-extract everything with another model by naming it with --openie-llm-name, or index without them (--skip-failed)`,
      });
    }
    return extractor;
  }

  /**
   * Adds documents (`title\ntext` strings or {title, text}) to the memory. OpenIE runs for those that
   * lack it when an LLM is configured; otherwise they must have been imported (or batch-ingested).
   * With `sync`, the memory afterwards holds exactly these documents in this order (what a fresh
   * workspace given the same corpus would build); otherwise they are added to what it holds.
   */
  async index(
    docs: readonly DocInput[],
    options: {
      signal?: AbortSignal;
      sync?: boolean;
      /** Index only the passages whose OpenIE is finished; the rest are left out (the index is then partial). */
      skipFailed?: boolean;
      onOpenIEProgress?: (s: OpenIESummary, done: number) => void;
      /** Told before OpenIE starts: whose results are used, how many passages lack them, whether they will be extracted. */
      onOpenIEPlan?: (plan: { model: string; missing: number; total: number; extract: boolean }) => void;
    } & IndexProgress = {},
  ): Promise<IndexUpdate & { openie?: OpenIESummary }> {
    const passages = toPassages(docs);
    return this.write("index", () => this.indexPassages(passages, options));
  }

  private async indexPassages(passages: Passage[], options: Parameters<HippoRag["index"]>[1] & object): Promise<IndexUpdate & { openie?: OpenIESummary }> {
    const index = this.memoryIndex();
    let openie: OpenIESummary | undefined;
    const lacking = index.missingOpenIE(passages.map((p) => p.id));
    const extractor = this.openieExtractor(passages.length, lacking, options.skipFailed);
    // Stored only once the request can be served: a refused index leaves the workspace as it was.
    this.workspace.passages.insert(passages);
    options.onOpenIEPlan?.({ model: index.openieModel, missing: lacking.missing.length, total: passages.length, extract: Boolean(extractor && lacking.missing.length) });
    if (lacking.missing.length > 0 && extractor) {
      const missing = new Set(lacking.missing);
      openie = await runOpenIE(passages.filter((p) => missing.has(p.id)), {
        store: index.openie,
        chat: this.chat("openie"),
        prompts: this.config.openiePrompts ?? DEFAULT_OPENIE_PROMPTS,
        concurrency: extractor.concurrency,
        maxTokens: extractor.maxTokens,
        acceptTruncated: this.config.acceptTruncated,
        signal: options.signal,
        onProgress: options.onOpenIEProgress,
      });
      if (openie.interrupted) throw new HippoError("INTERRUPTED", "interrupted during OpenIE; finished passages are kept", { suggestion: "re-run to resume" });
      if (openie.failed > 0 && !options.skipFailed) {
        throw new HippoError("INCOMPLETE", `OpenIE failed for ${plural(openie.failed, "passage")} (first: ${openie.failures[0]!.error})`, {
          suggestion: "re-run: only the failed passages are retried, everything else is kept",
        });
      }
    }
    // --skip-failed: what still lacks finished OpenIE is left out, and the index says it is partial.
    const excluded = options.skipFailed ? index.missingOpenIE(passages.map((p) => p.id)).missing : [];
    const left = new Set(excluded);
    const ids = passages.map((p) => p.id).filter((id) => !left.has(id));
    const progress = { onStage: options.onStage, onProgress: options.onProgress };
    const update = options.sync ? await index.update(ids, progress, options.signal, excluded) : await index.add(ids, progress, options.signal);
    if (this.vectorSettings) this.workspace.recordVectorStore(this.vectorSettings);
    this.retrieverCache = undefined;
    return { ...update, openie };
  }

  /** Removes documents, and the facts, entities and edges only they supported. */
  async delete(docs: readonly DocInput[], options: { signal?: AbortSignal } = {}): Promise<IndexUpdate> {
    const ids = toPassages(docs).map((p) => p.id);
    return this.write("delete", async () => {
      // `signal` stops the rebuild before its commit (nothing removed), or the snapshot after it (removed)
      const update = await this.memoryIndex().delete(ids, {}, options.signal);
      this.retrieverCache = undefined;
      return update;
    });
  }

  retrievalOptions(overrides: Partial<RetrievalOptions> = {}): RetrievalOptions {
    checkRetrievalOptions("options", overrides);
    return effectiveRetrievalOptions({ ...DEFAULT_RETRIEVAL, ...definedOnly(this.config.retrieval ?? {}), ...definedOnly(overrides) });
  }

  /** The retriever over the current index, opened once per index state; `signal` stops the opening. */
  async retriever(signal?: AbortSignal): Promise<Retriever> {
    const index = this.memoryIndex();
    // One read of the index's passages: stale (throws), empty, or its fingerprint. A retriever kept
    // from before is served only while the index it was opened from is current.
    const fresh = index.freshState();
    if (fresh.passages === 0) throw usageError(`nothing is indexed in ${this.workspace.path} for OpenIE model ${index.openieModel} and encoder ${this.encoder.id}`, "index documents first (hipporag index, with the same --llm-name and --embedding-name)");
    const key = fresh.fingerprint;
    if (this.retrieverCache?.key !== key) {
      // The filter can be switched on per call, so the retriever gets the LLM whenever one is configured.
      const filter = this.llms.filter;
      this.retrieverCache = { key, retriever: await Retriever.create(index, filter ? this.chat("filter") : undefined, filter?.concurrency ?? 8, signal, fresh, filter?.maxTokens) };
    }
    return this.retrieverCache.retriever;
  }

  /** Throws the usage error a retrieval with `options` meets when an LLM it needs is not configured (a dry run asks too). */
  checkRetrievalLlms(options: RetrievalOptions): void {
    const use = methodOf(options.method).llmUse(options);
    if (use && !this.llms.filter) throw usageError(...use.missing);
    // IRCoT's reasoning sentences are written by the QA stage's LLM (the reader).
    if (options.ircotSteps && !this.llms.qa) throw usageError("IRCoT needs an LLM to write its reasoning sentences", "configure one (--llm-base-url and --llm-name, or --qa-llm-*, on the command line), or retrieve without --ircot");
  }

  /** Ranked passages for each query (upstream `retrieve`); results carry a trace of every decision. */
  async retrieve(queries: readonly string[], numToRetrieve?: number, overrides: Partial<RetrievalOptions> = {}, onEach?: (done: number) => void, signal?: AbortSignal): Promise<RetrievedDocs[]> {
    this.assertOpen();
    if (numToRetrieve !== undefined) positiveInt("numToRetrieve", numToRetrieve, MAX_TOP_K);
    const options = this.retrievalOptions({ ...overrides, ...(numToRetrieve !== undefined ? { topK: numToRetrieve } : {}) });
    this.checkRetrievalLlms(options);
    const retriever = await this.retriever(signal);
    const contentOf = new Map(retriever.graph.passageIds.map((id, i) => [id, retriever.contents[i]!]));
    // ---------- IRCoT: the method retrieves at every step; the reasoning between steps is ircotRetrieve's
    const results = options.ircotSteps
      ? await ircotRetrieve(queries, (steps) => retriever.retrieve(steps, { ...options, ircotSteps: undefined }, undefined, signal), {
          maxSteps: options.ircotSteps,
          topK: options.topK,
          chat: this.chat("qa"),
          prompt: this.config.ircotPrompt ?? DEFAULT_IRCOT_PROMPT,
          concurrency: this.llms.qa!.concurrency,
          acceptTruncated: this.config.acceptTruncated,
          contentOf: (id) => contentOf.get(id)!,
          signal,
          onEach,
        })
      : await retriever.retrieve(queries, options, onEach, signal);
    return results.map((r) => withMetadata({ ...r, docs: r.passageIds.map((id) => contentOf.get(id)!) }, rankedMetadata(this.workspace.passages, r.passageIds)));
  }

  /**
   * Answers questions from their top `qaTopK` passages (upstream `rag_qa`). Takes queries (retrieved
   * first) or earlier retrievals; with gold docs/answers it also returns the evaluation.
   */
  async ragQa(
    queriesOrRetrievals: readonly string[] | readonly RetrievedDocs[],
    gold: { goldDocs?: readonly (readonly string[])[]; goldAnswers?: readonly (readonly string[])[] } = {},
  ): Promise<{ results: QaResult[]; evaluation?: EvalReport }> {
    this.assertOpen();
    for (const [name, list] of Object.entries(gold)) {
      if (list !== undefined && list.length !== queriesOrRetrievals.length) throw usageError(`${name} has ${list.length} entries for ${queriesOrRetrievals.length} questions`, "give one list per question, in the same order (an empty list for a question without gold)");
    }
    const retrievals = typeof queriesOrRetrievals[0] === "string" ? await this.retrieve(queriesOrRetrievals as string[]) : (queriesOrRetrievals as RetrievedDocs[]);
    const topK = this.config.qaTopK ?? QA_TOP_K;
    const outcomes = await runQa(
      retrievals.map((r, i) => ({ key: String(i), question: r.question, passages: r.docs.slice(0, topK) })),
      this.chat("qa"),
      { concurrency: this.llms.qa!.concurrency, maxTokens: this.llms.qa!.maxTokens, acceptTruncated: this.config.acceptTruncated },
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

}

/** `{ ...defaults, ...partial }` must not let an `undefined` erase a default. */
function definedOnly<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toPassages(docs: readonly DocInput[]): Passage[] {
  // A string is indexed exactly as given (upstream hashes the string itself); {title, text} becomes
  // `title\ntext`, as upstream main.py builds its docs.
  if (!Array.isArray(docs)) throw usageError(`docs must be a list of "title\\ntext" strings or { title, text, metadata? } objects, got ${typeName(docs)}`);
  return docs.map((doc, record) => {
    checkDoc(doc, record);
    if (typeof doc !== "string" && titleHasLineBreak(doc.title)) throw new InputError(TITLE_LINE_BREAK_PROBLEM, { record, field: "title" });
    const content = typeof doc === "string" ? doc : `${doc.title}\n${doc.text}`;
    const { title, text } = typeof doc === "string" ? splitPassage(doc) : doc;
    const metadata = typeof doc === "string" ? undefined : doc.metadata;
    return { id: passageId(content), title, text, content, ...(metadata ? { metadata } : {}) };
  });
}

/** One document as the library takes it, checked before anything is stored (its record and field named). */
function checkDoc(doc: unknown, record: number): void {
  if (typeof doc === "string") {
    if (doc.trim() === "") throw new InputError("empty passage", { record });
    return;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new InputError(`expected a "title\\ntext" string or { title, text }, got ${typeName(doc)}`, { record });
  const { title, text, metadata } = doc as Record<string, unknown>;
  if (typeof title !== "string") throw new InputError(title === undefined ? "missing" : `expected a string, got ${typeName(title)}`, { record, field: "title" });
  if (typeof text !== "string") throw new InputError(text === undefined ? "missing" : `expected a string, got ${typeName(text)}`, { record, field: "text" });
  if (title.trim() === "" && text.trim() === "") throw new InputError("empty passage (title and text are both empty)", { record, field: "text" });
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))) throw new InputError(`expected an object, got ${typeName(metadata)}`, { record, field: "metadata" });
}

export function withMetadata(result: RetrievedDocs, metadata: RetrievedDocs["metadata"]): RetrievedDocs {
  return metadata ? { ...result, metadata } : result;
}
