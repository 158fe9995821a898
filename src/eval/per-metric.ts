/** One value per metric, in the shape of the means: `recall["5"]`, `em`, `f1`. */
export interface PerMetric<T> {
  recall?: Record<string, T>;
  em?: T;
  f1?: T;
}

export type Interval = [number, number];
export type MetricIntervals = PerMetric<Interval>;
