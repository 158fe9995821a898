import { describe, expect, it } from "vitest";
import * as library from "./index.js";

describe("library entry point", () => {
  it("exports the README's API", () => {
    for (const name of ["HippoRag", "personalizedPageRank", "personalizedPageRankMany", "buildMemoryGraph", "runOpenIE", "LexicalEncoder", "OpenAIEncoder", "OnnxEncoder", "evaluate", "loadDataset", "toNgraph", "exportGraph", "Retriever"]) {
      expect(library, name).toHaveProperty(name);
    }
  });
  it("the built package entry loads (dist/index.js)", async () => {
    const built = await import("../dist/index.js" as string);
    expect(typeof built.HippoRag.open).toBe("function");
  });
});

describe("toNgraph (the user-facing graph structure)", () => {
  it("has a node per phrase and passage and a link per undirected edge, with weights", async () => {
    const { buildMemoryGraph, toNgraph, textProcessing } = library;
    const { processChunk } = await import("./graph/process-openie.js");
    const chunks = [processChunk("chunk-a", [["Ada", "daughter of", "Byron"]]), processChunk("chunk-b", [["Byron", "died in", "Missolonghi"]])];
    const graph = buildMemoryGraph(chunks, new Map([["byron", [["ada", 0.9]]]]));
    const view = toNgraph(graph, new Map([["chunk-a", "A\na"], ["chunk-b", "B\nb"]]));
    expect(view.getNodesCount()).toBe(3 + 2);
    expect(view.getLinksCount()).toBe(graph.stats.undirectedEdges);
    const ada = library.entityId(textProcessing("Ada"));
    expect(view.getNode(ada)!.data).toMatchObject({ kind: "entity", label: "ada" });
    let weight = 0;
    view.forEachLinkedNode(ada, (node, link) => void (node.id === library.entityId("byron") && (weight = link.data.weight)));
    // ada→byron keeps its fact count 1; byron→ada had count 1 too, but the synonymy score 0.9 overwrites
    // it (upstream quirk, spec §14.6): the undirected weight is 1 + 0.9, as upstream's
    expect(weight).toBeCloseTo(1 + 0.9, 12);
  });
});
