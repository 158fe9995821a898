import { csrFromEdges, type CsrGraph } from "./csr-graph.js";
import type { ProcessedChunk } from "./process-openie.js";
import type { NeighborList } from "./synonymy.js";

export interface GraphStats {
  phraseNodes: number;
  passageNodes: number;
  /** Unique processed (s, p, o) facts. */
  facts: number;
  /** Directed fact-edge keys as upstream counts `node_to_node_stats` (both directions, self-loop keys
   * included though they never become edges): 33,038 on the MuSiQue GPT-3.5 set. */
  factEdges: number;
  /** Self-loop fact keys (a triple whose processed subject equals its object), dropped from the graph. */
  selfLoops: number;
  /** Passage → entity edges. */
  passageEdges: number;
  /** Directed synonymy keys (x → y accepted from x's list). */
  synonymyEdges: number;
  /** Undirected edges after summing parallel edges (what PPR sees). */
  undirectedEdges: number;
}

/**
 * HippoRAG 2's knowledge graph. Nodes: entities first (processed phrases, code-point sorted, as
 * `np.unique`), then passages (index order). A pure function of its inputs, so an incremental
 * update that produces the same inputs produces the same graph.
 */
export interface MemoryGraph {
  phrases: string[];
  passageIds: string[];
  /** Unique processed facts in first-seen order; `factNodes[i]` = [subject node, object node]. */
  facts: string[][];
  factNodes: Uint32Array;
  /** n(v): number of distinct passages whose triples have the phrase as subject or object. */
  phrasePassageCount: Uint32Array;
  csr: CsrGraph;
  stats: GraphStats;
  phraseIndex: Map<string, number>;
}

/** Phrases (code-point sorted) and unique facts (first-seen) of a set of chunks, without building edges. */
export function phrasesAndFacts(chunks: readonly ProcessedChunk[]): { phrases: string[]; facts: string[][] } {
  const phraseSet = new Set<string>();
  const seen = new Set<string>();
  const facts: string[][] = [];
  for (const chunk of chunks) {
    for (const phrase of chunk.entities) phraseSet.add(phrase);
    for (const triple of chunk.triples) {
      const key = JSON.stringify(triple);
      if (seen.has(key)) continue;
      seen.add(key);
      facts.push(triple);
    }
  }
  return { phrases: [...phraseSet].sort(codePointCompare), facts };
}

/**
 * Edge weights as upstream's `node_to_node_stats` ends up after a fresh build (spec §5, §5.2):
 * - fact: +1 for (s, o) and +1 for (o, s) per triple occurrence: undirected weight 2 × count;
 * - passage → entity: 1.0 per distinct entity of the passage;
 * - synonymy: (x, y) = cosine for every accepted neighbour, *overwriting* a fact count on the same
 *   directed key (upstream quirk §14.6, kept so weights match upstream's).
 * In the undirected graph (a, b) and (b, a) are parallel edges and their weights add up.
 */
export function buildMemoryGraph(chunks: readonly ProcessedChunk[], synonyms: ReadonlyMap<string, NeighborList>): MemoryGraph {
  const c = collectEdges(chunks, synonyms);
  const csr = csrFromEdges(c.nodeCount, directedEdges(c.directed, c.nodeCount));
  return {
    phrases: c.phrases,
    passageIds: chunks.map((chunk) => chunk.passageId),
    facts: c.facts,
    factNodes: Uint32Array.from(c.factNodeList),
    phrasePassageCount: c.phrasePassageCount,
    csr,
    phraseIndex: c.phraseIndex,
    // self-loops never enter `directed`, so every undirected edge is two CSR entries
    stats: { ...c.counts, undirectedEdges: csr.targets.length / 2 },
  };
}

/**
 * The graph's counts without building it (what an index update reports), from the same rules as
 * `collectEdges`: fact keys = both directions of each distinct unordered fact pair plus self-loop keys;
 * undirected edges = distinct entity pairs (facts ∪ synonyms) + passage edges (tested equal).
 */
