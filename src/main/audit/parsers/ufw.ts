// ufw: /etc/ufw/ufw.conf (ENABLED, LOGLEVEL), /etc/default/ufw (IPV6, DEFAULT_*_POLICY), the rule
// files present, and, when the collector is root and ufw is enabled, the status `ufw status verbose`
// prints. ufw decides "enabled" from ENABLED in ufw.conf, so an unprivileged audit still knows
// whether ufw is on and its defaults; only the rule list needs root.
//
// The status is no longer asked of ufw itself (a Python start plus 7 iptables and 3 sysctl runs,
// ≈ 80 ms of the audited host's CPU): `ufwStatusLines` below derives the same text the same way
// ufw 0.36's get_status does — "active" from the LIVE kernel (its ufw-user-input/output/forward
// chains exist in iptables' filter table, read from the netfilter section's iptables-save, which
// is what ufw's `iptables -L ufw-user-… -n` tests), the rules from its rule store
// (/etc/ufw/user.rules and user6.rules, the `### tuple ###` lines ufw status reads too), the
// defaults from /etc/default/ufw and "routed" from /proc/sys's forwarding switches — and
// parseUfw reads that text as before. The older `@status` form (the real `ufw status verbose`)
// is still parsed.
import { outputExcerpt } from './excerpt';
import { parseNetfilter } from './netfilter';
import { unquote } from './quoting';

export type UfwPolicy = 'deny' | 'reject' | 'allow' | 'disabled';

export interface PortRange {
  from: number;
  to: number;
}

export interface UfwRule {
  /** The "To" column as printed, e.g. '22/tcp', '10.0.0.1 5432', 'Anywhere on wg0'. */
  to: string;
  action: 'ALLOW' | 'DENY' | 'REJECT' | 'LIMIT';
  direction: 'IN' | 'OUT' | 'FWD';
  /** The "From" column: 'Anywhere', '10.0.0.0/8', … */
  from: string;
  v6: boolean;
  /** Ports in "To"; null for app profiles (OpenSSH) and "Anywhere" (all ports). */
  ports: PortRange[] | null;
  /** Whether the rule applies to every port (no port given). */
  allPorts: boolean;
  proto: 'tcp' | 'udp' | null;
  /** Interface (`on wg0`) the rule is limited to, if any. */
  interface: string | null;
}

export interface UfwFacts {
  /** ufw (or its config) exists on the host. */
  installed: boolean;
  /** ENABLED in /etc/ufw/ufw.conf; null when the file is missing. */
  enabled: boolean | null;
  /** Active: from ufw's status (the live kernel, see above) when it could be read, else from ENABLED. */
  active: boolean;
  /**
   * 'ufw status': the status `ufw status verbose` reports (derived as ufw derives it: live chains,
   * its rule store and config files; or, in older collector output, ufw's own text); 'ufw.conf':
   * from ENABLED only (not root, ufw disabled, or the live state unreadable).
   */
  statusSource: 'ufw status' | 'ufw.conf' | 'none';
  /** 'off', 'low', 'medium', 'high', 'full' (LOGLEVEL / "Logging:"), null if unknown. */
  logging: string | null;
  defaults: { incoming: UfwPolicy | null; outgoing: UfwPolicy | null; routed: UfwPolicy | null };
  /** IPV6=yes in /etc/default/ufw; null if unknown. */
  ipv6: boolean | null;
  /** The rules from `ufw status`; null when they could not be read (not root, or ufw inactive). */
  rules: UfwRule[] | null;
  /** /etc/ufw/*.rules present. */
  rulesFiles: string[];
  /** Why `ufw status` did not run or what it said instead of a status, if so. */
  note: string | null;
}

const POLICY_FROM_DEFAULT: Record<string, UfwPolicy> = { DROP: 'deny', REJECT: 'reject', ACCEPT: 'allow' };


