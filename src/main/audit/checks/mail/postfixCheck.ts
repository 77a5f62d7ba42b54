import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { POSTFIX_REFS } from './postfixExposure';

export default defineCheck({
  id: 'MAIL-POSTFIX-CHECK',
  title: 'Postfix configuration warnings',
  category: 'mail',
  severity: 'high',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/postfix.1.html'],
  rationale:
    'What `postfix check` warns about: files in the configuration directory that are not owned by root or are writable by a group or by everyone (whoever can write main.cf or master.cf can make Postfix run commands as root), and what postconf itself warns about (unused or misspelled parameters, a parameter set twice so that the first value is silently ignored).',
  remediation: '`chown root:root` and `chmod go-w` the files named; fix or remove the parameters postconf warns about (`postconf -n` shows them), then `postfix reload`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const findings: FindingDraft[] = [];
    for (const p of postfix.configProblems ?? []) {
      const mode = parseInt(p.mode, 8);
      const why = [p.uid !== 0 ? `owned by uid ${p.uid}, not root` : '', mode & 0o002 ? 'writable by everyone' : mode & 0o020 ? 'writable by its group' : ''].filter(Boolean).join(', ');
      findings.push({ severity: mode & 0o002 ? 'high' : 'medium', resource: `postfix:file:${p.path}`, evidence: `${p.path} (mode ${p.mode}) is ${why}` });
    }
    if (postfix.warnings.length) findings.push({ severity: 'low', resource: 'postfix:postconf-warnings', evidence: `postconf warns: ${postfix.warnings.slice(0, 10).join('; ')}${postfix.warnings.length > 10 ? ` (+${postfix.warnings.length - 10} more)` : ''}` });
    if (findings.length) return { status: 'fail', findings };
    if (postfix.configProblems === null) return { status: 'not-applicable', message: 'the configuration directory was not checked' };
    return { status: 'pass' };
  },
});
