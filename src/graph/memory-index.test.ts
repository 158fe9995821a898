import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../datasets/load-dataset.js";
import { LexicalEncoder } from "../embedding/lexical-encoder.js";
import { HippoRag } from "../hipporag.js";
import { importOpenIEFile } from "../openie/openie-file.js";
import { indexChanges } from "../cli/commands/run-index-command.js";
import { GPT35_OPENIE, runCli, SHARED_DATASETS, tempDir, musiqueWorkspace } from "../test-support/cli-harness.js";

const MODEL = "gpt-3.5-turbo-1106";
const dataset = loadDataset("musique_train_dev", SHARED_DATASETS);

async function memory(): Promise<HippoRag> {
  const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: MODEL, encoder: new LexicalEncoder() });
  importOpenIEFile(hippo.workspace, hippo.workspace.openie(MODEL), GPT35_OPENIE);
  return hippo;
}

/** Everything retrieval depends on, in comparable form. */
function snapshot(hippo: HippoRag) {
  const { graph } = hippo.memoryIndex().load();
  return {
    phrases: graph.phrases,
    passages: [...graph.passageIds].sort(),
    facts: graph.facts.map((f) => f.join("|")).sort(),
    counts: Array.from(graph.phrasePassageCount),
    stats: graph.stats,
    // adjacency as a sorted edge list keyed by content (passage node order may differ)
    edges: edgeList(graph),
  };
}

function edgeList(graph: ReturnType<ReturnType<HippoRag["memoryIndex"]>["load"]>["graph"]): string[] {
  const name = (i: number) => (i < graph.phrases.length ? `e:${graph.phrases[i]}` : `p:${graph.passageIds[i - graph.phrases.length]}`);
  const out: string[] = [];
  const { offsets, targets, weights } = graph.csr;
  for (let i = 0; i < graph.csr.nodeCount; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (targets[k]! > i) out.push([name(i), name(targets[k]!)].sort().join(" ~ ") + ` ${weights[k]!.toFixed(6)}`);
  }
  return out.sort();
}

