// How a host's mail checks are grouped as an operator reads a mail server (by check id): the
// Deliverability panel's stack health (renderer components/StackHealth.tsx) shows them so.
export type StackGroup = 'queue' | 'tls' | 'stack' | 'filters' | 'dkim' | 'postfix';

export const STACK_GROUPS: ReadonlyArray<{ id: StackGroup; label: string }> = [
  { id: 'queue', label: 'Queue' },
  { id: 'tls', label: 'TLS and certificates' },
  { id: 'stack', label: 'Stack containers and services' },
  { id: 'filters', label: 'Rspamd and ClamAV' },
  { id: 'dkim', label: 'DKIM signing' },
  { id: 'postfix', label: 'Postfix configuration' },
];

/** Which group a mail check belongs to, by its id (MAIL-STACK-CERT is a certificate, so TLS). */
export function stackGroupOf(checkId: string): StackGroup {
  if (checkId.startsWith('MAIL-QUEUE-')) return 'queue';
  if (checkId.startsWith('MAIL-TLS-') || checkId === 'MAIL-STACK-CERT' || /^MAIL-SMTPD?-(CLIENT-)?NO-TLS$/.test(checkId)) return 'tls';
  if (checkId.startsWith('MAIL-STACK-')) return 'stack';
  if (checkId.startsWith('MAIL-RSPAMD') || checkId.startsWith('MAIL-CLAMAV-')) return 'filters';
  if (checkId.startsWith('MAIL-DKIM-')) return 'dkim';
  return 'postfix';
}
