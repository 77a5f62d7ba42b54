import { defineCheck } from '../types';
import { endOfDay, eolEntry } from './eol';

/** How early an approaching end of life is reported (low). */
export const EOL_WARNING_DAYS = 120;

export default defineCheck({
  id: 'SYS-OS-EOL',
  title: 'The operating system is past its end of life',
  category: 'system',
  severity: 'high',
  references: ['https://wiki.debian.org/LTS', 'https://ubuntu.com/about/release-cycle', 'https://alpinelinux.org/releases/'],
  rationale:
    'A release past its end of life gets no security updates: every vulnerability found since stays open, whatever else is hardened. Approaching the date is the time to plan the upgrade.',
  remediation:
    'Upgrade to a supported release (Debian: follow the release notes, e.g. `apt full-upgrade` after switching the sources to the next codename; Ubuntu: `do-release-upgrade`), or migrate the services to a freshly installed host. For Ubuntu LTS under an Ubuntu Pro (ESM) subscription, accept this finding with the subscription as the reason.',
  fixKind: 'manual',
  effort: 'high',
  requires: ['os', 'systemInfo'],
  evaluate: ({ os, systemInfo }) => {
    const entry = eolEntry(os.id, os.versionId);
    if (!entry) return { status: 'not-applicable', message: `no end-of-life data for ${os.prettyName ?? os.id ?? 'this OS'}` };
    const now = systemInfo.now * 1000;
    const eol = endOfDay(entry.eol);
    const resource = `os:${os.id}-${os.versionId}`;
    if (now > eol) {
      const days = Math.floor((now - eol) / 86_400_000);
      return { status: 'fail', findings: [{ severity: 'high', resource, evidence: `${entry.name} reached its end of life on ${entry.eol} (${days} days ago); it gets no security updates` }] };
    }
    const left = Math.floor((eol - now) / 86_400_000);
    if (left <= EOL_WARNING_DAYS)
      return {
        status: 'fail',
        findings: [{ severity: 'low', resource, title: 'The operating system reaches its end of life soon', evidence: `${entry.name} reaches its end of life on ${entry.eol} (in ${left} days)` }],
      };
    return { status: 'pass' };
  },
});
