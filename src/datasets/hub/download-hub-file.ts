import { existsSync, renameSync, rmSync, statSync, truncateSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { HippoError } from "../../core/errors.js";
import { hashFile, hashFromEtag, matchesHash, type ExpectedHash } from "./file-hash.js";
import { hubFetch } from "./hub-fetch.js";
import { DEFAULT_HUB_RETRIES, type HubSettings } from "./hub-settings.js";
import type { HubFile } from "./list-hub-files.js";
import { makeFolder } from "../../core/make-folder.js";

export interface DownloadOutcome {
  dest: string;
  /** "up-to-date": the local file already had the right hash and nothing was downloaded. */
  status: "downloaded" | "up-to-date";
  /** Bytes received over the network in this call. */
  received: number;
  /** Times a dropped download was resumed with Range. */
  resumes: number;
  /** What the file was checked against. */
  verified: "sha256" | "git-sha1" | "size";
}

export interface DownloadHooks {
  onProgress?(done: number, total: number): void;
  onNote?(line: string): void;
}

/** `{endpoint}/datasets/{repo}/resolve/{revision}/{path}`, each path segment escaped. */
export function resolveUrl(settings: HubSettings, path: string): string {
  const escaped = path.split("/").map(encodeURIComponent).join("/");
  return `${settings.endpoint}/datasets/${settings.repo}/resolve/${encodeURIComponent(settings.revision)}/${escaped}`;
}

/**
 * Downloads one Hub file to `dest` safely: into `dest.part`, resumed with Range after a dropped
 * connection (also across runs), checked against the sha256 (or git blob sha1) of the listing or the
 * ETag, and only then renamed to `dest`. A mismatch removes the partial file and is a remote failure;
 * a local file that already has the right hash is left alone.
 */
export async function downloadHubFile(settings: HubSettings, file: HubFile, dest: string, hooks: DownloadHooks = {}): Promise<DownloadOutcome> {
  let expected: ExpectedHash = { sha256: file.sha256, gitOid: file.gitOid };
  if (existsSync(dest) && (await isComplete(dest, file, expected))) {
    return { dest, status: "up-to-date", received: 0, resumes: 0, verified: verifiedBy(expected) };
  }
  makeFolder(dirname(dest));
  const part = `${dest}.part`;
  const maxRetries = settings.maxRetries ?? DEFAULT_HUB_RETRIES;
  const url = resolveUrl(settings, file.path);
  let received = 0;
  let resumes = 0;
  let freshRetryLeft = existsSync(part) && statSync(part).size > 0; // a part left by an earlier run may be of another revision
  for (let pass = 0; ; pass++) {
    let failures = 0;
    for (;;) {
      const offset = existsSync(part) ? statSync(part).size : 0;
      if (file.size >= 0 && offset > file.size) truncateSync(part, 0);
      if (file.size >= 0 && offset === file.size && offset > 0) break; // already complete
      try {
        const got = await receive(settings, url, file, part, offset, hooks, (etag) => {
          if (!expected.sha256 && !expected.gitOid) expected = hashFromEtag(etag);
        });
        received += got;
        break;
      } catch (error) {
        const retryable = !HippoError.isInstance(error) || error.isRetryable;
        if (!retryable || failures >= maxRetries) {
          if (HippoError.isInstance(error)) throw error;
          throw new HippoError("REMOTE", `download of ${file.path} failed after ${failures + 1} attempts: ${(error as Error).message}`, {
            cause: error,
            suggestion: "run the same pull again: it resumes from the partial file",
          });
        }
        failures++;
        resumes++;
        const at = existsSync(part) ? statSync(part).size : 0;
        hooks.onNote?.(`${file.path}: connection dropped at ${at} bytes (${(error as Error).message}); resuming (attempt ${failures + 1} of ${maxRetries + 1})`);
        await sleep((settings.retryDelayMs ?? 1000) * 2 ** (failures - 1));
      }
    }
    const size = statSync(part).size;
    const sizeOk = file.size < 0 || size === file.size;
    const hashOk = sizeOk ? await matchesHash(part, expected) : false;
    if (sizeOk && hashOk !== false) {
      renameSync(part, dest);
      return { dest, status: "downloaded", received, resumes, verified: verifiedBy(expected) };
    }
    rmSync(part, { force: true });
    if (freshRetryLeft && pass === 0) {
      freshRetryLeft = false;
      hooks.onNote?.(`${file.path}: the partial file from an earlier run did not match; downloading it again from the start`);
      continue;
    }
    const got = sizeOk ? await describeHash(expected, size) : `${size} bytes, expected ${file.size}`;
    throw new HippoError("REMOTE", `${file.path} from ${settings.repo} failed verification (${got}); nothing was written to ${dest}`, {
      suggestion: "run the pull again; if it fails again the mirror (HF_ENDPOINT) or the repository file is corrupt",
    });
  }
}

/** One GET from `offset`, appended to `part`. Returns the bytes received; throws on a dropped connection. */
async function receive(settings: HubSettings, url: string, file: HubFile, part: string, offset: number, hooks: DownloadHooks, onEtag: (etag: string | null) => void): Promise<number> {
  const controller = new AbortController();
  const idleMs = settings.idleTimeoutMs ?? 60_000;
  let idle = setTimeout(() => controller.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  try {
    const response = await hubFetch(url, settings, { headers, signal: controller.signal, what: file.path });
    onEtag(response.headers.get("x-linked-etag") ?? response.headers.get("etag"));
    let start = offset;
    if (response.status === 416) {
      await response.body?.cancel();
      truncateSync(part, 0); // the part is not a prefix of the file: start again
      throw new Error("range not satisfiable");
    }
    if (response.status === 206) {
      const range = /bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
      if (!range || Number(range[1]) !== offset) {
        await response.body?.cancel();
        truncateSync(part, 0);
        throw new Error("the server resumed at the wrong offset");
      }
    } else if (offset > 0) {
      start = 0; // 200 to a Range request: the server sends everything
    }
    const handle = await open(part, start === 0 ? "w" : "a");
    let got = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
        await handle.write(chunk);
        got += chunk.length;
        hooks.onProgress?.(start + got, file.size);
      }
    } finally {
      await handle.close();
    }
    return got;
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof Error) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(idle);
  }
}

async function isComplete(path: string, file: HubFile, expected: ExpectedHash): Promise<boolean> {
  if (file.size >= 0 && statSync(path).size !== file.size) return false;
  const match = await matchesHash(path, expected);
  return match ?? file.size >= 0;
}

function verifiedBy(expected: ExpectedHash): DownloadOutcome["verified"] {
  return expected.sha256 ? "sha256" : expected.gitOid ? "git-sha1" : "size";
}

async function describeHash(expected: ExpectedHash, size: number): Promise<string> {
  if (expected.sha256) return `sha256 mismatch: expected ${expected.sha256.slice(0, 12)}…, ${size} bytes received`;
  return `git sha1 mismatch: expected ${expected.gitOid?.slice(0, 12)}…, ${size} bytes received`;
}

export { hashFile };
