import { usageError } from "../core/errors.js";
import { bm25Method } from "./methods/bm25-method.js";
import { denseMethod } from "./methods/dense-method.js";
import { hipporag2Method } from "./methods/hipporag2-method.js";
import type { RetrievalMethod } from "./retrieval-method.js";

/**
 * Every built-in retrieval method, in --method's order. Adding one is a file in methods/ and a line
 * here: the CLI's choices, the run labels and --explain all read this list.
 */
export const RETRIEVAL_METHODS: readonly RetrievalMethod[] = [hipporag2Method, denseMethod, bm25Method];

/** The method an option names (a registered id) or is (a method object given to the library). */
export function methodOf(method: string | RetrievalMethod): RetrievalMethod {
  if (typeof method !== "string") return method;
  const found = RETRIEVAL_METHODS.find((m) => m.id === method);
  if (!found) throw usageError(`unknown retrieval method "${method}" (have: ${RETRIEVAL_METHODS.map((m) => m.id).join(", ")})`);
  return found;
}

/** The id a method option stands for (what settings fingerprint and traces record). */
export function methodId(method: string | RetrievalMethod): string {
  return typeof method === "string" ? method : method.id;
}
