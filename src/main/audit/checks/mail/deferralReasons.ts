import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { POSTFIX_REFS } from './postfixExposure';

/** Recipients deferred for one domain from which on the check says medium rather than low. */
export const DEFERRED_MEDIUM = 10;

export default defineCheck({
  id: 'MAIL-QUEUE-DEFERRALS',
  title: 'Mail deferred by Postfix',
  category: 'mail',
  severity: 'medium',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/QSHAPE_README.html'],
  rationale:
    'Each deferred recipient is mail that did not arrive on time. A few, briefly, are normal (greylisting, a receiver busy for a minute); many for one domain, or the same refusal for every domain, mean a problem on this side: the server on a blocklist, broken DNS or IPv6, a relay host down, a TLS policy that cannot be met. The reason text says which. Addresses are shown as their domain only.',
  remediation: 'Act on the reason: a 5xx/4xx text naming a blocklist → request delisting and find what sent spam; "Connection refused/timed out" → check the receiver (MX) and this host\'s outbound port 25; "Host or domain name not found" → DNS. Then `postqueue -f`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const d = postfix.queueDetail;
    if (!d) return { status: 'not-applicable', message: postfix.queueNote ?? 'the queue could not be read' };
    if (!d.reasons.length) return { status: 'pass' };
    // One finding per recipient domain (its identity), with that domain's reasons.
    const byDomain = new Map<string, { count: number; reasons: string[] }>();
    for (const r of d.reasons) {
      const e = byDomain.get(r.domain) ?? { count: 0, reasons: [] };
      e.count += r.count;
      e.reasons.push(`${r.count}× "${r.reason}"`);
      byDomain.set(r.domain, e);
    }
    const more = d.reasonGroups > d.reasons.length ? `; ${d.reasonGroups - d.reasons.length} more reason group(s), ${d.reasonRecipients} deferred recipient(s) in all` : '';
    const findings: FindingDraft[] = [...byDomain].map(([domain, e]) => ({
      severity: e.count >= DEFERRED_MEDIUM ? 'medium' : 'low',
      resource: `postfix:deferred:${domain}`,
      evidence: `${e.count} recipient(s) at ${domain} deferred: ${e.reasons.join('; ')}${more}`,
    }));
    return { status: 'fail', findings };
  },
});
