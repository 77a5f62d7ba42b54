import { defineCheck } from '../types';

export default defineCheck({
  id: 'ACC-DUPLICATE-UID',
  title: 'Accounts share a UID',
  category: 'access',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 7.2.5',
  references: [],
  rationale: 'Accounts with the same UID are the same user to the kernel: files, processes and audit records cannot tell them apart, and one can act as the other.',
  remediation: 'Give each account its own UID (`usermod -u NEW NAME`, then `find / -xdev -uid OLD -exec chown NEW {} +` for its files).',
  fixKind: 'manual',
  requires: ['accounts'],
  evaluate: ({ accounts }) => {
    const byUid = new Map<number, string[]>();
    for (const u of accounts.users) byUid.set(u.uid, [...(byUid.get(u.uid) ?? []), u.name]);
    // UID 0 besides root has its own (critical) check.
    const dups = [...byUid.entries()].filter(([uid, names]) => names.length > 1 && uid !== 0);
    if (!dups.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: dups.map(([uid, names]) => ({ severity: 'medium' as const, resource: `uid:${uid}`, evidence: `UID ${uid} is shared by ${names.join(', ')}` })),
    };
  },
});
