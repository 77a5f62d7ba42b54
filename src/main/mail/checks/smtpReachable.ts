import { MAIL_PORTS, where } from '../smtpFacts';
import { perPort, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

const UNREACHED = new Set(['closed', 'unreachable', 'timeout']);

export default defineMailCheck({
  id: 'MAIL-SMTP-REACHABLE',
  title: 'Mail host does not answer on its SMTP port from here',
  severity: 'info',
  references: [`${SMTP_RFC.smtp}#section-4.5.3.2`],
  rationale: 'Senders deliver to the MX on port 25. A closed or silent port 25 means mail cannot arrive — or only that this machine cannot reach it: many ISPs and cloud providers block outbound port 25, so this is information, not a verdict. The other mail ports (465, 587, 993, 995) may be closed by design and are only listed in the report.',
  remediation: 'If the MX should receive mail, check that the MTA listens on port 25 on this address and that no firewall drops it; if outbound 25 is blocked where the audit ran, run it from another network.',
  evaluate: (dns, ctx) =>
    perPort(
      dns,
      ctx,
      (p) => p.port === 25 || !(MAIL_PORTS as readonly number[]).includes(p.port),
      (p) =>
        UNREACHED.has(p.state)
          ? { findings: [{ severity: 'info', resource: `smtp:${p.host}/${p.address}:${p.port}`, evidence: `${where(p)}: ${p.state}: ${p.message ?? ''}`.trim() }] }
          : {},
      'no SMTP port was probed',
    ),
});