function policyWord(w: string | undefined): UfwPolicy | null {
  if (!w) return null;
  const l = w.toLowerCase();
  return l === 'deny' || l === 'reject' || l === 'allow' || l === 'disabled' ? l : null;
}

/** "22/tcp", "80,443/tcp", "6000:6007/udp", "5432" → ranges + proto; anything else → null. */
export function parsePortSpec(spec: string): { ports: PortRange[]; proto: 'tcp' | 'udp' | null } | null {
  const m = /^([\d,:]+)(?:\/(tcp|udp))?$/.exec(spec);
  if (!m) return null;
  const ports: PortRange[] = [];
  for (const part of m[1]!.split(',')) {
    const r = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(part);
    if (!r) return null;
    const from = Number(r[1]);
    const to = r[2] === undefined ? from : Number(r[2]);
    if (from > 65535 || to > 65535 || to < from) return null;
    ports.push({ from, to });
  }
  return { ports, proto: (m[2] as 'tcp' | 'udp' | undefined) ?? null };
}

function parseRuleLine(line: string): UfwRule | null {
  const cols = line.trim().split(/\s{2,}/);
  if (cols.length < 3) return null;
  const [toRaw, actionRaw, fromRaw] = cols as [string, string, string];
  const am = /^(ALLOW|DENY|REJECT|LIMIT)(?:\s+(IN|OUT|FWD))?$/.exec(actionRaw.trim());
  if (!am) return null;
  const v6 = /\(v6\)/.test(toRaw) || /\(v6\)/.test(fromRaw);
  let to = toRaw.replace(/\s*\(v6\)/, '').trim();
  let iface: string | null = null;
  const on = /\s+on\s+(\S+)$/.exec(to);
  if (on) {
    iface = on[1]!;
    to = to.slice(0, on.index).trim();
  }
  const tokens = to.split(/\s+/);
  const portToken = tokens.length > 1 ? tokens[tokens.length - 1]! : tokens[0]!;
  const spec = parsePortSpec(portToken);
  const allPorts = !spec && (to === 'Anywhere' || /^[0-9a-fA-F.:/]+$/.test(to));
  return {
    to: toRaw.replace(/\s*\(v6\)/, '').trim(),
    action: am[1] as UfwRule['action'],
    direction: (am[2] as UfwRule['direction'] | undefined) ?? 'IN',
    from: fromRaw.replace(/\s*\(v6\)/, '').trim(),
    v6,
    ports: spec ? spec.ports : null,
    allPorts,
    proto: spec ? spec.proto : null,
    interface: iface,
  };
}

/**
 * The collector's ufw section: `@absent` (no ufw), or `@conf` (ufw.conf lines), `@default` (/etc/default/ufw lines),
 * `@files` (rule files), then `@live` followed by what ufw's status is derived from (see
 * ufwStatusLines), or `@status` followed by `ufw status verbose` and `@rc N` (older collectors),
 * or `@status-skipped REASON`. `netfilterText` is the netfilter section's output (the live chains).
 */
