import { isSparse, type EmbedPurpose, type Encoder, type SparseMatrix, type VectorMatrix } from "./encoder.js";
import { sparseFromRows } from "./sparse.js";
import { tokenize } from "./tokenize.js";

export interface LexicalEncoderOptions {
  /** Weight of a word's character trigrams relative to the word (fuzzy name matching); 0 disables. */
  trigramWeight?: number;
  /** Weight of adjacent-word bigrams (phrase matching); 0 disables. */
  bigramWeight?: number;
}

/** Feature ids are 31-bit FNV-1a hashes: collisions are negligible (unlike a small dense hash space). */
const FEATURE_MASK = 0x7fffffff;

/**
 * The built-in encoder: no download, deterministic, fast. A text becomes a sparse vector of sublinear
 * term frequencies over word stems, plus (lower weight) word bigrams and each word's character
 * trigrams, so "James P. Hogan" / "James Hogan" or "Sudhof" / "Südhof" land close (synonymy edges).
 * At search time `searchWeighting` multiplies every feature by its IDF over the indexed passages, so
 * dense retrieval with it is TF-IDF cosine: the paper's sparse-baseline class, not a neural model.
 *
 * Weaker than a neural encoder where meaning is not in the words: paraphrases ("wed" vs "married"),
 * other languages, and questions whose key entity is only implied.
 */
export class LexicalEncoder implements Encoder {
  readonly id: string;
  // Batches are committed one by one and give Ctrl-C a turn between them: ~0.1 s of work each.
  readonly maxBatch = 1024;
  readonly sparse = true;
  private readonly trigramWeight: number;
  private readonly bigramWeight: number;

  constructor(options: LexicalEncoderOptions = {}) {
    this.trigramWeight = options.trigramWeight ?? 0.35;
    this.bigramWeight = options.bigramWeight ?? 0;
    this.id = `lexical-v1-t${this.trigramWeight}-b${this.bigramWeight}`;
  }

  formatInput(text: string, _purpose: EmbedPurpose): string {
    return text;
  }

  async embedFormatted(inputs: readonly string[]): Promise<SparseMatrix> {
    return this.embedSync(inputs);
  }

  embedSync(inputs: readonly string[]): SparseMatrix {
    return sparseFromRows(inputs.map((text) => this.features(text)));
  }

  private features(text: string): Map<number, number> {
    const counts = new Map<string, number>();
    const add = (key: string, weight: number) => counts.set(key, (counts.get(key) ?? 0) + weight);
    const words = tokenize(text);
    words.forEach((word, i) => {
      add(`w:${word}`, 1);
      if (this.bigramWeight > 0 && i > 0) add(`b:${words[i - 1]} ${word}`, 1);
      if (this.trigramWeight > 0 && word.length >= 3) {
        const padded = `#${word}#`;
        const grams = padded.length - 2;
        for (let g = 0; g < grams; g++) add(`c:${padded.slice(g, g + 3)}`, 1 / Math.sqrt(grams));
      }
    });
    const row = new Map<number, number>();
    for (const [feature, count] of counts) {
      const kind = feature[0];
      const scale = kind === "w" ? 1 : kind === "b" ? this.bigramWeight : this.trigramWeight;
      const weight = scale * (kind === "c" ? count : 1 + Math.log(count));
      const id = fnv1a(feature) & FEATURE_MASK;
      row.set(id, (row.get(id) ?? 0) + weight);
    }
    return row;
  }

  /** IDF per feature over the passages: idf_f = ln((N + 1) / (df_f + 1)) + 1 (smoothed, as scikit-learn). */
  searchWeighting(passages: VectorMatrix): (matrix: VectorMatrix) => VectorMatrix {
    if (!isSparse(passages)) throw new Error("the lexical encoder's weighting needs its own sparse vectors");
    const df = new Map<number, number>();
    for (const f of passages.indices) df.set(f, (df.get(f) ?? 0) + 1);
    const n = passages.rows;
    const unseen = Math.log((n + 1) / 1) + 1;
    return (matrix) => {
      // No rows (a corpus whose OpenIE found no facts) loads as an empty dense matrix: keep it sparse.
      if (matrix.rows === 0) return { kind: "sparse", rows: 0, indptr: new Uint32Array(1), indices: new Uint32Array(0), values: new Float32Array(0) };
      if (!isSparse(matrix)) throw new Error("the lexical encoder's weighting needs its own sparse vectors");
      const values = new Float32Array(matrix.values.length);
      for (let at = 0; at < values.length; at++) {
        const d = df.get(matrix.indices[at]!);
        values[at] = matrix.values[at]! * (d === undefined ? unseen : Math.log((n + 1) / (d + 1)) + 1);
      }
      for (let r = 0; r < matrix.rows; r++) {
        let norm = 0;
        for (let at = matrix.indptr[r]!; at < matrix.indptr[r + 1]!; at++) norm += values[at]! ** 2;
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let at = matrix.indptr[r]!; at < matrix.indptr[r + 1]!; at++) values[at]! *= scale;
      }
      return { ...matrix, values };
    };
  }
}

/** 32-bit FNV-1a over UTF-16 code units. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
