import { redactSecrets } from "../core/redact.js";
import { writeOutputFile } from "../core/write-output-file.js";
import { InputError } from "../core/errors.js";
import { md5Hex } from "../core/ids.js";
import { ILL_FORMED_PROBLEM, illFormedPath } from "../core/well-formed.js";
import { readTextFile } from "../core/read-json-file.js";
import type { Passage } from "../datasets/dataset-types.js";
import { chatRequestBody, type ChatRequest } from "../llm/chat-model.js";
import type { CachedChatModel } from "../llm/cached-chat-model.js";
import { parseCompletion } from "../llm/openai-chat-model.js";
import type { OpenIEStore } from "../store/openie-store.js";
import type { UnitOfWork } from "../store/unit-of-work.js";
import { parseNerOutput, parseTripleOutput } from "./parse-openie-output.js";
import { nerMessages, tripleMessages } from "./prompts/build-openie-messages.js";
import type { OpenIEPrompts } from "./prompts/openie-prompts.js";

const NER = "openie-ner";
const TRIPLES = "openie-triples";

/**
 * The end of a request's custom_id: the first 12 hex digits of md5 over its body (model, messages,
 * max tokens). A reply can then be filed only under the model, prompts and NER result its request
 * was made with: the import recomputes the body it would send and refuses a line whose tag differs.
 */
function requestTag(model: string, request: ChatRequest): string {
  return md5Hex(JSON.stringify(chatRequestBody(model, request))).slice(0, 12);
}

export interface BatchExportSummary {
  ner: number;
  triples: number;
  file: string;
}

/**
 * Writes the pending OpenIE requests as OpenAI Batch JSONL (`vllm run-batch` reads the same format):
 * NER for passages without entities, triples for passages whose NER is done (round 2).
 */
export function exportOpenIEBatch(
  passages: readonly Passage[],
  store: OpenIEStore,
  prompts: OpenIEPrompts,
  file: string,
  maxTokens?: number,
  /** The model named in each request (the store's set may carry a prompts suffix). */
  model = store.model,
): BatchExportSummary {
  const records = store.all();
  const lines: string[] = [];
  let ner = 0;
  let triples = 0;
  for (const passage of passages) {
    const record = records.get(passage.id);
    if (record?.status === "done") continue;
    const request: ChatRequest = record?.entities
      ? { messages: tripleMessages(prompts, passage.content, record.entities), stage: TRIPLES, maxTokens }
      : { messages: nerMessages(prompts, passage.content), stage: NER, maxTokens };
    if (request.stage === NER) ner++;
    else triples++;
    lines.push(JSON.stringify({ custom_id: `${request.stage}:${passage.id}:${requestTag(model, request)}`, method: "POST", url: "/v1/chat/completions", body: chatRequestBody(model, request) }));
  }
  writeOutputFile(file, lines.length ? `${lines.join("\n")}\n` : "");
  return { ner, triples, file };
}

export interface BatchImportSummary {
  file: string;
  ner: number;
  triples: number;
  failed: number;
  /** Passages whose triples are still to be extracted (export again for round 2). */
  pendingTriples: number;
  /** Lines for passages not in this dataset (ignored). */
  unknown: number;
  /**
   * Lines that would have undone a finished result (a round-1 NER line, an error or an unusable reply
   * for a passage whose triples are done): ignored unless `force`. Re-importing round 1 after round 2
   * is then harmless.
   */
  keptFinished: number;
  /** Finished results replaced by different triples. */
  replaced: number;
  /** The first few failure reasons, for the user. */
  failures: { passageId: string; error: string }[];
}

export interface BatchImportOptions {
  maxTokens?: number;
  /** Let lines overwrite finished results (including with failures). */
  force?: boolean;
  /** Keep replies cut off by the token limit, repaired as upstream does (default: a failure). */
  acceptTruncated?: boolean;
  /** Credentials a reply must never carry into the workspace. */
  secrets?: readonly string[];
  /** The model named in the requests (what exportOpenIEBatch was given; default the store's set). */
  model?: string;
}

/**
 * Ingests OpenAI Batch output lines (`{custom_id, response: {status_code, body}, error}`). Good
 * replies are parsed exactly as online replies are and are also put in the LLM cache, so an online
 * run afterwards makes no call for them; bad ones are recorded as failures and exported again.
 */
