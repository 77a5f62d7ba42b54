import { describeResult } from '../dnsView';
import { parseTagList } from '../tags';
import { lookupProblem, mxSet } from './lookups';
import { defineMailCheck, RFC } from './types';

/** RFC 8460 §3: "v=TLSRPTv1; rua=mailto:…|https://…[,…]" — v first. Returns the problems. */
export function tlsRptProblems(record: string): string[] {
  const tl = parseTagList(record);
  const errors = [...tl.errors];
  if (tl.tags[0]?.name !== 'v' || tl.tags[0].value !== 'TLSRPTv1') errors.push('must start with v=TLSRPTv1');
  const rua = tl.map.get('rua');
  if (rua === undefined) errors.push('the rua= tag is missing');
  else
    for (const u of rua.split(',').map((s) => s.trim()))
      if (!/^mailto:[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$/i.test(u) && !/^https:\/\/[^\s]+$/i.test(u)) errors.push(`rua: "${u}" is not a mailto: or https: URI`);
  return errors;
}

export default defineMailCheck({
  id: 'MAIL-TLS-RPT',
  title: 'TLS-RPT record is missing or invalid',
  severity: 'medium',
  references: [`${RFC.tlsRpt}#section-3`],
  rationale: 'TLS reporting (_smtp._tls) tells the operator when senders fail to set up TLS to the MX hosts (expired certificate, MTA-STS or DANE mismatch); without it such failures go unnoticed.',
  remediation: 'Publish one TXT record at _smtp._tls.DOMAIN: "v=TLSRPTv1; rua=mailto:tls-reports@DOMAIN".',
  evaluate: (dns, { domain }) => {
    // A domain that receives no mail (null MX, RFC 7505) has no inbound TLS to protect or report on.
    if (mxSet(dns, domain).kind === 'null-mx') return { status: 'not-applicable', message: 'null MX: the domain receives no mail' };
    const name = `_smtp._tls.${domain}`;
    const r = dns.lookup(name, 'TXT');
    const p = lookupProblem(r, `TXT ${name}`);
    if (p) return p;
    const recs = r.kind === 'answer' ? r.data.filter((t) => /^v=TLSRPTv1\s*(;|$)/.test(t)) : [];
    const res = `tls-rpt:${domain}`;
    if (!recs.length) return { status: 'fail', findings: [{ severity: 'low', resource: res, title: 'No TLS-RPT record', evidence: `${name}: ${r.kind === 'answer' ? 'no record starts with v=TLSRPTv1' : describeResult(r)}` }] };
    if (recs.length > 1) return { status: 'fail', findings: [{ severity: 'medium', resource: res, title: 'Several TLS-RPT records (senders ignore them all)', evidence: recs.map((x) => JSON.stringify(x)).join('; ') }] };
    const problems = tlsRptProblems(recs[0]!);
    return problems.length ? { status: 'fail', findings: [{ severity: 'medium', resource: res, evidence: `${name}: ${problems.join('; ')} (record: ${JSON.stringify(recs[0])})` }] } : { status: 'pass' };
  },
});
