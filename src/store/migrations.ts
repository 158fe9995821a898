/**
 * Schema migrations, applied in order inside one transaction each. Never edit a shipped migration:
 * append a new one. `meta.schema_version` = number of migrations applied.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Corpus passages. content = title, a newline, text; id = 'chunk-' || md5(content). seq = insertion order.
  CREATE TABLE passages (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, content TEXT NOT NULL,
    seq INTEGER NOT NULL UNIQUE
  );

  -- OpenIE per (model, passage). status: 'ner' = entities done, triples pending (batch round 2);
  -- 'done' = entities + triples; 'failed' = error recorded, retried on the next run (never an empty result).
  CREATE TABLE openie (
    model TEXT NOT NULL, passage_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ner', 'done', 'failed')),
    entities TEXT, triples TEXT, error TEXT, failed_stage TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (model, passage_id)
  ) WITHOUT ROWID;

  -- LLM response cache. key = sha256 of (model, messages, output-changing sampling params).
  CREATE TABLE llm_cache (
    key TEXT PRIMARY KEY, stage TEXT NOT NULL, model TEXT NOT NULL,
    message TEXT NOT NULL, metadata TEXT NOT NULL, created_at TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Embedding store keyed by (encoder id, md5 of the exact text embedded).
  CREATE TABLE embeddings (
    encoder TEXT NOT NULL, hash TEXT NOT NULL, dim INTEGER NOT NULL,
    dtype TEXT NOT NULL CHECK (dtype IN ('f32', 'f16', 'sparse')), vector BLOB NOT NULL,
    PRIMARY KEY (encoder, hash)
  ) WITHOUT ROWID;

  -- A memory index = (OpenIE model, encoder). Its passages, and its synonymy lists per entity phrase.
  CREATE TABLE indexes (
    id TEXT PRIMARY KEY, openie_model TEXT NOT NULL, encoder TEXT NOT NULL,
    config TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
  );
  CREATE TABLE index_passages (
    index_id TEXT NOT NULL, passage_id TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (index_id, passage_id)
  ) WITHOUT ROWID;
  -- neighbors = JSON [[phrase, cosine], ...] in accepted order (spec §5.1).
  CREATE TABLE synonyms (
    index_id TEXT NOT NULL, phrase TEXT NOT NULL, neighbors TEXT NOT NULL,
    PRIMARY KEY (index_id, phrase)
  ) WITHOUT ROWID;

  -- Retrieval results and traces per run (run = method + settings), answers, reports.
  CREATE TABLE retrievals (
    run TEXT NOT NULL, question_id TEXT NOT NULL, question TEXT NOT NULL,
    passage_ids TEXT NOT NULL, scores TEXT NOT NULL, trace TEXT,
    PRIMARY KEY (run, question_id)
  ) WITHOUT ROWID;
  CREATE TABLE answers (
    run TEXT NOT NULL, question_id TEXT NOT NULL, answer TEXT NOT NULL, raw TEXT NOT NULL,
    PRIMARY KEY (run, question_id)
  ) WITHOUT ROWID;
  CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, kind TEXT NOT NULL,
    name TEXT NOT NULL, body TEXT NOT NULL
  );

  CREATE TABLE locks (name TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, acquired_at TEXT NOT NULL);
  `,
  `
  -- Rows hold their vectors inline (WITHOUT ROWID), so counting or listing an encoder's hashes read
  -- every vector: 0.27 s and 0.42 s for 238k rows. This index on (encoder) also carries the key
  -- (encoder, hash), so both are answered from it: 7 ms and 44 ms.
  CREATE INDEX embeddings_by_encoder ON embeddings (encoder);
  `,
  `
  -- Results you can trust (one reuse rule): a stored result is reused only when every input it was
  -- computed from is unchanged. The index remembers the hash of the OpenIE triples each passage was
  -- indexed with (NULL = unknown, from an older hipporag: the next index run refreshes it).
  ALTER TABLE index_passages ADD COLUMN triples_hash TEXT;
  -- Retrievals and answers are keyed by the question's content (md5 of its text), not by an id or a
  -- position, and carry a JSON map {input: fingerprint}. Rows of older versions have no fingerprints,
  -- so they are dropped and recomputed (filter replies come back from the LLM cache).
  DROP TABLE retrievals;
  CREATE TABLE retrievals (
    run TEXT NOT NULL, question_key TEXT NOT NULL, question_id TEXT NOT NULL, question TEXT NOT NULL,
    index_id TEXT NOT NULL, inputs TEXT NOT NULL,
    passage_ids TEXT NOT NULL, scores TEXT NOT NULL, trace TEXT,
    PRIMARY KEY (run, question_key)
  ) WITHOUT ROWID;
  DROP TABLE answers;
  CREATE TABLE answers (
    run TEXT NOT NULL, question_key TEXT NOT NULL, inputs TEXT NOT NULL, answer TEXT NOT NULL, raw TEXT NOT NULL,
    PRIMARY KEY (run, question_key)
  ) WITHOUT ROWID;
  `,
  `
  -- Where a passage came from, as JSON (upstream HEAD's doc_metadata): for --corpus documents the
  -- source file or record and the document's own fields, for chunks also their position. NULL otherwise.
  ALTER TABLE passages ADD COLUMN metadata TEXT;
  `,
  `
  -- A partial index (--skip-failed): the corpus passages it left out for lack of finished OpenIE (JSON
  -- list of ids), so that retrieval knows it is partial and reports say so; NULL when complete.
  ALTER TABLE indexes ADD COLUMN excluded TEXT;
  `,
  `
  -- Vectors in a rowid table. WITHOUT ROWID kept each 1.5–3 KB blob inside a B-tree ordered by
  -- (encoder, md5 hash), so every insert landed on a random page: 130 µs a row at first, 230 µs past
  -- 400k rows (1M f16 rows of 768-d, batches of 4,096), and the 10x corpus's 1.4M facts took 21
  -- minutes to store. Appended in rowid order with a unique (encoder, hash) index beside them: 36–69
  -- µs a row, 3.5x less in all; reading a whole space through embeddings_by_encoder (encoder, rowid)
  -- walks the table in insertion order (5.4 s against 7.5 s for 1M rows). A one-time copy of every
  -- stored vector (about 0.5 GB at the paper's size); the old table's pages stay in the file as free
  -- pages, which later writes reuse (VACUUM gives them back to the file system).
  CREATE TABLE embeddings_rowid (
    id INTEGER PRIMARY KEY, encoder TEXT NOT NULL, hash TEXT NOT NULL, dim INTEGER NOT NULL,
    dtype TEXT NOT NULL CHECK (dtype IN ('f32', 'f16', 'sparse')), vector BLOB NOT NULL,
    UNIQUE (encoder, hash)
  );
  INSERT INTO embeddings_rowid (encoder, hash, dim, dtype, vector) SELECT encoder, hash, dim, dtype, vector FROM embeddings;
  DROP TABLE embeddings;
  ALTER TABLE embeddings_rowid RENAME TO embeddings;
  CREATE INDEX embeddings_by_encoder ON embeddings (encoder);
  `,
  `
  -- The md5 of each finished passage's triples JSON, stored beside it: an index's freshness check
  -- compares these with the hashes it was built with, and hashing every triples text at each open
  -- took 0.3 s at the paper's size (a third of opening from the snapshot). hipporag_md5 is md5Hex,
  -- registered on the connection for the migrations (workspace.ts).
  ALTER TABLE openie ADD COLUMN triples_hash TEXT;
  UPDATE openie SET triples_hash = hipporag_md5(COALESCE(triples, '[]')) WHERE status = 'done';
  `,
];
