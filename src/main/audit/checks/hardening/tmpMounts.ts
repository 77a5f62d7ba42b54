import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { CIS } from './common';

const WANT = ['nodev', 'nosuid', 'noexec'] as const;
const POINTS: ReadonlyArray<[string, string]> = [
  ['/tmp', '1.1.2.1'],
  ['/dev/shm', '1.1.2.2'],
  ['/var/tmp', '1.1.2.5'],
];

export default defineCheck({
  id: 'SYS-TMP-MOUNT-OPTIONS',
  title: 'Temporary folders are not mounted nodev, nosuid, noexec',
  category: 'system',
  severity: 'low',
  cis: `${CIS} 1.1.2.1.1–1.1.2.1.4, 1.1.2.2.1–1.1.2.2.4, 1.1.2.5.1–1.1.2.5.4`,
  references: ['https://manpages.debian.org/bookworm/mount/mount.8.en.html#FILESYSTEM-INDEPENDENT_MOUNT_OPTIONS', 'Lynis FILE-6310, FILE-6374'],
  rationale:
    'Every user (and every compromised service) may write to /tmp, /var/tmp and /dev/shm. Mounted with nosuid a planted setuid program does not run as its owner, with nodev a planted device file opens nothing, with noexec a dropped binary cannot be started directly. A separate file system also keeps a full /tmp from filling the root file system. Hardening, not an exposure: low.',
  remediation:
    'Mount each as its own file system with `nodev,nosuid,noexec`: for /tmp `systemctl unmask tmp.mount && systemctl enable --now tmp.mount` (a tmpfs) and add the options with `systemctl edit tmp.mount` ([Mount] Options=mode=1777,strictatime,nosuid,nodev,noexec,size=2G); for /dev/shm an /etc/fstab line `tmpfs /dev/shm tmpfs defaults,rw,nosuid,nodev,noexec,relatime 0 0` and `mount -o remount /dev/shm`; for /var/tmp its own partition or a bind mount with the same options. Test software that unpacks and runs code under /tmp (some installers) after the change.',
  fixKind: 'manual',
  requires: ['hostHardening', 'systemInfo'],
  evaluate: ({ hostHardening, systemInfo }) => {
    if (systemInfo.container !== null) return { status: 'not-applicable', message: `this host is a ${systemInfo.container} container: its mounts are set by the container runtime` };
    const findings: FindingDraft[] = [];
    for (const [mp, cis] of POINTS) {
      const m = hostHardening.mounts.find((x) => x.mountpoint === mp);
      if (!m) {
        findings.push({ severity: 'low', resource: `mount:${mp}`, evidence: `${mp} is not a separate file system (part of the one holding ${mp === '/var/tmp' ? '/var' : '/'}), so none of nodev, nosuid, noexec can apply to it (CIS ${cis})` });
        continue;
      }
      const missing = WANT.filter((o) => !m.options.includes(o));
      if (missing.length) findings.push({ severity: 'low', resource: `mount:${mp}`, evidence: `${mp} (${m.fstype}) is mounted ${m.options.join(',')}: ${missing.join(', ')} missing (CIS ${cis})` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
