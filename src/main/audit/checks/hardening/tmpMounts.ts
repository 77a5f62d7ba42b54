import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { CIS } from './common';

const WANT = ['nodev', 'nosuid', 'noexec'] as const;
/** Mount points whose separate file system CIS Level 1 asks for (reported when absent), with their CIS section. */
const POINTS: ReadonlyArray<[string, string]> = [
  ['/tmp', '1.1.2.1'],
  ['/dev/shm', '1.1.2.2'],
  ['/var/tmp', '1.1.2.5'],
];
/** Separate only at Level 2: judged when they are separate file systems, never reported for being part of another. */
const OPTIONAL: ReadonlyArray<[string, string, ReadonlyArray<(typeof WANT)[number]>]> = [
  ['/home', '1.1.2.3', ['nodev', 'nosuid']],
  ['/var', '1.1.2.4', ['nodev', 'nosuid']],
  ['/var/log', '1.1.2.6', WANT],
  ['/var/log/audit', '1.1.2.7', WANT],
];

export default defineCheck({
  id: 'SYS-TMP-MOUNT-OPTIONS',
  title: 'Temporary and data file systems are not mounted nodev, nosuid, noexec',
  category: 'system',
  severity: 'low',
  cis: `${CIS} 1.1.2.1.1–1.1.2.1.4, 1.1.2.2.1–1.1.2.2.4, 1.1.2.3.2–3, 1.1.2.4.2–3, 1.1.2.5.1–1.1.2.5.4, 1.1.2.6.2–4, 1.1.2.7.2–4`,
  references: ['https://manpages.debian.org/bookworm/mount/mount.8.en.html#FILESYSTEM-INDEPENDENT_MOUNT_OPTIONS', 'Lynis FILE-6310, FILE-6374'],
  rationale:
    'Every user (and every compromised service) may write to /tmp, /var/tmp and /dev/shm. Mounted with nosuid a planted setuid program does not run as its owner, with nodev a planted device file opens nothing, with noexec a dropped binary cannot be started directly. A separate file system also keeps a full /tmp from filling the root file system. /home and /var (nodev, nosuid), /var/log and /var/log/audit (all three) are judged when they are file systems of their own; CIS asks for them to be separate only at Level 2, so their absence is not reported. Hardening, not an exposure: low.',
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
    for (const [mp, cis, want] of OPTIONAL) {
      const m = hostHardening.mounts.find((x) => x.mountpoint === mp);
      const missing = m ? want.filter((o) => !m.options.includes(o)) : [];
      if (m && missing.length) findings.push({ severity: 'low', resource: `mount:${mp}`, evidence: `${mp} (${m.fstype}) is mounted ${m.options.join(',')}: ${missing.join(', ')} missing (CIS ${cis})` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
