// A piece of a host's output quoted in an error message or a finding. Output the parsers did not
// expect can be anything, including a config line with a key (a WireGuard PrivateKey, a .env
// PASSWORD=…): values of secret-looking assignments, URL passwords and long key-like tokens are
// replaced before the text is cut, so a message never carries a secret off the host's output.

const SECRET_ASSIGNMENT = /\b([A-Za-z0-9_.-]*(?:pass|pwd|secret|token|key|credential|auth|api)[A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"\n]*"?|'[^'\n]*'?|[^\s,;]+)/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;
// Base64 keys, API tokens: long runs mixing upper case, lower case and digits (paths and words don't).
const KEY_LIKE = /[A-Za-z0-9+/_=-]{16,}/g;

export const REDACTED = '<redacted>';

export function redactSecrets(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(SECRET_ASSIGNMENT, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`)
    .replace(KEY_LIKE, (t) => (/[A-Z]/.test(t) && /[a-z]/.test(t) && /[0-9]/.test(t) ? REDACTED : t));
}

/** The start of `text` (trimmed, secrets redacted), at most `maxChars` characters. */
export function outputExcerpt(text: string, maxChars: number): string {
  // Redact before cutting: a cut through a key would leave a shorter, unrecognisable piece of it.
  return redactSecrets(text.trim().slice(0, maxChars * 4)).slice(0, maxChars);
}
