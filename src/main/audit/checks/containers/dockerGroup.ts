import { defineCheck } from '../types';
import { cisDocker } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-GROUP-MEMBERS',
  title: 'User in the docker group (root-equivalent)',
  category: 'containers',
  severity: 'medium',
  cis: cisDocker('1.1.2'),
  references: ['https://docs.docker.com/engine/security/#docker-daemon-attack-surface', 'https://docs.docker.com/engine/install/linux-postinstall/'],
  rationale:
    'Members of the docker group can use the Docker socket, and with it start a privileged container that mounts the host root: each member is effectively root, without sudo, a password or an audit trail.',
  remediation:
    'Remove users who do not need Docker (`gpasswd -d USER docker`); let admins use `sudo docker` instead, or run rootless Docker for users who need their own containers.',
  fixKind: 'manual',
  requires: ['dockerGroup'],
  evaluate: ({ dockerGroup }) => {
    if (!dockerGroup.group) return { status: 'not-applicable', message: 'this host has no docker group' };
    const members = dockerGroup.group.members.filter((m) => m !== 'root');
    if (members.length === 0) return { status: 'pass' };
    return {
      status: 'fail',
      findings: members.map((m) => ({
        severity: 'medium' as const,
        resource: `group:docker:${m}`,
        evidence: `${m} is a member of the docker group (gid ${dockerGroup.group!.gid})`,
      })),
    };
  },
});
