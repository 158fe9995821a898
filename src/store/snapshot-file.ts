import { randomBytes } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
import { cooperative } from "../core/cooperate.js";
import { encodeFloat16 } from "../embedding/float16.js";
import { decodeHalf } from "./half-decode.js";
import { WordHash } from "./word-hash.js";

/**
 * A file of named typed-array sections, written once and read back with no parsing but one small
 * JSON header: a few large reads straight into typed arrays.
 *
 *   [section 0][pad to 64][section 1][pad]…[header JSON (utf-8)][footer, 88 bytes]
 *   footer = "HRSNAP01" | u32 header bytes | 4 zero bytes | f64 header offset | 64-byte header checksum (WordHash lanes)
 *   header = { key, meta, sections: [{ name, type, length (elements), offset (bytes), checksum }] }
 *
 * The header is at the end so a section's checksum is known once it is written (one streaming
 * pass, no 2 GB buffer for an f16 matrix at 10× the paper's size). Every section and the header
 * carry a checksum, so a truncated or corrupted byte anywhere in them is found before use.
 * Sections start on 64-byte boundaries (any typed array could view them; cache-line aligned).
 */

/** Element types on disk. "f16" is half precision on disk and a Float32Array in memory. */
export type SectionType = "u8" | "u16" | "u32" | "i32" | "f32" | "f64" | "f16";
export type SectionArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface SectionInput {
  name: string;
  type: SectionType;
  data: SectionArray;
}

interface SectionEntry {
  name: string;
  type: SectionType;
  length: number;
  offset: number;
  checksum: string;
}

interface Header {
  key: string;
  meta: unknown;
  sections: SectionEntry[];
}

/** `header`: the header's checksum, which names this exact file (see SnapshotReadOptions.header). */
export type SnapshotRead = { ok: true; key: string; header: string; meta: unknown; sections: Map<string, SectionArray> } | { ok: false; problem: string };

/**
 * Takes a section's bytes as they would be in memory (f16: decoded to f32), a chunk at a time:
 * `at` is the chunk's byte offset in the section's in-memory array. Called before the section's
 * checksum is known: what it took is valid only if the read then returns ok.
 */
export type SectionSink = (bytes: Uint8Array, at: number) => void;

/** What of a snapshot to read: by default every section, and only a file written for the given key. */
export interface SnapshotReadOptions {
  /** Reads the file whatever key it was written for (the caller checks `key` and `meta` itself). */
  anyKey?: boolean;
  /** Reads (and verifies) only the sections it accepts. */
  sections?: (name: string) => boolean;
  /** Reads only the file whose header checksum is this (an earlier read's `header`): the same file, not one written since. */
  header?: string;
  /** Streams the sections it gives a sink for to that sink instead of allocating them (they are not in the result). */
  sinks?: (name: string) => SectionSink | undefined;
}

const MAGIC = "HRSNAP01";
const FOOTER_BYTES = 88;
const ALIGN = 64;
/** Bytes per read or write: small enough that Ctrl-C is handled between two (~10-20 ms each). */
const CHUNK = 16 << 20;

const BYTES: Record<SectionType, number> = { u8: 1, u16: 2, u32: 4, i32: 4, f32: 4, f64: 8, f16: 2 };
const MAKE: Record<SectionType, (length: number) => SectionArray> = {
  u8: (n) => new Uint8Array(n),
  u16: (n) => new Uint16Array(n),
  u32: (n) => new Uint32Array(n),
  i32: (n) => new Int32Array(n),
  f32: (n) => new Float32Array(n),
  f64: (n) => new Float64Array(n),
  f16: (n) => new Float32Array(n),
};

/** The section type of a typed array (f16 is never inferred: it is a choice of stored precision). */
export function sectionTypeOf(data: unknown): SectionType | undefined {
  if (data instanceof Uint8Array) return "u8";
  if (data instanceof Uint16Array) return "u16";
  if (data instanceof Uint32Array) return "u32";
  if (data instanceof Int32Array) return "i32";
  if (data instanceof Float32Array) return "f32";
  if (data instanceof Float64Array) return "f64";
  return undefined;
}

