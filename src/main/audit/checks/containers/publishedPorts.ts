import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

const ALL_ADDRESSES = new Set(['', '0.0.0.0', '::', '[::]']);

export default defineCheck({
  id: 'DOCKER-PORTS-ALL-INTERFACES',
  title: 'Container port published on all host addresses',
  category: 'containers',
  severity: 'medium',
  cis: cisDocker('5.14'),
  references: [`${DOCKER_RUN_REF}#expose-incoming-ports`, 'https://docs.docker.com/network/packet-filtering-firewalls/'],
  rationale:
    'A port published without an address listens on every interface, including public ones, and Docker\'s own iptables rules let the traffic in past UFW and most host firewalls.',
  remediation: 'Bind published ports to the address that needs them: `127.0.0.1:8080:80` for a reverse proxy on the host, or the VPN address; drop ports nobody uses.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const open = c.ports.filter((p) => ALL_ADDRESSES.has(p.hostIp.trim()));
      if (open.length === 0) return null;
      const list = open.map((p) => `${p.hostIp.trim() || '0.0.0.0'}:${p.hostPort || '(random)'}->${p.containerPort}`).join(', ');
      return { severity: 'medium', resource: containerResource(c), evidence: `publishes ${list} (${about(c)})` };
    }),
});
