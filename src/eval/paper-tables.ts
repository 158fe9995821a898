import { MISSING, pct, runLabel, signedPct, type NamedReport } from "./format-eval-report.js";
import { PAPER_ABLATIONS, paperDatasetKey, paperNumbers, paperSystemFor, paperValue, type PaperRow } from "./paper-numbers.js";
import { plural } from "../core/plural.js";

/** One workspace's stored runs, scored on its dataset. */
export interface DatasetRuns {
  dataset: string;
  saveDir: string;
  reports: NamedReport[];
  /** The dataset's own notes (gold passages no corpus passage matches), before its runs' notes. */
  notes?: string[];
  /** The questions file the runs were scored against, and why that one: given (--questions), the one the workspace's latest run or eval read, or the dataset's own. */
  questions?: { path: string; from: "given" | "recorded" | "dataset" };
}

export interface PaperTable {
  title: string;
  header: string[];
  body: string[][];
  notes: string[];
}

/**
 * Stored runs laid out like the paper's tables, one column group per dataset (ours, the paper's, ours − paper):
 * retrieval R@2 / R@5 (Tables 3 and 9), QA EM / F1 (Tables 2 and 8) and the Table 4 ablations (R@5).
 */
export function paperTables(datasets: readonly DatasetRuns[]): PaperTable[] {
  const notes = datasetNotes(datasets);
  const tables: PaperTable[] = [
    pairTable("Retrieval: Recall@2 / Recall@5 (%), paper Tables 3 and 9", datasets, (r) => [r.recall?.["2"], r.recall?.["5"]], (p) => [p.recall2, p.recall5], notes),
  ];
  if (datasets.some((d) => d.reports.some((r) => r.report.em !== undefined))) {
    tables.push(pairTable("QA: exact match / token F1 (%), paper Tables 2 and 8", datasets, (r) => [r.em, r.f1], (p) => [p.em, p.f1], notes, (r) => r.report.em !== undefined));
  }
  const ablations = ablationTable(datasets, notes);
  if (ablations) tables.push(ablations);
  return tables;
}

