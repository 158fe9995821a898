import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WORKSPACE_FILE } from "../store/workspace.js";
import type { Passage, Question } from "../datasets/dataset-types.js";
import { estimateUsd } from "../eval/run-report.js";
import { pyTupleRepr } from "../core/ids.js";
import { phrasesAndFacts } from "../graph/build-graph.js";
import { processChunk } from "../graph/process-openie.js";
import { snapshotStored } from "../graph/open-memory-index.js";
import type { HippoRag } from "../hipporag.js";
import type { ChatMessage, ChatRequest } from "../llm/chat-model.js";
import type { CachedChatModel } from "../llm/cached-chat-model.js";
import type { OpenIEStore } from "../store/openie-store.js";
import { parseNerOutput } from "../openie/parse-openie-output.js";
import { nerMessages, tripleMessages } from "../openie/prompts/build-openie-messages.js";
import type { OpenIEPrompts } from "../openie/prompts/openie-prompts.js";
import { QA_TOP_K, qaMessages } from "../qa/qa-prompt.js";
import { DEFAULT_IRCOT_PROMPT, ircotMessages } from "../retrieval/ircot/ircot-prompt.js";
import { IRCOT_READ_K } from "../retrieval/ircot/ircot-retrieve.js";
import { QUERY_NER_MAX_TOKENS, queryNerMessages } from "../retrieval/query-ner-prompt.js";
import type { EmbedPurpose } from "../embedding/encoder.js";
import { methodOf } from "../retrieval/method-registry.js";
import type { RetrievalOptions } from "../retrieval/retriever.js";
import { formatTable, plural, type Output } from "./output.js";
import { usageError } from "../core/errors.js";
import { planAnswers, planRetrieval } from "../experiment/stored-runs.js";

/**
 * `--dry-run`: what a command would send, per stage, with nothing sent and nothing written. Requests
 * are built exactly as the stage builds them and looked up in the LLM cache (an OpenIE triples request
 * is built from a cached NER reply), so in a workspace whose cache holds nothing the counts are the
 * calls the real run makes. Token counts are estimates: prompt characters / 4, and a typical reply
 * length per stage (below); prices are list prices of known OpenAI models (eval/run-report.ts).
 */
export interface StagePlan {
  stage: string;
  model: string;
  /** Requests (LLM) or texts (embeddings) that would be computed. */
  calls: number;
  cached: number;
  tokensIn: number;
  tokensOut: number;
  usd?: number;
  note?: string;
}

/**
 * Where a command opens its workspace: the save dir, except for a dry run when it holds no
 * workspace yet: then an empty temporary folder, removed by `done()` (after the workspace is
 * closed), so that a dry run creates nothing. An empty workspace plans exactly what a new one would.
 */
export function workspaceFolder(saveDir: string, dryRun: boolean): { saveDir: string; done(): void } {
  if (!dryRun || existsSync(join(saveDir, WORKSPACE_FILE))) return { saveDir, done() {} };
  const temporary = mkdtempSync(join(tmpdir(), "hipporag-dry-run-"));
  return { saveDir: temporary, done: () => rmSync(temporary, { recursive: true, force: true }) };
}

/** Typical reply lengths in tokens, for the estimate (measured loosely on gpt-4o-mini replies). */
const REPLY_TOKENS: Record<string, number> = { "openie-ner": 80, "openie-triples": 300, filter: 80, qa: 120, "query-ner": 40 };

const meanPassages = new WeakMap<HippoRag, string>();

/** A passage of the index's mean length (a dry run's stand-in for passages a retrieval has not ranked yet), read once per instance. */
function meanPassage(hippo: HippoRag): string {
  let mean = meanPassages.get(hippo);
  if (mean === undefined) {
    const index = hippo.memoryIndex();
    const contents = index.passageContents(index.passageIds());
    const chars = contents.reduce((n, c) => n + (c?.length ?? 0), 0);
    meanPassages.set(hippo, (mean = "x".repeat(contents.length ? Math.round(chars / contents.length) : 600)));
  }
  return mean;
}

/** Estimated prompt tokens of a request: its characters / 4. */
export const promptTokens = (messages: readonly ChatMessage[]) => Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);

/** The model a remote encoder's price is looked up by ("openai:<model>:<format>" → "<model>"). */
export const encoderModel = (hippo: HippoRag) => hippo.encoder.id.replace(/^openai:/, "").split(":")[0]!;

