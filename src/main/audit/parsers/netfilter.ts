// Netfilter summaries made on the host (the full rule sets of Docker or Kubernetes hosts run into
// thousands of lines): for `iptables-save -c`, every table's chain policies and rule counts plus
// the rules of INPUT, FORWARD, DOCKER*, ufw-user-input and f2b-* chains; for `nft list ruleset`,
// every base chain with its hook, policy, rule count, last rule and (for input chains) its rules.
import { NeedsRootError } from './sectionResult';
import { outputExcerpt } from './excerpt';

export interface IptRule {
  table: string;
  chain: string;
  /** Rule text after `-A CHAIN `. */
  spec: string;
  /** `-j TARGET`, null if the rule has none. */
  target: string | null;
  packets: number | null;
}

export interface IptChain {
  policy: string | null;
  ruleCount: number;
  /** Kept rules (see above); empty for chains only counted. */
  rules: IptRule[];
}

export interface IptablesSummary {
  /** table → chain → summary */
  tables: Record<string, Record<string, IptChain>>;
}

export interface NftChain {
  family: string;
  table: string;
  name: string;
  /** 'input', 'forward', … for base chains; null for regular chains. */
  hook: string | null;
  type: string | null;
  policy: string | null;
  ruleCount: number;
  lastRule: string | null;
  rules: string[];
}

export interface NftSummary {
  chains: NftChain[];
}

export interface NetfilterFacts {
  /** null: iptables-save is not installed. */
  iptables: IptablesSummary | null;
  /** null: nft is not installed. */
  nft: NftSummary | null;
  /** What could not be read, and why (a tool failing for reasons other than permissions). */
  notes: string[];
}


const PERMISSION = /permission denied|operation not permitted|you must be root|are you root|need to be root/i;

function targetOf(spec: string): string | null {
  return /(?:^|\s)-j\s+(\S+)/.exec(spec)?.[1] ?? null;
}

/** Parses the iptables part: `*table`, `:CHAIN POLICY [..]`, `@r TABLE PKTS:BYTES -A CHAIN spec`, `@count TABLE CHAIN N`. */
export function parseIptablesSummary(lines: readonly string[]): IptablesSummary {
  const tables: IptablesSummary['tables'] = {};
  let table = '';
  const chainOf = (t: string, c: string): IptChain => {
    const tb = (tables[t] ??= {});
    return (tb[c] ??= { policy: null, ruleCount: 0, rules: [] });
  };
  for (const line of lines) {
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      tables[table] ??= {};
      continue;
    }
    let m = /^:(\S+)\s+(\S+)/.exec(line);
    if (m && table) {
      chainOf(table, m[1]!).policy = m[2] === '-' ? null : m[2]!;
      continue;
    }
    m = /^@r (\S+) (\S+) -A (\S+) ?(.*)$/.exec(line);
    if (m) {
      const [, t, counters, chain, spec] = m as unknown as [string, string, string, string, string];
      const pk = /^(\d+):\d+$/.exec(counters);
      chainOf(t, chain).rules.push({ table: t, chain, spec, target: targetOf(spec), packets: pk ? Number(pk[1]) : null });
      continue;
    }
    m = /^@count (\S+) (\S+) (\d+)$/.exec(line);
    if (m) chainOf(m[1]!, m[2]!).ruleCount = Number(m[3]);
  }
  return { tables };
}

/** Parses the nft part: `@chain FAMILY TABLE NAME`, `@hook …`, `@rule …`, `@end N LAST`. */
export function parseNftSummary(lines: readonly string[]): NftSummary {
  const chains: NftChain[] = [];
  let cur: NftChain | null = null;
  for (const line of lines) {
    let m = /^@chain (\S+) (\S+) (\S+)$/.exec(line);
    if (m) {
      cur = { family: m[1]!, table: m[2]!, name: m[3]!, hook: null, type: null, policy: null, ruleCount: 0, lastRule: null, rules: [] };
      chains.push(cur);
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('@hook ')) {
      const h = line.slice(6);
      cur.type = /type (\S+)/.exec(h)?.[1] ?? null;
      cur.hook = /hook (\S+)/.exec(h)?.[1] ?? null;
      cur.policy = /policy (\w+)/.exec(h)?.[1] ?? null;
      continue;
    }
    if (line.startsWith('@rule ')) {
      cur.rules.push(line.slice(6).trim());
      continue;
    }
    m = /^@end (\d+) ?(.*)$/.exec(line);
    if (m) {
      cur.ruleCount = Number(m[1]);
      cur.lastRule = m[2]!.trim() || null;
      cur = null;
    }
  }
  return { chains };
}