describe("hipporag index on the MuSiQue GPT-3.5 OpenIE", () => {
  it("gives upstream's counts (spec §13.1) and exports the graph", async () => {
    const { saveDir, base } = await musiqueWorkspace({ index: false });
    const graphml = join(saveDir, "graph.graphml");
    const result = await runCli(["index", ...base, "--json", "--export-graph", graphml]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout);
    // 16,235 phrase nodes include the empty phrase (from a triple whose object is "$"), as upstream.
    expect(report).toMatchObject({ phraseNodes: 16235, passageNodes: 1890, facts: 17036, factEdges: 33038, selfLoops: 20, passageEdges: 19755 });
    expect(report.synonymyEdges).toBeGreaterThan(1000);
    expect(report.openieModel).toBe(MODEL);
    const xml = readFileSync(graphml, "utf8");
    expect(xml.match(/<node /g)).toHaveLength(16235 + 1890);
    expect(xml.match(/<edge /g)).toHaveLength(report.undirectedEdges);
    // re-running indexes nothing new and changes nothing
    const again = JSON.parse((await runCli(["index", ...base, "--json"])).stdout);
    expect(again.added).toBe(0);
    expect(again.undirectedEdges).toBe(report.undirectedEdges);
  });

  it("says how many passages lack OpenIE and how to get them", async () => {
    const dir = tempDir();
    const result = await runCli(["index", "--dataset", "musique_train_dev", "--dataset-dir", SHARED_DATASETS, "--save-dir", dir, "--llm-name", MODEL]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/1890 of 1890 passages have no OpenIE results for model gpt-3\.5-turbo-1106, and no LLM is configured to extract them \(hint: configure an LLM \(OPENAI_API_KEY for OpenAI, or --llm-base-url/);
  });
});

describe("incremental updates equal from-scratch builds", () => {
  it("insert in two steps == one build of the union (synonymy computed only for what changed)", async () => {
    const passages = dataset.passages;
    const whole = await memory();
    await whole.index(passages);
    const steps = await memory();
    await steps.index(passages.slice(0, 1700));
    const second = await steps.index(passages.slice(1700));
    expect(second.added).toBe(190);
    // the update's counts (computed without building the graph) equal the built graph's
    expect(second.stats).toEqual(steps.memoryIndex().load().graph.stats);
    expect(second.synonymQueries).toBeLessThan(second.stats.phraseNodes / 4);
    expect(snapshot(steps)).toEqual(snapshot(whole));
    whole.close();
    steps.close();
  });

  it("delete == a build of what is left; facts and entities only the deleted passages had are gone", async () => {
    const passages = dataset.passages;
    const deleted = passages.filter((_, i) => i % 9 === 4);
    const kept = passages.filter((_, i) => i % 9 !== 4);
    const full = await memory();
    await full.index(passages);
    const update = await full.delete(deleted.map((p) => p.content));
    expect(update.removed).toBe(deleted.length);
    const fresh = await memory();
    await fresh.index(kept);
    expect(snapshot(full)).toEqual(snapshot(fresh));
    // and deleting again is a no-op
    expect((await full.delete(deleted.map((p) => p.content))).removed).toBe(0);
    full.close();
    fresh.close();
  });
});

describe("a corpus listed in another order", () => {
  it("the update says it reordered the passages (it changes the graph), not 'nothing changed'", async () => {
    const passages = dataset.passages.slice(0, 12);
    const hippo = await memory();
    await hippo.index(passages);
    const update = await hippo.index([...passages].reverse(), { sync: true });
    expect(update).toMatchObject({ added: 0, removed: 0, changed: 0, reordered: true });
    expect(indexChanges(update)).toBe("passages put in the corpus's order");
    expect((await hippo.index([...passages].reverse(), { sync: true })).reordered).toBe(false);
    hippo.close();
  });
});

describe("an indexed passage whose OpenIE is no longer finished (--skip-failed)", () => {
  it("is counted as left out, not as removed from the corpus", async () => {
    const passages = dataset.passages.slice(0, 40);
    const hippo = await memory();
    await hippo.index(passages);
    hippo.workspace.openie(MODEL).saveFailure(passages[3]!.id, "triples", "server error", "test");
    const update = await hippo.index(passages, { skipFailed: true, sync: true });
    expect(update).toMatchObject({ removed: 0, leftOut: 1, added: 0, excluded: [passages[3]!.id] });
    expect(indexChanges(update)).toBe("1 taken out (its OpenIE is no longer finished)");
    // and once it has OpenIE again, it is back as added
    hippo.workspace.openie(MODEL).saveDone(passages[3]!.id, ["x"], [["x", "is", "y"]], "test");
    expect(await hippo.index(passages, { sync: true })).toMatchObject({ removed: 0, leftOut: 0, added: 1, excluded: [] });
    hippo.close();
  });
});

describe("dense encoders (entity vectors through the row cache file)", () => {
  it("insert in steps and delete equal fresh builds; the cache may hold phrases outside the index", async () => {
    const { syntheticCorpus, SyntheticEncoder } = await import("../../scripts/synthetic-corpus.js");
    const { toPassages } = await import("../hipporag.js");
    const { graphSnapshot } = await import("../test-support/workspace-snapshot.js");
    const corpus = syntheticCorpus(0.02);
    const all = toPassages(corpus.passages);
    const open = async () => {
      const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: "s", encoder: new SyntheticEncoder(32) });
      hippo.workspace.passages.insert(all);
      hippo.workspace.openie("s").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: corpus.triples[i]! })), "t");
      return hippo;
    };
    const whole = await open();
    const built = await whole.index(all);
    expect(built.stats.synonymyEdges).toBeGreaterThan(built.stats.phraseNodes); // clusters give synonyms
    const steps = await open();
    await steps.index(all.slice(0, 150));
    await steps.index(all.slice(150, 200));
    const last = await steps.index(all.slice(200));
    expect(last.stats).toEqual(whole.memoryIndex().load().graph.stats);
    expect(graphSnapshot(steps)).toEqual(graphSnapshot(whole));
    // delete: the cache keeps the removed phrases' rows, which must not come back as synonyms
    const gone = all.filter((_, i) => i % 7 === 3);
    await steps.delete(gone.map((p) => p.content));
    const fresh = await open();
    await fresh.index(all.filter((_, i) => i % 7 !== 3));
    expect(graphSnapshot(steps)).toEqual(graphSnapshot(fresh));
    for (const h of [whole, steps, fresh]) h.close();
  });
});

