// DMARC records (RFC 9989 "DMARCbis", which obsoletes RFC 7489; differences noted where a 7489
// receiver reads a record differently) and policy discovery by the DNS tree walk (RFC 9989 §4.10).
import type { DnsView } from './dnsView';
import type { DnsResult } from './resolver';
import { parseTagList } from './tags';

export const POLICIES = ['none', 'quarantine', 'reject'] as const;
export type Policy = (typeof POLICIES)[number];

export interface ReportUri {
  raw: string;
  scheme: string;
  /** mailto: the address; other schemes: the URI. */
  address: string;
  /** The domain of a mailto: address (lower-case), null otherwise. */
  host: string | null;
}

export interface DmarcRecord {
  raw: string;
  p: Policy | null;
  sp: Policy | null;
  np: Policy | null;
  /** RFC 7489 only (removed in 9989); null when absent. */
  pct: number | null;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  rua: ReportUri[];
  ruf: ReportUri[];
  /** RFC 9989 t=y: testing mode. */
  testing: boolean;
  errors: string[];
  /** Tags 9989 removed or a 7489 receiver reads differently. */
  notes: string[];
}

export const isDmarcRecord = (txt: string): boolean => /^\s*v\s*=\s*DMARC1\s*(;|$)/i.test(txt);

function parseUris(value: string, tag: string, errors: string[]): ReportUri[] {
  const out: ReportUri[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    // RFC 7489 §6.2: a URI may end with "!size" (a size limit); 9989 drops the limit.
    const uri = part.replace(/![0-9]+[kmgt]?$/i, '');
    const m = /^([a-z][a-z0-9+.-]*):(.+)$/i.exec(uri);
    if (!m) {
      errors.push(`${tag}: "${part}" is not a URI (mailto:ADDRESS)`);
      continue;
    }
    const scheme = m[1]!.toLowerCase();
    const address = decodeURIComponent(m[2]!);
    let host: string | null = null;
    if (scheme === 'mailto') {
      const at = address.lastIndexOf('@');
      if (at <= 0 || !/^[a-z0-9.-]+\.[a-z0-9-]+$/i.test(address.slice(at + 1))) errors.push(`${tag}: "${part}" is not a mail address`);
      else host = address.slice(at + 1).toLowerCase();
    } else errors.push(`${tag}: only mailto: report addresses are used by receivers ("${part}")`);
    out.push({ raw: part, scheme, address, host });
  }
  return out;
}

export function parseDmarc(record: string): DmarcRecord {
  const tl = parseTagList(record, { caseInsensitiveNames: true });
  const errors = [...tl.errors];
  const notes: string[] = [];
  if (tl.tags[0]?.name !== 'v' || tl.tags[0].value !== 'DMARC1') errors.push('the record must start with v=DMARC1');
  const policy = (tag: 'p' | 'sp' | 'np'): Policy | null => {
    const v = tl.map.get(tag);
    if (v === undefined) return null;
    if ((POLICIES as readonly string[]).includes(v.toLowerCase())) return v.toLowerCase() as Policy;
    errors.push(`${tag}=${v}: must be none, quarantine or reject`);
    return null;
  };
  const p = policy('p');
  const sp = policy('sp');
  const np = policy('np');
  if (tl.map.get('p') === undefined)
    notes.push('p= is missing: RFC 9989 reads the record as p=none when rua= is valid; RFC 7489 receivers ignore the whole record');
  let pct: number | null = null;
  const pctRaw = tl.map.get('pct');
  if (pctRaw !== undefined) {
    if (!/^\d{1,3}$/.test(pctRaw) || Number(pctRaw) > 100) errors.push(`pct=${pctRaw}: must be 0-100`);
    else pct = Number(pctRaw);
    notes.push('pct= was removed by RFC 9989 (receivers following it ignore it); RFC 7489 receivers still apply the policy to that share of mail');
  }
  const align = (tag: 'adkim' | 'aspf'): 'r' | 's' => {
    const v = tl.map.get(tag);
    if (v === undefined) return 'r';
    if (v.toLowerCase() === 'r' || v.toLowerCase() === 's') return v.toLowerCase() as 'r' | 's';
    errors.push(`${tag}=${v}: must be r or s`);
    return 'r';
  };
  const adkim = align('adkim');
  const aspf = align('aspf');
  const rua = tl.map.has('rua') ? parseUris(tl.map.get('rua')!, 'rua', errors) : [];
  const ruf = tl.map.has('ruf') ? parseUris(tl.map.get('ruf')!, 'ruf', errors) : [];
  const t = tl.map.get('t');
  if (t !== undefined && t !== 'y' && t !== 'n') errors.push(`t=${t}: must be y or n`);
  if (tl.map.has('ri') || tl.map.has('rf')) notes.push('ri= and rf= were removed by RFC 9989 and are ignored');
  return { raw: record, p, sp, np, pct, adkim, aspf, rua, ruf, testing: t === 'y', errors, notes };
}

