import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";

/** What a file is checked against: a sha256 (LFS files, ETag / X-Linked-Etag) or a git blob sha1 (small files). */
export interface ExpectedHash {
  sha256?: string;
  gitOid?: string;
}

/** Hashes a file without reading it into memory; the git blob hash is sha1("blob <size>\0" + content). */
export async function hashFile(path: string, kind: "sha256" | "git"): Promise<string> {
  const hash = createHash(kind === "sha256" ? "sha256" : "sha1");
  if (kind === "git") hash.update(`blob ${statSync(path).size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Whether the file has the expected content; undefined when there is nothing to check against. */
export async function matchesHash(path: string, expected: ExpectedHash): Promise<boolean | undefined> {
  if (expected.sha256) return (await hashFile(path, "sha256")) === expected.sha256;
  if (expected.gitOid) return (await hashFile(path, "git")) === expected.gitOid;
  return undefined;
}

/** The hash an ETag carries: HF sends the sha256 for LFS files and the git oid otherwise. */
export function hashFromEtag(etag: string | null): ExpectedHash {
  const value = etag?.replace(/^W\//, "").replace(/"/g, "").trim().toLowerCase() ?? "";
  if (/^[0-9a-f]{64}$/.test(value)) return { sha256: value };
  if (/^[0-9a-f]{40}$/.test(value)) return { gitOid: value };
  return {};
}
