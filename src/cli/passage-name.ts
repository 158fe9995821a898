import type { Passage } from "../datasets/dataset-types.js";

const titles = new WeakMap<readonly Passage[], Map<string, string>>();

/** A passage as people find it in their corpus: its title, then its id (titles repeat; the id is exact). */
export function passageName(passages: readonly Passage[], id: string): string {
  let byId = titles.get(passages);
  if (!byId) titles.set(passages, (byId = new Map(passages.map((p) => [p.id, p.title]))));
  const title = byId.get(id);
  return title ? `"${title}" (${id})` : id;
}
