import { defineCheck } from '../types';
import { age, utc } from './format';

/** Package lists older than this cannot tell which security updates exist. */
export const MAX_LISTS_AGE_S = 7 * 24 * 3600;

export default defineCheck({
  id: 'SYS-PACKAGE-LISTS-STALE',
  title: 'Package lists are out of date',
  category: 'system',
  severity: 'medium',
  references: ['https://manpages.debian.org/bookworm/apt/apt-get.8.en.html'],
  rationale:
    'apt only knows about updates published before its last `apt update`. With stale lists the host looks up to date while security fixes wait unseen, and the pending-update checks cannot be trusted.',
  remediation:
    'Run `apt-get update`, and let it run daily: enable APT::Periodic::Update-Package-Lists "1" (unattended-upgrades does) or a systemd timer / cron job.',
  fixKind: 'manual',
  requires: ['aptUpdates'],
  evaluate: ({ aptUpdates }) => {
    const resource = `apt:lists:${aptUpdates.listsDir ?? '/var/lib/apt/lists/'}`;
    if (aptUpdates.listsCount === 0)
      return { status: 'fail', findings: [{ severity: 'medium', resource, evidence: `no Release files in ${aptUpdates.listsDir ?? 'the lists folder'}: apt update never ran` }] };
    if (aptUpdates.listsUpdatedAt === null || aptUpdates.now === null) return { status: 'not-applicable', message: 'the age of the package lists could not be read' };
    const ageS = aptUpdates.now - aptUpdates.listsUpdatedAt;
    if (ageS <= MAX_LISTS_AGE_S) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'medium', resource, evidence: `package lists last refreshed ${utc(aptUpdates.listsUpdatedAt)}, ${age(ageS)} ago (more than 7 days)` }],
    };
  },
});
