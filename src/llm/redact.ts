/** Credentials as they appear in error texts: bearer tokens, OpenAI-style keys, `api-key: …` pairs. */
const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer ***'],
  [/\bsk-[A-Za-z0-9_-]{6,}/g, 'sk-***'],
  [/\b(api[-_]?key|access[-_]?token|token|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, '$1$2***'],
];

/** The shortest configured secret worth looking for: shorter values would redact ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * `text` with every given secret and everything that looks like a credential replaced by `***`:
 * for provider error texts, which some gateways fill with the caller's key, before they are logged.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let redacted = text;
  for (const secret of secrets) if (secret && secret.length >= MIN_SECRET_LENGTH) redacted = redacted.split(secret).join('***');
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) redacted = redacted.replace(pattern, replacement);
  return redacted;
}
