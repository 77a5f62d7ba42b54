import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-HOST-NETWORK',
  title: 'Container shares the host network namespace',
  category: 'containers',
  severity: 'high',
  cis: cisDocker('5.10'),
  references: [`${DOCKER_RUN_REF}#network-settings`],
  rationale:
    'The container sees and can bind every host interface, reach services listening on localhost only, and sniff or change host traffic with NET_RAW/NET_ADMIN; published-port and firewall rules no longer apply.',
  remediation: 'Remove `network_mode: host` (`--network host`); use a bridge network and publish only the needed ports, bound to a specific address.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.networkMode === 'host' ? { severity: 'high', resource: containerResource(c), evidence: `network_mode host (${about(c)})` } : null,
    ),
});
