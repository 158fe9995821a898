import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { illFormedPath } from "../core/well-formed.js";
import { chunkText, defaultOverlap } from "./chunk-text.js";
import { loadTokenizerCounter } from "./load-tokenizer-counter.js";
import { APPROXIMATE_TOKENS } from "./token-count.js";

const sentence = (i: number) => `Sentence ${i} tells about river ${i % 7} and its bridge.`;
const paragraphs = Array.from({ length: 6 }, (_, p) => Array.from({ length: 5 }, (_, s) => sentence(p * 5 + s)).join(" ")).join("\n\n");

describe("chunkText", () => {
  it("leaves a text within the limit as one chunk, unchanged", () => {
    expect(chunkText("Short text. Two sentences.", { maxTokens: 50, overlapTokens: 5 }, APPROXIMATE_TOKENS)).toEqual([
      { text: "Short text. Two sentences.", start: 0, end: 26, tokens: APPROXIMATE_TOKENS.count("Short text. Two sentences.") },
    ]);
  });
  it("keeps every chunk within the limit, each one a slice of the source, covering all of it", () => {
    const settings = { maxTokens: 60, overlapTokens: 8 };
    const chunks = chunkText(paragraphs, settings, APPROXIMATE_TOKENS);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) {
      expect(APPROXIMATE_TOKENS.count(chunk.text)).toBeLessThanOrEqual(60);
      expect(chunk.tokens).toBe(APPROXIMATE_TOKENS.count(chunk.text));
      expect(paragraphs.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(paragraphs.length);
    // nothing is lost: between two chunks there is at most whitespace
    for (let i = 1; i < chunks.length; i++) expect(paragraphs.slice(chunks[i - 1]!.end, Math.max(chunks[i - 1]!.end, chunks[i]!.start)).trim()).toBe("");
  });
  it("cuts at sentence boundaries and overlaps by whole sentences within the overlap budget", () => {
    const chunks = chunkText(paragraphs, { maxTokens: 60, overlapTokens: 20 }, APPROXIMATE_TOKENS);
    let overlapping = 0;
    for (let i = 0; i < chunks.length; i++) {
      expect(chunks[i]!.text).toMatch(/^Sentence \d+/);
      expect(chunks[i]!.text).toMatch(/bridge\.$/);
      if (i === 0) continue;
      const shared = chunks[i - 1]!.end - chunks[i]!.start;
      if (shared > 0) {
        overlapping++;
        const overlap = paragraphs.slice(chunks[i]!.start, chunks[i - 1]!.end);
        expect(chunks[i - 1]!.text.endsWith(overlap)).toBe(true);
        expect(APPROXIMATE_TOKENS.count(overlap)).toBeLessThanOrEqual(20);
      }
    }
    expect(overlapping).toBe(chunks.length - 1); // a sentence (≈ 15 tokens) always fits in 20
    expect(chunkText(paragraphs, { maxTokens: 60, overlapTokens: 0 }, APPROXIMATE_TOKENS).every((c, i, all) => i === 0 || c.start >= all[i - 1]!.end)).toBe(true);
  });
  it("prefers to end a chunk at a paragraph break", () => {
    // each paragraph is ≈ 75 tokens: with room for about 1.3 paragraphs, chunks end where paragraphs end
    const chunks = chunkText(paragraphs, { maxTokens: 100, overlapTokens: 0 }, APPROXIMATE_TOKENS);
    const paragraphEnds = new Set([...paragraphs.matchAll(/bridge\.(?=\n\n|$)/g)].map((m) => m.index + "bridge.".length));
    expect(chunks.filter((c) => paragraphEnds.has(c.end)).length).toBe(chunks.length);
  });
  it("splits an over-long sentence at words, and an over-long word by characters without breaking a surrogate pair", () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
    for (const chunk of chunkText(words, { maxTokens: 30, overlapTokens: 0 }, APPROXIMATE_TOKENS)) {
      expect(APPROXIMATE_TOKENS.count(chunk.text)).toBeLessThanOrEqual(30);
      expect(chunk.text).toMatch(/^word\d+( word\d+)*$/);
    }
    const blob = "😀".repeat(50) + "x".repeat(400);
    const pieces = chunkText(blob, { maxTokens: 10, overlapTokens: 0 }, APPROXIMATE_TOKENS);
    expect(pieces.map((p) => p.text).join("")).toBe(blob);
    for (const piece of pieces) expect(illFormedPath(piece.text)).toBeUndefined();
  });
  it("defaults the overlap to an eighth of the chunk size", () => {
    expect(defaultOverlap(512)).toBe(64);
    expect(defaultOverlap(100)).toBe(12);
  });
  it("counts with a local model's tokenizer when there is one, and falls back to none otherwise", async () => {
    const counter = await loadTokenizerCounter(join(import.meta.dirname, "../embedding/__fixtures__/tiny-bert"));
    expect(counter?.id).toBe("tokenizer:local/tiny-bert");
    expect(counter!.count("hello world")).toBeGreaterThan(0);
    const chunks = chunkText(paragraphs, { maxTokens: 40, overlapTokens: 5 }, counter!);
    for (const chunk of chunks) expect(counter!.count(chunk.text)).toBeLessThanOrEqual(40);
    expect(await loadTokenizerCounter(join(import.meta.dirname, "no-such-model"))).toBeUndefined();
  });
});