/**
 * The whole netfilter section: `@iptables` … `@rc N`, `@nft` … `@rc N`; `@iptables-absent` /
 * `@nft-absent` when a tool is missing. Throws NeedsRootError when a tool was refused for lack of
 * privileges and neither could be read.
 */
export function parseNetfilter(text: string, uid: number | null): NetfilterFacts {
  const blocks = new Map<string, { lines: string[]; rc: number | null }>();
  const absent = new Set<string>();
  let cur: { lines: string[]; rc: number | null } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const b = /^@(iptables|nft)$/.exec(line);
    if (b) {
      cur = { lines: [], rc: null };
      blocks.set(b[1]!, cur);
      continue;
    }
    const a = /^@(iptables|nft)-absent$/.exec(line);
    if (a) {
      absent.add(a[1]!);
      cur = null;
      continue;
    }
    const rc = /^@rc (\d+)$/.exec(line);
    if (rc && cur) {
      cur.rc = Number(rc[1]);
      cur = null;
      continue;
    }
    if (cur) cur.lines.push(line);
  }
  if (!blocks.size && !absent.size) throw new Error(`unexpected netfilter section output: "${outputExcerpt(text, 120)}"`);
  const notes: string[] = [];
  const refused: string[] = [];
  const read = <T>(name: string, parse: (lines: string[]) => T): T | null => {
    if (absent.has(name)) return null;
    const blk = blocks.get(name);
    if (!blk) return null;
    if (blk.rc === null) {
      notes.push(`${name}: output was cut off`);
      return null;
    }
    // Error text is passed through unchanged (lines that are not summary lines).
    const errors = blk.lines.filter((l) => l.trim() && !/^[*:@]/.test(l)).join(' ').trim();
    if (blk.rc !== 0) {
      if (uid !== 0 && PERMISSION.test(errors)) refused.push(`${name}: ${errors.slice(0, 160)}`);
      else notes.push(`${name} failed (exit ${blk.rc}): ${outputExcerpt(errors, 200)}`);
      return null;
    }
    return parse(blk.lines);
  };
  const iptables = read('iptables', parseIptablesSummary);
  const nft = read('nft', parseNftSummary);
  if (refused.length) throw new NeedsRootError(`reading the firewall rules needs root: ${refused.join('; ')}`);
  return { iptables: absent.has('iptables') ? null : iptables, nft: absent.has('nft') ? null : nft, notes };
}

export interface IncomingFiltering {
  /** Some rule or policy drops/rejects incoming traffic. */
  filtering: boolean;
  /** Incoming traffic not explicitly allowed is dropped (DROP policy or a final catch-all DROP/REJECT). */
  defaultDeny: boolean;
  /** Where it was seen, for evidence. */
  evidence: string;
}

const CATCH_ALL_DROP = /^(?:-m comment --comment \S+ )?-j (DROP|REJECT)\b/;

