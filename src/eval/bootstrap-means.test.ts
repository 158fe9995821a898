import { describe, expect, it } from "vitest";
import { bootstrapMeans, quantile } from "./bootstrap-means.js";

/**
 * The exact bootstrap distribution of the mean for small n: every multiset of n draws from n values
 * (a composition c of n into n parts) has probability n! / (∏ c_i!) / n^n. The Monte-Carlo bootstrap
 * must agree with it within its own sampling error.
 */
function exactBootstrap(values: readonly number[]): { mean: number; probability: number }[] {
  const n = values.length;
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const out: { mean: number; probability: number }[] = [];
  const counts = new Array<number>(n).fill(0);
  const visit = (position: number, left: number) => {
    if (position === n - 1) {
      counts[position] = left;
      const ways = factorial(n) / counts.reduce((p, c) => p * factorial(c), 1);
      out.push({ mean: counts.reduce((s, c, i) => s + c * values[i]!, 0) / n, probability: ways / n ** n });
      return;
    }
    for (let c = 0; c <= left; c++) {
      counts[position] = c;
      visit(position + 1, left - c);
    }
  };
  visit(0, n);
  return out;
}

const cdf = (dist: { mean: number; probability: number }[], v: number, strict = false) =>
  dist.reduce((s, d) => s + ((strict ? d.mean < v - 1e-12 : d.mean <= v + 1e-12) ? d.probability : 0), 0);

describe("bootstrapMeans against the exact bootstrap distribution", () => {
  // per-question paired differences of the kind recall@k and F1 produce: ties, zeros, thirds
  const differences = [1, 0.5, 0, 0, -0.5, 1 / 3 - 1 / 6 - 1 / 6, 1 / 3, -1, 0.25];
  const other = [0, 0, 0, 1, 1, 0.5, 0.5, 0, 1];
  const resamples = 20_000;
  const [d, o] = bootstrapMeans([Float64Array.from(differences), Float64Array.from(other)], { resamples, seed: 42 });

  for (const [name, values, summary] of [["differences", differences, d!], ["second column", other, o!]] as const) {
    it(`${name}: p = P(mean* ≤ 0) and the 2.5/97.5 percentiles agree within Monte-Carlo error`, () => {
      const dist = exactBootstrap(values);
      expect(dist.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 12);
      const p = cdf(dist, 0);
      // 4 standard errors of a share estimated from `resamples` draws, plus one resample of slack
      const tolerance = (share: number) => 4 * Math.sqrt((share * (1 - share)) / resamples) + 1 / resamples;
      expect(Math.abs(summary.atOrBelowZero - p)).toBeLessThanOrEqual(tolerance(p));
      // an estimated percentile q must sit where the exact CDF crosses q, up to the same error
      for (const [bound, q] of [[summary.ci95[0], 0.025], [summary.ci95[1], 0.975]] as const) {
        expect(cdf(dist, bound)).toBeGreaterThanOrEqual(q - tolerance(q));
        expect(cdf(dist, bound, true)).toBeLessThanOrEqual(q + tolerance(q));
      }
    });
  }

  it("the differences column is really tested against a nontrivial p (neither 0 nor 1)", () => {
    expect(d!.atOrBelowZero).toBeGreaterThan(0.05);
    expect(d!.atOrBelowZero).toBeLessThan(0.5);
  });

  it("is deterministic for a seed, differs between seeds, and keeps columns paired", () => {
    const column = Float64Array.from({ length: 200 }, (_, i) => (i * 37) % 11 / 10);
    const again = bootstrapMeans([column], { resamples: 500, seed: 1 });
    expect(bootstrapMeans([column], { resamples: 500, seed: 1 })).toEqual(again);
    expect(bootstrapMeans([column], { resamples: 500, seed: 2 })).not.toEqual(again);
    // a column and its copy resampled with the same draws give identical summaries
    const [x, y] = bootstrapMeans([column, Float64Array.from(column)], { resamples: 500, seed: 1 });
    expect(y).toEqual(x);
    expect(x).toEqual(again[0]);
    // five columns: the block of four plus a remainder of one are both summarised
    const five = bootstrapMeans([column, column, column, column, column], { resamples: 100, seed: 3 });
    expect(new Set(five.map((s) => JSON.stringify(s))).size).toBe(1);
  });

  it("a constant column has a zero-width interval; all-zero differences give p = 1", () => {
    const [constant, zeros] = bootstrapMeans([new Float64Array(30).fill(0.4), new Float64Array(30)], { resamples: 200, seed: 0 });
    expect(constant!.ci95[0]).toBeCloseTo(0.4, 12);
    expect(constant!.ci95[1]).toBeCloseTo(0.4, 12);
    expect(constant!.atOrBelowZero).toBe(0);
    expect(zeros).toEqual({ ci95: [0, 0], atOrBelowZero: 1 });
  });

  it("quantile interpolates between order statistics as numpy's default", () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 1)).toBe(4);
    expect(quantile(sorted, 0.5)).toBe(2.5); // np.percentile([1,2,3,4], 50)
    expect(quantile(sorted, 0.025)).toBeCloseTo(1.075, 12); // np.percentile([1,2,3,4], 2.5)
  });

  it("takes 1,000 questions × 12 metrics × 10,000 resamples in well under two seconds", () => {
    const columns = Array.from({ length: 12 }, (_, j) => Float64Array.from({ length: 1000 }, (_, i) => ((i * 7919 + j * 31) % 97) / 97));
    const started = performance.now();
    bootstrapMeans(columns, { resamples: 10_000, seed: 0 });
    expect(performance.now() - started).toBeLessThan(2000); // 0.3 s on an idle core; the bound allows a busy machine
  });
});
