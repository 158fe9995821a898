/** Runs of mask characters a server puts in place of most of a key: ***, ..., …, •••. */
const MASK = /\*{3,}|\.{3,}|…+|•{3,}/g;
/** Quotes and punctuation around a token that are not part of the key. */
const EDGE = /^["'`(<[]+|["'`)>\],.;:!?]+$/g;

/**
 * Replaces every occurrence of a secret (and any `sk-…` looking token) with `***`, and every token
 * in which a server echoed pieces of a secret around a mask ("sk-proj-****wxyz", "sk-ab…wxyz",
 * OpenAI's own "Incorrect API key provided" style): its first or last characters are the key's.
 */
export function redactSecrets(text: string, given: readonly string[]): string {
  let out = text;
  // A key read from a file or a CRLF .env ends in a line break the HTTP client trims away: what a
  // server echoes is the trimmed key (and hiding that hides the untrimmed one too).
  const secrets = given.map((secret) => secret.trim()).filter(Boolean);
  const keys = secrets.filter((secret) => secret && secret.length >= 4);
  for (const secret of keys) out = out.split(secret).join("***");
  // A key of 1–3 characters ("x" for a local server) cannot be cut out of every word that holds it
  // without wrecking the message, so it is hidden wherever it stands alone between non-alphanumerics.
  for (const secret of secrets.filter((secret) => secret && secret.length < 4))
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(secret)}(?![\\p{L}\\p{N}])`, "gu"), "***");
  if (keys.some((secret) => secret.length >= 8)) out = out.replace(/\S+/g, (token) => (echoesAKey(token, keys) ? "***" : token));
  return out.replace(/\bsk-[A-Za-z0-9_-]{8,}/g, "sk-***");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A token with a mask in it whose text before the first mask begins a key (3+ characters) or whose text after the last one ends one (2+). */
function echoesAKey(token: string, keys: readonly string[]): boolean {
  const masks = [...token.matchAll(MASK)];
  if (masks.length === 0) return false;
  const first = masks[0]!;
  const last = masks[masks.length - 1]!;
  const before = token.slice(0, first.index).replace(EDGE, "");
  const after = token.slice(last.index! + last[0].length).replace(EDGE, "");
  return keys.some((key) => key.length >= 8 && ((before.length >= 3 && key.startsWith(before)) || (after.length >= 2 && key.endsWith(after))));
}