/**
 * Writes the file atomically: into a temporary file beside it, synced, then renamed over `path`,
 * so a reader sees the old file, the new one, or none, never half of one. The caller's signal stops
 * it between chunks (the temporary file is removed).
 */
export async function writeSnapshotFile(path: string, key: string, meta: unknown, sections: readonly SectionInput[], signal?: AbortSignal): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const tick = cooperative(signal, "while writing the index snapshot");
  const file = await open(temp, "w");
  let done = false;
  try {
    let offset = 0;
    const entries: SectionEntry[] = [];
    for (const section of sections) {
      const hash = new WordHash();
      for (const bytes of diskChunks(section)) {
        hash.update(bytes);
        await writeAll(file, bytes, offset);
        offset += bytes.byteLength;
        await tick();
      }
      entries.push({ name: section.name, type: section.type, length: section.data.length, offset: offset - section.data.length * BYTES[section.type], checksum: hash.digest() });
      const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
      if (pad) await writeAll(file, new Uint8Array(pad), offset);
      offset += pad;
    }
    const header = new TextEncoder().encode(JSON.stringify({ key, meta, sections: entries } satisfies Header));
    await writeAll(file, header, offset);
    const footer = Buffer.alloc(FOOTER_BYTES);
    footer.write(MAGIC, 0, "latin1");
    footer.writeUInt32LE(header.byteLength, 8);
    footer.writeDoubleLE(offset, 16);
    footer.write(checksumOf(header).slice(0, 128), 24, "hex");
    await writeAll(file, footer, offset + header.byteLength);
    await file.sync();
    await file.close();
    await rename(temp, path);
    done = true;
  } finally {
    if (!done) {
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }
}

/**
 * Reads and verifies a file written by `writeSnapshotFile` for `key`. Anything unusable (missing,
 * another key, truncated, a checksum that does not match) is `{ ok: false, problem }`, never an
 * exception: the caller rebuilds. Sections are read in file order, each chunk's checksum computed
 * while the next chunk is read, with a turn of the event loop between chunks (Ctrl-C stops it).
 */