/** How the kernel's rule sets treat incoming IPv4 traffic, from iptables and/or nft. */
export function incomingFiltering(nf: NetfilterFacts): IncomingFiltering {
  const input = nf.iptables?.tables.filter?.INPUT;
  if (input) {
    const policyDrop = input.policy === 'DROP';
    const last = input.rules[input.rules.length - 1];
    const finalDrop = !!last && input.rules.length === input.ruleCount && CATCH_ALL_DROP.test(last.spec);
    const anyDrop = input.rules.some((r) => r.target === 'DROP' || r.target === 'REJECT');
    // A jump into a chain of its own (ufw-*, firewalld's INPUT_*, …) filters too; fail2ban's f2b-*
    // chains only block banned addresses and are no firewall.
    const jumps = input.rules.some((r) => r.target !== null && !['ACCEPT', 'RETURN', 'LOG', 'DROP', 'REJECT'].includes(r.target) && !/^f2b-/.test(r.target));
    if (policyDrop || finalDrop)
      return { filtering: true, defaultDeny: true, evidence: policyDrop ? 'iptables filter INPUT policy DROP' : `iptables filter INPUT ends with "${last!.spec}"` };
    if (anyDrop || jumps) return { filtering: true, defaultDeny: false, evidence: `iptables filter INPUT policy ${input.policy ?? '?'} with ${input.ruleCount} rule(s), no final catch-all drop` };
  }
  for (const c of nf.nft?.chains ?? []) {
    if (c.hook !== 'input' || (c.type !== null && c.type !== 'filter')) continue;
    // iptables-nft tables show up here too; only count native nft tables not already judged above.
    if (input && (c.table === 'filter' && (c.family === 'ip' || c.family === 'ip6'))) continue;
    const policyDrop = c.policy === 'drop';
    const finalDrop = !!c.lastRule && /^(counter( packets \d+ bytes \d+)? )?(drop|reject)\b/.test(c.lastRule);
    if (policyDrop || finalDrop) return { filtering: true, defaultDeny: true, evidence: `nft ${c.family} ${c.table} chain ${c.name} (hook input) ${policyDrop ? 'policy drop' : `ends with "${c.lastRule}"`}` };
    if (c.rules.some((r) => /\b(drop|reject)\b/.test(r)) || c.ruleCount > 0)
      return { filtering: true, defaultDeny: false, evidence: `nft ${c.family} ${c.table} chain ${c.name} (hook input) policy ${c.policy ?? 'accept'} with ${c.ruleCount} rule(s)` };
  }
  return {
    filtering: false,
    defaultDeny: false,
    evidence: input ? `iptables filter INPUT policy ${input.policy ?? 'ACCEPT'} with ${input.ruleCount} rule(s)` : nf.iptables || nf.nft ? 'no input filtering rules' : 'neither iptables nor nft is installed',
  };
}

export interface DockerPublishedPort {
  /** Host address the port is published on; null = every address. */
  hostAddress: string | null;
  hostPort: number;
  proto: 'tcp' | 'udp';
  /** 'a.b.c.d:port' of the container, when known. */
  destination: string | null;
  /** The rule, for evidence. */
  rule: string;
}

export interface DockerChains {
  /** A DOCKER chain exists in the filter or nat table. */
  present: boolean;
  published: DockerPublishedPort[];
  /** DOCKER-USER has rules other than a plain RETURN (e.g. ufw-docker's jump to ufw-user-forward). */
  userFiltering: boolean;
  dockerUserRules: string[];
}

/** What Docker's iptables chains publish (nat DNAT rules; filter DOCKER ACCEPT rules as a fallback). */
export function dockerChains(ipt: IptablesSummary | null): DockerChains {
  const nat = ipt?.tables.nat?.DOCKER;
  const filter = ipt?.tables.filter?.DOCKER;
  const user = ipt?.tables.filter?.['DOCKER-USER'];
  const published: DockerPublishedPort[] = [];
  const parseRule = (spec: string): { addr: string | null; port: number | null; proto: 'tcp' | 'udp'; dest: string | null } => {
    const addr = /(?:^|\s)-d\s+(\S+?)(?:\/32)?(?=\s|$)/.exec(spec)?.[1] ?? null;
    const port = /--dport\s+(\d+)/.exec(spec)?.[1];
    const proto = /(?:^|\s)-p\s+udp\b/.test(spec) ? 'udp' : 'tcp';
    const dest = /--to-destination\s+(\S+)/.exec(spec)?.[1] ?? null;
    return { addr, port: port ? Number(port) : null, proto, dest };
  };
  for (const r of nat?.rules ?? []) {
    if (r.target !== 'DNAT') continue;
    const p = parseRule(r.spec);
    if (p.port === null) continue;
    published.push({ hostAddress: p.addr, hostPort: p.port, proto: p.proto, destination: p.dest, rule: `-A DOCKER ${r.spec}` });
  }
  if (!published.length) {
    for (const r of filter?.rules ?? []) {
      if (r.target !== 'ACCEPT') continue;
      const p = parseRule(r.spec);
      if (p.port === null) continue;
      // In the filter table -d is the container's address, not the host's: published on every address.
      published.push({ hostAddress: null, hostPort: p.port, proto: p.proto, destination: p.addr ? `${p.addr}:${p.port}` : null, rule: `-A DOCKER ${r.spec}` });
    }
  }
  const dockerUserRules = (user?.rules ?? []).map((r) => r.spec).filter((s) => !/^-j RETURN$/.test(s.trim()));
  return { present: !!(nat || filter), published, userFiltering: dockerUserRules.length > 0, dockerUserRules };
}
