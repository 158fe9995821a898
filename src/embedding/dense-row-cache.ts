import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { md5Hex } from "../core/ids.js";
import type { Matrix } from "./encoder.js";

/**
 * An append-only file of dense rows for one encoder and purpose, beside the workspace
 * (`<saveDir>/cache/<md5(encoder id)>-<purpose>.f32` + `.json` listing the texts in row order).
 * A row is a pure function of (encoder, text), so the file never goes stale; it spares reading
 * 85k rows one by one from SQLite (~2.4 s at the paper's size) when only a few texts are new.
 * A crash between appending rows and rewriting the list leaves extra rows, which are cut off.
 */
export class DenseRowCache {
  private readonly data: string;
  private readonly list: string;

  constructor(dir: string, encoderId: string, purpose: string) {
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `${md5Hex(encoderId)}-${purpose}`);
    this.data = `${base}.f32`;
    this.list = `${base}.json`;
  }

  load(): { texts: string[]; matrix: Matrix } | undefined {
    if (!existsSync(this.list) || !existsSync(this.data)) return undefined;
    try {
      const { dim, texts } = JSON.parse(readFileSync(this.list, "utf8")) as { dim: number; texts: string[] };
      const bytes = texts.length * dim * 4;
      if (!(dim > 0) || statSync(this.data).size < bytes) return undefined;
      const buffer = readFileSync(this.data);
      const data = new Float32Array(texts.length * dim);
      new Uint8Array(data.buffer).set(buffer.subarray(0, bytes));
      return { texts, matrix: { rows: texts.length, dim, data } };
    } catch {
      return undefined; // unreadable cache: rebuilt from the workspace
    }
  }

  append(previous: string[], texts: readonly string[], rows: Matrix): void {
    const all = [...previous, ...texts];
    const fd = openSync(this.data, existsSync(this.data) ? "r+" : "w");
    try {
      ftruncateSync(fd, previous.length * rows.dim * 4);
      writeSync(fd, new Uint8Array(rows.data.buffer, rows.data.byteOffset, rows.rows * rows.dim * 4), 0, rows.rows * rows.dim * 4, previous.length * rows.dim * 4);
    } finally {
      closeSync(fd);
    }
    writeFileSync(`${this.list}.tmp`, JSON.stringify({ dim: rows.dim, texts: all }));
    renameSync(`${this.list}.tmp`, this.list);
  }
}
