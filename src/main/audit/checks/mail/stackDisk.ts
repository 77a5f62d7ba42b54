import type { FindingDraft } from '../types';
import { defineCheck } from '../types';

export const DISK_HIGH_PERCENT = 95;
export const DISK_MEDIUM_PERCENT = 85;

export default defineCheck({
  id: 'MAIL-STACK-DISK',
  title: 'The mail volume is nearly full',
  category: 'mail',
  severity: 'high',
  references: ['https://www.postfix.org/postconf.5.html#queue_minfree', 'https://doc.dovecot.org/configuration_manual/quota_plugin/'],
  rationale:
    'When the file system holding mailboxes or the mail queue fills up, Dovecot cannot deliver (mail bounces or waits), Postfix refuses mail ("insufficient system storage", queue_minfree) and databases inside the stack can corrupt. Judged on the file systems of /var/mail, /var/vmail, /var/spool/postfix and the stack containers\' mail volumes.',
  remediation: 'Free space (old logs, Docker images: `docker system df`), expunge or archive large mailboxes, or grow the volume; then `postqueue -f`.',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    if (!mailStack.disks.length) return { status: 'not-applicable', message: 'no mail volume found' };
    const findings: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const d of mailStack.disks) {
      if (seen.has(d.mountedOn) || d.usePercent < DISK_MEDIUM_PERCENT) continue;
      seen.add(d.mountedOn);
      const paths = mailStack.disks.filter((x) => x.mountedOn === d.mountedOn).map((x) => x.path);
      findings.push({
        severity: d.usePercent >= DISK_HIGH_PERCENT ? 'high' : 'medium',
        resource: `filesystem:${d.mountedOn}`,
        evidence: `${d.mountedOn} (${d.filesystem}, holding ${paths.join(', ')}) is ${d.usePercent} % full: ${Math.round(d.availKb / 1024)} MiB free of ${Math.round(d.sizeKb / 1024)} MiB`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
