import { md5Hex } from "../src/core/ids.js";
import { normalizeRows, type EmbedPurpose, type Encoder, type Matrix } from "../src/embedding/encoder.js";
import { mulberry32 } from "./synthetic-graph.js";

/**
 * A synthetic corpus of the paper's MuSiQue size (Table 10: 11,656 passages, 85,288 phrases) with
 * OpenIE already "extracted": entities come in clusters of ~14 near-duplicate names, so synonymy
 * finds about as many edges per entity as the paper's graph has (1.1M / 85k ≈ 13).
 */
export interface SyntheticCorpus {
  passages: { title: string; text: string }[];
  triples: string[][][];
}

export function syntheticCorpus(scale = 1, seed = 5): SyntheticCorpus {
  const random = mulberry32(seed);
  const passageCount = Math.round(11_656 * scale);
  const entityCount = Math.round(85_288 * scale);
  const name = (e: number) => `entity ${Math.floor(e / 14)} variant ${e % 14}`;
  const passages = Array.from({ length: passageCount }, (_, p) => ({ title: `Passage ${p}`, text: `Synthetic passage number ${p} about ${name(p)}.` }));
  const triples: string[][][] = passages.map(() => []);
  // every entity appears at least once, then ~12 triples per passage over skewed entities
  for (let e = 0; e < entityCount; e++) triples[e % passageCount]!.push([name(e), `relation ${e % 50}`, name(Math.floor(entityCount * random() ** 2))]);
  for (let p = 0; p < passageCount; p++) {
    while (triples[p]!.length < 12) triples[p]!.push([name(Math.floor(entityCount * random() ** 2)), `relation ${Math.floor(random() * 50)}`, name(Math.floor(entityCount * random()))]);
  }
  return { passages, triples };
}

/**
 * A deterministic 768-d encoder for benchmarks: a name "entity C variant K" maps to cluster C's
 * centre plus small noise (cosine ≈ 0.85 within a cluster, ≈ 0 across); other texts are random.
 */
export class SyntheticEncoder implements Encoder {
  readonly id = "synthetic-768";
  readonly maxBatch = 4096;
  constructor(private readonly dim = 768) {}
  formatInput(text: string, _purpose: EmbedPurpose): string {
    return text;
  }
  async embedFormatted(inputs: readonly string[]): Promise<Matrix> {
    const data = new Float32Array(inputs.length * this.dim);
    const noise = Math.sqrt(0.176 / this.dim);
    inputs.forEach((text, row) => {
      const cluster = /^entity (\d+) variant/.exec(text)?.[1];
      const centre = mulberry32(cluster ? Number(cluster) + 1 : parseInt(md5Hex(text).slice(0, 8), 16));
      const jitter = mulberry32(parseInt(md5Hex(text).slice(8, 16), 16));
      for (let j = 0; j < this.dim; j++) data[row * this.dim + j] = gaussian(centre) / Math.sqrt(this.dim) + (cluster ? noise * gaussian(jitter) : 0);
    });
    return normalizeRows({ rows: inputs.length, dim: this.dim, data });
  }
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}
