import type { FileStat } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { fileResource, PERM_REFS, statEvidence } from './fileFindings';

/** More world-writable entries than this in one folder are reported as one finding for the folder. */
export const GROUP_ABOVE = 5;

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export default defineCheck({
  id: 'PERM-WORLD-WRITABLE',
  title: 'World-writable files under configuration folders',
  category: 'permissions',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 7.1.11',
  references: PERM_REFS,
  rationale:
    'Any local user or compromised service can change a world-writable config, compose file or script: the next restart runs their code or settings with the owner\'s privileges. World-writable folders without the sticky bit let anyone replace the files in them.',
  remediation: 'Remove the write bit for others: `chmod o-w FILE` (folders: `chmod o-w DIR`, or `chmod +t DIR` if it really must be shared); find them with `find DIR -perm -0002 ! -type l`.',
  fixKind: 'file-mode',
  requires: ['writableFiles'],
  evaluate: ({ writableFiles }) => {
    const byDir = new Map<string, FileStat[]>();
    for (const f of writableFiles.files) byDir.set(dirname(f.path), [...(byDir.get(dirname(f.path)) ?? []), f]);
    const findings: FindingDraft[] = [];
    const severityOf = (f: FileStat): 'high' | 'medium' => (f.type === 'd' && f.mode & 0o1000 ? 'medium' : 'high');
    for (const [dir, files] of byDir) {
      if (files.length > GROUP_ABOVE) {
        const sev = files.some((f) => severityOf(f) === 'high') ? 'high' : 'medium';
        findings.push({
          severity: sev,
          resource: fileResource(`${dir}/*`),
          title: 'Many world-writable files in one folder',
          evidence: `${files.length} world-writable entries in ${dir}, e.g. ${files.slice(0, 3).map((f) => statEvidence(f)).join('; ')}`,
        });
        continue;
      }
      for (const f of files)
        findings.push({
          severity: severityOf(f),
          resource: fileResource(f.path),
          evidence: `${statEvidence(f)}: ${f.type === 'd' ? (f.mode & 0o1000 ? 'world-writable folder (sticky)' : 'world-writable folder without the sticky bit') : 'writable by every user'}`,
        });
    }
    if (writableFiles.truncated && findings.length)
      findings[0]!.evidence += ' (the scan output was cut: there may be more)';
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
