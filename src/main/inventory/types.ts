// What an inventory import proposes, before the user confirms it (preview first, then import).

export interface ImportCandidate {
  /** Inventory name / ssh_config Host alias. */
  name: string;
  address: string;
  port: number;
  username: string | null;
  identityFile: string | null;
  /** Jump host as written (`user@host:port` or an alias), first hop first. */
  jump: string[];
  groups: string[];
  /** Where it came from, e.g. "inventory.ini:12" or "~/.ssh/config". */
  source: string;
  /** Problems that keep this entry from being imported as is (shown in the preview). */
  problems: string[];
}

export interface ImportPreview {
  candidates: ImportCandidate[];
  /** Lines or entries that could not be understood, with the reason. */
  warnings: string[];
}

/** Parses `[user@]host[:port]` (as in -J / ProxyJump), IPv6 in brackets. */
export function parseJumpSpec(spec: string): { user: string | null; host: string; port: number | null } | null {
  const m = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(spec.trim());
  if (!m) return null;
  const port = m[3] ? Number(m[3]) : null;
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { user: m[1] ?? null, host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

/** Extracts the ProxyJump hops from `ansible_ssh_common_args` (`-J a,b` or `-o ProxyJump=a,b`). */
export function jumpFromSshArgs(args: string): string[] {
  const tokens = args.match(/'[^']*'|"[^"]*"|\S+/g)?.map((t) => t.replace(/^['"]|['"]$/g, '')) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let value: string | undefined;
    if (t === '-J') value = tokens[i + 1];
    else if (t.startsWith('-J')) value = t.slice(2);
    else if (t === '-o') {
      const o = tokens[i + 1] ?? '';
      const m = /^ProxyJump[=\s]+(.+)$/i.exec(o);
      if (m) value = m[1];
    } else {
      const m = /^-oProxyJump[=\s]*(.+)$/i.exec(t);
      if (m) value = m[1];
    }
    if (value) return value.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return [];
}

/** Marks candidates that duplicate each other or an existing host (same address and port). */
export function markDuplicates(candidates: ImportCandidate[], existing: ReadonlyArray<{ name: string; address: string; port: number }>): ImportCandidate[] {
  const seen = new Map<string, string>();
  const existingByTarget = new Map(existing.map((h) => [`${h.address.toLowerCase()}:${h.port}`, h.name]));
  const existingNames = new Set(existing.map((h) => h.name.toLowerCase()));
  return candidates.map((c) => {
    const key = `${c.address.toLowerCase()}:${c.port}`;
    const problems = [...c.problems];
    const known = existingByTarget.get(key);
    if (known !== undefined) problems.push(`already in Rampart as "${known}" (${c.address}:${c.port})`);
    else if (existingNames.has(c.name.toLowerCase())) problems.push(`a host named "${c.name}" already exists`);
    const dup = seen.get(key);
    if (dup !== undefined) problems.push(`same address and port as "${dup}" in this import`);
    else seen.set(key, c.name);
    return { ...c, problems };
  });
}
