import { defineCheck } from '../types';
import { SSHD_REFS, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-STRICT-MODES',
  title: 'SSH accepts key files that other users can change',
  category: 'ssh',
  severity: 'medium',
  references: [...SSHD_REFS, 'Lynis SSH-7408 (StrictModes)'],
  rationale:
    'StrictModes makes sshd refuse a login when the user’s home, ~/.ssh or authorized_keys is writable by others. Without it, another local account (or a service with a path traversal) that can write there adds its own key and logs in as that user.',
  remediation: 'Set `StrictModes yes` (the default) in sshd_config, fix the permissions it then complains about, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    if (value(sshd, 'StrictModes') !== 'no') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: sshdResource(sshd, 'StrictModes'), evidence: globalEvidence('StrictModes', 'no', 'group- or world-writable authorized_keys are accepted') }] };
  },
});
