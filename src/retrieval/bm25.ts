import { tokenize } from "../embedding/tokenize.js";

/**
 * Okapi BM25 over passages (k1 = 1.2, b = 0.75; idf = ln(1 + (N − df + 0.5) / (df + 0.5)), the
 * Lucene form, never negative). The paper's BM25 row; same tokenizer as the lexical encoder.
 */
export class Bm25Index {
  private readonly postings = new Map<string, { docs: number[]; tf: number[] }>();
  private readonly lengths: Float64Array;
  private readonly averageLength: number;

  constructor(
    documents: readonly string[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.lengths = new Float64Array(documents.length);
    documents.forEach((text, doc) => {
      const counts = new Map<string, number>();
      const tokens = tokenize(text);
      this.lengths[doc] = tokens.length;
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, tf] of counts) {
        let posting = this.postings.get(token);
        if (!posting) this.postings.set(token, (posting = { docs: [], tf: [] }));
        posting.docs.push(doc);
        posting.tf.push(tf);
      }
    });
    this.averageLength = documents.length ? this.lengths.reduce((a, b) => a + b, 0) / documents.length : 0;
  }

  scores(query: string): Float64Array {
    const n = this.lengths.length;
    const out = new Float64Array(n);
    for (const token of new Set(tokenize(query))) {
      const posting = this.postings.get(token);
      if (!posting) continue;
      const df = posting.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      posting.docs.forEach((doc, i) => {
        const tf = posting.tf[i]!;
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[doc]!) / (this.averageLength || 1));
        out[doc]! += (idf * tf * (this.k1 + 1)) / (tf + norm);
      });
    }
    return out;
  }
}