export interface DmarcDiscovery {
  /** Where the policy record was found (`_dmarc.<name>`), null when none was. */
  foundAt: string | null;
  /** The name whose policy applies (the domain itself, or an ancestor by the tree walk). */
  policyDomain: string | null;
  /** DMARC records at the name where the walk stopped (more than one: no policy applies). */
  records: string[];
  /** Every name asked, in order, with what it got. */
  asked: Array<{ name: string; result: DnsResult['kind']; dmarcRecords: number }>;
  pending: boolean;
  errors: string[];
}

/**
 * RFC 9989 §4.10 tree walk: `_dmarc.<domain>`; if it holds no DMARC record, shorten a name of more
 * than eight labels to its last seven, then drop the leftmost label one at a time, asking
 * `_dmarc.<name>` each time, down to two labels (a top-level domain is not asked). RFC 7489
 * receivers only ask the domain and its organisational domain (by the Public Suffix List); for
 * the usual two-level organisational domain both find the same record.
 */
export function discoverDmarc(dns: DnsView, domain: string): DmarcDiscovery {
  const out: DmarcDiscovery = { foundAt: null, policyDomain: null, records: [], asked: [], pending: false, errors: [] };
  let labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const names: string[] = [labels.join('.')];
  if (labels.length > 8) labels = labels.slice(-7);
  else labels = labels.slice(1);
  while (labels.length >= 2) {
    const n = labels.join('.');
    if (!names.includes(n)) names.push(n);
    labels = labels.slice(1);
  }
  for (const name of names) {
    const r = dns.lookup(`_dmarc.${name}`, 'TXT');
    const recs = r.kind === 'answer' ? r.data.filter(isDmarcRecord) : [];
    out.asked.push({ name: `_dmarc.${name}`, result: r.kind, dmarcRecords: recs.length });
    if (r.kind === 'pending') {
      out.pending = true;
      return out;
    }
    if (r.kind === 'error') {
      // A failed lookup is not "no record": the walk cannot go on past it (RFC 9989 §4.10 temperror).
      out.errors.push(`_dmarc.${name}: ${r.code}`);
      return out;
    }
    if (recs.length) {
      out.foundAt = `_dmarc.${name}`;
      out.policyDomain = name;
      out.records = recs;
      return out;
    }
  }
  return out;
}

/** Whether `dest` lies in the same organisation as `domain` (the same name, or one inside the other). */
export function sameOrganisation(domain: string, dest: string, orgDomain: string | null): boolean {
  const inside = (a: string, b: string): boolean => a === b || a.endsWith(`.${b}`);
  const d = domain.toLowerCase();
  const x = dest.toLowerCase();
  return inside(x, d) || inside(d, x) || (orgDomain !== null && inside(x, orgDomain.toLowerCase()));
}

/** RFC 7489 §7.1 / RFC 9990: the name where `dest` authorises reports about `domain`. */
export const reportAuthName = (domain: string, dest: string): string => `${domain.toLowerCase()}._report._dmarc.${dest.toLowerCase()}`;
