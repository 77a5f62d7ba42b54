// Shared wording of the mail stack checks.
import type { MailStackFacts } from '../../parsers/mailStack';

export function stackLabel(s: MailStackFacts): string {
  const p = s.projects.length ? ` (compose project ${s.projects.join(', ')})` : '';
  return s.kind === 'mailcow' ? `the Mailcow stack${p}` : s.kind === 'docker-mailserver' ? `the docker-mailserver stack${p}` : `the mail stack${p}`;
}

/** Why there are no stack containers to judge: none, or Docker could not be read. */
export function noContainersMessage(s: MailStackFacts): string {
  return s.dockerError ? `the mail stack's containers could not be listed: ${s.dockerError}` : 'no mail stack containers on this host';
}
