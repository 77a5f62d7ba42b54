import type { AuthorizedKey } from '../../parsers/sshKeys';
import { defineCheck, type FindingDraft } from '../types';
import type { Severity } from '../../../../shared/domain';

/** Why a key is weak and how bad, or null. */
export function keyWeakness(k: AuthorizedKey): { severity: Severity; reason: string } | null {
  if (k.type === 'DSA') return { severity: 'high', reason: 'DSA (1024-bit, disabled since OpenSSH 7.0)' };
  if (k.type === 'RSA' && k.bits !== null && k.bits < 2048) return { severity: 'high', reason: `RSA ${k.bits} bits (< 2048)` };
  if (k.type === 'RSA' && k.bits !== null && k.bits < 3072) return { severity: 'medium', reason: `RSA ${k.bits} bits (< 3072)` };
  return null;
}

export default defineCheck({
  id: 'ACC-WEAK-AUTHORIZED-KEYS',
  title: 'Weak keys are authorized for SSH logins',
  category: 'access',
  severity: 'high',
  references: ['https://www.keylength.com/en/4/', 'https://www.openssh.com/txt/release-7.0'],
  rationale:
    'DSA keys are limited to 1024 bits and RSA keys under 3072 bits fall short of current recommendations (NIST SP 800-57: 3072 bits for security beyond 2030). A login key is only as strong as its weakest authorized peer.',
  remediation:
    'Have the owners create Ed25519 keys (`ssh-keygen -t ed25519`), add them, then remove the old lines from the authorized keys file. Remove keys nobody claims.',
  fixKind: 'manual',
  requires: ['sshKeys'],
  evaluate: ({ sshKeys }) => {
    const findings: FindingDraft[] = [];
    for (const u of sshKeys.users) {
      for (const f of u.files) {
        const weak = f.keys.map((k) => [k, keyWeakness(k)] as const).filter(([, w]) => w !== null);
        if (!weak.length) continue;
        let severity: Severity = weak.some(([, w]) => w!.severity === 'high') ? 'high' : 'medium';
        if (!f.active) severity = 'low';
        findings.push({
          severity,
          resource: `authorized-keys:${f.stat.path}`,
          evidence:
            `${u.user}: ${weak.length} weak key${weak.length === 1 ? '' : 's'} in ${f.stat.path}: ` +
            weak.map(([k, w]) => `${w!.reason} ${k.fingerprint}${k.comment ? ` "${k.comment}"` : ''}`).join('; ') +
            (f.active ? '' : ' (sshd is not configured to read this file)'),
        });
      }
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
