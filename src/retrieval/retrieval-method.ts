// The method interface lives in retrieval-types.ts, beside the options that carry a method and the
// memory it ranks over (one file, so they form no import cycle); importers keep this name.
export type { MethodContext, MethodExplanation, MethodLlmUse, RetrievalMemory, RetrievalMethod } from "./retrieval-types.js";
