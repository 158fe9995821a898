import type { ProgressFields } from "../core/progress.js";
import type { OpenIESummary } from "../openie/run-openie.js";

/** What OpenIE progress shows, for the openie command and for OpenIE started by index/run. */
export function openieFields(summary: OpenIESummary, retries?: number): ProgressFields {
  return { failed: summary.failed, tin: summary.promptTokens, tout: summary.completionTokens, hits: summary.cacheHits, ...(retries === undefined ? {} : { retries }) };
}

export function formatOpenIEProgress(f: ProgressFields): string {
  return `failed ${f.failed} | tokens in ${f.tin} out ${f.tout} | cache hits ${f.hits}${f.retries === undefined ? "" : ` | retries ${f.retries}`}`;
}
