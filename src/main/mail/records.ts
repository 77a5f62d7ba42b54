// The domain's mail records as parsed, for the report and the UI (the issue: "every record shown
// parsed"): the SPF lookup tree with its counts, DKIM keys, the DMARC policy that applies, MTA-STS
// and TLS-RPT records, MX hosts with addresses, PTR and forward confirmation, DNSBL answers. Pure
// over a DnsView like the checks; evaluated in the same passes, so it asks nothing the checks
// do not (only what they share).
import { dnsblName, dnsblVerdict } from './checks/dnsbl';
import { mxAddresses, mxSet } from './checks/lookups';
import type { MailContext } from './checks/types';
import { dkimName, looksLikeDkim, parseDkimKey } from './dkim';
import { discoverDmarc, parseDmarc } from './dmarc';
import { describeResult, type DnsView } from './dnsView';
import { dnssecFacts, type DnssecFacts } from './dnssec';
import type { HostDkim } from './hostDkim';
import { describeFetch, type MtaStsPolicy } from './mtaSts';
import { reverseName } from './resolver';
import { describeSmtp, type SmtpRecords } from './smtpRecords';
import { isSpfRecord, MAX_LOOKUPS, walkSpf, type SpfRecordNode } from './spf';

export interface SpfTreeNode {
  domain: string;
  record: string | null;
  problem: string | null;
  /** DNS-querying terms of this record (include, a, mx, ptr, exists, redirect). */
  lookups: number;
  children: SpfTreeNode[];
}

export interface MailRecords {
  domain: string;
  resolver: string;
  spf: {
    records: string[];
    lookups: number;
    lookupLimit: number;
    voidLookups: number;
    tree: SpfTreeNode | null;
  };
  dkim: Array<{ selector: string; name: string; found: string; keyType?: string; bits?: number | null; flags?: string[]; hashes?: string[] | null; revoked?: boolean; errors?: string[] }>;
  dmarc: {
    asked: string[];
    foundAt: string | null;
    records: string[];
    tags: { p: string | null; sp: string | null; np: string | null; pct: number | null; adkim: string; aspf: string; rua: string[]; ruf: string[]; testing: boolean } | null;
    notes: string[];
  };
  mtaSts: string;
  /** The policy fetched over HTTPS (null: no _mta-sts record, or not fetched). */
  mtaStsPolicy: { url: string; fetched: string; policy: MtaStsPolicy | null } | null;
  /** DNSSEC as the resolver reported it (AD bit); DANE reads `validated`. */
  dnssec: DnssecFacts;
  /** DKIM keys read over SSH from the linked host (public keys only), null when no host is linked. */
  hostDkim: HostDkim | null;
  tlsRpt: string;
  mx: {
    kind: 'hosts' | 'null-mx' | 'none' | 'unknown';
    hosts: Array<{ preference: number; exchange: string; cname: string | null; addresses: Array<{ address: string; ptr: string[]; forwardConfirmed: boolean }>; problem: string | null }>;
  };
  dnsbl: Array<{ address: string; zone: string; verdict: string }>;
  /** TLS per port, SMTP greetings, DANE and the relay test (absent when the probes were off). */
  smtp?: SmtpRecords;
}

function tree(node: SpfRecordNode): SpfTreeNode {
  const lookups = node.parsed
    ? node.parsed.terms.filter((t) => (t.kind === 'mechanism' ? ['include', 'a', 'mx', 'ptr', 'exists'].includes(t.name) : t.name === 'redirect')).length
    : 0;
  return { domain: node.domain, record: node.record, problem: node.problem, lookups, children: node.children.map(tree) };
}

