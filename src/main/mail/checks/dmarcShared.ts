// What the DMARC checks share: the policy record that applies to the domain (tree walk).
import { discoverDmarc, parseDmarc, type DmarcDiscovery, type DmarcRecord } from '../dmarc';
import type { DnsView } from '../dnsView';
import type { MailOutcome } from './types';

export interface AppliedDmarc {
  discovery: DmarcDiscovery;
  record: DmarcRecord;
  /** Found at the domain itself (false: inherited from an ancestor by the tree walk). */
  own: boolean;
}

export function dmarcOf(dns: DnsView, domain: string): { dmarc: AppliedDmarc } | { discovery: DmarcDiscovery; outcome: MailOutcome } {
  const discovery = discoverDmarc(dns, domain);
  if (discovery.pending) return { discovery, outcome: { status: 'error', message: 'DMARC lookups not finished' } };
  if (discovery.errors.length) return { discovery, outcome: { status: 'error', message: `DMARC lookup failed: ${discovery.errors.join('; ')}` } };
  if (discovery.records.length !== 1) return { discovery, outcome: { status: 'not-applicable', message: 'no single DMARC record applies (see MAIL-DMARC-RECORD)' } };
  return { dmarc: { discovery, record: parseDmarc(discovery.records[0]!), own: discovery.policyDomain === domain.toLowerCase() } };
}

export const dmarcResource = (domain: string): string => `dmarc:${domain}`;