export function parseUfw(text: string, netfilterText?: string | null): UfwFacts {
  const parts = new Map<string, string[]>();
  let current = '';
  let rc: number | null = null;
  let skipped: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const marker = /^@(conf|default|files|status|live)$/.exec(line.trim());
    if (marker) {
      current = marker[1]!;
      parts.set(current, []);
      continue;
    }
    const rcm = current === 'live' ? null : /^@rc (\d+)$/.exec(line.trim());
    if (rcm) {
      rc = Number(rcm[1]);
      continue;
    }
    const sk = current === 'live' ? null : /^@status-skipped (.*)$/.exec(line.trim());
    if (sk) {
      skipped = sk[1]!;
      continue;
    }
    if (current) parts.get(current)!.push(line);
  }
  if (text.split('\n').some((l) => l.trim() === '@absent')) return absentUfw();
  if (!parts.has('conf') && !parts.has('status') && !parts.has('live')) throw new Error(`unexpected ufw section output: "${outputExcerpt(text, 120)}"`);

  const conf = new Map<string, string>();
  for (const l of parts.get('conf') ?? []) {
    const m = /^\s*([A-Z_]+)\s*=\s*(.*)$/.exec(l);
    if (m) conf.set(m[1]!, unquote(m[2]!));
  }
  const def = new Map<string, string>();
  for (const l of parts.get('default') ?? []) {
    const m = /^\s*([A-Z_0-9]+)\s*=\s*(.*)$/.exec(l);
    if (m) def.set(m[1]!, unquote(m[2]!));
  }
  const enabledRaw = conf.get('ENABLED');
  const enabled = enabledRaw === undefined ? null : enabledRaw.toLowerCase() === 'yes';
  const facts: UfwFacts = {
    installed: true,
    enabled,
    active: enabled === true,
    statusSource: enabled === null ? 'none' : 'ufw.conf',
    logging: conf.get('LOGLEVEL')?.toLowerCase() ?? null,
    defaults: {
      incoming: POLICY_FROM_DEFAULT[(def.get('DEFAULT_INPUT_POLICY') ?? '').toUpperCase()] ?? null,
      outgoing: POLICY_FROM_DEFAULT[(def.get('DEFAULT_OUTPUT_POLICY') ?? '').toUpperCase()] ?? null,
      routed: POLICY_FROM_DEFAULT[(def.get('DEFAULT_FORWARD_POLICY') ?? '').toUpperCase()] ?? null,
    },
    ipv6: def.has('IPV6') ? def.get('IPV6')!.toLowerCase() === 'yes' : null,
    rules: null,
    rulesFiles: (parts.get('files') ?? []).map((l) => l.trim()).filter((l) => l.startsWith('/')),
    note: skipped,
  };

  let status = parts.get('status');
  const live = parts.get('live');
  if (live) {
    const derived = ufwStatusLines(live, conf, def, netfilterText ?? null);
    if ('failed' in derived) {
      facts.note = derived.failed;
      return facts;
    }
    status = derived.lines;
    rc = 0;
  }
  if (status && rc === 0) {
    const statusLine = status.find((l) => /^Status:/.test(l));
    if (!statusLine) {
      facts.note = `ufw status printed no status: ${status.join(' ').trim().slice(0, 160)}`;
      return facts;
    }
    facts.active = /^Status:\s*active\b/.test(statusLine);
    facts.statusSource = 'ufw status';
    const logging = status.find((l) => /^Logging:/.test(l));
    if (logging) facts.logging = /^Logging:\s*off/.test(logging) ? 'off' : (/\((\w+)\)/.exec(logging)?.[1] ?? 'on');
    const defaults = status.find((l) => /^Default:/.test(l));
    if (defaults) {
      const pick = (what: string): UfwPolicy | null => policyWord(new RegExp(`(\\w+) \\(${what}\\)`).exec(defaults)?.[1]);
      facts.defaults = { incoming: pick('incoming') ?? facts.defaults.incoming, outgoing: pick('outgoing') ?? facts.defaults.outgoing, routed: pick('routed') ?? facts.defaults.routed };
    }
    if (facts.active) {
      const sep = status.findIndex((l) => /^--\s+-+\s+-+/.test(l.trim()));
      facts.rules = sep < 0 ? [] : status.slice(sep + 1).map(parseRuleLine).filter((r): r is UfwRule => r !== null);
    }
  } else if (status && rc !== null) {
    facts.note = `ufw status failed (exit ${rc}): ${status.join(' ').trim().slice(0, 160)}`;
  }
  return facts;
}

function absentUfw(): UfwFacts {
  return {
    installed: false,
    enabled: null,
    active: false,
    statusSource: 'none',
    logging: null,
    defaults: { incoming: null, outgoing: null, routed: null },
    ipv6: null,
    rules: null,
    rulesFiles: [],
    note: 'ufw is not installed',
  };
}

