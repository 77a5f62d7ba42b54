export interface OsRelease {
  id: string | null;
  versionId: string | null;
  prettyName: string | null;
}

/** /etc/os-release: KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): OsRelease {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    kv.set(m[1]!, v);
  }
  return { id: kv.get('ID') ?? null, versionId: kv.get('VERSION_ID') ?? null, prettyName: kv.get('PRETTY_NAME') ?? null };
}
