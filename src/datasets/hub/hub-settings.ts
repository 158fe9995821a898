/**
 * Where datasets come from: a Hugging Face Hub dataset repository at one revision. Built once at the
 * CLI edge from the Hub's own conventions (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE) and the flags.
 */
export interface HubSettings {
  /** e.g. https://huggingface.co (no trailing slash). */
  endpoint: string;
  /** owner/name of a dataset repository. */
  repo: string;
  /** branch, tag or commit. */
  revision: string;
  /** Sent as a Bearer token, never printed, logged or written. */
  token?: string;
  /** Never touch the network. */
  offline: boolean;
  /** Attempts per file after a dropped connection or a 5xx (each resumes with Range). */
  maxRetries?: number;
  /** First backoff between attempts, doubled each time (tests use 0). */
  retryDelayMs?: number;
  /** A download that receives nothing for this long is dropped and resumed. */
  idleTimeoutMs?: number;
}

/** The authors' dataset repository, linked from the upstream README (its text also names osunlp/HippoRAG_v2). */
export const DEFAULT_HUB_REPO = "osunlp/HippoRAG_2";
export const DEFAULT_HUB_REVISION = "main";
export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";
export const DEFAULT_HUB_RETRIES = 5;
