/**
 * Text that cannot round-trip through UTF-8. A JSON file may hold a lone surrogate escape ("\ud800");
 * JavaScript keeps it in the string, but UTF-8 (SQLite, md5 of the passage, every file we write) turns
 * it into U+FFFD, so a passage id would no longer match its stored content. Upstream Python fails on
 * it too (`str.encode` raises). Loaders reject such text with the file, record and field.
 */

// ES2024's String.prototype.isWellFormed, present in Node 20 but not in the ES2022 lib this project compiles against.
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The path of the first string inside `value` that is not well-formed UTF-16, e.g. `paragraphs[2].text`; undefined if none. */
export function illFormedPath(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return isWellFormed(value) ? undefined : path || "(value)";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (!isWellFormed(key)) return path ? `${path}.<key>` : "<key>";
      const found = illFormedPath(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

/** The problem text used by every loader, so the messages read the same everywhere. */
export const ILL_FORMED_PROBLEM = "text with a lone UTF-16 surrogate (e.g. a \\ud800 escape) cannot be stored as UTF-8; fix or remove it";
