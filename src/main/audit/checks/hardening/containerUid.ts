import { isLoginShell } from '../../parsers/accounts';
import { about, containerResource, DOCKER_SECURITY_REF } from '../containers/eachContainer';
import { defineCheck, type FindingDraft } from '../types';

/** The numeric uid of a container's Config.User ("1000", "1000:1000"); null for names and root. */
export function numericUid(user: string): number | null {
  const m = /^(\d{1,10})(?::.*)?$/.exec(user.trim());
  if (!m) return null;
  const uid = Number(m[1]);
  return uid > 0 ? uid : null;
}

export default defineCheck({
  id: 'DOCKER-UID-HOST-ACCOUNT',
  title: 'Container runs as the UID of a host account and writes to host folders',
  category: 'containers',
  severity: 'medium',
  references: [DOCKER_SECURITY_REF, 'https://docs.docker.com/engine/security/userns-remap/'],
  rationale:
    'Inside a container a UID is only a number, and without user-namespace remapping the host kernel sees the same number: a container running as 1000 is, for every host folder it mounts read-write, the host account with uid 1000. A compromised container then writes files that belong to that person and changes whatever that person owns in its mounts (a mounted home: their ~/.bashrc and ~/.ssh). Medium when the account has a login shell; low for a service account. Not a CIS item (CIS Docker 2.10 asks for user-namespace remapping in general). Root in the container is DOCKER-ROOT-USER\'s finding; a named user cannot be resolved from the host and is skipped.',
  remediation:
    'Run the container as a UID no host account has (e.g. 10001, created in the image), and `chown` its data folders to that UID; or enable `userns-remap` in /etc/docker/daemon.json; mount a person\'s home into a container only read-only, if at all.',
  fixKind: 'manual',
  requires: ['docker', 'accounts'],
  evaluate: ({ docker, accounts }) => {
    if (!docker.containers.length) return { status: 'not-applicable', message: 'no containers on this host' };
    if (docker.daemon.userns || docker.daemon.rootless) return { status: 'not-applicable', message: `the daemon ${docker.daemon.rootless ? 'runs rootless' : 'remaps user namespaces'}: container UIDs are not host UIDs` };
    const findings: FindingDraft[] = [];
    for (const c of docker.containers) {
      const uid = numericUid(c.user);
      if (uid === null) continue;
      const account = accounts.users.find((u) => u.uid === uid);
      const rw = c.mounts.filter((m) => m.type === 'bind' && m.rw);
      if (!account || !rw.length) continue;
      const login = isLoginShell(account.shell);
      const inHome = rw.filter((m) => account.home && account.home !== '/' && (m.source === account.home || m.source.startsWith(`${account.home}/`)));
      findings.push({
        severity: login ? 'medium' : 'low',
        resource: containerResource(c),
        evidence: `${c.name} runs as uid ${uid} = host account ${account.name} (${login ? `login shell ${account.shell}` : `no login shell`}) with read-write bind mounts ${rw.map((m) => `${m.source} → ${m.destination}`).join(', ')}${inHome.length ? `; ${inHome.map((m) => m.source).join(', ')} is ${account.name}'s home` : ''} (${about(c)})`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
