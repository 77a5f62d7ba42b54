// Stripping the quotes around a config value, one way for every parser.

/** `"x"` or `'x'` → `x` (trimmed first); anything else as it is, trimmed. */
export function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}

/** unquote() for shell-like files (Ansible INI): inside quotes, a backslash escapes the next character. */
export function unquoteShell(v: string): string {
  const t = v.trim();
  const inner = unquote(t);
  return inner === t ? t : inner.replace(/\\(.)/g, '$1');
}