export async function readSnapshotFile(path: string, key: string, signal?: AbortSignal, options: SnapshotReadOptions = {}): Promise<SnapshotRead> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return { ok: false, problem: "none stored" };
  }
  if (size < FOOTER_BYTES) return { ok: false, problem: "truncated" };
  const tick = cooperative(signal, "while opening the index: nothing was changed");
  const file = await open(path, "r");
  let pending: Promise<unknown> | undefined;
  try {
    const footer = Buffer.alloc(FOOTER_BYTES);
    await readAll(file, footer, size - FOOTER_BYTES);
    if (footer.toString("latin1", 0, 8) !== MAGIC) return { ok: false, problem: "truncated or not a snapshot" };
    const headerBytes = footer.readUInt32LE(8);
    const headerOffset = footer.readDoubleLE(16);
    if (headerOffset + headerBytes + FOOTER_BYTES !== size) return { ok: false, problem: "truncated" };
    const headerData = new Uint8Array(headerBytes);
    await readAll(file, headerData, headerOffset);
    const headerSum = footer.toString("hex", 24, 88);
    if (checksumOf(headerData).slice(0, 128) !== headerSum) return { ok: false, problem: "corrupt (header checksum)" };
    if (options.header !== undefined && options.header !== headerSum) return { ok: false, problem: "replaced while it was read" };
    const header = JSON.parse(new TextDecoder().decode(headerData)) as Header;
    if (header.key !== key && !options.anyKey) return { ok: false, problem: "stale (another index state)" };
    // Pieces to read: [section, byte offset in file, bytes, where they go].
    const sections = new Map<string, SectionArray>();
    const sinks = new Map<string, SectionSink>();
    const pieces: { entry: SectionEntry; at: number; bytes: number; into: number; last: boolean }[] = [];
    for (const entry of header.sections) {
      if (options.sections && !options.sections(entry.name)) continue;
      const total = entry.length * BYTES[entry.type];
      if (!(entry.offset >= 0 && entry.offset + total <= headerOffset)) return { ok: false, problem: "corrupt (section bounds)" };
      const sink = options.sinks?.(entry.name);
      if (sink) sinks.set(entry.name, sink);
      else sections.set(entry.name, MAKE[entry.type](entry.length));
      for (let done = 0; done < total || (total === 0 && done === 0); done += CHUNK) {
        const bytes = Math.min(CHUNK, total - done);
        pieces.push({ entry, at: entry.offset + done, bytes, into: done, last: done + bytes >= total });
        if (total === 0) break;
      }
    }
    // f16 and sunk sections are read through two scratch buffers (the one being decoded or handed on,
    // the one being read); a sunk f16 chunk is decoded into a third.
    const scratched = (p: (typeof pieces)[number]) => p.entry.type === "f16" || sinks.has(p.entry.name);
    const scratchBytes = Math.max(0, ...pieces.filter(scratched).map((p) => p.bytes));
    const scratch = [new Uint8Array(scratchBytes), new Uint8Array(scratchBytes)];
    const decoded = new Float32Array(Math.max(0, ...pieces.filter((p) => p.entry.type === "f16" && sinks.has(p.entry.name)).map((p) => p.bytes / 2)));
    const target = (k: number) => {
      const piece = pieces[k]!;
      if (scratched(piece)) return scratch[k % 2]!.subarray(0, piece.bytes);
      return new Uint8Array(sections.get(piece.entry.name)!.buffer, piece.into, piece.bytes);
    };
    const start = (k: number) => (k < pieces.length ? readAll(file, target(k), pieces[k]!.at) : Promise.resolve());
    let hash = new WordHash();
    pending = start(0);
    for (let k = 0; k < pieces.length; k++) {
      await pending;
      pending = start(k + 1);
      const piece = pieces[k]!;
      const bytes = target(k);
      hash.update(bytes);
      const sink = sinks.get(piece.entry.name);
      if (sink && piece.entry.type === "f16") {
        const values = decoded.subarray(0, piece.bytes / 2);
        decodeHalf(bytes, values, 0);
        sink(new Uint8Array(values.buffer, 0, values.byteLength), piece.into * 2);
      } else if (sink) sink(bytes, piece.into);
      else if (piece.entry.type === "f16") decodeHalf(bytes, sections.get(piece.entry.name) as Float32Array, piece.into / 2);
      if (piece.last) {
        if (hash.digest() !== piece.entry.checksum) return { ok: false, problem: `corrupt (section ${piece.entry.name})` };
        hash = new WordHash();
      }
      await tick();
    }
    return { ok: true, key: header.key, header: headerSum, meta: header.meta, sections };
  } catch (error) {
    if ((error as { code?: string }).code === "INTERRUPTED") throw error;
    return { ok: false, problem: `unreadable (${(error as Error).message})` };
  } finally {
    await pending?.catch(() => undefined);
    await file.close();
  }
}

/** A section's bytes as they go to disk, in chunks (f16: encoded a chunk at a time). */
function* diskChunks(section: SectionInput): Generator<Uint8Array> {
  const { data, type } = section;
  if (type === "f16") {
    if (!(data instanceof Float32Array)) throw new TypeError(`section ${section.name}: f16 is written from a Float32Array`);
    const check = new Float32Array(Math.min(CHUNK / 2, data.length));
    for (let at = 0; at < data.length; at += CHUNK / 2) {
      const values = data.subarray(at, at + CHUNK / 2);
      const half = encodeFloat16(values);
      // Half precision keeps a value only if it was rounded to it before (as every f16 store does).
      decodeHalf(half, check, 0);
      for (let i = 0; i < values.length; i++) if (!Object.is(check[i], values[i])) throw new TypeError(`section ${section.name}: value ${at + i} (${values[i]}) is not exact in half precision`);
      yield half;
    }
    return;
  }
  if (sectionTypeOf(data) !== type) throw new TypeError(`section ${section.name}: a ${data.constructor.name} is not ${type}`);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function writeAll(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.byteLength; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

async function readAll(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.byteLength; ) {
    const { bytesRead } = await file.read(bytes, done, bytes.byteLength - done, position + done);
    if (bytesRead === 0) throw new Error("the file ended early");
    done += bytesRead;
  }
}

function checksumOf(bytes: Uint8Array): string {
  const hash = new WordHash();
  hash.update(bytes);
  return hash.digest();
}
