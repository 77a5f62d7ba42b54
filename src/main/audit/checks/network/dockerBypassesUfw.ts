import { addressScope } from '../../parsers/addresses';
import { dockerChains } from '../../parsers/netfilter';
import { defineCheck } from '../types';
import { UFW_REF } from './ports';

export default defineCheck({
  id: 'NET-DOCKER-BYPASSES-UFW',
  title: 'Docker-published ports bypass ufw',
  category: 'network',
  severity: 'high',
  references: [UFW_REF, 'https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-and-ufw', 'https://github.com/chaifeng/ufw-docker'],
  rationale:
    'Docker publishes container ports with its own iptables rules (nat PREROUTING → DNAT, FORWARD → DOCKER). That traffic never passes ufw’s INPUT rules, so a port ufw “blocks” is still open to the internet.',
  remediation:
    'Publish ports on 127.0.0.1 (`127.0.0.1:5432:5432`) and put a reverse proxy in front, or filter in the DOCKER-USER chain (e.g. ufw-docker, or `iptables -I DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP`).',
  fixKind: 'manual',
  requires: ['ufw', 'netfilter'],
  evaluate: ({ ufw, netfilter }) => {
    if (!ufw.active) return { status: 'not-applicable', message: 'ufw is not active (exposed container ports are judged by NET-DB-PORT-PUBLIC and the container checks)' };
    if (!netfilter.iptables) return { status: 'not-applicable', message: 'iptables-save is not installed: Docker’s chains could not be read' };
    const d = dockerChains(netfilter.iptables);
    if (!d.present) return { status: 'not-applicable', message: 'no DOCKER chain: Docker is absent or runs with --iptables=false' };
    const exposed = d.published.filter((p) => p.hostAddress === null || addressScope(p.hostAddress) !== 'loopback');
    if (!exposed.length) return { status: 'pass' };
    if (d.userFiltering) return { status: 'pass' };
    return {
      status: 'fail',
      findings: exposed.map((p) => ({
        severity: 'high' as const,
        resource: `docker-published:${p.proto}:${p.hostAddress ?? '0.0.0.0'}:${p.hostPort}`,
        evidence: `ufw is active, but Docker publishes ${p.proto} ${p.hostAddress ?? '0.0.0.0'}:${p.hostPort}${p.destination ? ` → ${p.destination}` : ''} (${p.rule}) and DOCKER-USER has no filtering rules`,
      })),
    };
  },
});
