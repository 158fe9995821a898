import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { md5Hex } from "../core/ids.js";
import type { Matrix } from "./encoder.js";
import { makeFolder } from "../core/make-folder.js";

/**
 * An append-only file of dense rows for one encoder and purpose, beside the workspace
 * (`<saveDir>/cache/<md5(encoder id)>-<purpose>.f32` + `.json` listing the texts in row order).
 * A row is a pure function of (encoder, text), so the file never goes stale; it spares reading
 * 85k rows one by one from SQLite (~2.4 s at the paper's size) when only a few texts are new.
 * A crash between appending rows and rewriting the list leaves extra rows, which are cut off.
 */
export class DenseRowCache {
  private readonly data: string;
  private readonly listFile: string;

  constructor(dir: string, encoderId: string, purpose: string) {
    makeFolder(dir);
    const base = join(dir, `${md5Hex(encoderId)}-${purpose}`);
    this.data = `${base}.f32`;
    this.listFile = `${base}.json`;
  }

  /** The texts of the cached rows, in row order, and their dimension; undefined if there is no usable cache. */
  list(): { dim: number; texts: string[] } | undefined {
    if (!existsSync(this.listFile) || !existsSync(this.data)) return undefined;
    try {
      const { dim, texts } = JSON.parse(readFileSync(this.listFile, "utf8")) as { dim: number; texts: string[] };
      if (!(dim > 0) || statSync(this.data).size < texts.length * dim * 4) return undefined;
      return { dim, texts };
    } catch {
      return undefined; // unreadable cache: rebuilt from the workspace
    }
  }

  /**
   * The first `rows` rows, read straight into a matrix with room for `capacity` rows (the file is
   * ~260 MB at the paper's size: no intermediate buffer). Asynchronous, so the read runs on libuv's
   * thread pool while the caller works (an index update parses its synonym lists meanwhile).
   */
  async read(rows: number, dim: number, capacity = rows): Promise<Float32Array> {
    const data = new Float32Array(capacity * dim);
    const bytes = new Uint8Array(data.buffer, 0, rows * dim * 4);
    const file = await open(this.data, "r");
    try {
      for (let at = 0; at < bytes.length; ) {
        const { bytesRead } = await file.read(bytes, at, Math.min(bytes.length - at, 1 << 30), at);
        if (bytesRead === 0) throw new Error(`${this.data} ended early`);
        at += bytesRead;
      }
    } finally {
      await file.close();
    }
    return data;
  }

  append(previous: string[], texts: readonly string[], rows: Matrix): void {
    const all = [...previous, ...texts];
    const fd = openSync(this.data, existsSync(this.data) ? "r+" : "w");
    try {
      ftruncateSync(fd, previous.length * rows.dim * 4);
      // At most 1 GiB per call: one write takes under 2 GiB (850k × 768-d rows are 2.6 GB at 10× MuSiQue).
      const bytes = new Uint8Array(rows.data.buffer, rows.data.byteOffset, rows.rows * rows.dim * 4);
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, Math.min(bytes.length - at, 1 << 30), previous.length * rows.dim * 4 + at);
    } finally {
      closeSync(fd);
    }
    writeFileSync(`${this.listFile}.tmp`, JSON.stringify({ dim: rows.dim, texts: all }));
    renameSync(`${this.listFile}.tmp`, this.listFile);
  }
}
