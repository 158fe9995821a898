import { HippoError } from "../../core/errors.js";
import { hubFetch } from "./hub-fetch.js";
import type { HubSettings } from "./hub-settings.js";

/** A file of the repository as the Hub's tree API lists it. */
export interface HubFile {
  path: string;
  size: number;
  /** sha256 of the content, for files stored with LFS (`lfs.oid`). */
  sha256?: string;
  /** git blob sha1 (`oid`), which for a small non-LFS file is the only hash the listing gives. */
  gitOid?: string;
}

const MAX_PAGES = 1000;

/**
 * Every file of `repo` at `revision`: `GET {endpoint}/api/datasets/{repo}/tree/{revision}?recursive=true`,
 * following `Link: <…>; rel="next"` pages. A server that ignores `recursive` still works: folders that
 * come back without their contents are listed one by one.
 */
export async function listHubFiles(settings: HubSettings): Promise<HubFile[]> {
  const files = new Map<string, HubFile>();
  const folders: string[] = [];
  const visited = new Set<string>();
  const walk = async (folder: string) => {
    visited.add(folder);
    const suffix = folder ? `/${folder.split("/").map(encodeURIComponent).join("/")}` : "";
    let url: string | undefined = `${settings.endpoint}/api/datasets/${settings.repo}/tree/${encodeURIComponent(settings.revision)}${suffix}?recursive=true`;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const response = await hubFetch(url, settings, { what: `the file list of ${settings.repo}@${settings.revision}` });
      const entries = (await response.json().catch(() => undefined)) as unknown;
      if (!Array.isArray(entries)) throw new HippoError("REMOTE", `the Hub's file list of ${settings.repo} is not a JSON array`, { suggestion: "check HF_ENDPOINT" });
      for (const entry of entries as Record<string, unknown>[]) {
        if (typeof entry?.path !== "string") continue;
        if (entry.type === "directory") folders.push(entry.path);
        else {
          const lfs = entry.lfs as { oid?: unknown; size?: unknown } | undefined;
          const size = typeof entry.size === "number" ? entry.size : typeof lfs?.size === "number" ? lfs.size : -1;
          files.set(entry.path, {
            path: entry.path,
            size,
            sha256: typeof lfs?.oid === "string" && /^[0-9a-f]{64}$/.test(lfs.oid) ? lfs.oid : undefined,
            gitOid: typeof entry.oid === "string" && /^[0-9a-f]{40}$/.test(entry.oid) ? entry.oid : undefined,
          });
        }
      }
      url = nextPage(response.headers.get("link"), settings.endpoint);
    }
  };
  await walk("");
  for (let i = 0; i < folders.length; i++) {
    const folder = folders[i]!;
    const listed = [...files.keys()].some((path) => path.startsWith(`${folder}/`)) || folders.some((f) => f.startsWith(`${folder}/`) && visited.has(f));
    if (!listed && !visited.has(folder)) await walk(folder);
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function nextPage(link: string | null, endpoint: string): string | undefined {
  const match = link?.split(",").map((part) => /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)).find(Boolean);
  if (!match) return undefined;
  return new URL(match[1]!, endpoint).toString();
}
