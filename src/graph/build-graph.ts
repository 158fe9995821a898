import { EdgeList, type CsrGraph } from "./csr-graph.js";
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
      const key = triple.join("\u0000"); // processed phrases hold no control characters
      if (seen.has(key)) continue;
      seen.add(key);
      facts.push(triple);
    }
  }
  // Python sorts strings by code point, JS by UTF-16 unit: the same for text_processing's ASCII phrases.
  return { phrases: [...phraseSet].sort(), facts };
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
  const csr = c.edges.toCsr(c.nodeCount);
  return {
    phrases: c.phrases,
    passageIds: chunks.map((chunk) => chunk.passageId),
    facts: c.facts,
    factNodes: c.factNodes,
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
  // Unordered pairs as keys lo·n + hi, counted in an open-addressing table of doubles: a Set of ~1M
  // non-small-integer keys costs far more in allocation and GC, a sort of them about twice as much.
  let expected = 0;
  for (const chunk of chunks) expected += chunk.triples.length;
  for (const neighbors of synonyms.values()) expected += neighbors.length;
  const pairs = new PairCounter(expected);
  const selfLoops = new Set<number>();
  let passageEdges = 0;
  for (const chunk of chunks) {
    passageEdges += chunk.entities.size;
    for (const [s, , o] of chunk.triples) {
      const a = index.get(s!)!;
      const b = index.get(o!)!;
      if (a === b) selfLoops.add(a);
      else pairs.add(a < b ? a * n + b : b * n + a);
    }
  }
  const factPairs = pairs.size;
  let synonymyEdges = 0;
  for (const [phrase, neighbors] of synonyms) {
    const x = index.get(phrase);
    if (x === undefined) continue;
    for (const [other] of neighbors) {
      const y = index.get(other);
      if (y === undefined || y === x) continue;
      synonymyEdges++;
      pairs.add(x < y ? x * n + y : y * n + x);
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
    undirectedEdges: pairs.size + passageEdges,
  };
}

/** Counts distinct non-negative integer keys below 2^53 (linear probing over a power-of-two table). */
class PairCounter {
  size = 0;
  private readonly table: Float64Array;
  private readonly mask: number;

  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Float64Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  add(key: number): void {
    const high = Math.floor(key / 4294967296);
    let slot = (Math.imul((key - high * 4294967296) ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const at = this.table[slot]!;
      if (at === key) return;
      if (at === -1) {
        this.table[slot] = key;
        this.size++;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * Upstream's directed `node_to_node_stats` as undirected edges. A directed key x → y holds the fact
 * count (+1 per triple occurrence, either orientation) unless a synonymy entry x → y overwrites it
 * with the cosine; passage → entity keys hold 1. The two directions of a pair become parallel edges
 * that the CSR sums; with at most two terms the sum does not depend on their order.
 * Fact keys x·E + y (E = phrase count) are sorted and counted in a typed array, and synonymy
 * entries find the fact key they overwrite by binary search: no Map of ~2.5M number keys.
 */
function collectEdges(chunks: readonly ProcessedChunk[], synonyms: ReadonlyMap<string, NeighborList>) {
  const { phrases, facts } = phrasesAndFacts(chunks);
  const phraseIndex = new Map(phrases.map((p, i) => [p, i]));
  const E = phrases.length;
  const nodeCount = E + chunks.length;
  const factNodes = new Uint32Array(2 * facts.length);
  facts.forEach((triple, i) => {
    factNodes[2 * i] = phraseIndex.get(triple[0]!)!;
    factNodes[2 * i + 1] = phraseIndex.get(triple[2]!)!;
  });
  const phrasePassageCount = new Uint32Array(E);
  // Two directed keys per triple occurrence at most: sized once, no growing.
  let tripleCount = 0;
  for (const chunk of chunks) tripleCount += chunk.triples.length;
  const keys = new Float64Array(2 * tripleCount);
  let keyCount = 0;
  let passageEdges = 0;
  const selfLoopKeys = new Set<number>();
  for (const chunk of chunks) {
    for (const triple of chunk.triples) {
      const a = phraseIndex.get(triple[0]!)!;
      const b = phraseIndex.get(triple[2]!)!;
      if (a === b) {
        selfLoopKeys.add(a); // upstream inserts the key, then skips it when adding edges
        continue;
      }
      keys[keyCount++] = a * E + b;
      keys[keyCount++] = b * E + a;
    }
    for (const phrase of chunk.entities) phrasePassageCount[phraseIndex.get(phrase)!]!++;
    passageEdges += chunk.entities.size;
  }
  // Distinct directed fact keys with their counts.
  const sorted = keys.subarray(0, keyCount).sort();
  const factKey = new Float64Array(keyCount);
  const factCount = new Float64Array(keyCount);
  let F = 0;
  for (let i = 0; i < keyCount; i++) {
    if (F > 0 && factKey[F - 1] === sorted[i]) factCount[F - 1]!++;
    else {
      factKey[F] = sorted[i]!;
      factCount[F++] = 1;
    }
  }
  const find = (key: number) => {
    let lo = 0;
    let hi = F - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = factKey[mid]!;
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };

  const edges = new EdgeList();
  const overwritten = new Uint8Array(F);
  let synonymyEdges = 0;
  for (const [phrase, neighbors] of synonyms) {
    const x = phraseIndex.get(phrase);
    if (x === undefined) continue;
    const scoreOf = new Map<number, number>(); // a repeated neighbour: the last score wins, as a dict assignment
    for (const [other, score] of neighbors) {
      const y = phraseIndex.get(other);
      if (y === undefined || y === x) continue;
      scoreOf.set(y, score);
      synonymyEdges++;
    }
    for (const [y, score] of scoreOf) {
      const k = find(x * E + y);
      if (k >= 0) overwritten[k] = 1;
      edges.push(x, y, score);
    }
  }
  for (let k = 0; k < F; k++) {
    if (overwritten[k]) continue;
    const key = factKey[k]!;
    const x = Math.floor(key / E);
    edges.push(x, key - x * E, factCount[k]!);
  }
  chunks.forEach((chunk, c) => {
    for (const phrase of chunk.entities) edges.push(E + c, phraseIndex.get(phrase)!, 1);
  });
  return {
    phrases,
    phraseIndex,
    facts,
    factNodes,
    phrasePassageCount,
    edges,
    nodeCount,
    counts: { phraseNodes: E, passageNodes: chunks.length, facts: facts.length, factEdges: F + selfLoopKeys.size, selfLoops: selfLoopKeys.size, passageEdges, synonymyEdges },
  };
}