describe("a new phrase too short to look for synonyms (≤ 2 letters or digits)", () => {
  it("still joins the lists of the old phrases it is close to, as in a fresh build (insert in steps, f32 and f16)", async () => {
    const { syntheticCorpus, SyntheticEncoder } = await import("../../scripts/synthetic-corpus.js");
    const { toPassages } = await import("../hipporag.js");
    const { graphSnapshot } = await import("../test-support/workspace-snapshot.js");
    const corpus = syntheticCorpus(0.01);
    const old = corpus.triples[0]![0]![0]!; // "entity C variant K", a phrase of the first step
    const cluster = /^entity (\d+)/.exec(old)![1];
    // "u k" and "70" embed as members of old's cluster: cosine ≈ 0.85 with it, above the threshold
    const alias: Record<string, string> = { "u k": `entity ${cluster} variant 90`, "70": `entity ${cluster} variant 91` };
    class Aliased extends SyntheticEncoder {
      override embedFormatted(inputs: readonly string[]) {
        return super.embedFormatted(inputs.map((t) => alias[t] ?? t));
      }
    }
    const passages = [...corpus.passages, { title: "Short names", text: "U K and 70." }];
    const triples = [...corpus.triples, [["u k", "is near", "70"]]];
    const all = toPassages(passages);
    for (const vectorDtype of ["f32", "f16"] as const) {
      const open = async () => {
        const hippo = await HippoRag.open({ saveDir: tempDir(), openieModel: "s", encoder: new Aliased(32), vectorDtype });
        hippo.workspace.passages.insert(all);
        hippo.workspace.openie("s").saveMany(all.map((p, i) => ({ passageId: p.id, entities: [], triples: triples[i]! })), "t");
        return hippo;
      };
      const whole = await open();
      await whole.index(all);
      const fresh = graphSnapshot(whole);
      expect(fresh.edges.some((e) => e.startsWith(`e:${old} ~ e:u k `) || e.startsWith(`e:u k ~ e:${old} `)), vectorDtype).toBe(true);
      const steps = await open();
      await steps.index(all.slice(0, -1));
      await steps.index(all);
      expect(graphSnapshot(steps), vectorDtype).toEqual(fresh);
      // and out again: a delete equals a fresh build without it
      await steps.delete([all.at(-1)!.content]);
      const without = await open();
      await without.index(all.slice(0, -1));
      expect(graphSnapshot(steps), vectorDtype).toEqual(graphSnapshot(without));
      for (const h of [whole, steps, without]) h.close();
    }
  });
});

describe("interrupting an index update", () => {
  it("stops between stages, commits nothing of the update, and a re-run completes", async () => {
    const hippo = await memory();
    await hippo.index(dataset.passages.slice(0, 500));
    const controller = new AbortController();
    const stages: string[] = [];
    const attempt = hippo.index(dataset.passages, {
      signal: controller.signal,
      onStage: (stage) => {
        stages.push(stage);
        controller.abort(); // Ctrl-C as soon as the first stage starts
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: "INTERRUPTED" });
    expect(stages).toHaveLength(1);
    expect(hippo.memoryIndex().passageIds()).toHaveLength(500);
    const resumed = await hippo.index(dataset.passages);
    expect(resumed.added).toBe(dataset.passages.length - 500);
    hippo.close();
  });
});
