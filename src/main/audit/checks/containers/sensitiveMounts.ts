import type { Severity } from '../../../../shared/domain';
import type { DockerMount } from '../../parsers/docker';
import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

/** Host directories whose mount is dangerous as such (CIS 5.6 list plus /root and /var/run). */
const SENSITIVE_DIRS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/lib64', '/usr', '/bin', '/sbin', '/proc', '/sys', '/root', '/var/run', '/run', '/var/lib/docker', '/home', '/var', '/var/log']);
/** Of those, the ones that hand over the host when writable (or leak all its secrets when readable). */
const CRITICAL_DIRS = new Set(['/', '/boot', '/dev', '/etc', '/proc', '/sys', '/root', '/var/run', '/run', '/var/lib/docker', '/usr', '/lib', '/bin', '/sbin']);
/** Files and subtrees that are sensitive on their own. */
const SENSITIVE_PREFIXES = ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/ssh', '/etc/docker', '/etc/cron', '/etc/systemd', '/root/', '/var/lib/docker/', '/proc/sys', '/proc/sysrq-trigger', '/sys/kernel', '/sys/firmware', '/dev/mem', '/dev/kmem', '/dev/sd', '/dev/nvme', '/dev/vd', '/boot/'];
const SOCKET = /\.sock$/; // the Docker socket has its own check (DOCKER-SOCKET-MOUNT)

export function sensitivity(m: DockerMount): Severity | null {
  if (m.type !== 'bind' && m.type !== '') return null; // named volumes live under /var/lib/docker/volumes by design
  const src = m.source === '/' ? '/' : m.source.replace(/\/+$/, '');
  if (!src.startsWith('/') || SOCKET.test(src)) return null;
  if (SENSITIVE_DIRS.has(src)) {
    if (CRITICAL_DIRS.has(src)) return m.rw ? 'critical' : 'high';
    return m.rw ? 'high' : 'medium';
  }
  const prefix = SENSITIVE_PREFIXES.find((p) => src.startsWith(p) || src === p.replace(/\/$/, ''));
  if (prefix) return m.rw ? 'critical' : 'high';
  return null;
}

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export default defineCheck({
  id: 'DOCKER-SENSITIVE-MOUNT',
  title: 'Sensitive host directory mounted into a container',
  category: 'containers',
  severity: 'critical',
  cis: cisDocker('5.6'),
  references: [`${DOCKER_RUN_REF}#volume-shared-filesystems`, 'https://docs.docker.com/storage/bind-mounts/'],
  rationale:
    'Mounting /, /etc, /root, /proc, /sys, /dev, /boot, /var/run (and the like) into a container hands it host secrets (/etc/shadow, SSH keys) and, when writable, the host itself (cron, sudoers, authorized_keys).',
  remediation:
    'Mount only the application directories the service needs, read-only where possible (`:ro`). For single files such as /etc/localtime, mount that file read-only instead of /etc.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const hits = c.mounts.map((m) => ({ m, sev: sensitivity(m) })).filter((h): h is { m: DockerMount; sev: Severity } => h.sev !== null);
      if (hits.length === 0) return null;
      const severity = ORDER.find((s) => hits.some((h) => h.sev === s)) ?? 'high';
      const what = hits.map(({ m }) => `${m.source} at ${m.destination} (${m.rw ? 'read-write' : 'read-only'})`).join(', ');
      return { severity, resource: containerResource(c), evidence: `mounts ${what} (${about(c)})` };
    }),
});
