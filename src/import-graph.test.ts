import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The module graph of src/ (static and dynamic relative imports, type-only ones included: a type
 * import still ties two files together for the reader) has no cycles, and the library never
 * imports the command line.
 */
const SRC = resolve(import.meta.dirname);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "__fixtures__" ? [] : sources(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return found.map((spec) => resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("the module graph of src/", () => {
  const graph = new Map(sources(SRC).map((file) => [file, imports(file)]));
  const name = (file: string) => relative(SRC, file);

  it("has no import cycles", () => {
    expect(cycles(graph).map((cycle) => cycle.map(name).join(" → "))).toEqual([]);
  });

  it("keeps the library apart from the command line: nothing outside src/cli (but the test harness) imports from it", () => {
    const offenders = [...graph].flatMap(([file, targets]) => (name(file).startsWith("cli/") || name(file).startsWith("test-support/") ? [] : targets.filter((t) => name(t).startsWith("cli/")).map((t) => `${name(file)} → ${name(t)}`)));
    expect(offenders).toEqual([]);
  });
});
