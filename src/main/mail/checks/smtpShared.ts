// What the SMTP/TLS checks share: references and the per-port outcome helper.
import type { FindingDraft } from '../../audit/checks/types';
import type { DnsView } from '../dnsView';
import { smtpFactsFor, type PortProbe, type SmtpFacts, type SmtpPlan } from '../smtpFacts';
import type { MailContext, MailOutcome } from './types';

export const SMTP_RFC = {
  starttls: 'https://www.rfc-editor.org/rfc/rfc3207',
  implicitTls: 'https://www.rfc-editor.org/rfc/rfc8314',
  tlsBcp: 'https://www.rfc-editor.org/rfc/rfc9325',
  deprecateTls10: 'https://www.rfc-editor.org/rfc/rfc8996',
  pkix: 'https://www.rfc-editor.org/rfc/rfc5280',
  names: 'https://www.rfc-editor.org/rfc/rfc6125',
  daneSmtp: 'https://www.rfc-editor.org/rfc/rfc7672',
  daneOps: 'https://www.rfc-editor.org/rfc/rfc7671',
  smtp: 'https://www.rfc-editor.org/rfc/rfc5321',
  relay: 'https://www.rfc-editor.org/rfc/rfc5068',
} as const;

/**
 * Runs `each` over the probed ports (those `pick` keeps) and folds the findings and undecidable
 * ports into one outcome: findings → fail; else anything undecidable → error; else pass; no
 * port picked → not-applicable with `none`.
 */
export function perPort(
  dns: DnsView,
  ctx: MailContext,
  pick: (p: PortProbe) => boolean,
  each: (p: PortProbe, facts: SmtpFacts) => { findings?: FindingDraft[]; error?: string } | null,
  none: string,
): MailOutcome {
  const f = smtpFactsFor(dns, ctx);
  if ('outcome' in f) return f.outcome;
  return fold(f.facts.ports.filter(pick).map((p) => each(p, f.facts)), none);
}

export function fold(results: Array<{ findings?: FindingDraft[]; error?: string } | null>, none: string): MailOutcome {
  const used = results.filter((r): r is { findings?: FindingDraft[]; error?: string } => r !== null);
  if (!used.length) return { status: 'not-applicable', message: none };
  const findings = used.flatMap((r) => r.findings ?? []);
  if (findings.length) return { status: 'fail', findings };
  const errors = used.flatMap((r) => (r.error ? [r.error] : []));
  if (errors.length) return { status: 'error', message: errors.join('; ') };
  return { status: 'pass' };
}

export type { SmtpPlan };
