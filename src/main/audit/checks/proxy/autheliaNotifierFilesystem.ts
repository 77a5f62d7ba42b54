import { defineCheck } from '../types';
import { AUTHELIA_DOCS } from './model';
import { where, withAuthelia } from './autheliaCommon';

export default defineCheck({
  id: 'AUTHELIA-NOTIFIER-FILESYSTEM',
  title: 'Authelia sends its notifications to a file (test notifier)',
  category: 'access',
  severity: 'low',
  references: [`${AUTHELIA_DOCS}notifications/file/`, `${AUTHELIA_DOCS}notifications/smtp/`],
  rationale:
    'The filesystem notifier is meant for testing: password-reset and device-registration links are written to a file instead of mailed, so users are not told about resets of their account, and whoever can read that file can register a second factor for anyone.',
  remediation: 'Configure `notifier.smtp` (with its password in a secret file) and remove `notifier.filesystem`.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) =>
      Object.keys(a.entries).some((k) => k === 'notifier.filesystem' || k.startsWith('notifier.filesystem.'))
        ? [{ severity: 'low' as const, resource: `${a.resource}:notifier`, evidence: `notifier.filesystem is configured in ${where(a)}${a.entries['notifier.filesystem.filename'] ? ` (${a.entries['notifier.filesystem.filename']})` : ''}` }]
        : [],
    ),
});