/** The ufw rules that let `port`/`proto` in (ALLOW or LIMIT, IN), v4 and v6. */
export function ufwRulesAllowing(rules: readonly UfwRule[], port: number, proto: 'tcp' | 'udp'): UfwRule[] {
  return rules.filter(
    (r) =>
      (r.action === 'ALLOW' || r.action === 'LIMIT') &&
      r.direction === 'IN' &&
      (r.proto === null || r.proto === proto) &&
      (r.allPorts || (r.ports ?? []).some((p) => port >= p.from && port <= p.to)),
  );
}

/** One `### tuple ###` line of ufw's rule store, as ufw 0.36's _read_rules reads it. */
interface UfwTuple {
  action: string;
  logtype: string;
  protocol: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  direction: string;
  forward: boolean;
  dapp: string;
  sapp: string;
  interfaceIn: string;
  interfaceOut: string;
  comment: string;
  v6: boolean;
}

/** ufw's tuple: `ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] [DIRECTION[_IFACE]]` (6 to 9 fields); null when ufw would skip it. */
export function parseUfwTuple(line: string, v6: boolean): UfwTuple | null {
  let l = line;
  let comment = '';
  const c = l.indexOf(' comment=');
  if (c >= 0) {
    comment = l.slice(c + ' comment='.length).trim();
    l = l.slice(0, c);
  }
  const m = /^### tuple ###\s*(.*)$/.exec(l);
  if (!m) return null;
  const f = m[1]!.trim().split(/\s+/);
  if (f.length < 6 || f.length > 9) return null;
  let direction = 'in';
  let interfaceIn = '';
  let interfaceOut = '';
  if (f.length === 7 || f.length === 9) {
    const last = f[f.length - 1]!;
    direction = last.split('_')[0]!;
    if (last.includes('_')) {
      const after = (x: string): string => x.slice(x.indexOf('_') + 1);
      if (last.includes('!') && /in_\w+/.test(last) && /out_\w+/.test(last)) {
        interfaceIn = after(last.split('!')[0]!);
        interfaceOut = after(last.split('!')[1]!);
      } else if (last.startsWith('in_')) interfaceIn = after(last);
      else if (last.startsWith('out_')) interfaceOut = after(last);
      else return null;
    }
  }
  let action = f[0]!;
  const forward = action.includes(':');
  if (forward) action = action.split(':')[1] ?? '';
  // UFWRule.set_action: allow, reject, limit, anything else deny; `_log`/`_log-all` is the log type.
  const parts = action.toLowerCase().split('_');
  const base = parts[0] === 'allow' || parts[0] === 'reject' || parts[0] === 'limit' ? parts[0] : 'deny';
  const app = (x: string | undefined): string => (x === undefined || x === '-' ? '' : x.replace(/%20/g, ' '));
  return {
    action: base,
    logtype: parts[1] ?? '',
    protocol: f[1]!,
    dport: f[2]!,
    dst: f[3]!,
    sport: f[4]!,
    src: f[5]!,
    direction,
    forward,
    dapp: f.length >= 8 ? app(f[6]) : '',
    sapp: f.length >= 8 ? app(f[7]) : '',
    interfaceIn,
    interfaceOut,
    comment,
    v6,
  };
}

const ANY_ADDRESS = (a: string): boolean => a === '0.0.0.0/0' || a === '::/0';

