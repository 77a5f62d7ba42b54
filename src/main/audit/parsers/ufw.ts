// ufw: /etc/ufw/ufw.conf (ENABLED, LOGLEVEL), /etc/default/ufw (IPV6, DEFAULT_*_POLICY), the rule
// files present, and `ufw status verbose` when the collector is root. ufw decides "active" from
// ENABLED in ufw.conf, so an unprivileged audit still knows whether ufw is on and its defaults;
// only the rule list needs root.
import { outputExcerpt } from './excerpt';
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
  /** Active: from `ufw status` when it ran, else from ENABLED. */
  active: boolean;
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
 * `@files` (rule files), then `@status` followed by `ufw status verbose` and `@rc N`, or
 * `@status-skipped REASON`.
 */
export function parseUfw(text: string): UfwFacts {
  const parts = new Map<string, string[]>();
  let current = '';
  let rc: number | null = null;
  let skipped: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const marker = /^@(conf|default|files|status)$/.exec(line.trim());
    if (marker) {
      current = marker[1]!;
      parts.set(current, []);
      continue;
    }
    const rcm = /^@rc (\d+)$/.exec(line.trim());
    if (rcm) {
      rc = Number(rcm[1]);
      continue;
    }
    const sk = /^@status-skipped (.*)$/.exec(line.trim());
    if (sk) {
      skipped = sk[1]!;
      continue;
    }
    if (current) parts.get(current)!.push(line);
  }
  if (text.split('\n').some((l) => l.trim() === '@absent')) return absentUfw();
  if (!parts.has('conf') && !parts.has('status')) throw new Error(`unexpected ufw section output: "${outputExcerpt(text, 120)}"`);

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

  const status = parts.get('status');
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