/** Runs in the order of the paper's rows: HippoRAG 2 and its variants, dense, BM25, then the rest. */
export function orderRuns(names: Iterable<string>): string[] {
  const rank = (run: string) => (run === "hipporag2" ? 0 : run === "hipporag2-nofilter" ? 1 : run.startsWith("hipporag2") ? 2 : run.startsWith("dense") ? 3 : run.startsWith("bm25") ? 4 : 5);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const QUESTIONS_FROM = {
  given: "",
  recorded: ", the questions file the workspace's latest run or eval read (--questions to score another)",
  dataset: "",
} as const;

/** Every table's notes once, in order: tables share their dataset notes, which a reader needs only once. */
export function allNotes(tables: readonly PaperTable[]): string[] {
  return [...new Set(tables.flatMap((t) => t.notes))];
}

function datasetNotes(datasets: readonly DatasetRuns[]): string[] {
  return datasets.flatMap((d) => {
    const paper = paperNumbers(d.dataset);
    const n = d.reports[0]?.report.count ?? 0;
    // Each run's own notes (fallbacks, missing answers, a partial index) follow its dataset's line,
    // named as its column is (with the workspace when two hold the dataset: their notes stay apart).
    const indexes = [...new Set(d.reports.flatMap((r) => r.indexes ?? []))];
    const mixed = indexes.length > 1 ? [`its runs come from different indexes, not comparable as they stand (${d.reports.map((r) => `${labelOf(r)}: ${(r.indexes ?? []).join(" + ")}`).join("; ")})`] : [];
    const runs = [...(d.notes ?? []), ...mixed, ...d.reports.flatMap((r) => r.notes ?? [])].map((note) => `${columnName(d, datasets)}: ${note}`);
    const where = `${d.saveDir}, ${plural(n, "question")}${d.questions ? ` of ${d.questions.path}${QUESTIONS_FROM[d.questions.from]}` : ""}`;
    if (!paper) return [`${d.dataset} (${where}): the paper reports no numbers for this dataset.`, ...runs];
    return [`${d.dataset} (${where}) against ${paper.name}${paper.exact ? "" : ": not the paper's split, so differences are context, not a reproduction check"}.`, ...runs];
  });
}

type Pair = [number | undefined, number | undefined];

function pairTable(
  title: string,
  datasets: readonly DatasetRuns[],
  ours: (report: NamedReport["report"]) => Pair,
  theirs: (row: PaperRow) => Pair,
  notes: string[],
  include: (report: NamedReport) => boolean = () => true,
): PaperTable {
  const runs = orderRuns(datasets.flatMap((d) => d.reports.filter(include).map(labelOf)));
  const header = ["run", "paper system", ...datasets.flatMap((d) => [columnName(d, datasets), "paper", "ours − paper"])];
  const body = runs.map((run) => {
    // Per workspace: dense is the paper's NV-Embed-v2 only where that is its encoder.
    const held = datasets.map((d) => d.reports.find((r) => labelOf(r) === run));
    const systems = held.map((named) => (named ? paperSystemFor(run, named.indexes) : undefined));
    const system = systems.find((s) => s !== undefined);
    const partly = held.some((named, i) => named && systems[i] !== system);
    return [
      run,
      system === undefined ? MISSING : partly ? `${system} (where it is the encoder)` : system,
      ...datasets.flatMap((d, i) => {
        // A run may be current in one workspace and stale in another: marked in the column it is stale in.
        const named = held[i];
        const own = systems[i];
        const report = named?.report;
        const mine: Pair = report ? ours(report) : [undefined, undefined];
        const row = own ? paperNumbers(d.dataset)?.rows.find((r) => r.system === own) : undefined;
        const paper: Pair = row ? theirs(row) : [undefined, undefined];
        return [
          `${pct(mine[0])} / ${pct(mine[1])}${named?.stale ? " (stale)" : ""}`,
          `${paperValue(paper[0])} / ${paperValue(paper[1])}`,
          `${delta(mine[0], paper[0])} / ${delta(mine[1], paper[1])}`,
        ];
      }),
    ];
  });
  return { title, header, body, notes: [...notes, "Paper system: the paper's row a run label is compared with (dense is the paper's NV-Embed-v2 only when that is the encoder)."] };
}

/** A stored run's label (eval's name may add the indexes it was retrieved from). */
function labelOf(report: NamedReport): string {
  return report.run ?? report.name;
}

/** A dataset's column title; with the workspace folder when two workspaces hold the same dataset. */
function columnName(d: DatasetRuns, datasets: readonly DatasetRuns[]): string {
  return datasets.filter((other) => other.dataset === d.dataset).length > 1 ? `${d.dataset} (${d.saveDir})` : d.dataset;
}

/** Ours − paper in points, from our fraction and the paper's percentage. */
function delta(ours: number | undefined, paper: number | undefined): string {
  return ours === undefined || paper === undefined ? MISSING : signedPct(ours - paper / 100);
}

function ablationTable(datasets: readonly DatasetRuns[], notes: string[]): PaperTable | undefined {
  // our full system: HippoRAG 2 with the filter if stored, else without it (graph-only workspaces)
  const fullOf = (d: DatasetRuns) => d.reports.find((r) => labelOf(r) === "hipporag2") ?? d.reports.find((r) => labelOf(r) === "hipporag2-nofilter");
  const rows = PAPER_ABLATIONS.map((ablation) => ({
    ablation,
    runs: datasets.map((d) => {
      const full = fullOf(d);
      return full ? d.reports.find((r) => labelOf(r) === ablation.label(labelOf(full))) : undefined;
    }),
  }));
  if (!rows.some((row, i) => i > 0 && row.runs.some(Boolean))) return undefined; // no ablation run stored anywhere
  const header = ["variant", ...datasets.flatMap((d) => [`${columnName(d, datasets)} run`, "R@5 (vs full)", "paper (vs full)", "ours − paper"])];
  const full = PAPER_ABLATIONS[0]!;
  const body = rows.map(({ ablation, runs }) => [
    ablation.variant,
    ...datasets.flatMap((d, i) => {
      const run = runs[i];
      const base = fullOf(d);
      const key = paperDatasetKey(d.dataset) as keyof typeof ablation.recall5 | undefined;
      const paper = key ? ablation.recall5[key] : undefined;
      const paperFull = key ? full.recall5[key] : undefined;
      const mine = run?.report.recall?.["5"];
      const mineFull = base?.report.recall?.["5"];
      const vs = (value: string, d: string) => (d === MISSING ? value : `${value} (${d})`);
      return [
        run ? runLabel(run) : MISSING,
        vs(pct(mine), run !== base && mine !== undefined && mineFull !== undefined ? signedPct(mine - mineFull) : MISSING),
        vs(paperValue(paper), ablation === full || paper === undefined ? MISSING : signedPct((paper - paperFull!) / 100)),
        delta(mine, paper),
      ];
    }),
  ]);
  return {
    title: "Ablations: Recall@5 (%), paper Table 4",
    header,
    body,
    notes: [...notes, "vs full: the variant minus the full system (ours: hipporag2, or hipporag2-nofilter when no filtered run is stored). The paper ran the NER-to-node and query-to-node variants without the filter."],
  };
}
