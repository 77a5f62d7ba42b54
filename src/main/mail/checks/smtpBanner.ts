import type { FindingDraft } from '../../audit/checks/types';
import { reverseName } from '../resolver';
import { isSmtpPort, planSmtpTargets, smtpFactsFor, where } from '../smtpFacts';
import type { DnsView } from '../dnsView';
import { fold, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

/** Forward-confirmed names of an address (PTR names whose A/AAAA include it); null while a lookup is pending. */
export function fcrdnsNames(dns: DnsView, address: string): string[] | null {
  const ptr = dns.lookup(reverseName(address), 'PTR');
  if (ptr.kind === 'pending') return null;
  if (ptr.kind !== 'answer') return [];
  const type = address.includes(':') ? 'AAAA' : 'A';
  const out: string[] = [];
  for (const name of ptr.data) {
    const fwd = dns.lookup(name, type);
    if (fwd.kind === 'pending') return null;
    if (fwd.kind === 'answer' && fwd.data.includes(address)) out.push(name);
  }
  return out;
}

/** The host name a greeting announces: "220 mx.example.com ESMTP Postfix" → "mx.example.com". */
export const greetingName = (greeting: string): string => (greeting.trim().split(/\s+/)[0] ?? '').replace(/\.$/, '').toLowerCase();

export default defineMailCheck({
  id: 'MAIL-SMTP-BANNER',
  title: 'SMTP greeting names another host than the address\'s forward-confirmed name',
  severity: 'low',
  references: [`${SMTP_RFC.smtp}#section-4.3.1`, 'https://www.rfc-editor.org/rfc/rfc8601#section-2.7.3'],
  rationale: 'The 220 greeting (and the EHLO name the same MTA uses when it sends) should be the name the address\'s PTR points to and which resolves back to it. Receivers compare them; a mismatch is a common spam signal and makes logs and reports harder to read.',
  remediation: 'Set the MTA\'s host name to the forward-confirmed name of the address (Postfix: myhostname, or smtpd_banner), or change the PTR and A records so that they agree with it.',
  evaluate: (dns, ctx) => {
    const p = planSmtpTargets(dns, ctx);
    if ('pending' in p) return ctx.smtp ? p.pending : { status: 'not-applicable', message: 'the SMTP/TLS probes were not run in this audit' };
    // The PTRs first, so the DNS passes fetch them before the probes run.
    const names = new Map<string, string[]>();
    for (const t of p.plan.targets) {
      if (names.has(t.address)) continue;
      const n = fcrdnsNames(dns, t.address);
      if (n === null) return { status: 'error', message: `PTR of ${t.address}: not looked up yet` };
      names.set(t.address, n);
    }
    const f = smtpFactsFor(dns, ctx);
    if ('outcome' in f) return f.outcome;
    // One greeting per host and address: port 25's, else the first SMTP port that greeted.
    const byAddr = new Map<string, (typeof f.facts.ports)[number]>();
    for (const port of f.facts.ports) {
      if (!isSmtpPort(port.port) || port.greeting === null) continue;
      const k = `${port.host}|${port.address}`;
      const prev = byAddr.get(k);
      if (!prev || (port.port === 25 && prev.port !== 25)) byAddr.set(k, port);
    }
    const results = [...byAddr.values()].map((port) => {
      const fc = names.get(port.address) ?? [];
      const expected = fc.length ? fc : port.byAddress ? [] : [port.host];
      if (!expected.length) return null;
      const said = greetingName(port.greeting!);
      if (expected.includes(said)) return {};
      const f: FindingDraft = {
        severity: 'low',
        resource: `smtp-banner:${port.host}/${port.address}`,
        evidence: `${where(port)}: the greeting names "${said}" ("220 ${port.greeting!.slice(0, 120)}"); ${fc.length ? `the address's forward-confirmed name is ${fc.join(', ')}` : `the address has no forward-confirmed PTR; the host is ${port.host}`}`,
      };
      return { findings: [f] };
    });
    return fold(results, 'no SMTP greeting was read');
  },
});
