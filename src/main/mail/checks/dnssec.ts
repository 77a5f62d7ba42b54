import { dnssecFacts } from '../dnssec';
import { lookupProblem } from './lookups';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DNSSEC',
  title: 'DNSSEC not validated for the domain',
  severity: 'low',
  references: [`${RFC.dnssec}#section-3.2.3`, `${RFC.dane}#section-2.2`],
  rationale: 'Without DNSSEC a network attacker can forge the MX, SPF, DKIM and MTA-STS answers senders rely on, and DANE (TLSA at _25._tcp.MX) is ignored by senders unless the answer validates (RFC 7672 §2.2). The resolver reports a validated answer with the AD bit.',
  remediation: 'Sign the zone at its DNS host (e.g. Knot "dnssec-signing: on", BIND "dnssec-policy default") and publish the DS record at the registrar; audit through a validating resolver (--resolver) so the AD bit means something.',
  evaluate: (dns, ctx) => {
    const p = lookupProblem(dns.lookup(ctx.domain, 'TXT'), `TXT ${ctx.domain}`);
    if (p) return p;
    const f = dnssecFacts(dns, ctx.domain, ctx.resolverLabel);
    const findings = f.names
      .filter((n) => !n.validated && !n.problem)
      .map((n) => {
        const dane = n.type === 'TLSA';
        return {
          severity: dane ? ('low' as const) : ('info' as const),
          resource: `dnssec:${n.name}`,
          ...(dane ? { title: 'DANE TLSA record not validated by DNSSEC (senders ignore it)' } : {}),
          evidence: n.signed
            ? `${n.name} ${n.type}: signatures came back but ${ctx.resolverLabel} did not set the AD bit: it does not validate (use a validating resolver to know)`
            : `${n.name} ${n.type}: no AD bit and no signatures from ${ctx.resolverLabel}: the zone is not signed (or the resolver strips DNSSEC)`,
        };
      });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
