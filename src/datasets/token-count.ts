/** Counts the tokens of a text the way the embedding model would (or an approximation of it). */
export interface TokenCounter {
  /** "approx" or the tokenizer's model, recorded in each chunk's metadata. */
  readonly id: string;
  count(text: string): number;
}

// One token per CJK character (as BERT-style tokenizers split them), one per punctuation mark, and
// one per started group of 4 letters or digits of a word ("the" 1, "passage" 2, "HippoRAG" 2).
const PIECES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

/**
 * The documented approximation used when no tokenizer is local. On English WordPiece/BPE vocabularies
 * it overestimates (common words are one token), so chunks come out a little under the limit, never
 * over it in practice.
 */
export const APPROXIMATE_TOKENS: TokenCounter = {
  id: "approx",
  count(text: string): number {
    let tokens = 0;
    for (const match of text.matchAll(PIECES)) tokens += Math.ceil(match[0].length / 4);
    return tokens;
  },
};