function row(stage: string, model: string): StagePlan {
  return { stage, model, calls: 0, cached: 0, tokensIn: 0, tokensOut: 0 };
}

export function priced(plan: StagePlan): StagePlan {
  const usd = estimateUsd(plan.model, plan.tokensIn, plan.tokensOut);
  return usd === undefined ? plan : { ...plan, usd };
}

/** OpenIE of the passages without finished results: NER, then triples on its entities. */
export function planOpenIE(passages: readonly Passage[], store: OpenIEStore, cache: CachedChatModel, prompts: OpenIEPrompts, maxTokens?: number): StagePlan[] {
  const ner = row("openie-ner", cache.modelId);
  const triples = row("openie-triples", cache.modelId);
  const records = store.all();
  const ask = (plan: StagePlan, request: ChatRequest, accept: (text: string, finish: string) => boolean) => {
    const hit = cache.lookup(request);
    if (hit && accept(hit.text, hit.finishReason) && hit.finishReason !== "length") {
      plan.cached++;
      return hit;
    }
    plan.calls++;
    plan.tokensIn += promptTokens(request.messages);
    plan.tokensOut += REPLY_TOKENS[request.stage]!;
    return undefined;
  };
  for (const passage of passages) {
    const record = records.get(passage.id);
    if (record?.status === "done") continue;
    let entities = record?.entities;
    if (!entities) {
      const hit = ask(ner, { messages: nerMessages(prompts, passage.content), stage: "openie-ner", maxTokens }, (text, finish) => parseNerOutput(text, finish).ok);
      if (hit) entities = (parseNerOutput(hit.text, hit.finishReason) as { ok: true; value: string[] }).value;
    }
    // Without the NER reply the triples request is unknown, and no earlier run can have cached it.
    ask(triples, { messages: tripleMessages(prompts, passage.content, entities ?? []), stage: "openie-triples", maxTokens }, () => entities !== undefined);
  }
  return [priced(ner), priced(triples)];
}

/**
 * Vectors the index would compute for these passages: every passage's text (it does not depend on
 * OpenIE), and the facts and entities of those with finished OpenIE (the others' are not known yet).
 */
export async function planEmbeddings(hippo: HippoRag, passages: readonly Passage[], imported: ReadonlySet<string> = new Set()): Promise<StagePlan> {
  const index = hippo.memoryIndex();
  const done = index.openie.doneTriples();
  const chunks = passages.filter((p) => done.has(p.id)).map((p) => processChunk(p.id, done.get(p.id)!.triples));
  const { phrases, facts } = phrasesAndFacts(chunks);
  const plan = row("embeddings", hippo.encoder.id);
  const items: [string, EmbedPurpose][] = [
    ...passages.map((p) => [p.content, "passage"] as [string, EmbedPurpose]),
    ...facts.map((f) => [pyTupleRepr(f), "fact"] as [string, EmbedPurpose]),
    ...phrases.map((p) => [p, "entity"] as [string, EmbedPurpose]),
  ];
  const { missing, chars, distinct } = await index.embeddings.countMissing(items);
  plan.calls = missing;
  plan.cached = distinct - missing;
  plan.tokensIn = Math.ceil(chars / 4);
  const remote = Boolean(hippo.encoder.endpoint);
  // passages whose OpenIE an import of the same command brings are not extracted: said as such
  const fromImport = passages.filter((p) => !done.has(p.id) && imported.has(p.id)).length;
  const pending = passages.filter((p) => !done.has(p.id) && !imported.has(p.id)).length;
  const later = [pending ? `${plural(pending, "passage")} once extracted` : "", fromImport ? `${plural(fromImport, "passage")} once imported` : ""].filter(Boolean).join(" and ");
  plan.note = `${remote ? "texts to embed at the server" : "computed locally: no requests"}${later ? `; then the facts and entities of ${later} (not counted)` : ""}`;
  if (!remote) plan.tokensIn = 0;
  return remote ? priced({ ...plan, model: encoderModel(hippo) }) : plan;
}

/**
 * Retrieval runs: questions computed again, the filter or query-NER request each of those makes, and
 * (for a remote encoder) the query texts the runs embed, as one row: each distinct input (text with
 * its purpose's instruction) once, minus those the vector store holds from earlier runs.
 */
