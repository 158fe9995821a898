/** A corpus passage. `content` is the indexed string `title + "\n" + text`, as upstream main.py builds it. */
export interface Passage {
  id: string;
  title: string;
  text: string;
  content: string;
  /**
   * Where the passage came from, for passages read with `--corpus`: `source`, the document's own
   * fields and, for chunks, their position (upstream HEAD's `doc_metadata`). Stored with the passage
   * and returned with retrieval results.
   */
  metadata?: Record<string, unknown>;
}

/** A question with its gold answers and gold passages (exact `title\ntext` strings), as upstream. */
export interface Question {
  id: string;
  question: string;
  goldAnswers: string[];
  goldDocs: string[];
}

export interface Dataset {
  name: string;
  corpusPath: string;
  questionsPath?: string;
  passages: Passage[];
  questions: Question[];
  /** What the loader could not use or changed, for people (no gold passages, fields not understood, chunking). */
  notes?: string[];
  /** The note (also in `notes`) naming gold passages no corpus passage equals: they can never be retrieved. */
  unmatchedGold?: string;
}
