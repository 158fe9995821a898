import { HippoError } from "../../core/errors.js";
import { redactSecrets } from "../../core/redact.js";
import type { HubSettings } from "./hub-settings.js";

/** The Hub did not answer at all (no network, DNS, a refused connection): what `datasets list` can do without. */
export class HubUnreachable extends HippoError {}

/**
 * One request to the Hub with the token attached and every failure turned into a one-line remote
 * error (exit 3) that says what to do. The token is scrubbed from anything a server echoes back.
 */
export async function hubFetch(url: string, settings: HubSettings, init: { headers?: Record<string, string>; signal?: AbortSignal; what: string }): Promise<Response> {
  if (settings.offline) {
    throw new HippoError("USAGE", `offline (HF_HUB_OFFLINE=1 or --offline): not fetching ${init.what}`, {
      suggestion: "unset HF_HUB_OFFLINE / drop --offline to download, or put the files in --dataset-dir yourself",
    });
  }
  const headers: Record<string, string> = { "user-agent": "hipporag-ts", ...init.headers };
  if (settings.token) headers.authorization = `Bearer ${settings.token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: init.signal, redirect: "follow" });
  } catch (error) {
    throw new HubUnreachable("REMOTE", `cannot reach ${settings.endpoint} for ${init.what}: ${scrub(errorText(error), settings)}`, {
      cause: error,
      isRetryable: true,
      suggestion: "check the network (or HF_ENDPOINT for a mirror); with no network, copy the dataset files into --dataset-dir by hand (other commands take --offline to never ask the Hub)",
    });
  }
  if (response.ok || response.status === 206 || response.status === 416) return response;
  const body = scrub((await response.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " "), settings);
  const detail = body ? `: ${body}` : "";
  if (response.status === 401) {
    throw new HippoError("REMOTE", `${settings.repo} refused ${init.what} (401 unauthorized)${settings.token ? ", the token in HF_TOKEN was not accepted" : ""}`, {
      suggestion: settings.token
        ? "check that HF_TOKEN is a valid read token with access to the repository"
        : "the repository is gated or private: set HF_TOKEN to a Hugging Face read token (it is never printed or stored)",
    });
  }
  if (response.status === 403) {
    throw new HippoError("REMOTE", `${settings.repo} refused ${init.what} (403 forbidden)${detail}`, {
      suggestion: "accept the dataset's terms on its Hub page with the account of HF_TOKEN",
    });
  }
  if (response.status === 404) {
    throw new HippoError("REMOTE", `not found on ${settings.endpoint}: ${init.what} (404)${detail}`, {
      suggestion: `check --repo ${settings.repo} and --revision ${settings.revision}`,
    });
  }
  throw new HippoError("REMOTE", `${settings.endpoint} answered ${response.status} for ${init.what}${detail}`, {
    isRetryable: response.status === 429 || response.status >= 500,
    suggestion: "try again later",
  });
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function scrub(text: string, settings: HubSettings): string {
  return redactSecrets(text, settings.token ? [settings.token] : []).replace(/\bhf_[A-Za-z0-9]{8,}/g, "hf_***");
}
