import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { afterUfw, describeSocket, externalSockets, INSECURE_SERVICES, scopeText, serviceFor, socketResource, SS_REF, ufwVerdict } from './ports';

export default defineCheck({
  id: 'NET-INSECURE-SERVICES',
  title: 'Clear-text or legacy network service listens',
  category: 'network',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 2.2 (service clients) / 2.1 (special purpose services)',
  references: [SS_REF],
  rationale: 'Telnet, rsh/rlogin/rexec, FTP, TFTP and SNMP v1/v2c send passwords (or nothing at all) in clear text; they have secure replacements (SSH, SFTP, SNMPv3).',
  remediation: 'Stop and disable the service (`systemctl disable --now …`, remove the package) or bind it to 127.0.0.1; use SSH/SFTP instead of Telnet/rsh/FTP.',
  fixKind: 'manual',
  requires: ['listening', 'ufw'],
  evaluate: ({ listening, ufw }) => {
    const findings: FindingDraft[] = [];
    for (const s of externalSockets(listening)) {
      const svc = serviceFor(INSECURE_SERVICES, s);
      if (!svc) continue;
      const v = ufwVerdict(ufw, s);
      findings.push({
        severity: afterUfw(svc.severity, v),
        resource: socketResource(s),
        title: `${svc.name} listens on the network`,
        evidence: `${describeSocket(s)}: ${svc.name} on ${scopeText(s)} (${svc.why}); ${v.note}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