export function describeMailDomain(dns: DnsView, ctx: MailContext): MailRecords {
  const { domain } = ctx;
  const txt = dns.lookup(domain, 'TXT');
  const spfRecords = txt.kind === 'answer' ? txt.data.filter(isSpfRecord) : [];
  const walk = spfRecords.length === 1 ? walkSpf(dns, domain) : null;

  const dkim = ctx.selectors.map((selector) => {
    const name = dkimName(selector, domain);
    const r = dns.lookup(name, 'TXT');
    const recs = r.kind === 'answer' ? r.data.filter(looksLikeDkim) : [];
    if (recs.length !== 1) return { selector, name, found: recs.length > 1 ? `${recs.length} key records` : describeResult(r) };
    const k = parseDkimKey(recs[0]!);
    return { selector, name, found: 'key record', keyType: k.keyType, bits: k.bits, flags: k.flags, hashes: k.hashes, revoked: k.revoked, errors: k.errors };
  });

  const disc = discoverDmarc(dns, domain);
  const d = disc.records.length === 1 ? parseDmarc(disc.records[0]!) : null;

  const one = (name: string, prefix: RegExp): string => {
    const r = dns.lookup(name, 'TXT');
    if (r.kind !== 'answer') return describeResult(r);
    const recs = r.data.filter((x) => prefix.test(x));
    return recs.length ? recs.join(' | ') : 'no such record among the TXT records';
  };

  const set = mxSet(dns, domain);
  const hosts =
    set.kind === 'hosts'
      ? set.hosts.map((h) => ({
          preference: h.preference,
          exchange: h.exchange,
          cname: h.cname,
          problem: h.problem,
          addresses: h.addresses.map((address) => {
            const ptr = dns.lookup(reverseName(address), 'PTR');
            const names = ptr.kind === 'answer' ? ptr.data : [];
            const type = address.includes(':') ? 'AAAA' : 'A';
            const forwardConfirmed = names.some((n) => {
              const f = dns.lookup(n, type);
              return f.kind === 'answer' && f.data.includes(address);
            });
            return { address, ptr: names, forwardConfirmed };
          }),
        }))
      : [];
  const dnsbl = mxAddresses(set).flatMap(({ address }) =>
    ctx.dnsblZones.map((zone) => {
      const v = dnsblVerdict(dns.lookup(dnsblName(address, zone), 'A'));
      return { address, zone, verdict: v.verdict === 'listed' ? `listed (${v.codes.join(', ')})` : v.verdict === 'unknown' ? `unknown: ${v.why}` : 'not listed' };
    }),
  );

  return {
    domain,
    resolver: ctx.resolverLabel,
    spf: { records: spfRecords, lookups: walk?.lookups.length ?? 0, lookupLimit: MAX_LOOKUPS, voidLookups: walk?.voidLookups.length ?? 0, tree: walk ? tree(walk.root) : null },
    dkim,
    dmarc: {
      asked: disc.asked.map((a) => a.name),
      foundAt: disc.foundAt,
      records: disc.records,
      tags: d ? { p: d.p, sp: d.sp, np: d.np, pct: d.pct, adkim: d.adkim, aspf: d.aspf, rua: d.rua.map((u) => u.raw), ruf: d.ruf.map((u) => u.raw), testing: d.testing } : null,
      notes: d?.notes ?? [],
    },
    mtaSts: one(`_mta-sts.${domain}`, /^v=STSv1\s*(;|$)/),
    mtaStsPolicy: ctx.mtaStsPolicy ? { url: ctx.mtaStsPolicy.url, fetched: describeFetch(ctx.mtaStsPolicy), policy: ctx.mtaStsPolicy.kind === 'policy' ? ctx.mtaStsPolicy.policy : null } : null,
    dnssec: dnssecFacts(dns, domain, ctx.resolverLabel),
    hostDkim: ctx.hostDkim ?? null,
    tlsRpt: one(`_smtp._tls.${domain}`, /^v=TLSRPTv1\s*(;|$)/),
    mx: { kind: set.kind === 'problem' ? 'unknown' : set.kind, hosts },
    dnsbl,
    ...(ctx.smtp ? { smtp: describeSmtp(dns, ctx) } : {}),
  };
}
