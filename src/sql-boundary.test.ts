import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Storage goes through the roles of src/store/ (passages, OpenIE results, LLM cache, runs, reports,
 * memory indexes, vectors, units of work): no other module of src/ or scripts/ (tests aside) holds
 * the SQLite connection or writes SQL. A second backend then needs only new files in src/store/.
 */
const ROOT = resolve(import.meta.dirname, "..");

/** What marks SQLite use, each with a name for the failure message. Matched on code with comments removed. */
const RULES: readonly { name: string; pattern: RegExp }[] = [
  { name: "imports better-sqlite3", pattern: /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']better-sqlite3["']/ },
  { name: "imports the raw connection type", pattern: /["'][./]*(?:src\/)?store\/sqlite-db(?:\.js)?["']/ },
  { name: "reads the connection (.db)", pattern: /\.db\b(?!\s*[:=]\s*["'`])(?![\w-]*["'`])/ },
  { name: "prepares a statement or sets a pragma", pattern: /\.(?:prepare|pragma)\s*\(/ },
  { name: "runs SQL with exec", pattern: /\.exec\s*\(\s*[`"']/ },
  { name: "opens a transaction on something but a workspace (use workspace.transaction)", pattern: /(?<!\bworkspace)\.transaction\s*\(/ },
  { name: "holds an SQL statement", pattern: /["'`]\s*(?:SELECT\s+[\w*(]|INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX)|DROP\s+TABLE|ALTER\s+TABLE|PRAGMA\s+\w|BEGIN\s+(?:IMMEDIATE|EXCLUSIVE|DEFERRED))/ },
];

/** `file:line: rule` for every rule a line of `text` breaks. */
export function sqlUses(file: string, text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " ")).replace(/^\s*\/\/.*$/gm, "");
  return code.split("\n").flatMap((line, i) => RULES.filter((rule) => rule.pattern.test(line)).map((rule) => `${file}:${i + 1}: ${rule.name}`));
}

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "__fixtures__" || name === "node_modules" ? [] : modules(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

describe("SQL stays in src/store/", () => {
  it("no module outside src/store/ (tests aside) touches SQLite", () => {
    const files = [...modules(join(ROOT, "src")), ...modules(join(ROOT, "scripts"))].filter((file) => !relative(ROOT, file).startsWith(join("src", "store")));
    expect(files.length).toBeGreaterThan(100); // the walk found the sources
    expect(files.flatMap((file) => sqlUses(relative(ROOT, file), readFileSync(file, "utf8")))).toEqual([]);
  });

  it("the check catches each kind of use, and passes role calls, regular expressions and file names", () => {
    const bad = [
      'import Database from "better-sqlite3";',
      'const { default: Database } = await import("better-sqlite3");',
      'import type { Db } from "../store/sqlite-db.js";',
      "const rows = hippo.workspace.db;",
      'statement = connection.prepare("x");',
      'db.pragma("integrity_check");',
      "db.exec(`VACUUM`);",
      "connection.transaction(() => work())();",
      'const sql = "SELECT phrase FROM synonyms";',
      "run(`INSERT OR REPLACE INTO answers VALUES (?)`);",
      'x("DELETE FROM answers");',
    ];
    expect(bad.map((line) => sqlUses("f.ts", line).length)).toEqual(bad.map(() => 1));
    const good = [
      "workspace.transaction(() => store.saveMany(records, source));",
      "this.workspace.transaction(() => commit());",
      "const match = /^(a|b)$/.exec(customId);",
      'const file = "cache.db";',
      'output.stdout("Select a model, then delete it");',
      "// workspace.db.prepare() in a comment",
      "workspace.passages.contents(ids);",
    ];
    expect(good.flatMap((line) => sqlUses("f.ts", line))).toEqual([]);
  });
});
