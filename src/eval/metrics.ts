import { pyRound } from "../core/python-builtins.js";
import { normalizeAnswer } from "./normalize-answer.js";

/** Recall cut-offs reported by upstream (spec §9). */
export const RECALL_KS = [1, 2, 5, 10, 20, 30, 50, 100, 150, 200] as const;

export function exactMatch(gold: string, predicted: string): number {
  return normalizeAnswer(gold) === normalizeAnswer(predicted) ? 1 : 0;
}

/** Token F1 with multiset overlap; 0 when nothing overlaps, including when both sides are empty (upstream). */
export function tokenF1(gold: string, predicted: string): number {
  const goldTokens = tokens(gold);
  const predictedTokens = tokens(predicted);
  const counts = new Map<string, number>();
  for (const token of goldTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predictedTokens) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      same++;
      counts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predictedTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

function tokens(text: string): string[] {
  const normalized = normalizeAnswer(text);
  return normalized === "" ? [] : normalized.split(" ");
}

/** Max over gold answers (upstream `np.max`); no gold answers scores 0. */
export function bestOverGold(metric: (gold: string, predicted: string) => number, golds: readonly string[], predicted: string): number {
  let best = 0;
  for (const gold of golds) best = Math.max(best, metric(gold, predicted));
  return best;
}

/** Per-question recall@k: |set(top k) ∩ set(gold)| / |set(gold)|, 0 when there is no gold. */
export function recallAtK(retrieved: readonly string[], gold: readonly string[], k: number): number {
  const goldSet = new Set(gold);
  if (goldSet.size === 0) return 0;
  const top = new Set(retrieved.slice(0, k));
  let hits = 0;
  for (const doc of top) if (goldSet.has(doc)) hits++;
  return hits / goldSet.size;
}

/** Upstream's `round(value, 4)` (Python's rounding: exact value, ties to even). */
export function round4(value: number): number {
  return pyRound(value, 4);
}