export function importOpenIEBatch(
  workspace: UnitOfWork,
  passages: readonly Passage[],
  store: OpenIEStore,
  prompts: OpenIEPrompts,
  cache: CachedChatModel,
  file: string,
  options: BatchImportOptions = {},
): BatchImportSummary {
  const { maxTokens } = options;
  const model = options.model ?? store.model;
  const byId = new Map(passages.map((p) => [p.id, p]));
  const summary: BatchImportSummary = { file, ner: 0, triples: 0, failed: 0, pendingTriples: 0, unknown: 0, keptFinished: 0, replaced: 0, failures: [] };
  const lines = readTextFile(file).split("\n");
  const source = `batch:${file.split(/[\\/]/).pop()}`;
  // One transaction: a malformed line anywhere rolls back the whole file, so bad input changes nothing.
  workspace.transaction(() => lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const where = { file, line: index + 1 };
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new InputError("not valid JSON", where);
    }
    if (typeof entry !== "object" || entry === null) throw new InputError("expected an object", where);
    const customId = entry.custom_id;
    // Files exported before requests were tagged have no tag: they are taken as they are.
    const match = typeof customId === "string" ? /^(openie-ner|openie-triples):(chunk-[0-9a-f]{32})(?::([0-9a-f]{12}))?$/.exec(customId) : null;
    if (!match) throw new InputError(`expected "openie-ner:<passage id>" or "openie-triples:<passage id>", got ${JSON.stringify(customId)}`, { ...where, field: "custom_id" });
    const [, stage, passageId, tag] = match as unknown as [string, string, string, string | undefined];
    const passage = byId.get(passageId);
    if (!passage) {
      summary.unknown++;
      return;
    }
    const before = store.get(passageId);
    const entities = before?.entities;
    const request = (): ChatRequest =>
      stage === NER ? { messages: nerMessages(prompts, passage.content), stage: NER, maxTokens } : { messages: tripleMessages(prompts, passage.content, entities ?? []), stage: TRIPLES, maxTokens };
    if (tag !== undefined && (stage === NER || entities) && tag !== requestTag(model, request())) {
      throw new InputError(
        `it answers a request other than the one this import would send (for --llm-name ${model}, ${maxTokens ? `--max-tokens ${maxTokens}` : "no --max-tokens"}, these OpenIE prompts${stage === TRIPLES ? " and the passage's NER result" : ""}): import with the settings of the export; nothing of this file was imported`,
        { ...where, field: "custom_id" },
      );
    }
    const response = entry.response as { status_code?: unknown; body?: unknown } | null | undefined;
    // The requests file (or another JSONL) has neither: not an output line, and never a failure to record.
    if (response === undefined && (entry.error === undefined || entry.error === null)) {
      throw new InputError("not a batch output line: it has neither \"response\" nor \"error\" (is this the requests file --export-batch wrote?); nothing of this file was imported", { ...where, field: "response" });
    }
    // A server may echo the key in its error: scrubbed before it is printed or stored.
    const errorText = entry.error ? redactSecrets(JSON.stringify(entry.error), options.secrets ?? []) : undefined;
    const finished = before?.status === "done" && !options.force;
    // A failed NER line for a passage whose NER result is stored (an older round, an error line) keeps it.
    const nerKept = stage === NER && before?.status === "ner" && !options.force;
    const fail = (message: string) => {
      if (finished || nerKept) return void summary.keptFinished++;
      store.saveFailure(passageId, stage === NER ? "ner" : "triples", message, source, stage === TRIPLES ? entities : undefined);
      summary.failed++;
      if (summary.failures.length < 5) summary.failures.push({ passageId, error: message });
    };
    if (errorText || !response || response.status_code !== 200) {
      fail(`batch request failed: ${errorText ?? `status ${String(response?.status_code ?? "missing")}`}`);
      return;
    }
    let result;
    try {
      result = parseCompletion(response.body, options.secrets);
    } catch (error) {
      fail(`batch ${customId}: ${(error as Error).message}`);
      return;
    }
    const illFormed = illFormedPath(result.text);
    if (illFormed) throw new InputError(ILL_FORMED_PROBLEM, { ...where, field: "response.body.choices[0].message.content" });
    if (result.finishReason === "length" && !options.acceptTruncated) {
      return fail(`reply cut off by the token limit (finish_reason "length"); export again with a larger --max-tokens, or import with --accept-truncated`);
    }
    if (stage === NER) {
      if (finished) return void summary.keptFinished++; // round 1 after round 2: the triples stay
      const parsed = parseNerOutput(result.text, result.finishReason);
      if (!parsed.ok) return fail(`NER reply unusable: ${parsed.error}`);
      cache.store(request(), result);
      store.saveNer(passageId, parsed.value, source);
      summary.ner++;
      summary.pendingTriples++;
    } else {
      if (!entities) throw new InputError("a triple result for a passage whose NER result was never imported", { ...where, field: "custom_id" });
      const parsed = parseTripleOutput(result.text, result.finishReason);
      if (!parsed.ok) return fail(`triple reply unusable: ${parsed.error}`);
      cache.store(request(), result);
      if (before?.status === "done" && JSON.stringify(before.triples) === JSON.stringify(parsed.value)) return;
      if (before?.status === "done") summary.replaced++;
      store.saveDone(passageId, entities, parsed.value, source);
      summary.triples++;
    }
  }));
  summary.pendingTriples = [...store.all().values()].filter((r) => r.status === "ner" && byId.has(r.passageId)).length;
  return summary;
}
