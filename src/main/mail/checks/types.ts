// A mail check: metadata plus a pure evaluate over DNS answers (through a DnsView, see
// ../dnsView.ts). Same outcome shape as the host checks, plus `error` for lookups that failed.
import type { Severity } from '../../../shared/domain';
import type { CheckOutcome } from '../../audit/checks/types';
import type { DnsView } from '../dnsView';
import type { SmtpContext } from '../smtpFacts';
import type { HostDkim } from '../hostDkim';
import type { MtaStsFetch } from '../mtaSts';

export interface MailContext {
  domain: string;
  /** DKIM selectors the user named. */
  selectors: readonly string[];
  /** DNSBL zones asked about each MX address. */
  dnsblZones: readonly string[];
  /** Which resolver answered ("10.213.0.2:53 (--resolver)"), for evidence that depends on it. */
  resolverLabel: string;
  /** The SMTP/TLS probes (../smtpFacts.ts): named hosts, relay test, what was found; undefined: probes off. */
  smtp?: SmtpContext | undefined;
  /** The MTA-STS policy fetched over HTTPS (../mtaSts.ts); undefined until the audit fetched it. */
  mtaStsPolicy?: MtaStsFetch | undefined;
  /** DKIM keys read over SSH from the linked mail host (../hostDkim.ts); undefined: no host linked. */
  hostDkim?: HostDkim | undefined;
}

export type MailOutcome = CheckOutcome | { status: 'error'; message: string };

export interface MailCheckDef {
  /** Stable forever: findings, triage and history key on it. */
  id: string;
  title: string;
  category: 'mail';
  /** The worst severity this check can raise; its weight in grading. */
  severity: Severity;
  /** RFC sections and other references. */
  references: string[];
  rationale: string;
  remediation: string;
  evaluate(dns: DnsView, ctx: MailContext): MailOutcome;
}

export function defineMailCheck(def: Omit<MailCheckDef, 'category'>): MailCheckDef {
  return { ...def, category: 'mail' };
}

export const RFC = {
  spf: 'https://www.rfc-editor.org/rfc/rfc7208',
  dkim: 'https://www.rfc-editor.org/rfc/rfc6376',
  dkimCrypto: 'https://www.rfc-editor.org/rfc/rfc8301',
  dkimEd25519: 'https://www.rfc-editor.org/rfc/rfc8463',
  dmarc: 'https://www.rfc-editor.org/rfc/rfc9989',
  dmarc7489: 'https://www.rfc-editor.org/rfc/rfc7489',
  dmarcReports: 'https://www.rfc-editor.org/rfc/rfc9990',
  mtaSts: 'https://www.rfc-editor.org/rfc/rfc8461',
  tlsRpt: 'https://www.rfc-editor.org/rfc/rfc8460',
  smtp: 'https://www.rfc-editor.org/rfc/rfc5321',
  nullMx: 'https://www.rfc-editor.org/rfc/rfc7505',
  dnsClarify: 'https://www.rfc-editor.org/rfc/rfc2181',
  dnsbl: 'https://www.rfc-editor.org/rfc/rfc5782',
  dnssec: 'https://www.rfc-editor.org/rfc/rfc4035',
  dane: 'https://www.rfc-editor.org/rfc/rfc7672',
} as const;
