import type { FindingDraft } from '../types';
import { defineCheck } from '../types';

/** Services without which mail is not received, stored, filtered or signed. */
const CORE_UNITS = ['postfix', 'dovecot', 'opendkim', 'rspamd', 'exim4', 'redis-server'];

export default defineCheck({
  id: 'MAIL-STACK-SERVICES',
  title: 'A mail service on the host is down',
  category: 'mail',
  severity: 'high',
  references: ['https://www.freedesktop.org/software/systemd/man/latest/systemctl.html#is-active%20PATTERN%E2%80%A6', 'https://doc.dovecot.org/'],
  rationale:
    'On a plain Postfix + Dovecot + OpenDKIM (or Exim, Rspamd, ClamAV) server each service is needed: Dovecot down means nobody reads mail (and, as the SASL and LMTP service, Postfix may refuse submission or defer delivery); OpenDKIM or Rspamd down means mail leaves unsigned or Postfix defers it (milter_default_action); ClamAV down lets mail through unscanned or defers it. A service is judged down when systemd says it is enabled but not active, or, without systemd, when its pid file names a process that no longer exists.',
  remediation: '`systemctl status UNIT` and `journalctl -u UNIT -n 50` for the reason; `systemctl restart UNIT`. A service that is not wanted: `systemctl disable --now UNIT`.',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    if (!mailStack.services.length) return { status: 'not-applicable', message: 'no mail service is installed on the host' };
    const findings: FindingDraft[] = [];
    for (const s of mailStack.services) {
      const down = mailStack.systemd ? s.enabled === 'enabled' && s.state !== 'active' && s.state !== 'activating' && s.state !== 'reloading' : s.state === 'stale-pid';
      if (!down) continue;
      const why = mailStack.systemd ? `enabled but ${s.state}` : 'its pid file names a process that is gone (it crashed or was killed)';
      findings.push({ severity: CORE_UNITS.includes(s.unit) ? 'high' : 'medium', resource: `service:${s.unit}`, evidence: `${s.unit} is ${why}` });
    }
    if (findings.length) return { status: 'fail', findings };
    if (!mailStack.systemd && mailStack.services.every((s) => s.state === 'no-pid-file' || s.state === 'unknown'))
      return { status: 'not-applicable', message: `without systemd and without pid files the state of ${mailStack.services.map((s) => s.unit).join(', ')} is unknown` };
    return { status: 'pass' };
  },
});
