import { describeFetch } from '../mtaSts';
import { stsFetch, stsResource } from './mtaStsShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MTA-STS-POLICY',
  title: 'MTA-STS policy cannot be fetched or is invalid',
  severity: 'medium',
  references: [`${RFC.mtaSts}#section-3.3`, `${RFC.mtaSts}#section-3.2`],
  // Medium, not high: a sender that cannot fetch the policy delivers as if the domain had no
  // MTA-STS (RFC 8461 §5), which MAIL-MTA-STS-TXT rates low; the record promising one is worse.
  rationale: 'The _mta-sts record tells senders to fetch https://mta-sts.DOMAIN/.well-known/mta-sts.txt with a valid certificate, no redirect, 200 and text/plain; when that fails they have no policy and deliver without enforced TLS, so the record protects nothing.',
  remediation: 'Serve the policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt directly (no redirect), with a certificate valid for mta-sts.DOMAIN from a public CA, status 200 and Content-Type text/plain; the body is "version: STSv1", "mode: …", one "mx: …" per MX, "max_age: …".',
  evaluate: (dns, ctx) => {
    const s = stsFetch(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const f = s.fetch;
    const res = stsResource(ctx.domain, 'policy');
    if (f.kind === 'policy') {
      if (!f.policy.errors.length) return { status: 'pass' };
      return { status: 'fail', findings: [{ severity: 'medium', resource: res, title: 'MTA-STS policy has syntax errors', evidence: `${f.url}: ${f.policy.errors.join('; ')}` }] };
    }
    const titles: Record<string, string> = {
      certificate: 'MTA-STS policy served with an invalid certificate',
      redirect: 'MTA-STS policy URL redirects (senders do not follow redirects)',
      'content-type': 'MTA-STS policy is not served as text/plain',
    };
    return { status: 'fail', findings: [{ severity: 'medium', resource: res, title: titles[f.kind] ?? 'MTA-STS policy cannot be fetched', evidence: describeFetch(f) }] };
  },
});
