import { textProcessing } from "../core/ids.js";
import { filterInvalidTriples } from "../openie/parse-openie-output.js";

/** One passage's OpenIE, processed as upstream indexes it (spec §5 steps 5–6). */
export interface ProcessedChunk {
  passageId: string;
  /** Arity-filtered raw triples with every element through `text_processing`; duplicates created by
   * processing are kept (they count twice in edge weights, as upstream). */
  triples: string[][];
  /** Processed subjects and objects: the only phrases that become entity nodes (never NER output). */
  entities: Set<string>;
}

export function processChunk(passageId: string, rawTriples: readonly unknown[][]): ProcessedChunk {
  const triples = filterInvalidTriples(rawTriples).map((t) => t.map(textProcessing));
  const entities = new Set<string>();
  for (const [s, , o] of triples) {
    entities.add(s!);
    entities.add(o!);
  }
  return { passageId, triples, entities };
}

