// SPF (RFC 7208): parsing, the recursive count of DNS-querying terms with a per-term breakdown,
// void lookups, and a check_host()-style evaluation of an address against the record.
//
// Why not mailauth's SPF: mailauth evaluates one (sender IP, MAIL FROM) pair and answers
// pass/fail; an audit needs the structure instead (every term, where each lookup comes from, how
// many were void, which include does not resolve) without a connecting client. These parsers
// follow the RFC's ABNF (§4.5, §5, §6, §7.1) and are tested with the RFC's own examples.
import net from 'node:net';
import type { DnsView } from './dnsView';
import type { DnsResult } from './resolver';

export type Qualifier = '+' | '-' | '~' | '?';
export const MECHANISMS = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'] as const;
export type MechanismName = (typeof MECHANISMS)[number];

export interface Mechanism {
  kind: 'mechanism';
  raw: string;
  qualifier: Qualifier;
  /** Whether the qualifier was written (for "+all" vs "all" wording). */
  explicitQualifier: boolean;
  name: MechanismName;
  /** domain-spec (include, a, mx, ptr, exists) or network (ip4, ip6); null when absent. */
  value: string | null;
  cidr4: number | null;
  cidr6: number | null;
}

export interface Modifier {
  kind: 'modifier';
  raw: string;
  name: string;
  value: string;
}

export type Term = Mechanism | Modifier;

export interface ParsedSpf {
  terms: Term[];
  errors: string[];
  redirect: string | null;
  exp: string | null;
}

/** RFC 7208 §4.5: a record is SPF when it is exactly "v=spf1" or starts with "v=spf1 " (case-insensitive). */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1( |$)/i.test(txt);
}

const MACRO_EXPAND = /^%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}$/i;

/** macro-string (§7.1): literals 0x21-0x7E except %, and macro-expand / %% / %_ / %-. Returns an error or null. */
export function macroStringError(s: string): string | null {
  for (let i = 0; i < s.length; ) {
    const ch = s[i]!;
    if (ch === '%') {
      const next = s[i + 1];
      if (next === '%' || next === '_' || next === '-') {
        i += 2;
        continue;
      }
      if (next === '{') {
        const end = s.indexOf('}', i);
        if (end < 0 || !MACRO_EXPAND.test(s.slice(i, end + 1))) return `invalid macro "${s.slice(i, end < 0 ? undefined : end + 1)}"`;
        i = end + 1;
        continue;
      }
      return `a lone "%" (write "%%" for a percent sign)`;
    }
    const c = ch.charCodeAt(0);
    if (c < 0x21 || c > 0x7e) return `character ${JSON.stringify(ch)} is not allowed`;
    i++;
  }
  return null;
}

