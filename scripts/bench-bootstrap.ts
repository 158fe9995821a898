/**
 * The eval bootstrap at the paper's size: 1,000 questions × 12 metric columns (10 Recall@k, EM, F1)
 * × 10,000 resamples, as `hipporag eval` runs it per run (and once more per --compare pair).
 *   npx tsx scripts/bench-bootstrap.ts [--questions 1000] [--resamples 10000] [--repeats 5]
 */
import { bootstrapMeans } from "../src/eval/bootstrap-means.js";
import { arg, ms, report } from "./bench-util.js";
import { mulberry32 } from "./synthetic-graph.js";

const questions = arg("questions", 1000);
const resamples = arg("resamples", 10_000);
const repeats = arg("repeats", 5);
const random = mulberry32(3);
// recall-like values (multiples of 1/2, 1/3, 1/4) and F1-like reals, so sums are not trivially exact
const columns = Array.from({ length: 12 }, (_, j) => Float64Array.from({ length: questions }, () => (j < 11 ? Math.floor(random() * (2 + (j % 3)) + 0.5) / (2 + (j % 3)) : random())));
const rows = [];
for (let r = 0; r < repeats; r++) {
  const start = performance.now();
  const [first] = bootstrapMeans(columns, { resamples, seed: r });
  rows.push({ repeat: r + 1, questions, metrics: columns.length, resamples, ms: ms(start), "ci95 of column 1": first!.ci95.map((v) => v.toFixed(4)).join(" … ") });
}
report("bootstrap", rows);
