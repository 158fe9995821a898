/**
 * Incremental == from scratch at the paper's size, checked bit for bit (the tests check it on small
 * corpora). Builds the synthetic corpus three ways and compares the md5 of every stored synonym list
 * and of the graph's CSR arrays (offsets, targets, weights):
 *   full: one build of all passages;
 *   +1%: a build of 99%, then the last 1% added;
 *   delete: the +1% index with its last 1% deleted, then added again (same passage order as full).
 *   npx tsx scripts/check-incremental.ts [--scale 1]      (~3 minutes at scale 1)
 */
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HippoRag, toPassages } from "../src/hipporag.js";
import { arg, report } from "./bench-util.js";
import { syntheticCorpus, SyntheticEncoder } from "./synthetic-corpus.js";

const scale = arg("scale", 1);
const corpus = syntheticCorpus(scale);
const all = toPassages(corpus.passages);
const cut = Math.round(all.length * 0.99);

async function open(): Promise<HippoRag> {
  const hippo = await HippoRag.open({ saveDir: mkdtempSync(join(tmpdir(), "check-incremental-")), openieModel: "synthetic", encoder: new SyntheticEncoder() });
  hippo.workspace.passages.insert(all);
  hippo.workspace.openie("synthetic").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "synthetic");
  return hippo;
}

function digest(how: string, hippo: HippoRag): Record<string, string | number> {
  const rows = [...hippo.workspace.indexes.synonyms(hippo.memoryIndex().id)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lists = createHash("md5");
  for (const [phrase, neighbors] of rows) lists.update(`${phrase}\n${JSON.stringify(neighbors)}\n`);
  const { graph } = hippo.memoryIndex().load();
  const csr = createHash("md5");
  for (const array of [graph.csr.offsets, graph.csr.targets, graph.csr.weights]) csr.update(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  return { build: how, "synonym lists": rows.length, "md5 of lists": lists.digest("hex"), "undirected edges": graph.stats.undirectedEdges, "md5 of CSR": csr.digest("hex") };
}

const full = await open();
await full.index(all);
const rows = [digest("full", full)];
full.close();
const part = await open();
await part.index(all.slice(0, cut));
await part.index(all.slice(cut));
rows.push(digest("99% then +1%", part));
await part.delete(all.slice(cut).map((p) => p.content));
await part.index(all.slice(cut));
rows.push(digest("then -1% and +1% again", part));
part.close();
const same = rows.every((r) => r["md5 of lists"] === rows[0]!["md5 of lists"] && r["md5 of CSR"] === rows[0]!["md5 of CSR"]);
report("incremental", rows, { scale, passages: all.length, identical: same });
console.log(same ? "identical: every incremental build equals the full build bit for bit" : "DIFFERENT: see the table");
process.exitCode = same ? 0 : 1;
