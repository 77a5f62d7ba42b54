import { describeResult } from '../dnsView';
import { parseTagList } from '../tags';
import { lookupProblem, mxSet } from './lookups';
import { defineMailCheck, RFC } from './types';

/** RFC 8461 §3.1: "v=STSv1; id=<1-32 letters/digits>;" — v first. Returns the problems. */
export function mtaStsProblems(record: string): string[] {
  const tl = parseTagList(record);
  const errors = [...tl.errors];
  if (tl.tags[0]?.name !== 'v' || tl.tags[0].value !== 'STSv1') errors.push('must start with v=STSv1');
  const id = tl.map.get('id');
  if (id === undefined) errors.push('the id= tag is missing');
  else if (!/^[A-Za-z0-9]{1,32}$/.test(id)) errors.push(`id=${id}: must be 1-32 letters and digits`);
  return errors;
}

export default defineMailCheck({
  id: 'MAIL-MTA-STS-TXT',
  title: 'MTA-STS record is missing or invalid',
  severity: 'medium',
  references: [`${RFC.mtaSts}#section-3.1`],
  rationale: 'MTA-STS lets sending servers insist on TLS with a valid certificate when they deliver to the domain; without the _mta-sts record they never look for the policy and a network attacker can strip STARTTLS.',
  remediation: 'Publish the policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt, then one TXT record at _mta-sts.DOMAIN: "v=STSv1; id=20260101T000000" (change id= whenever the policy changes).',
  evaluate: (dns, { domain }) => {
    // A domain that receives no mail (null MX, RFC 7505) has no inbound TLS to protect or report on.
    if (mxSet(dns, domain).kind === 'null-mx') return { status: 'not-applicable', message: 'null MX: the domain receives no mail' };
    const name = `_mta-sts.${domain}`;
    const r = dns.lookup(name, 'TXT');
    const p = lookupProblem(r, `TXT ${name}`);
    if (p) return p;
    const recs = r.kind === 'answer' ? r.data.filter((t) => /^v=STSv1\s*(;|$)/.test(t)) : [];
    const res = `mta-sts:${domain}`;
    if (!recs.length) return { status: 'fail', findings: [{ severity: 'low', resource: res, title: 'No MTA-STS record', evidence: `${name}: ${r.kind === 'answer' ? `no record starts with v=STSv1 (${r.data.map((x) => JSON.stringify(x)).join('; ')})` : describeResult(r)}` }] };
    if (recs.length > 1) return { status: 'fail', findings: [{ severity: 'medium', resource: res, title: 'Several MTA-STS records (senders ignore them all)', evidence: recs.map((x) => JSON.stringify(x)).join('; ') }] };
    const problems = mtaStsProblems(recs[0]!);
    return problems.length ? { status: 'fail', findings: [{ severity: 'medium', resource: res, evidence: `${name}: ${problems.join('; ')} (record: ${JSON.stringify(recs[0])})` }] } : { status: 'pass' };
  },
});
