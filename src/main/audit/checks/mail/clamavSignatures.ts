import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { ageText, DAY_S } from './health';

/** ClamAV publishes daily signatures several times a day; older than this means freshclam is not updating. */
export const CLAMAV_MAX_AGE_S = 3 * DAY_S;

export default defineCheck({
  id: 'MAIL-CLAMAV-SIGNATURES',
  title: 'ClamAV signatures are old or missing',
  category: 'mail',
  severity: 'medium',
  references: ['https://docs.clamav.net/manual/Usage/SignatureManagement.html', 'https://docs.clamav.net/manual/Usage/Configuration.html#freshclamconf'],
  rationale:
    'The mail virus scanner is only as good as its signatures: ClamAV publishes daily updates several times a day, and freshclam (or Mailcow\'s clamd container) fetches them. A daily database several days old means updates stopped (blocked mirror, rate limit, full disk, freshclam down) and new malware passes unnoticed. The age is the build time in the database header (mtime when there is none).',
  remediation: 'Run `freshclam` (Mailcow: `docker compose restart clamd-mailcow`) and read its output; check outbound HTTPS to database.clamav.net and the disk space of /var/lib/clamav.',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    const present = mailStack.sigs.length > 0 || mailStack.containers.some((c) => c.role === 'clamav') || mailStack.services.some((s) => s.unit.startsWith('clamav-'));
    if (!present) return { status: 'not-applicable', message: 'no ClamAV on this host (service, container or signature files)' };
    const now = mailStack.now;
    if (now === null) return { status: 'not-applicable', message: "the host's clock was not read" };
    const daily = mailStack.sigs.filter((s) => /\/daily\.c[lv]d$/.test(s.path));
    const findings: FindingDraft[] = [];
    if (!daily.length) findings.push({ severity: 'medium', resource: 'clamav:daily', evidence: `ClamAV is present but no daily.cvd/daily.cld was found${mailStack.sigs.length ? ` (found: ${mailStack.sigs.map((s) => s.path).join(', ')})` : ' in /var/lib/clamav or the clamd container\'s database volume'}` });
    for (const s of daily) {
      const t = s.built ?? s.mtime;
      if (now - t <= CLAMAV_MAX_AGE_S) continue;
      findings.push({ severity: 'medium', resource: `clamav:${s.path}`, evidence: `${s.path}${s.version !== null ? ` (version ${s.version})` : ''} was built ${ageText(now - t)} ago (${new Date(t * 1000).toISOString()}); updates older than ${ageText(CLAMAV_MAX_AGE_S)} mean freshclam is not updating` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
