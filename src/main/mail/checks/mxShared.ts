import type { DnsView } from '../dnsView';
import { mxSet, type MxHost } from './lookups';
import type { MailOutcome } from './types';

/** The MX hosts, or why MX host checks do not apply. */
export function mxHostsOf(dns: DnsView, domain: string): { hosts: MxHost[] } | { outcome: MailOutcome } {
  const set = mxSet(dns, domain);
  if (set.kind === 'problem') return { outcome: set.outcome };
  if (set.kind === 'null-mx') return { outcome: { status: 'not-applicable', message: 'null MX: the domain receives no mail' } };
  if (set.kind === 'none') return { outcome: { status: 'not-applicable', message: 'the domain has no MX record' } };
  return { hosts: set.hosts };
}
