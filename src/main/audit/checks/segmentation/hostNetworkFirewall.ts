import { dockerChains, incomingFiltering } from '../../parsers/netfilter';
import { defineCheck } from '../types';
import { SEG_REF } from './roles';

export default defineCheck({
  id: 'SEG-HOST-NETWORK-UNFILTERED',
  title: 'Host-network container beside a firewall that does not filter it',
  category: 'network',
  severity: 'medium',
  references: [`${SEG_REF}drivers/host/`, 'https://docs.docker.com/engine/network/packet-filtering-firewalls/#add-iptables-policies-before-dockers-rules'],
  rationale:
    'A container on the host network listens on the host’s own interfaces: Docker’s published-port rules and the DOCKER-USER chain (where container traffic is usually filtered) never see it. Only the host’s INPUT rules do — and with no host firewall, every port it opens is public.',
  remediation: 'Give the container a bridge network and publish only the ports it needs, on a chosen address; if it must use the host network, allow its ports explicitly in ufw (default deny incoming) rather than in DOCKER-USER.',
  fixKind: 'manual',
  requires: ['docker', 'ufw', 'netfilter'],
  evaluate: ({ docker, ufw, netfilter }) => {
    const hostNet = docker.containers.filter((c) => c.networkMode === 'host');
    if (!hostNet.length) return { status: 'not-applicable', message: 'no container uses the host network' };
    const filtering = ufw.active || incomingFiltering(netfilter).filtering;
    const userRules = netfilter.iptables ? dockerChains(netfilter.iptables).userFiltering : false;
    if (filtering && !userRules) return { status: 'pass' };
    return {
      status: 'fail',
      findings: hostNet.map((c) => ({
        severity: filtering ? ('low' as const) : ('medium' as const),
        resource: `container:${c.name}`,
        evidence: filtering
          ? `${c.name} (${c.image}) uses the host network: the DOCKER-USER rules that filter the other containers do not apply to it (only the host's INPUT rules do)`
          : `${c.name} (${c.image}) uses the host network and no host firewall filters incoming traffic: every port it listens on is reachable`,
      })),
    };
  },
});
