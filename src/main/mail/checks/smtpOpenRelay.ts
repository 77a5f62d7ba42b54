import { namedHostProblems, RELAY_FROM, RELAY_TO, smtpFactsFor, where } from '../smtpFacts';
import { fold, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

export default defineMailCheck({
  id: 'MAIL-SMTP-OPEN-RELAY',
  title: 'SMTP server relays mail for anyone (open relay)',
  severity: 'critical',
  references: [`${SMTP_RFC.relay}#section-3`, 'https://www.rfc-editor.org/rfc/rfc2505#section-2'],
  rationale: 'An open relay accepts mail from any sender to any outside domain without authentication. Spammers find and use such servers within hours; the address then lands on every blocklist and legitimate mail stops being delivered.',
  remediation: 'Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination with mynetworks limited to your own hosts (never 0.0.0.0/0); then run the relay test again.',
  evaluate: (dns, ctx) => {
    if (ctx.smtp && !ctx.smtp.relayTest) return { status: 'not-applicable', message: 'not requested (--open-relay-test)' };
    const f = smtpFactsFor(dns, ctx);
    const untested = ctx.smtp?.relayTest ? namedHostProblems(dns, ctx) : [];
    if ('outcome' in f) return f.outcome.status === 'not-applicable' && untested.length ? { status: 'error', message: `relay test not made: ${untested.join('; ')}` } : f.outcome;
    const results = f.facts.relay.map((r) => {
      if (r.verdict === 'relayed')
        return { findings: [{ severity: 'critical' as const, resource: `relay:${r.host}/${r.address}:${r.port}`, evidence: `${where(r)}: ${r.message}. Dialogue: ${r.transcript.join(' | ')}` }] };
      if (r.verdict === 'refused') return {};
      return { error: `relay test ${where(r)}: ${r.verdict}: ${r.message}` };
    });
    for (const u of untested) results.push({ error: `relay test not made: ${u}` });
    return fold(results, `no --smtp-host to test (the relay test from <${RELAY_FROM}> to <${RELAY_TO}> runs only against hosts named with --smtp-host)`);
  },
});
