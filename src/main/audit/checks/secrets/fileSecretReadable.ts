import { closedAncestor, SECRET_KIND_LABELS } from '../../parsers/files';
import { groupRead, othersRead, describeAccess, listSome } from '../../parsers/records';
import { fileResource } from '../permissions/common';
import { defineCheck, type FindingDraft } from '../types';
import { groupReachesOthers, SECRET_FILE_REFS } from './fileCommon';

export default defineCheck({
  id: 'SECRET-FILE-READABLE',
  title: 'A secret file is readable beyond its owner',
  category: 'secrets',
  severity: 'critical',
  references: SECRET_FILE_REFS,
  rationale:
    '.env files, private keys, ACME stores, database password files and credential stores give whoever reads them the service\'s identity or its database. Any local user or compromised service can read a world-readable one. Below a folder others may not enter (a 0700 home) it is out of their reach only until that folder\'s mode changes.',
  remediation:
    'Run `chmod 600 FILE` (and `chown` it to the service user that needs it; for Docker secrets the container user). If it was world-readable, treat the secrets in it as exposed and rotate them.',
  fixKind: 'file-mode',
  requires: ['secretFiles', 'accounts'],
  evaluate: ({ secretFiles, accounts }) => {
    const findings: FindingDraft[] = [];
    for (const f of secretFiles.files) {
      const s = f.stat;
      const label = SECRET_KIND_LABELS[f.kind];
      if (othersRead(s.mode)) {
        const closed = closedAncestor(s.path, secretFiles.closedDirs);
        findings.push({
          severity: closed ? 'medium' : 'critical',
          resource: fileResource(s.path),
          evidence: `${s.path} (${label}) ${describeAccess(s)}: readable by every user${closed ? `, but ${closed} keeps other users out for now` : ''}`,
        });
        continue;
      }
      if (groupRead(s.mode)) {
        const g = groupReachesOthers(s, accounts);
        if (!g.reaches) continue;
        findings.push({
          severity: 'medium',
          resource: fileResource(s.path),
          title: 'A secret file is readable by a shared group',
          evidence: `${s.path} (${label}) ${describeAccess(s)}: readable by group ${s.group}${g.members.length ? ` (${listSome(g.members)})` : ''}`,
        });
      }
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
