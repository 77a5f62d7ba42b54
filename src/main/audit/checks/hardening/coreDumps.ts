import { coreLimits, systemdKey } from '../../parsers/hardening';
import { defineCheck } from '../types';
import { CIS } from './common';

export default defineCheck({
  id: 'SYS-CORE-DUMPS',
  title: 'Core dumps are not restricted',
  category: 'system',
  severity: 'low',
  cis: `${CIS} 1.5.3`,
  references: ['https://manpages.debian.org/bookworm/libpam-modules/limits.conf.5.en.html', 'https://manpages.debian.org/bookworm/systemd-coredump/coredump.conf.5.en.html', 'Lynis KRNL-5820'],
  rationale:
    'A core dump is a copy of a crashed program\'s memory: passwords, keys and session tokens it held end up in a file. CIS asks for a hard `core` limit of 0 for every user and, where systemd-coredump collects dumps, Storage=none and ProcessSizeMax=0. KRNL-SUID-DUMPABLE covers setuid programs (fs.suid_dumpable); this check covers every other program. Low: it needs a crash and read access to the dump.',
  remediation:
    'Add `* hard core 0` to /etc/security/limits.conf (or a file in /etc/security/limits.d/); where systemd-coredump is installed, put `Storage=none` and `ProcessSizeMax=0` under [Coredump] in /etc/systemd/coredump.conf.d/60-no-dumps.conf and run `systemctl daemon-reload`.',
  fixKind: 'manual',
  requires: ['hostHardening'],
  evaluate: ({ hostHardening: h }) => {
    const problems: string[] = [];
    const limits = coreLimits(h);
    const hard = limits.filter((l) => l.domain === '*' && (l.type === 'hard' || l.type === '-'));
    if (!hard.some((l) => l.value === '0')) {
      problems.push(
        hard.length
          ? `the hard core limit for * is ${hard.map((l) => `${l.value} (${l.file})`).join(', ')}, not 0`
          : `no \`* hard core 0\` in /etc/security/limits.conf or limits.d${limits.length ? ` (core lines seen: ${limits.map((l) => `${l.domain} ${l.type} ${l.value}`).join('; ')})` : ''}`,
      );
    }
    if (h.coredump.systemdCoredump) {
      const storage = systemdKey(h, '/etc/systemd/coredump.conf', 'Storage');
      const size = systemdKey(h, '/etc/systemd/coredump.conf', 'ProcessSizeMax');
      if (storage?.value !== 'none') problems.push(`systemd-coredump Storage=${storage?.value ?? 'external (default)'}, not none`);
      if (size?.value !== '0') problems.push(`systemd-coredump ProcessSizeMax=${size?.value ?? '(default)'}, not 0`);
    }
    if (!problems.length) return { status: 'pass' };
    const pattern = h.config.find((c) => c.file === '/proc/sys/kernel/core_pattern')?.line;
    return { status: 'fail', findings: [{ severity: 'low', resource: 'system:core-dumps', evidence: `${problems.join('; ')}${pattern !== undefined ? `; kernel.core_pattern = ${pattern}` : ''}` }] };
  },
});