/** One rule line as `ufw status verbose` prints it (backend_iptables.get_status, verbose, unnumbered). */
export function ufwStatusRuleLine(r: UfwTuple): string {
  const location: Record<'dst' | 'src', string> = { dst: '', src: '' };
  for (const loc of ['dst', 'src'] as const) {
    const addr = loc === 'dst' ? r.dst : r.src;
    const port = loc === 'dst' ? r.dport : r.sport;
    const app = loc === 'dst' ? r.dapp : r.sapp;
    let s = ANY_ADDRESS(addr) ? '' : addr;
    if (port !== 'any') {
      s = s === '' ? port : `${s} ${port}`;
      if (r.protocol !== 'any') s += `/${r.protocol}`;
      if (app !== '') s += ` (${app}${r.v6 && addr === '::/0' ? ' (v6)' : ''})`;
    }
    if (port === 'any') {
      if (ANY_ADDRESS(addr)) {
        s = 'Anywhere';
        if (r.protocol !== 'any' && r.dst === r.src && r.dport === r.sport) s += `/${r.protocol}`;
        if (addr === '::/0') s += ' (v6)';
      } else if (r.protocol !== 'any' && r.dport === r.sport) s += `/${r.protocol}`;
    } else if (r.v6 && r.src === '::/0' && r.dst === '::/0' && !s.includes(' (v6)')) s += ' (v6)';
    if (r.forward) {
      if (loc === 'src' && r.interfaceIn) s += ` on ${r.interfaceIn}`;
      if (loc === 'dst' && r.interfaceOut) s += ` on ${r.interfaceOut}`;
    } else {
      if (loc === 'dst' && r.interfaceIn) s += ` on ${r.interfaceIn}`;
      if (loc === 'src' && r.interfaceOut) s += ` on ${r.interfaceOut}`;
    }
    location[loc] = s;
  }
  const attrib = r.logtype ? ` (${r.logtype.toLowerCase()})` : '';
  const dir = r.forward ? 'FWD' : r.direction.toUpperCase();
  let comment = '';
  if (r.comment) {
    try {
      comment = ` # ${Buffer.from(r.comment, 'hex').toString('utf8')}`;
    } catch {
      comment = ` # ${r.comment}`;
    }
  }
  return `${location.dst.padEnd(26)} ${`${r.action.toUpperCase()} ${dir}`.padEnd(12)}${location.src.padEnd(26)}${attrib}${comment}`;
}

const LOGLEVELS = new Set(['off', 'low', 'medium', 'high', 'full']);

/**
 * The text `ufw status verbose` would print, from the section's `@live` block (`@proc-ipv6 yes|no`,
 * `@sysctl NAME VALUE`, `@rules PATH` + its tuple lines, `@rules-unreadable PATH`), the config
 * files' keys and the netfilter section's output; or why ufw status would have failed or could
 * not be derived (then the state stays the one ufw.conf gives, as when ufw status failed).
 */
