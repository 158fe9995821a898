import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Prints a table and writes scripts/results/<name>.json, so numbers are comparable across runs. */
export function report(name: string, rows: Record<string, string | number>[], extra: Record<string, unknown> = {}): void {
  const header = Object.keys(rows[0] ?? {});
  const cells = [header, ...rows.map((r) => header.map((h) => String(r[h])))];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ");
  console.log([line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n"));
  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), node: process.version, rows, ...extra }, null, 2));
  console.log(`\nwritten: ${file}`);
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function ms(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** A numeric command-line option `--name N`, or the fallback. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
