import { closedAncestor, SECRET_KIND_LABELS } from '../../parsers/files';
import { groupWrite, othersWrite, describeAccess, listSome } from '../../parsers/records';
import { fileResource } from '../permissions/common';
import { defineCheck, type FindingDraft } from '../types';
import { groupReachesOthers, SECRET_FILE_REFS } from './fileCommon';

export default defineCheck({
  id: 'SECRET-FILE-WRITABLE',
  title: 'A secret file is writable beyond its owner',
  category: 'secrets',
  severity: 'high',
  references: SECRET_FILE_REFS,
  rationale:
    'Whoever can rewrite a .env file, key or credential store can point the service at their own database, swap in their own key, or plant a payload the service runs with its privileges at the next restart.',
  remediation: 'Run `chmod go-w FILE` (secrets: `chmod 600 FILE`) and make the service user its owner.',
  fixKind: 'file-mode',
  requires: ['secretFiles', 'accounts'],
  evaluate: ({ secretFiles, accounts }) => {
    const findings: FindingDraft[] = [];
    for (const f of secretFiles.files) {
      const s = f.stat;
      const label = SECRET_KIND_LABELS[f.kind];
      if (othersWrite(s.mode)) {
        const closed = closedAncestor(s.path, secretFiles.closedDirs);
        findings.push({
          severity: closed ? 'medium' : 'high',
          resource: fileResource(s.path),
          evidence: `${s.path} (${label}) ${describeAccess(s)}: writable by every user${closed ? `, but ${closed} keeps other users out for now` : ''}`,
        });
        continue;
      }
      if (groupWrite(s.mode)) {
        const g = groupReachesOthers(s, accounts);
        if (!g.reaches) continue;
        findings.push({
          severity: 'medium',
          resource: fileResource(s.path),
          evidence: `${s.path} (${label}) ${describeAccess(s)}: writable by group ${s.group}${g.members.length ? ` (${listSome(g.members)})` : ''}`,
        });
      }
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
