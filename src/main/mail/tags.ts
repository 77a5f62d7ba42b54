// Tag=value lists (RFC 6376 §3.2), the syntax of DKIM key records, DMARC records (RFC 7489 §6.4,
// RFC 9989), MTA-STS TXT (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) records.
export interface TagList {
  tags: Array<{ name: string; value: string }>;
  /** Tag name (lower-case) → value; the first one when a tag repeats. */
  map: Map<string, string>;
  errors: string[];
}

/**
 * `tag-spec *( ";" tag-spec ) [ ";" ]`, whitespace allowed around names, "=" and values.
 * `caseInsensitiveNames`: DMARC tag names compare without case; DKIM's are case-sensitive.
 */
export function parseTagList(text: string, opts: { caseInsensitiveNames?: boolean } = {}): TagList {
  const out: TagList = { tags: [], map: new Map(), errors: [] };
  const parts = text.split(';');
  if (parts.length > 1 && parts[parts.length - 1]!.trim() === '') parts.pop();
  for (const part of parts) {
    if (part.trim() === '') {
      out.errors.push('an empty tag (";;")');
      continue;
    }
    const eq = part.indexOf('=');
    if (eq < 0) {
      out.errors.push(`"${part.trim()}" is not tag=value`);
      continue;
    }
    let name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      out.errors.push(`"${name}" is not a valid tag name`);
      continue;
    }
    if (opts.caseInsensitiveNames) name = name.toLowerCase();
    if (out.map.has(name)) out.errors.push(`tag "${name}" appears more than once`);
    else out.map.set(name, value);
    out.tags.push({ name, value });
  }
  return out;
}
