import { writeOutputFile } from "../core/write-output-file.js";
import createGraph, { type Graph } from "ngraph.graph";
import { entityId } from "../core/ids.js";
import { usageError } from "../core/errors.js";
import type { MemoryGraph } from "./build-graph.js";

export interface NodeData {
  kind: "entity" | "passage";
  /** Upstream hash id: entity-<md5> or chunk-<md5>. */
  hashId: string;
  label: string;
}

/** Node ids are upstream's hash ids; labels are phrases or passage titles. */
function nodesOf(graph: MemoryGraph, contents: ReadonlyMap<string, string>): NodeData[] {
  return [
    ...graph.phrases.map((phrase) => ({ kind: "entity" as const, hashId: entityId(phrase), label: phrase })),
    ...graph.passageIds.map((id) => ({ kind: "passage" as const, hashId: id, label: (contents.get(id) ?? "").split("\n")[0]! })),
  ];
}

function* undirectedEdges(graph: MemoryGraph): Generator<[number, number, number]> {
  const { offsets, targets, weights, nodeCount } = graph.csr;
  for (let i = 0; i < nodeCount; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (targets[k]! > i) yield [i, targets[k]!, weights[k]!];
  }
}

/** The memory as an ngraph.graph (the user-facing graph structure): node data = NodeData, link data = {weight}. */
export function toNgraph(graph: MemoryGraph, contents: ReadonlyMap<string, string>): Graph<NodeData, { weight: number }> {
  const out = createGraph<NodeData, { weight: number }>();
  const nodes = nodesOf(graph, contents);
  out.beginUpdate();
  for (const node of nodes) out.addNode(node.hashId, node);
  for (const [a, b, weight] of undirectedEdges(graph)) out.addLink(nodes[a]!.hashId, nodes[b]!.hashId, { weight });
  out.endUpdate();
  return out;
}

/** Writes GraphML (Gephi, Cytoscape, yEd) or JSON, chosen by the file extension. */
export function exportGraph(graph: MemoryGraph, contents: ReadonlyMap<string, string>, file: string): { nodes: number; edges: number } {
  checkGraphFormat(file); // before the nodes are built
  const nodes = nodesOf(graph, contents);
  let edges = 0;
  if (file.endsWith(".graphml")) {
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
      '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>',
      '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
      '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
      '  <graph id="hipporag" edgedefault="undirected">',
    ];
    for (const node of nodes) lines.push(`    <node id="${node.hashId}"><data key="kind">${node.kind}</data><data key="label">${xml(node.label)}</data></node>`);
    for (const [a, b, w] of undirectedEdges(graph)) {
      lines.push(`    <edge source="${nodes[a]!.hashId}" target="${nodes[b]!.hashId}"><data key="weight">${w}</data></edge>`);
      edges++;
    }
    lines.push("  </graph>", "</graphml>", "");
    writeOutputFile(file, lines.join("\n"));
  } else {
    const list = [...undirectedEdges(graph)].map(([a, b, weight]) => ({ source: nodes[a]!.hashId, target: nodes[b]!.hashId, weight }));
    edges = list.length;
    writeOutputFile(file, JSON.stringify({ nodes: nodes.map((n) => ({ id: n.hashId, kind: n.kind, label: n.label })), edges: list }));
  }
  return { nodes: nodes.length, edges };
}

/** The export formats, told by the file name: checked by `index --export-graph` before any work. */
export function checkGraphFormat(file: string): void {
  if (!file.endsWith(".graphml") && !file.endsWith(".json")) throw usageError(`--export-graph: unknown format for "${file}"`, "use a .graphml or .json file name");
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}
