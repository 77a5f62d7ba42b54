import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { describeSocket, externalSockets, scopeText, socketResource } from './ports';

export default defineCheck({
  id: 'NET-DOCKER-API-EXPOSED',
  title: 'Docker API listens on the network',
  category: 'network',
  severity: 'critical',
  cis: 'CIS Docker Benchmark v1.6.0 2.7 / 3.x (TLS for the daemon socket)',
  references: ['https://docs.docker.com/engine/security/protect-access/'],
  rationale: 'The Docker API is root on the host: whoever reaches it starts a privileged container with the host disk mounted. Without TLS client certificates it has no authentication at all.',
  remediation:
    'Remove `-H tcp://…` from dockerd (systemd unit or daemon.json "hosts") and use the Unix socket over SSH (`docker -H ssh://host`). If remote access is required, use TLS with client certificates (`--tlsverify`) on a VPN address only.',
  fixKind: 'manual',
  requires: ['listening'],
  evaluate: ({ listening }) => {
    const findings: FindingDraft[] = [];
    for (const s of externalSockets(listening)) {
      if (s.proto !== 'tcp') continue;
      const dockerd = s.processes.includes('dockerd');
      if (s.port === 2375 || (dockerd && s.port !== 2376)) {
        findings.push({ severity: 'critical', resource: socketResource(s), evidence: `${describeSocket(s)} on ${scopeText(s)}: the unencrypted Docker API (port 2375) needs no credentials` });
      } else if (s.port === 2376) {
        findings.push({ severity: 'medium', resource: socketResource(s), title: 'Docker TLS API listens on the network', evidence: `${describeSocket(s)} on ${scopeText(s)}: safe only with --tlsverify and client certificates` });
      }
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
