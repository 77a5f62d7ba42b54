// What the MTA-STS policy checks share: whether a policy applies (a v=STSv1 record at _mta-sts),
// and the fetched policy (the audit fetches it over HTTPS once the record is seen, see ../audit.ts).
import type { DnsView } from '../dnsView';
import { describeFetch, type MtaStsFetch, type MtaStsPolicy } from '../mtaSts';
import { lookupProblem, mxSet } from './lookups';
import type { MailContext, MailOutcome } from './types';

export const stsResource = (domain: string, what: string): string => `mta-sts:${domain}:${what}`;

/** True when _mta-sts.<domain> holds exactly one STSv1 record: then senders fetch the policy. */
export function wantsMtaStsPolicy(dns: DnsView, domain: string): boolean {
  if (mxSet(dns, domain).kind === 'null-mx') return false;
  const r = dns.lookup(`_mta-sts.${domain}`, 'TXT');
  return r.kind === 'answer' && r.data.filter((t) => /^v=STSv1\s*(;|$)/.test(t)).length === 1;
}

/** The fetch result when a policy applies and was fetched; otherwise the outcome to return. */
export function stsFetch(dns: DnsView, ctx: MailContext): { fetch: MtaStsFetch } | { outcome: MailOutcome } {
  const name = `_mta-sts.${ctx.domain}`;
  const p = lookupProblem(dns.lookup(name, 'TXT'), `TXT ${name}`);
  if (p) return { outcome: p };
  if (!wantsMtaStsPolicy(dns, ctx.domain)) return { outcome: { status: 'not-applicable', message: `no single MTA-STS record at ${name}: senders look for no policy (see MAIL-MTA-STS-TXT)` } };
  const f = ctx.mtaStsPolicy;
  if (!f) return { outcome: { status: 'error', message: 'the MTA-STS policy was not fetched' } };
  if (f.kind === 'disabled') return { outcome: { status: 'not-applicable', message: describeFetch(f) } };
  return { fetch: f };
}

/** The parsed policy when one was fetched; otherwise the outcome (the fetch problems are MAIL-MTA-STS-POLICY's). */
export function stsPolicy(dns: DnsView, ctx: MailContext): { policy: MtaStsPolicy; url: string } | { outcome: MailOutcome } {
  const s = stsFetch(dns, ctx);
  if ('outcome' in s) return s;
  if (s.fetch.kind !== 'policy') return { outcome: { status: 'not-applicable', message: `no policy to read: ${describeFetch(s.fetch)} (see MAIL-MTA-STS-POLICY)` } };
  return { policy: s.fetch.policy, url: s.fetch.url };
}