export async function planRetrievals(hippo: HippoRag, questions: readonly Question[], settings: readonly Partial<RetrievalOptions>[]): Promise<StagePlan[]> {
  const plans: StagePlan[] = [];
  const queries = new Map<EmbedPurpose, Set<string>>();
  let nerMentions = false;
  let ircotQueries = false;
  for (const overrides of settings) {
    const { run, todo, usesLlm, options } = planRetrieval(hippo, questions, overrides);
    for (const purpose of queryPurposes(options)) {
      const texts = queries.get(purpose) ?? new Set<string>();
      for (const q of todo) texts.add(q.question);
      queries.set(purpose, texts);
    }
    if (todo.length && options.method === "hipporag" && options.linking === "ner") nerMentions = true;
    if (todo.length && options.ircotSteps) ircotQueries = true;
    if (options.ircotSteps) {
      const steps = options.ircotSteps;
      const reasoning = row(`ircot ${run}`, hippo.stageLlm("qa")?.modelId ?? "(no QA LLM)");
      reasoning.calls = todo.length * steps;
      reasoning.cached = questions.length - todo.length;
      // each call: the prompt with the question, the ten passages read (of this corpus' mean length)
      // and the sentences so far (40 tokens each: on average (steps − 1) / 2 of them)
      const prompt = ircotMessages(hippo.config.ircotPrompt ?? DEFAULT_IRCOT_PROMPT, "", Array(IRCOT_READ_K).fill(meanPassage(hippo)), []);
      for (const q of todo) reasoning.tokensIn += steps * (promptTokens(prompt) + Math.ceil(q.question.length / 4)) + 20 * steps * (steps - 1);
      reasoning.tokensOut = reasoning.calls * 40;
      reasoning.note = `at most: ${steps} reasoning sentences per question, fewer when one concludes`;
      plans.push(priced(reasoning));
    }
    if (!usesLlm || (options.ircotSteps && !methodNeedsFilter(options))) {
      plans.push({ ...row(`retrieve ${run}`, "-"), cached: questions.length - todo.length, note: `${plural(todo.length, "question")} to retrieve, no LLM` });
      continue;
    }
    if (options.method === "hipporag" && options.linking === "ner") {
      plans.push(planQueryNer(hippo, run, questions, todo));
      continue;
    }
    const plan = row(`filter ${run}`, hippo.stageLlm("filter")?.modelId ?? "(no filter LLM)");
    // IRCoT retrieves (and filters) again at every step with the query grown by a sentence
    const perQuestion = options.ircotSteps ?? 1;
    plan.calls = todo.length * perQuestion;
    plan.cached = questions.length - todo.length;
    plan.tokensIn = plan.calls * 1600; // the filter prompt: ten demonstrations and five facts, ~1,600 tokens
    plan.tokensOut = plan.calls * REPLY_TOKENS.filter!;
    plan.note = options.ircotSteps ? `at most: one per IRCoT step (${perQuestion}), fewer when a question concludes or a reply is cached` : "at most: a filter reply cached for the same candidates is not sent";
    plans.push(priced(plan));
  }
  const embedded = await planQueryEmbeddings(hippo, queries, [nerMentions ? "the entities query NER finds" : "", ircotQueries ? "IRCoT's reasoning sentences" : ""].filter(Boolean));
  if (embedded) plans.push(embedded);
  const retrieving = settings.some((overrides) => planRetrieval(hippo, questions, overrides).todo.length > 0);
  const lost = retrieving ? await planLostIndexVectors(hippo) : undefined;
  if (lost) plans.push(lost);
  return plans;
}

/**
 * Index vectors the vector store lost (lancedb/ deleted, another Chroma server) that opening the
 * index would embed again at a remote encoder: none when a snapshot of the index's state is stored
 * (opening reads it). An older snapshot may still hold some of them, so this is at most.
 */
async function planLostIndexVectors(hippo: HippoRag): Promise<StagePlan | undefined> {
  if (!hippo.encoder.endpoint) return undefined;
  const index = hippo.memoryIndex();
  const { fingerprint, passages } = index.freshState();
  if (passages === 0 || snapshotStored(index, fingerprint)) return undefined;
  const { graph } = index.load();
  const items = [
    ...index.passageContents(graph.passageIds).map((text) => [text, "passage"] as const),
    ...graph.facts.map((fact) => [pyTupleRepr(fact), "fact"] as const),
  ];
  const { missing, chars, distinct } = await index.embeddings.countMissing(items);
  if (missing === 0) return undefined;
  const plan = row("embeddings (index)", encoderModel(hippo));
  plan.calls = missing;
  plan.cached = distinct - missing;
  plan.tokensIn = Math.ceil(chars / 4);
  plan.note = `at most: passage and fact vectors of the index missing from the ${index.embeddings.vectors.kind} store, embedded again when it is opened`;
  return priced(plan);
}

