import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import { DEFAULT_RESAMPLES, DEFAULT_SEED, type BootstrapOptions } from "../eval/bootstrap-means.js";
import { parsePositiveInt } from "./common-options.js";

/** --bootstrap and --seed, for every command that reports intervals (eval, report). */
export function bootstrapOptions(command: Command): Command {
  return command
    .option("--bootstrap <n>", "bootstrap resamples for the 95% intervals and p-values", parsePositiveInt("--bootstrap", 100_000), DEFAULT_RESAMPLES) // 10^5 takes ~3 s for 1,000 questions; more adds nothing but time
    .option("--seed <s>", "seed of the bootstrap's PRNG (xoshiro128**), an integer 0 … 4294967295", parseSeed, DEFAULT_SEED);
}

export function resolveBootstrap(raw: { bootstrap: number; seed: number }): BootstrapOptions {
  return { resamples: raw.bootstrap, seed: raw.seed };
}

function parseSeed(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed > 0xffffffff) throw usageError(`--seed must be an integer from 0 to 4294967295, got "${value}"`);
  return parsed;
}
