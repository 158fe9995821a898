import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import { DEFAULT_HF_ENDPOINT, DEFAULT_HUB_REPO, DEFAULT_HUB_REVISION, type HubSettings } from "../datasets/hub/hub-settings.js";

export interface HubCliOptions {
  repo?: string;
  revision?: string;
  offline?: boolean;
}

/** `--repo`, `--revision` and `--offline` (the last only if the command does not have it already, e.g. from the encoder options). */
export function hubOptions(command: Command, options: { repo?: boolean } = { repo: true }): Command {
  if (options.repo) {
    command
      .option("--repo <owner/name>", "Hugging Face dataset repository", DEFAULT_HUB_REPO)
      .option("--revision <rev>", "branch, tag or commit of the repository", DEFAULT_HUB_REVISION);
  }
  if (!command.options.some((option) => option.long === "--offline")) {
    command.option("--offline", "never touch the network (also HF_HUB_OFFLINE=1)", false);
  }
  return command;
}

/**
 * The Hub settings from the flags and the Hub's own environment variables: HF_ENDPOINT (a mirror),
 * HF_TOKEN (gated or private repositories; HUGGING_FACE_HUB_TOKEN is the older name), HF_HUB_OFFLINE.
 */
export function resolveHub(options: HubCliOptions, env: NodeJS.ProcessEnv = process.env): HubSettings {
  const endpoint = (env.HF_ENDPOINT?.trim() || DEFAULT_HF_ENDPOINT).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(endpoint)) throw usageError(`HF_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  const repo = options.repo ?? DEFAULT_HUB_REPO;
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(repo)) throw usageError(`--repo must be owner/name, got "${repo}"`, `e.g. --repo ${DEFAULT_HUB_REPO}`);
  const revision = options.revision ?? DEFAULT_HUB_REVISION;
  if (revision.trim() === "" || /\s/.test(revision)) throw usageError(`--revision must be a branch, tag or commit, got "${revision}"`);
  const offlineEnv = [env.HF_HUB_OFFLINE, env.HIPPORAG_OFFLINE].some((value) => value !== undefined && !["", "0", "false"].includes(value.toLowerCase()));
  const token = (env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN)?.trim() || undefined;
  return { endpoint, repo, revision, token, offline: options.offline === true || offlineEnv };
}
