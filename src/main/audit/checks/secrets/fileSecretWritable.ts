import { groupWrite, othersWrite } from '../../parsers/records';
import { defineCheck } from '../types';
import { SECRET_FILE_REFS, secretAccessFindings } from './groupAccess';

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
    const findings = secretAccessFindings(secretFiles, accounts, { verb: 'writable', others: othersWrite, group: groupWrite, worst: 'high' });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