export const hasMacro = (s: string): boolean => /%\{/.test(s);

/** domain-spec (§7.1): macro-string ending in a domain-end (a toplabel or a macro), or a lone macro. */
function domainSpecError(s: string): string | null {
  const m = macroStringError(s);
  if (m) return m;
  if (/%\{[^}]*\}$/.test(s)) return null;
  const labels = s.replace(/\.$/, '').split('.');
  const top = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !/^([a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i.test(top)) return `"${s}" is not a domain name`;
  if (labels.slice(0, -1).some((l) => l === '' && !hasMacro(s))) return `"${s}" has an empty label`;
  return null;
}

function parseMechanism(raw: string): Mechanism | { error: string } {
  let rest = raw;
  let qualifier: Qualifier = '+';
  let explicitQualifier = false;
  if (/^[+\-~?]/.test(rest)) {
    qualifier = rest[0] as Qualifier;
    explicitQualifier = true;
    rest = rest.slice(1);
  }
  const m = /^([a-z0-9]+)(.*)$/i.exec(rest);
  const name = m?.[1]?.toLowerCase() as MechanismName | undefined;
  if (!m || !name || !(MECHANISMS as readonly string[]).includes(name)) return { error: `unknown mechanism "${raw}"` };
  let arg = m[2]!;
  const base = { kind: 'mechanism' as const, raw, qualifier, explicitQualifier, name, value: null as string | null, cidr4: null as number | null, cidr6: null as number | null };
  if (name === 'all') return arg === '' ? base : { error: `"${raw}": all takes no argument` };
  if (name === 'ip4' || name === 'ip6') {
    if (!arg.startsWith(':')) return { error: `"${raw}": ${name} needs an address (${name}:ADDRESS[/PREFIX])` };
    const [addr, prefix, extra] = arg.slice(1).split('/');
    if (extra !== undefined) return { error: `"${raw}": more than one prefix length` };
    if (name === 'ip4' ? !net.isIPv4(addr!) : !net.isIPv6(addr!)) return { error: `"${raw}": "${addr}" is not an IPv${name === 'ip4' ? 4 : 6} address` };
    const max = name === 'ip4' ? 32 : 128;
    if (prefix !== undefined && (!/^(0|[1-9]\d{0,2})$/.test(prefix) || Number(prefix) > max)) return { error: `"${raw}": prefix length must be 0-${max}` };
    const cidr = prefix === undefined ? null : Number(prefix);
    return { ...base, value: addr!, cidr4: name === 'ip4' ? cidr : null, cidr6: name === 'ip6' ? cidr : null };
  }
  // dual-cidr-length: [ "/" ip4-cidr ] [ "//" ip6-cidr ] (only for a and mx).
  if (name === 'a' || name === 'mx') {
    const c = /((?:\/(?!\/)(\d+))?(?:\/\/(\d+))?)$/.exec(arg)!;
    if (c[1]) {
      if (c[2] !== undefined && (!/^(0|[1-9]\d?)$/.test(c[2]) || Number(c[2]) > 32)) return { error: `"${raw}": IPv4 prefix length must be 0-32` };
      if (c[3] !== undefined && (!/^(0|[1-9]\d{0,2})$/.test(c[3]) || Number(c[3]) > 128)) return { error: `"${raw}": IPv6 prefix length must be 0-128` };
      base.cidr4 = c[2] !== undefined ? Number(c[2]) : null;
      base.cidr6 = c[3] !== undefined ? Number(c[3]) : null;
      arg = arg.slice(0, arg.length - c[1].length);
    }
  }
  if (arg === '') {
    if (name === 'include' || name === 'exists') return { error: `"${raw}": ${name} needs a domain (${name}:DOMAIN)` };
    return base;
  }
  if (!arg.startsWith(':')) return { error: `unknown mechanism "${raw}"` };
  const spec = arg.slice(1);
  const err = domainSpecError(spec);
  if (err) return { error: `"${raw}": ${err}` };
  return { ...base, value: spec };
}

export function parseSpf(record: string): ParsedSpf {
  const out: ParsedSpf = { terms: [], errors: [], redirect: null, exp: null };
  if (!isSpfRecord(record)) {
    out.errors.push('does not start with "v=spf1"');
    return out;
  }
  // Terms are separated by one or more spaces (§4.5: 1*SP); other whitespace is not allowed.
  const body = record.slice(6);
  if (/[^\x20-\x7e]/.test(body)) out.errors.push('contains characters other than printable ASCII and spaces (tabs or line breaks are not separators)');
  for (const raw of body.split(' ').filter(Boolean)) {
    const mod = /^([a-z][a-z0-9\-_.]*)=(.*)$/i.exec(raw);
    if (mod) {
      const name = mod[1]!.toLowerCase();
      const value = mod[2]!;
      if (name === 'redirect' || name === 'exp') {
        if (out[name] !== null) out.errors.push(`"${name}=" appears more than once`);
        const err = domainSpecError(value);
        if (err) out.errors.push(`"${raw}": ${err}`);
        out[name] = value;
      } else {
        const err = macroStringError(value);
        if (err) out.errors.push(`"${raw}": ${err}`);
      }
      out.terms.push({ kind: 'modifier', raw, name, value });
      continue;
    }
    const m = parseMechanism(raw);
    if ('error' in m) out.errors.push(m.error);
    else out.terms.push(m);
  }
  return out;
}

// ---- the lookup tree ----------------------------------------------------------------------

/** RFC 7208 §4.6.4: more DNS-querying terms than this is a permerror. */
export const MAX_LOOKUPS = 10;
/** §4.6.4: more void lookups than this should be a permerror. */
export const MAX_VOID_LOOKUPS = 2;
/** The walk stops here (well past the limit, enough to show how far over a record is). */
const WALK_CAP = 40;
const MAX_DEPTH = 12;

export interface LookupTerm {
  /** Where the term sits: "example.org > include:_spf.example.net". */
  path: string;
  /** The record whose term this is. */
  domain: string;
  term: string;
  /** Void: the lookup found nothing (NXDOMAIN or no record). */
  void: boolean;
  /** What went wrong with it (no SPF record at an include, lookup error, loop…), if anything. */
  problem: string | null;
}

export interface SpfRecordNode {
  domain: string;
  /** The SPF record found at the domain, null when none/several/error. */
  record: string | null;
  parsed: ParsedSpf | null;
  /** Why there is no usable record (none, several, lookup failed). */
  problem: string | null;
  children: SpfRecordNode[];
}

export interface SpfWalk {
  root: SpfRecordNode;
  lookups: LookupTerm[];
  voidLookups: LookupTerm[];
  /** Includes / redirects whose target has no (single, valid) SPF record or did not resolve. */
  unresolved: LookupTerm[];
  /** Some answer is still missing (only in a collection pass). */
  pending: boolean;
  /** The walk stopped at WALK_CAP lookups. */
  capped: boolean;
  /** Lookup errors (SERVFAIL, timeout…): the count may be incomplete. */
  errors: string[];
}

/** The SPF records at a name (TXT records that are SPF), or the lookup problem. */
export function spfRecordsAt(dns: DnsView, domain: string): { records: string[]; result: DnsResult } {
  const r = dns.lookup(domain, 'TXT');
  return { records: r.kind === 'answer' ? r.data.filter(isSpfRecord) : [], result: r };
}

const isVoid = (r: DnsResult): boolean => r.kind === 'nxdomain' || r.kind === 'nodata';

/**
 * Walks the record of `domain` and every include/redirect below it, counting DNS-querying terms
 * (include, a, mx, ptr, exists, redirect) as a receiver would. Terms with macros are counted but
 * not followed (they depend on the sender).
 */
export function walkSpf(dns: DnsView, domain: string): SpfWalk {
  const walk: SpfWalk = {
    root: { domain, record: null, parsed: null, problem: null, children: [] },
    lookups: [],
    voidLookups: [],
    unresolved: [],
    pending: false,
    capped: false,
    errors: [],
  };
  const note = (r: DnsResult, what: string): void => {
    if (r.kind === 'pending') walk.pending = true;
    if (r.kind === 'error') walk.errors.push(`${what}: ${r.code}`);
  };

  const visit = (node: SpfRecordNode, trail: string[]): void => {
    const { records, result } = spfRecordsAt(dns, node.domain);
    note(result, `TXT ${node.domain}`);
    if (result.kind === 'pending') return;
    if (result.kind === 'error') {
      node.problem = `TXT lookup failed (${result.code})`;
      return;
    }
    if (records.length === 0) {
      node.problem = result.kind === 'nxdomain' ? 'the domain does not exist (NXDOMAIN)' : 'no SPF record';
      return;
    }
    if (records.length > 1) {
      node.problem = `${records.length} SPF records (permerror)`;
      return;
    }
    node.record = records[0]!;
    node.parsed = parseSpf(node.record);
    const path = [...trail, node.domain].join(' > ');
    for (const t of node.parsed.terms) {
      if (walk.lookups.length >= WALK_CAP) {
        walk.capped = true;
        return;
      }
      const counts = t.kind === 'mechanism' ? ['include', 'a', 'mx', 'ptr', 'exists'].includes(t.name) : t.name === 'redirect';
      if (!counts) continue;
      const entry: LookupTerm = { path, domain: node.domain, term: t.raw, void: false, problem: null };
      walk.lookups.push(entry);
      const target = t.kind === 'mechanism' ? (t.value ?? node.domain) : t.value;
      if (hasMacro(target)) continue; // depends on the sender: counted, not followed
      const name = t.kind === 'mechanism' ? t.name : 'redirect';
      if (name === 'include' || name === 'redirect') {
        if (trail.includes(target.toLowerCase()) || target.toLowerCase() === node.domain) {
          entry.problem = `loops back to ${target}`;
          walk.unresolved.push(entry);
          continue;
        }
        if (trail.length >= MAX_DEPTH) {
          entry.problem = 'nested too deep';
          continue;
        }
        const child: SpfRecordNode = { domain: target.toLowerCase(), record: null, parsed: null, problem: null, children: [] };
        node.children.push(child);
        visit(child, [...trail, node.domain]);
        const txt = dns.lookup(child.domain, 'TXT');
        if (txt.kind === 'pending') continue;
        if (isVoid(txt) || (txt.kind === 'answer' && !txt.data.some(isSpfRecord))) {
          entry.void = isVoid(txt);
          if (entry.void) walk.voidLookups.push(entry);
        }
        if (child.problem) {
          entry.problem = child.problem;
          walk.unresolved.push(entry);
        }
      } else if (name === 'a') {
        const a = dns.lookup(target, 'A');
        const aaaa = dns.lookup(target, 'AAAA');
        note(a, `A ${target}`);
        note(aaaa, `AAAA ${target}`);
        if (isVoid(a) && isVoid(aaaa)) {
          entry.void = true;
          walk.voidLookups.push(entry);
        }
      } else if (name === 'mx') {
        const mx = dns.lookup(target, 'MX');
        note(mx, `MX ${target}`);
        if (isVoid(mx)) {
          entry.void = true;
          walk.voidLookups.push(entry);
        } else if (mx.kind === 'answer' && (mx.mx?.length ?? 0) > 10) {
          entry.problem = `${mx.mx!.length} MX hosts (more than 10 is a permerror, RFC 7208 §4.6.4)`;
        }
      } else if (name === 'exists') {
        const a = dns.lookup(target, 'A');
        note(a, `A ${target}`);
        if (isVoid(a)) {
          entry.void = true;
          walk.voidLookups.push(entry);
        }
      }
      // ptr: depends on the connecting address; counted only.
    }
  };
  visit(walk.root, []);
  return walk;
}

// ---- evaluation of one address --------------------------------------------------------------

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror' | 'unknown';
const QUALIFIER_RESULT: Record<Qualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

function inCidr(ip: string, network: string, prefix: number | null): boolean {
  const family = net.isIPv4(ip) ? 'ipv4' : 'ipv6';
  if ((family === 'ipv4') !== net.isIPv4(network)) return false;
  const list = new net.BlockList();
  list.addSubnet(network, prefix ?? (family === 'ipv4' ? 32 : 128), family);
  return list.check(ip, family);
}

function addressesOf(dns: DnsView, name: string, v4: boolean): DnsResult {
  return dns.lookup(name, v4 ? 'A' : 'AAAA');
}

/**
 * check_host() (§4) for `ip` against the record of `domain`, with the records fetched; `unknown`
 * where the answer depends on the sender (macros, ptr) or a lookup is missing.
 */
export function evaluateSpf(dns: DnsView, domain: string, ip: string, depth = 0): { result: SpfResult; matched: string | null } {
  if (depth > MAX_DEPTH) return { result: 'permerror', matched: null };
  const { records, result } = spfRecordsAt(dns, domain);
  if (result.kind === 'pending') return { result: 'unknown', matched: null };
  if (result.kind === 'error') return { result: 'temperror', matched: null };
  if (records.length === 0) return { result: 'none', matched: null };
  if (records.length > 1) return { result: 'permerror', matched: null };
  const parsed = parseSpf(records[0]!);
  if (parsed.errors.length) return { result: 'permerror', matched: null };
  const v4 = net.isIPv4(ip);
  let uncertain = false;
  for (const t of parsed.terms) {
    if (t.kind !== 'mechanism') continue;
    const target = t.value ?? domain;
    let match: boolean | 'unknown' = false;
    switch (t.name) {
      case 'all':
        match = true;
        break;
      case 'ip4':
      case 'ip6':
        match = inCidr(ip, t.value!, t.name === 'ip4' ? t.cidr4 : t.cidr6);
        break;
      case 'a': {
        if (hasMacro(target)) match = 'unknown';
        else {
          const r = addressesOf(dns, target, v4);
          if (r.kind === 'pending' || r.kind === 'error') match = 'unknown';
          else if (r.kind === 'answer') match = r.data.some((a) => inCidr(ip, a, v4 ? t.cidr4 : t.cidr6));
        }
        break;
      }
      case 'mx': {
        if (hasMacro(target)) match = 'unknown';
        else {
          const mx = dns.lookup(target, 'MX');
          if (mx.kind === 'pending' || mx.kind === 'error') match = 'unknown';
          else if (mx.kind === 'answer')
            for (const e of (mx.mx ?? []).slice(0, 10)) {
              if (!e.exchange) continue;
              const r = addressesOf(dns, e.exchange, v4);
              if (r.kind === 'pending' || r.kind === 'error') match = match === true ? true : 'unknown';
              else if (r.kind === 'answer' && r.data.some((a) => inCidr(ip, a, v4 ? t.cidr4 : t.cidr6))) match = true;
            }
        }
        break;
      }
      case 'include': {
        if (hasMacro(target)) match = 'unknown';
        else {
          const sub = evaluateSpf(dns, target, ip, depth + 1);
          if (sub.result === 'pass') match = true;
          else if (sub.result === 'none' || sub.result === 'permerror') return { result: 'permerror', matched: t.raw };
          else if (sub.result === 'temperror') return { result: 'temperror', matched: t.raw };
          else if (sub.result === 'unknown') match = 'unknown';
        }
        break;
      }
      case 'ptr':
      case 'exists':
        match = 'unknown';
        break;
    }
    if (match === 'unknown') {
      uncertain = true;
      continue;
    }
    if (match) return uncertain ? { result: 'unknown', matched: t.raw } : { result: QUALIFIER_RESULT[t.qualifier], matched: t.raw };
  }
  if (uncertain) return { result: 'unknown', matched: null };
  if (parsed.redirect && !hasMacro(parsed.redirect)) {
    const sub = evaluateSpf(dns, parsed.redirect, ip, depth + 1);
    return sub.result === 'none' ? { result: 'permerror', matched: `redirect=${parsed.redirect}` } : sub;
  }
  return { result: 'neutral', matched: null };
}
