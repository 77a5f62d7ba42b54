import { SECRET_KIND_LABELS } from '../../parsers/files';
import type { FileStat } from '../../parsers/records';
import { utc } from '../system/format';
import { defineCheck, type FindingDraft } from '../types';
import { days } from './common';

const ROLE_LABEL = { 'ssh-host-key': 'SSH host key', wireguard: 'WireGuard configuration (private key)', dkim: 'DKIM signing key' } as const;

export default defineCheck({
  id: 'SECRET-KEY-AGE',
  title: 'Keys and secret files have not been rotated within the limit',
  category: 'secrets',
  severity: 'low',
  references: ['https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final', 'https://www.rfc-editor.org/rfc/rfc6376#section-3.3 (DKIM)'],
  rationale:
    'A key that never changes stays useful forever to whoever copied it once (a backup, a leaked laptop, a former admin). Rotation limits how long a silent leak lasts. The age is the file\'s modification time, which rewriting the key resets; the limit is 365 days unless RAMPART_KEY_MAX_AGE_DAYS says otherwise. Not a CIS item. Low: age alone is not an exposure.',
  remediation:
    'Rotate what is past the limit: SSH host keys (`ssh-keygen -A` after moving the old ones away, reload sshd, publish the new fingerprints or SSHFP records), users\' keys (new key pair, replace it in authorized_keys), WireGuard (`wg genkey`, update both peers), DKIM (new selector, publish its DNS record, switch the signer, remove the old record after a few days), and passwords or tokens in secret files at their issuer. Accept the finding with a reason for a key rotated by other means.',
  fixKind: 'manual',
  requires: ['hostHardening', 'secretFiles'],
  evaluate: ({ hostHardening: h, secretFiles }) => {
    const maxDays = h.keyMaxAgeDays;
    const limitS = maxDays * 86_400;
    const items = new Map<string, { stat: FileStat; label: string }>();
    for (const k of h.keys) if (k.role !== 'ssh-host-pubkey') items.set(k.stat.path, { stat: k.stat, label: ROLE_LABEL[k.role] });
    for (const f of secretFiles.files) if (!items.has(f.stat.path)) items.set(f.stat.path, { stat: f.stat, label: SECRET_KIND_LABELS[f.kind] });
    if (!items.size) return { status: 'not-applicable', message: 'no key or secret file found' };
    if (!h.now) return { status: 'not-applicable', message: "the host's clock could not be read" };
    const findings: FindingDraft[] = [];
    for (const { stat, label } of items.values()) {
      const ageS = h.now - stat.mtime;
      if (ageS <= limitS) continue;
      findings.push({ severity: 'low', resource: `file:${stat.path}`, evidence: `${label} ${stat.path} last changed ${utc(stat.mtime)}, ${days(ageS)} days ago (limit ${maxDays} days)` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
