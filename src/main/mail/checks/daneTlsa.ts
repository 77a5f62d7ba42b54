import type { FindingDraft } from '../../audit/checks/types';
import { formatTlsa, matchTlsa, parseTlsa, tlsaFor, tlsaName, tlsaUnusable, type Tlsa } from '../dane';
import { describeResult } from '../dnsView';
import { planSmtpTargets, smtpFactsFor, where } from '../smtpFacts';
import { fold, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

export default defineMailCheck({
  id: 'MAIL-DANE-TLSA',
  title: 'DANE TLSA record does not match the MX certificate',
  severity: 'high',
  references: [`${SMTP_RFC.daneSmtp}#section-3`, `${SMTP_RFC.daneOps}#section-5`, 'https://www.rfc-editor.org/rfc/rfc6698#section-2.1'],
  rationale: 'With TLSA records at _25._tcp.<mx>, DANE senders (Postfix, Exim, large providers) accept only a certificate that matches one of them, and defer the mail otherwise: a stale TLSA after a key change stops inbound mail from them. No TLSA means DANE is not used (reported as information; the DNSSEC check says whether the zone is signed).',
  remediation: 'Publish a TLSA record for the key the MX serves ("3 1 1 <SHA-256 of the public key>", which survives renewals that keep the key) or for its issuing CA ("2 1 1"), and publish the new record before rolling the key; remove records that match nothing.',
  evaluate: (dns, ctx) => {
    const p = planSmtpTargets(dns, ctx);
    if ('pending' in p) return ctx.smtp ? p.pending : { status: 'not-applicable', message: 'the SMTP/TLS probes were not run in this audit' };
    // Hosts with port 25 probed by name: the MX hosts and named hosts given by name.
    const hosts = [...new Set(p.plan.targets.filter((t) => t.port === 25 && !t.byAddress).map((t) => t.host))];
    const tlsa = new Map<string, ReturnType<typeof dns.lookup>>();
    for (const h of hosts) {
      const r = dns.lookup(tlsaName(h), 'TLSA');
      if (r.kind === 'pending') return { status: 'error', message: `TLSA ${tlsaName(h)}: not looked up yet` };
      tlsa.set(h, r);
    }
    const f = smtpFactsFor(dns, ctx);
    if ('outcome' in f) return f.outcome;
    const results = hosts.map((host) => {
      const r = tlsa.get(host)!;
      const resource = `dane:${host}`;
      if (r.kind === 'error') return { error: `TLSA ${tlsaName(host)}: ${describeResult(r)}` };
      if (r.kind !== 'answer') return { findings: [{ severity: 'info' as const, resource, title: 'MX has no DANE TLSA record', evidence: `${tlsaName(host)}: ${describeResult(r)}` }] };
      const parsed = r.data.map((d) => ({ text: d, rec: parseTlsa(d) }));
      const usable: Tlsa[] = [];
      const unusable: string[] = [];
      for (const { text, rec } of parsed) {
        const why = rec ? tlsaUnusable(rec) : 'malformed';
        if (why) unusable.push(`"${text.slice(0, 90)}": ${why}`);
        else usable.push(rec!);
      }
      if (!usable.length) return { findings: [{ severity: 'medium' as const, resource, title: 'MX TLSA records are all unusable for SMTP', evidence: `${tlsaName(host)}: ${unusable.join('; ')}` }] };
      const findings: FindingDraft[] = [];
      let decided = false;
      for (const port of f.facts.ports.filter((x) => x.host === host && x.port === 25)) {
        if (port.state === 'closed' || port.state === 'unreachable' || port.state === 'timeout' || port.state === 'error') continue;
        decided = true;
        if (port.state !== 'tls' || !port.tls) {
          findings.push({ severity: 'high', resource: `${resource}:${port.address}`, title: 'MX publishes TLSA but has no working STARTTLS', evidence: `${where(port)}: ${port.message ?? port.state}; DANE senders defer mail to it (${tlsaName(host)} has ${usable.length} usable record${usable.length === 1 ? '' : 's'})` });
          continue;
        }
        const chain = port.tls.chain.map((c) => Buffer.from(c.der, 'base64'));
        const matches = usable.map((t) => ({ t, m: matchTlsa(t, chain) }));
        if (matches.some((x) => x.m.matched)) continue;
        findings.push({
          severity: 'high',
          resource: `${resource}:${port.address}`,
          evidence: `${where(port)}: none of ${usable.map((t) => `"${formatTlsa(t).slice(0, 30)}…"`).join(', ')} matches (${matches.map((x) => x.m.why).join('; ')}); the served key is "${chain[0] ? tlsaFor(chain[0]) : '?'}"`,
        });
      }
      if (findings.length) return { findings };
      return decided ? {} : null;
    });
    return fold(results, hosts.length ? 'port 25 of the MX hosts could not be reached from here, so the TLSA records could not be compared' : 'no MX host name to look up TLSA for');
  },
});
