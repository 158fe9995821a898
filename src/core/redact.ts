/** A run of mask characters a server puts in place of most of a key: ***, ..., …, •••. */
const MASK = /\*{3,}|\.{3,}|…+|•{3,}/;
/** Quotes and punctuation around a token that are not part of the key. */
const EDGE = /^["'`(<[]+|["'`)>\],.;:!?]+$/g;

/**
 * Replaces every occurrence of a secret (and any `sk-…` looking token) with `***`, and every token
 * in which a server echoed pieces of a secret around a mask ("sk-proj-****wxyz", "sk-ab…wxyz",
 * OpenAI's own "Incorrect API key provided" style): its first or last characters are the key's.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const keys = secrets.filter((secret) => secret && secret.length >= 4);
  for (const secret of keys) out = out.split(secret).join("***");
  if (keys.some((secret) => secret.length >= 8)) out = out.replace(/\S+/g, (token) => (echoesAKey(token, keys) ? "***" : token));
  return out.replace(/\bsk-[A-Za-z0-9_-]{8,}/g, "sk-***");
}

/** A token with a mask in it whose text before the mask begins a key (3+ characters) or whose text after it ends one (2+). */
function echoesAKey(token: string, keys: readonly string[]): boolean {
  const mask = MASK.exec(token);
  if (!mask) return false;
  const before = token.slice(0, mask.index).replace(EDGE, "");
  // the last mask run in the token: the key's tail follows it
  let end = mask.index + mask[0].length;
  for (let rest = token.slice(end), next = MASK.exec(rest); next; rest = token.slice(end), next = MASK.exec(rest)) end += next.index + next[0].length;
  const after = token.slice(end).replace(EDGE, "");
  return keys.some((key) => key.length >= 8 && ((before.length >= 3 && key.startsWith(before)) || (after.length >= 2 && key.endsWith(after))));
}