export function ufwStatusLines(
  live: readonly string[],
  conf: ReadonlyMap<string, string>,
  def: ReadonlyMap<string, string>,
  netfilterText: string | null,
): { lines: string[] } | { failed: string } {
  // ufw's _get_defaults refuses to run without the three policies (every command fails).
  const policy: Record<string, string> = {};
  for (const c of ['INPUT', 'OUTPUT', 'FORWARD']) {
    const p = def.get(`DEFAULT_${c}_POLICY`)?.toLowerCase();
    if (p === undefined) return { failed: `ufw status would fail: ERROR: Missing policy for '${c.toLowerCase()}' (/etc/default/ufw)` };
    if (p !== 'accept' && p !== 'drop' && p !== 'reject') return { failed: `ufw status would fail: ERROR: Invalid policy '${p}' for '${c.toLowerCase()}' (/etc/default/ufw)` };
    policy[c] = p === 'accept' ? 'allow' : p === 'reject' ? 'reject' : 'deny';
  }
  const procIpv6 = live.some((l) => l.trim() === '@proc-ipv6 yes');
  const useIpv6 = (def.get('IPV6') ?? '').toLowerCase() === 'yes' && procIpv6;
  // The live part: the chains ufw status looks for. Without them ufw says "inactive".
  if (netfilterText === null) return { failed: 'the live firewall state was not collected (netfilter section missing); state read from /etc/ufw/ufw.conf' };
  let filterChains: string[];
  let ip6Chains: string[] | null = null;
  try {
    const nf = parseNetfilter(netfilterText, 0);
    if (!nf.iptables) return { failed: `the live firewall state could not be read (${nf.notes.find((n) => n.startsWith('iptables')) ?? 'iptables-save is not installed'}); state read from /etc/ufw/ufw.conf` };
    filterChains = Object.keys(nf.iptables.tables.filter ?? {});
    // iptables-nft keeps ip6tables' chains in nft's ip6 filter table, which nft lists; with
    // iptables-legacy they are not visible there and are taken as present.
    if (nf.nft && nf.nft.chains.some((c) => c.family === 'ip' && c.table === 'filter' && c.name === 'ufw-user-input'))
      ip6Chains = nf.nft.chains.filter((c) => c.family === 'ip6' && c.table === 'filter').map((c) => c.name);
  } catch (e) {
    return { failed: `the live firewall state could not be read (${(e as Error).message}); state read from /etc/ufw/ufw.conf` };
  }
  for (const d of ['input', 'output', 'forward']) {
    if (!filterChains.includes(`ufw-user-${d}`)) return { lines: ['Status: inactive'] };
    if (useIpv6 && ip6Chains && !ip6Chains.includes(`ufw6-user-${d}`)) return { failed: 'ufw status would fail: ERROR: problem running ip6tables (the ufw6-user chains are not loaded)' };
  }
  const tuples: UfwTuple[] = [];
  let file: string | null = null;
  for (const l of live) {
    const t = l.trim();
    const unreadable = /^@rules-unreadable (.*)$/.exec(t);
    if (unreadable) {
      if (unreadable[1] === '/etc/ufw/user.rules' || useIpv6) return { failed: `ufw status would fail: ERROR: Couldn't open '${unreadable[1]}' for reading` };
      file = null;
      continue;
    }
    const rf = /^@rules (.*)$/.exec(t);
    if (rf) {
      file = rf[1]!;
      continue;
    }
    if (!file || !l.startsWith('### tuple ###')) continue;
    const v6 = file.endsWith('user6.rules');
    if (v6 && !useIpv6) continue;
    const r = parseUfwTuple(l, v6);
    if (r) tuples.push(r);
  }
  // v4 rules, then v6; incoming, then outgoing, then routed (each group in file order).
  const ordered = [...tuples.filter((r) => !r.v6), ...tuples.filter((r) => r.v6)];
  const groups = [ordered.filter((r) => !r.forward && r.direction !== 'out'), ordered.filter((r) => !r.forward && r.direction === 'out'), ordered.filter((r) => r.forward)];
  const forwarding = (name: string): boolean => live.some((l) => l.startsWith(`@sysctl ${name} `) && l.slice(`@sysctl ${name} `.length).includes('1'));
  const routedOn = forwarding('ipv4/ip_forward') || (useIpv6 && (forwarding('ipv6/conf/default/forwarding') || forwarding('ipv6/conf/all/forwarding')));
  const level = (conf.get('LOGLEVEL') ?? '').toLowerCase();
  const lines = [
    'Status: active',
    !LOGLEVELS.has(level) ? 'Logging: unknown' : level === 'off' ? 'Logging: off' : `Logging: on (${level})`,
    `Default: ${policy.INPUT} (incoming), ${policy.OUTPUT} (outgoing), ${routedOn ? policy.FORWARD : 'disabled'} (routed)`,
  ];
  if (groups.some((g) => g.length)) {
    lines.push('', '', `${'To'.padEnd(26)} ${'Action'.padEnd(12)}From`, `${'--'.padEnd(26)} ${'------'.padEnd(12)}----`);
    groups.forEach((g, i) => {
      if (g.length && i > 0 && groups[0]!.length) lines.push('');
      lines.push(...g.map(ufwStatusRuleLine));
    });
  }
  return { lines };
}
