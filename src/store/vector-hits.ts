import type { VectorHit } from "./vector-store.js";

/**
 * Inner product in double precision. Every store re-scores its candidates with this one function,
 * so hits from different backends carry bit-identical scores for the same stored vectors.
 */
export function innerProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Best first; ties by id, so the order never depends on a backend's scan order. */
export function rankHits(hits: VectorHit[], k: number): VectorHit[] {
  return hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).slice(0, Math.max(0, k));
}

/**
 * Keeps the best k hits of a stream (a scan over a whole space) without holding them all: a buffer
 * cut back to k whenever it doubles.
 */
export class TopHits {
  private hits: VectorHit[] = [];
  constructor(private readonly k: number) {}
  add(id: string, score: number): void {
    this.hits.push({ id, score });
    if (this.hits.length >= 2 * Math.max(this.k, 64)) this.hits = rankHits(this.hits, this.k);
  }
  result(): VectorHit[] {
    return rankHits(this.hits, this.k);
  }
}
