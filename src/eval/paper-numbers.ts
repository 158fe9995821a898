/**
 * Published numbers users compare with (shared/spec/paper-numbers.md; HippoRAG 2, arXiv 2502.14802,
 * Tables 2, 8 and 9: Llama-3.3-70B-Instruct + NV-Embed-v2, 1,000 questions per dataset; Table 4 ablations).
 */
import { MISSING } from "./format-eval-report.js";

export interface PaperRow {
  system: string;
  recall2?: number;
  recall5?: number;
  /** QA exact match (Table 8), given for HippoRAG 2 and NV-Embed-v2. */
  em?: number;
  f1?: number;
}

export interface PaperDataset {
  name: string;
  rows: PaperRow[];
}

const TABLES: Record<string, PaperDataset> = {
  musique: {
    name: "MuSiQue (paper test set, 11,656 passages)",
    rows: [
      { system: "HippoRAG 2", recall2: 56.1, recall5: 74.7, em: 37.2, f1: 48.6 },
      { system: "HippoRAG 2 w/o filter", recall5: 73.0 },
      { system: "NV-Embed-v2 (dense)", recall2: 52.7, recall5: 69.7, em: 34.7, f1: 45.7 },
      { system: "BM25", recall2: 32.4, recall5: 43.5, f1: 28.8 },
      { system: "Contriever", recall2: 34.8, recall5: 46.6, f1: 31.3 },
    ],
  },
  "2wikimultihopqa": {
    name: "2WikiMultiHopQA (paper test set, 6,119 passages)",
    rows: [
      { system: "HippoRAG 2", recall2: 76.2, recall5: 90.4, em: 65.0, f1: 71.0 },
      { system: "HippoRAG 2 w/o filter", recall5: 90.7 },
      { system: "NV-Embed-v2 (dense)", recall2: 67.1, recall5: 76.5, em: 57.5, f1: 61.5 },
      { system: "BM25", recall2: 55.3, recall5: 65.3, f1: 51.2 },
    ],
  },
  hotpotqa: {
    name: "HotpotQA (paper test set, 9,811 passages)",
    rows: [
      { system: "HippoRAG 2", recall2: 83.5, recall5: 96.3, em: 62.7, f1: 75.5 },
      { system: "HippoRAG 2 w/o filter", recall5: 95.4 },
      { system: "NV-Embed-v2 (dense)", recall2: 84.1, recall5: 94.5, em: 62.8, f1: 75.3 },
      { system: "BM25", recall2: 57.3, recall5: 74.8, f1: 63.4 },
    ],
  },
  nq: {
    name: "NQ (paper test set, 9,633 passages)",
    rows: [
      { system: "HippoRAG 2", recall2: 45.6, recall5: 78.0, em: 48.6, f1: 63.3 },
      { system: "NV-Embed-v2 (dense)", recall2: 45.3, recall5: 75.4, em: 47.3, f1: 61.9 },
      { system: "BM25", recall2: 28.2, recall5: 56.1, f1: 59.0 },
    ],
  },
  popqa: {
    name: "PopQA (paper test set, 8,676 passages)",
    rows: [
      { system: "HippoRAG 2", recall2: 43.9, recall5: 51.7, em: 42.9, f1: 56.2 },
      { system: "NV-Embed-v2 (dense)", recall2: 45.3, recall5: 51.0, em: 42.9, f1: 55.7 },
      { system: "BM25", recall2: 24.0, recall5: 35.7, f1: 49.9 },
    ],
  },
};

/** Table 4: multi-hop Recall@5 of each ablation, by the run label that is it (see runLabel). */
export interface PaperAblation {
  variant: string;
  /**
   * The label of this variant of our full run (`full`: "hipporag2", or "hipporag2-nofilter" in a
   * workspace without a filter LLM): the full run with this one change and no other, so that its
   * difference from the full run is the ablation's (another linking top-k, a filter switched off as
   * well, or IRCoT would be two changes).
   */
  label: (full: string) => string;
  recall5: Record<"musique" | "2wikimultihopqa" | "hotpotqa", number>;
}

export const PAPER_ABLATIONS: readonly PaperAblation[] = [
  { variant: "HippoRAG 2 (full)", label: (full) => full, recall5: { musique: 74.7, "2wikimultihopqa": 90.4, hotpotqa: 96.3 } },
  // node linkings skip the filter, so their label has no -nofilter either way
  { variant: "w/ NER-to-node", label: () => "hipporag2-nernode", recall5: { musique: 53.8, "2wikimultihopqa": 91.2, hotpotqa: 78.8 } },
  { variant: "w/ Query-to-node", label: () => "hipporag2-querynode", recall5: { musique: 44.9, "2wikimultihopqa": 65.5, hotpotqa: 68.3 } },
  { variant: "w/o passage nodes", label: (full) => `${full}-nopassagenodes`, recall5: { musique: 63.7, "2wikimultihopqa": 90.3, hotpotqa: 88.9 } },
  { variant: "w/o filter", label: () => "hipporag2-nofilter", recall5: { musique: 73.0, "2wikimultihopqa": 90.7, hotpotqa: 95.4 } },
];

/**
 * The paper's system a run label stands for in Tables 2, 3 and 9: the label's method (settings
 * suffixes aside). Dense retrieval is the paper's NV-Embed-v2 row only when its rankings come from
 * that encoder (`indexes`: "<openie>|<encoder>[|f16]"); dense with another is no row of the paper's.
 */
export function paperSystemFor(run: string, indexes?: readonly string[]): string | undefined {
  if (run === "hipporag2") return "HippoRAG 2";
  if (run === "hipporag2-nofilter") return "HippoRAG 2 w/o filter";
  if (/^dense(-top\d+)?$/.test(run)) return indexes !== undefined && indexes.length > 0 && indexes.every((id) => /nv-embed-v2/i.test(id.split("|")[1] ?? "")) ? "NV-Embed-v2 (dense)" : undefined;
  if (/^bm25(-top\d+)?$/.test(run)) return "BM25";
  return undefined;
}

/** The paper's dataset key ("musique", "2wikimultihopqa", …) of a dataset name, if any. */
export function paperDatasetKey(dataset: string): string | undefined {
  return Object.keys(TABLES).find((k) => dataset === k || dataset.startsWith(`${k}_`) || (k === "nq" && dataset.startsWith("nq")));
}

/** The paper's table for a dataset name (musique, musique_train_dev, 2wikimultihopqa, hotpotqa, nq_rear, popqa…). */
export function paperNumbers(dataset: string): (PaperDataset & { exact: boolean }) | undefined {
  const key = paperDatasetKey(dataset);
  if (!key) return undefined;
  // Only the full dataset name is the paper's split; e.g. musique_train_dev is a training subset.
  return { ...TABLES[key]!, exact: dataset === key };
}

/** The paper's numbers as printed there, one decimal ("73.0", not "73"). */
export function paperValue(value: number | undefined): string {
  return value === undefined ? MISSING : value.toFixed(1);
}