/** The purposes a run embeds its questions for (retrieval-types' EmbedPurpose), by method and linking. */
function queryPurposes(options: RetrievalOptions): EmbedPurpose[] {
  if (options.method === "dense") return ["query_to_passage"];
  if (options.method !== "hipporag") return [];
  if (options.linking === "fact") return ["query_to_passage", "query_to_fact"];
  if (options.linking === "query") return ["query_to_passage", "query_to_node"];
  return ["query_to_passage"]; // ner: the mentions NER finds are embedded too, unknown before it runs
}

/** Query-NER of --linking ner: the exact request per question, looked up in the cache as the run does. */
function planQueryNer(hippo: HippoRag, run: string, questions: readonly Question[], todo: readonly Question[]): StagePlan {
  const llm = hippo.stageLlm("filter");
  const plan = row(`query-ner ${run}`, llm?.modelId ?? "(no LLM)");
  const cache = llm ? hippo.chat("filter") : undefined;
  plan.cached = questions.length - todo.length;
  for (const q of new Map(todo.map((t) => [t.question, t])).values()) {
    const request: ChatRequest = { messages: queryNerMessages(q.question), stage: "query-ner", maxTokens: QUERY_NER_MAX_TOKENS };
    const hit = cache?.lookup(request);
    if (hit && hit.finishReason !== "length" && parseNerOutput(hit.text, hit.finishReason).ok) plan.cached++;
    else {
      plan.calls++;
      plan.tokensIn += promptTokens(request.messages);
      plan.tokensOut += REPLY_TOKENS["query-ner"]!;
    }
  }
  plan.note = "each question's named entities; their vectors are computed after";
  return priced(plan);
}

/** Query vectors a remote encoder would compute (undefined for a local one: no requests). */
async function planQueryEmbeddings(hippo: HippoRag, queries: ReadonlyMap<EmbedPurpose, ReadonlySet<string>>, unknown: readonly string[]): Promise<StagePlan | undefined> {
  if (!hippo.encoder.endpoint || queries.size === 0) return undefined;
  const embeddings = hippo.memoryIndex().embeddings;
  const plan = row("embeddings (queries)", encoderModel(hippo));
  const { missing, chars, distinct } = await embeddings.countMissing([...queries].flatMap(([purpose, texts]) => [...texts].map((text) => [text, purpose] as const)));
  plan.calls = missing;
  plan.cached = distinct - missing;
  plan.tokensIn = Math.ceil(chars / 4);
  plan.note = `question texts to embed at the server${unknown.length ? `; then ${unknown.join(" and ")} (not counted)` : ""}`;
  return priced(plan);
}

/** Whether the method itself (not IRCoT around it) calls the filter or query-NER LLM. */
function methodNeedsFilter(options: RetrievalOptions): boolean {
  return Boolean(methodOf(options.method).llmUse(options));
}

/**
 * QA of a stored run. `toRetrieve`: the questions the run retrieves (again) first, "all" when the
 * index changes first: their answers are counted at most (one call each); the others' exactly, from
 * the stored rankings, the stored answers and the LLM cache.
 */
