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
  /**
   * Lines repeating a passage's stage already in the file (the same result again, a failure beside
   * a result, or a failure a later line's result superseded): counted once. Two different results
   * for one passage's stage refuse the file.
   */
  duplicates: number;
  /**
   * Triple lines answering a request made from an older NER result of their passage (its NER changed
   * since the export): ignored, the passage stays pending and the next export asks again.
   */
  staleTriples: number;
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

/** The first line seen for a passage's stage, and how it was counted. */
interface Seen {
  line: number;
  ok: boolean;
  /** The parsed result, as JSON, of a good line. */
  value?: string;
  counted?: "failed" | "kept";
}

type LineOutcome = { ok: true; result: ReturnType<typeof parseCompletion>; parsed: string[] | string[][]; value: string } | { ok: false; message: string };

/** What one output line says: a usable result (parsed as an online reply is) or a failure's message. */
function outcomeOf(
  entry: Record<string, unknown>,
  response: { status_code?: unknown; body?: unknown } | null | undefined,
  stage: string,
  customId: string,
  where: { file: string; line: number },
  options: BatchImportOptions,
): LineOutcome {
  // A server may echo the key in its error: scrubbed before it is printed or stored.
  const errorText = entry.error ? redactSecrets(JSON.stringify(entry.error), options.secrets ?? []) : undefined;
  if (errorText || !response || response.status_code !== 200) {
    return { ok: false, message: `batch request failed: ${errorText ?? `status ${String(response?.status_code ?? "missing")}`}` };
  }
  let result;
  try {
    result = parseCompletion(response.body, options.secrets);
  } catch (error) {
    return { ok: false, message: `batch ${customId}: ${(error as Error).message}` };
  }
  const illFormed = illFormedPath(result.text);
  if (illFormed) throw new InputError(ILL_FORMED_PROBLEM, { ...where, field: "response.body.choices[0].message.content" });
  if (result.finishReason === "length" && !options.acceptTruncated) {
    return { ok: false, message: `reply cut off by the token limit (finish_reason "length"); export again with a larger --max-tokens, or import with --accept-truncated` };
  }
  const parsed = stage === NER ? parseNerOutput(result.text, result.finishReason) : parseTripleOutput(result.text, result.finishReason);
  if (!parsed.ok) return { ok: false, message: `${stage === NER ? "NER" : "triple"} reply unusable: ${parsed.error}` };
  return { ok: true, result, parsed: parsed.value, value: JSON.stringify(parsed.value) };
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
  const summary: BatchImportSummary = { file, ner: 0, triples: 0, failed: 0, pendingTriples: 0, unknown: 0, keptFinished: 0, replaced: 0, duplicates: 0, staleTriples: 0, failures: [] };
  const lines = readTextFile(file).split("\n");
  const source = `batch:${file.split(/[\\/]/).pop()}`;
  const seen = new Map<string, Seen>();
  let matchedTags = 0;
  const staleLines: { file: string; line: number }[] = [];
  const mismatch = (where: { file: string; line: number }, triples = false) =>
    new InputError(
      `it answers a request other than the one this import would send (for --llm-name ${model}, ${maxTokens ? `--max-tokens ${maxTokens}` : "no --max-tokens"}, these OpenIE prompts${triples ? " and the passage's NER result" : ""})${triples ? "; no line of the file matches these settings (if every passage's NER result changed since the export, export again)" : ""}: import with the settings of the export; nothing of this file was imported`,
      { ...where, field: "custom_id" },
    );
  // One transaction: a malformed line anywhere rolls back the whole file, so bad input changes nothing.
  workspace.transaction(() => {
    lines.forEach((line, index) => {
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
      if (tag !== undefined && (stage === NER || entities)) {
        if (tag === requestTag(model, request())) matchedTags++;
        else if (stage === NER) throw mismatch(where);
        else {
          // Either the settings differ (then no line of the file matches: refused below) or this
          // passage's NER result changed since the export (the line answers an outdated request).
          staleLines.push(where);
          return;
        }
      }
      const response = entry.response as { status_code?: unknown; body?: unknown } | null | undefined;
      // The requests file (or another JSONL) has neither: not an output line, and never a failure to record.
      if (response === undefined && (entry.error === undefined || entry.error === null)) {
        throw new InputError("not a batch output line: it has neither \"response\" nor \"error\" (is this the requests file --export-batch wrote?); nothing of this file was imported", { ...where, field: "response" });
      }
      const outcome = outcomeOf(entry, response, stage, customId as string, where, options);
      // The same passage's stage twice (outputs of a retried batch appended, a line copied): a result
      // beats a failure whatever their order; the same result again counts once; two different
      // results are refused, as an --import file holding one passage twice with two results is.
      const key = `${stage}:${passageId}`;
      const earlier = seen.get(key);
      if (earlier) {
        if (!outcome.ok || (earlier.ok && earlier.value === outcome.value)) return void summary.duplicates++;
        if (earlier.ok) {
          throw new InputError(`a second, different ${stage === NER ? "NER" : "triple"} result for passage ${passageId} (line ${earlier.line} holds another); nothing of this file was imported`, { ...where, field: "response" });
        }
        // this result supersedes the earlier line's failure
        summary.duplicates++;
        if (earlier.counted === "kept") summary.keptFinished--;
        else if (earlier.counted === "failed") {
          summary.failed--;
          summary.failures = summary.failures.filter((f) => f.passageId !== passageId);
        }
      }
      const record: Seen = { line: where.line, ok: outcome.ok, value: outcome.ok ? outcome.value : undefined };
      seen.set(key, record);
      const finished = before?.status === "done" && !options.force;
      // A failed NER line for a passage whose NER result is stored (an older round, an error line) keeps it.
      const nerKept = stage === NER && before?.status === "ner" && !options.force;
      if (!outcome.ok) {
        if (finished || nerKept) {
          summary.keptFinished++;
          record.counted = "kept";
          return;
        }
        store.saveFailure(passageId, stage === NER ? "ner" : "triples", outcome.message, source, stage === TRIPLES ? entities : undefined);
        summary.failed++;
        record.counted = "failed";
        if (summary.failures.length < 5) summary.failures.push({ passageId, error: outcome.message });
        return;
      }
      if (stage === NER) {
        if (finished) {
          summary.keptFinished++; // round 1 after round 2: the triples stay
          record.counted = "kept";
          return;
        }
        cache.store(request(), outcome.result);
        store.saveNer(passageId, outcome.parsed as string[], source);
        summary.ner++;
        summary.pendingTriples++;
      } else {
        if (!entities) throw new InputError("a triple result for a passage whose NER result was never imported", { ...where, field: "custom_id" });
        cache.store(request(), outcome.result);
        const triples = outcome.parsed as string[][];
        if (before?.status === "done" && JSON.stringify(before.triples) === JSON.stringify(triples)) return;
        if (before?.status === "done") summary.replaced++;
        store.saveDone(passageId, entities, triples, source);
        summary.triples++;
      }
    });
    if (staleLines.length > 0) {
      if (matchedTags === 0) throw mismatch(staleLines[0]!, true);
      summary.staleTriples = staleLines.length;
    }
  });
  summary.pendingTriples = [...store.all().values()].filter((r) => r.status === "ner" && byId.has(r.passageId)).length;
  return summary;
}