export function memoryGraphStats(
  chunks: readonly ProcessedChunk[],
  synonyms: ReadonlyMap<string, NeighborList>,
  { phrases, facts }: { phrases: string[]; facts: string[][] } = phrasesAndFacts(chunks),
): GraphStats {
  const index = new Map(phrases.map((p, i) => [p, i]));
  const n = phrases.length;
  // Unordered pairs as keys lo·n + hi in a typed array, counted after a sort: a Set of ~1M
  // non-small-integer keys cost more in allocation and GC than the sort does.
  let keys = new Float64Array(1024);
  let count = 0;
  const push = (a: number, b: number) => {
    if (count === keys.length) {
      const grown = new Float64Array(keys.length * 2);
      grown.set(keys);
      keys = grown;
    }
    keys[count++] = a < b ? a * n + b : b * n + a;
  };
  const distinct = (upTo: number) => {
    const sorted = keys.subarray(0, upTo).sort();
    let unique = 0;
    for (let i = 0; i < upTo; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!;
    return unique;
  };
  const selfLoops = new Set<number>();
  let passageEdges = 0;
  for (const chunk of chunks) {
    passageEdges += chunk.entities.size;
    for (const [s, , o] of chunk.triples) {
      const a = index.get(s!)!;
      const b = index.get(o!)!;
      if (a === b) selfLoops.add(a);
      else push(a, b);
    }
  }
  const factPairs = distinct(count);
  count = factPairs; // the distinct fact pairs stay at the front, sorted
  let synonymyEdges = 0;
  for (const [phrase, neighbors] of synonyms) {
    const x = index.get(phrase);
    if (x === undefined) continue;
    for (const [other] of neighbors) {
      const y = index.get(other);
      if (y === undefined || y === x) continue;
      synonymyEdges++;
      push(x, y);
    }
  }
  return {
    phraseNodes: n,
    passageNodes: chunks.length,
    facts: facts.length,
    factEdges: 2 * factPairs + selfLoops.size,
    selfLoops: selfLoops.size,
    passageEdges,
    synonymyEdges,
    undirectedEdges: distinct(count) + passageEdges,
  };
}

function collectEdges(chunks: readonly ProcessedChunk[], synonyms: ReadonlyMap<string, NeighborList>) {
  const { phrases } = phrasesAndFacts(chunks);
  const phraseIndex = new Map(phrases.map((p, i) => [p, i]));
  const entityCount = phrases.length;
  const nodeCount = entityCount + chunks.length;

  const factKeys = new Map<string, number>();
  const facts: string[][] = [];
  const factNodeList: number[] = [];
  const phrasePassageCount = new Uint32Array(entityCount);
  // Directed stats keyed a * nodeCount + b, in upstream's insertion order (facts, passages, synonyms).
  const directed = new Map<number, number>();
  let factEdges = 0;
  let passageEdges = 0;
  const selfLoopKeys = new Set<number>();

  chunks.forEach((chunk, c) => {
    for (const triple of chunk.triples) {
      const key = JSON.stringify(triple);
      if (!factKeys.has(key)) {
        factKeys.set(key, facts.length);
        facts.push(triple);
        factNodeList.push(phraseIndex.get(triple[0]!)!, phraseIndex.get(triple[2]!)!);
      }
      const a = phraseIndex.get(triple[0]!)!;
      const b = phraseIndex.get(triple[2]!)!;
      if (a === b) {
        selfLoopKeys.add(a); // upstream inserts the key, then skips it when adding edges
        continue;
      }
      directed.set(a * nodeCount + b, (directed.get(a * nodeCount + b) ?? 0) + 1);
      directed.set(b * nodeCount + a, (directed.get(b * nodeCount + a) ?? 0) + 1);
    }
    const passageNode = entityCount + c;
    for (const phrase of chunk.entities) {
      const e = phraseIndex.get(phrase)!;
      phrasePassageCount[e]!++;
      directed.set(passageNode * nodeCount + e, 1);
      passageEdges++;
    }
  });
  for (const key of directed.keys()) if (key < entityCount * nodeCount) factEdges++;
  factEdges += selfLoopKeys.size;

  let synonymyEdges = 0;
  for (const [phrase, neighbors] of synonyms) {
    const x = phraseIndex.get(phrase);
    if (x === undefined) continue;
    for (const [other, score] of neighbors) {
      const y = phraseIndex.get(other);
      if (y === undefined || y === x) continue;
      directed.set(x * nodeCount + y, score);
      synonymyEdges++;
    }
  }
  return {
    phrases,
    phraseIndex,
    facts,
    factNodeList,
    phrasePassageCount,
    directed,
    nodeCount,
    counts: { phraseNodes: entityCount, passageNodes: chunks.length, facts: facts.length, factEdges, selfLoops: selfLoopKeys.size, passageEdges, synonymyEdges },
  };
}

function* directedEdges(directed: Map<number, number>, nodeCount: number): Generator<[number, number, number]> {
  for (const [key, weight] of directed) yield [Math.floor(key / nodeCount), key % nodeCount, weight];
}

/** Python's default string order (code points); for the ASCII phrases of `text_processing` = UTF-16 order. */
export function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