export function planQa(hippo: HippoRag, run: string, questions: readonly Question[], toRetrieve: readonly Question[] | "all" = []): StagePlan {
  const cache = hippo.chat("qa");
  const plan = row(`qa ${run}`, cache.modelId);
  const later = toRetrieve === "all" ? questions : toRetrieve;
  if (later.length > 0) {
    const distinct = [...new Set(later.map((q) => q.question))];
    plan.calls = distinct.length;
    // the QA prompt over qa-top-k passages of this corpus' mean length
    const passages = Array<string>(hippo.config.qaTopK ?? QA_TOP_K).fill(meanPassage(hippo));
    for (const question of distinct) plan.tokensIn += promptTokens(qaMessages(passages, question));
    plan.tokensOut = plan.calls * REPLY_TOKENS.qa!;
    plan.note = `at most for ${plural(plan.calls, "question")}: retrieved first`;
  }
  const retrievedFirst = new Set(later.map((q) => q.question));
  const current = questions.filter((q) => !retrievedFirst.has(q.question));
  if (current.length === 0) return priced(plan);
  const { keys, todo } = planAnswers(hippo, run, current);
  plan.cached = keys.length - todo.length;
  const maxTokens = hippo.stageLlm("qa")?.maxTokens;
  for (const item of todo) {
    const request: ChatRequest = { messages: qaMessages(item.passages, item.question), stage: "qa", maxTokens };
    const hit = cache.lookup(request);
    if (hit && hit.text.trim() !== "" && hit.finishReason !== "length") plan.cached++;
    else {
      plan.calls++;
      plan.tokensIn += promptTokens(request.messages);
      plan.tokensOut += REPLY_TOKENS.qa!;
    }
  }
  return priced(plan);
}

/** The priced stages' sum; `unknown`: some stage that sends has no known price (`unpriced`: its models); `priced`: some has one. */
export function totalUsd(plans: readonly StagePlan[]): { usd: number; unknown: boolean; priced: boolean; unpriced: string[] } {
  let usd = 0;
  let priced = false;
  const unpriced = new Set<string>();
  for (const plan of plans) {
    if (plan.calls === 0) continue;
    if (plan.usd === undefined && plan.tokensIn > 0) unpriced.add(plan.model);
    if (plan.usd !== undefined) priced = true;
    usd += plan.usd ?? 0;
  }
  return { usd: Math.round(usd * 10_000) / 10_000, unknown: unpriced.size > 0, priced, unpriced: [...unpriced] };
}

/** `--max-cost`: refuse before any work when the estimate is higher. */
export function checkMaxCost(plans: readonly StagePlan[], maxCost: number | undefined): void {
  if (maxCost === undefined) return;
  const { usd, unknown } = totalUsd(plans);
  if (usd > maxCost) throw usageError(`the estimated cost is $${usd}, more than --max-cost $${maxCost}`, "see it stage by stage with --dry-run; nothing was sent");
  if (unknown) process.stderr.write(`warning: --max-cost: some stages use models without a known price; the estimate ($${usd}) leaves them out\n`);
}

/** What a plan also says besides requests: passages an index update would remove (gone from the corpus). */
export interface PlanExtras {
  wouldRemove?: number;
  /** What the index update would change besides removals (JSON: the counts; text: `said`, when anything). */
  indexChanges?: { counts: { added: number; changed: number; leftOut: number; reordered: boolean }; said?: string };
}

export function printPlan(plans: readonly StagePlan[], output: Output, json: boolean, extras: PlanExtras = {}): void {
  const total = totalUsd(plans);
  // Nothing priced but something sent: the cost is unknown, not $0 (null in JSON).
  const estimate = total.unknown && !total.priced ? null : total.usd;
  if (json) {
    output.stdout(JSON.stringify({ dryRun: true, stages: plans, estimatedUsd: estimate, priceUnknown: total.unknown, ...(total.unknown ? { unpricedModels: total.unpriced } : {}), ...(extras.wouldRemove !== undefined ? { wouldRemovePassages: extras.wouldRemove } : {}), ...(extras.indexChanges ? { indexChanges: extras.indexChanges.counts } : {}) }, null, 2));
    return;
  }
  if (extras.indexChanges?.said) output.stderr(`dry run: ${extras.indexChanges.said}`);
  if (extras.wouldRemove) output.stderr(`dry run: the index holds ${extras.wouldRemove === 1 ? "1 passage" : `${extras.wouldRemove} passages`} the corpus does not list: index would remove ${extras.wouldRemove === 1 ? "it" : "them"} (the index holds exactly the corpus)`);
  output.stdout(formatTable(["stage", "model", "to send", "cached", "est. tokens in", "est. tokens out", "est. USD", "note"], plans.map((p) => [p.stage, p.model, p.calls, p.cached, p.tokensIn, p.tokensOut, p.usd === undefined ? "n/a" : p.usd.toFixed(4), p.note ?? ""])));
  const unpriced = total.unpriced.join(", ");
  output.stderr(`dry run: nothing was sent; ${estimate === null ? `estimated cost unknown (no known price for ${unpriced})` : `estimated $${total.usd}${total.unknown ? ` for the priced stages (no known price for ${unpriced})` : ""}`}`);
}
