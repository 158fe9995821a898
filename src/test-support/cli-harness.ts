import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../cli/main.js";

export const SHARED = resolve(import.meta.dirname, "../../../shared");
export const SHARED_DATASETS = join(SHARED, "datasets");
export const GPT35_OPENIE = join(SHARED, "openie/musique_train/openie_results_ner_gpt-3.5-turbo-1106.json");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI entry (`main`) in-process and captures what it prints. */
export async function runCli(args: readonly string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "hipporag", ...args], {
    stdout: (text) => void (stdout += text.endsWith("\n") ? text : `${text}\n`),
    stderr: (text) => void (stderr += text.endsWith("\n") ? text : `${text}\n`),
  });
  return { code, stdout, stderr };
}

const made: string[] = [];

/** A fresh folder under the system's temporary one, removed when the test file ends (see remove-temp-dirs.ts). */
export function tempDir(prefix = "hipporag-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made in this process; returns how many. */
export function removeTempDirs(): number {
  const dirs = made.splice(0);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  return dirs.length;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

/**
 * A fresh workspace on musique_train_dev with the authors' GPT-3.5 OpenIE imported and, unless
 * `index: false`, indexed with the built-in encoder: `base` is the dataset and save-dir arguments.
 */
export async function musiqueWorkspace(options: { index?: boolean } = {}): Promise<{ saveDir: string; base: string[] }> {
  const saveDir = tempDir();
  const base = ["--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--save-dir", saveDir];
  const steps = [["openie", ...base, "--import", GPT35_OPENIE], ...(options.index === false ? [] : [["index", ...base]])];
  for (const args of steps) {
    const result = await runCli(args);
    if (result.code !== 0) throw new Error(`hipporag ${args[0]} failed (exit ${result.code}): ${result.stderr}`);
  }
  return { saveDir, base };
}
