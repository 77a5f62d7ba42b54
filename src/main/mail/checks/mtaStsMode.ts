import { stsPolicy, stsResource } from './mtaStsShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MTA-STS-MODE',
  title: 'MTA-STS policy does not enforce',
  severity: 'medium',
  references: [`${RFC.mtaSts}#section-5`],
  rationale: 'In mode testing senders only report TLS failures (TLS-RPT) and deliver anyway; mode none withdraws the policy. Only enforce stops a downgrade to plain text or a forged MX certificate.',
  remediation: 'Once TLS-RPT reports show every sender reaching the MX hosts with valid TLS, set "mode: enforce" in the policy and change the id= of the _mta-sts record.',
  evaluate: (dns, ctx) => {
    const s = stsPolicy(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const { mode } = s.policy;
    if (mode === 'enforce') return { status: 'pass' };
    if (mode === 'testing') return { status: 'fail', findings: [{ severity: 'low', resource: stsResource(ctx.domain, 'mode'), title: 'MTA-STS policy in testing mode (reports only)', evidence: `${s.url}: mode: testing` }] };
    if (mode === 'none') return { status: 'fail', findings: [{ severity: 'medium', resource: stsResource(ctx.domain, 'mode'), title: 'MTA-STS policy withdrawn (mode none)', evidence: `${s.url}: mode: none` }] };
    return { status: 'not-applicable', message: `mode ${mode ?? '(missing)'} is invalid (see MAIL-MTA-STS-POLICY)` };
  },
});
