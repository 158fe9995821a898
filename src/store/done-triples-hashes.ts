import { md5Hex } from "../core/ids.js";
import type { Workspace } from "./workspace.js";

/**
 * Passage id → md5 of the stored triples JSON of every finished OpenIE record of `model`: the same
 * hashes as OpenIEStore.doneTriples() gives, without parsing the triples (what a freshness check
 * needs: at the paper's size the parse was ~0.5 s of a snapshot open that has 1 s).
 */
export function doneTriplesHashes(workspace: Workspace, model: string): Map<string, string> {
  const rows = workspace.db.prepare("SELECT passage_id, triples FROM openie WHERE model = ? AND status = 'done'").raw().all(model) as [string, string | null][];
  return new Map(rows.map(([id, triples]) => [id, md5Hex(triples ?? "[]")]));
}
