import { md5Hex } from "./ids.js";

/**
 * The one reuse rule: a stored result records a fingerprint of each of its inputs (content hashes,
 * never ids or positions), and is reused only when every part equals what the current inputs give.
 * Keeping the parts apart (not one hash) lets the output say *why* something was recomputed.
 */
export type Inputs = Record<string, string>;

/** Canonical JSON (object keys sorted) of a value, hashed: equal values give equal fingerprints. */
export function fingerprint(value: unknown): string {
  return md5Hex(canonicalJson(value));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The parts of `current` that differ from `stored` (every part when nothing is stored). */
export function changedParts(stored: Inputs | undefined, current: Inputs): string[] {
  if (!stored) return ["new"];
  return Object.keys(current).filter((part) => stored[part] !== current[part]);
}

/** Why items were recomputed, counted per reason, for one line of output. */
export class RecomputeTally {
  readonly reasons: Record<string, number> = {};
  reused = 0;

  add(reason: string | undefined): void {
    if (reason === undefined) this.reused++;
    else this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
  }

  get recomputed(): number {
    return Object.values(this.reasons).reduce((a, b) => a + b, 0);
  }

  /** e.g. "3 new, 12 changed question text, 50 index changed since the stored run". */
  describe(): string {
    return Object.entries(this.reasons).map(([reason, n]) => `${n} ${reason}`).join(", ");
  }
}
