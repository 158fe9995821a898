/**
 * A synthetic HippoRAG-shaped graph of the paper's MuSiQue size (Table 10: 85,288 phrase nodes,
 * 11,656 passages, 140,830 relation + 1,125,951 synonym + 132,586 context edges), with a seeded RNG.
 * Used by the benchmarks; weights follow upstream's effective weights (2×count, 2×cos, 1.0).
 */
export interface SyntheticGraph {
  entities: number;
  passages: number;
  edges: [number, number, number][];
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticGraph(scale = 1, seed = 42): SyntheticGraph {
  const random = mulberry32(seed);
  const entities = Math.round(85_288 * scale);
  const passages = Math.round(11_656 * scale);
  const edges: [number, number, number][] = [];
  const pick = (n: number) => Math.floor(random() * n);
  // Context edges: each passage links ~11.4 entities; entities skewed (a few very common).
  const skewed = () => Math.floor(entities * random() ** 2);
  for (let i = 0; i < Math.round(132_586 * scale); i++) edges.push([entities + (i % passages), skewed(), 1]);
  for (let i = 0; i < Math.round(140_830 * scale); i++) {
    const [a, b] = [skewed(), skewed()];
    if (a !== b) edges.push([a, b, 2 * (1 + pick(2))]);
  }
  // Synonym edges cluster: neighbours are nearby ids (similar strings sort together).
  for (let i = 0; i < Math.round(1_125_951 * scale); i++) {
    const a = pick(entities);
    // HippoRAG graphs have no self-loops (upstream skips them)
    const b = Math.min(entities - 1, Math.max(0, a + 1 + pick(40) - 20));
    if (b !== a) edges.push([a, b, 2 * (0.8 + 0.2 * random())]);
  }
  return { entities, passages, edges };
}

/** A HippoRAG-like reset vector: 5 seed entities plus 0.05 × min-max dense scores on every passage. */
export function syntheticReset(graph: SyntheticGraph, random: () => number): Float64Array {
  const reset = new Float64Array(graph.entities + graph.passages);
  for (let k = 0; k < 5; k++) reset[Math.floor(random() * graph.entities)] = random() / (1 + Math.floor(random() * 20));
  for (let p = 0; p < graph.passages; p++) reset[graph.entities + p] = 0.05 * random() ** 4;
  return reset;
}
