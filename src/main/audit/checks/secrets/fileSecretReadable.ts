import { groupRead, othersRead } from '../../parsers/records';
import { defineCheck } from '../types';
import { SECRET_FILE_REFS, secretAccessFindings } from './groupAccess';

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
    const findings = secretAccessFindings(secretFiles, accounts, { verb: 'readable', others: othersRead, group: groupRead, worst: 'critical', groupTitle: 'A secret file is readable by a shared group' });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
