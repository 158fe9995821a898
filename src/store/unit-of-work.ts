/**
 * Runs work that spans storage roles (e.g. synonym lists and index passages, or OpenIE results and
 * the LLM cache) as one unit: all of it is stored, or, when `work` throws, none of it. Units may nest;
 * an inner one that throws rolls back only itself if the outer one catches. `work` is synchronous:
 * nothing may await inside a unit, so no other write can interleave with it.
 */
export interface UnitOfWork {
  transaction<T>(work: () => T): T;
}
