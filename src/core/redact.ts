/** Replaces every occurrence of a secret (and any `sk-…` looking token) with `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join("***");
  return out.replace(/\bsk-[A-Za-z0-9_-]{8,}/g, "sk-***");
}
