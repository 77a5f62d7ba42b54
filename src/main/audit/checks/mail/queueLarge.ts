import { defineCheck } from '../types';
import { POSTFIX_REFS } from './postfixExposure';

/** More messages than this in the queue is worth a look. */
export const MAIL_QUEUE_LIMIT = 100;

export default defineCheck({
  id: 'MAIL-QUEUE-LARGE',
  title: 'Large Postfix mail queue',
  category: 'mail',
  severity: 'medium',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/QSHAPE_README.html'],
  rationale:
    'A queue of hundreds of messages usually means delivery is failing (DNS, blocklisting, a dead relay host) or the server is sending spam (a compromised account, a form, an open relay). Either way mail is late or lost and the IP reputation suffers.',
  remediation: 'Look at why messages wait: `postqueue -p | tail`, `qshape deferred`, the mail log. Fix the cause, then `postqueue -f`; delete spam with `postsuper -d`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const q = postfix.queue;
    if (!q) return { status: 'not-applicable', message: postfix.queueNote ?? 'the queue could not be read' };
    if (q.count <= MAIL_QUEUE_LIMIT) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'medium', resource: 'postfix:queue', evidence: `${q.count} messages in the queue (${q.deferred} deferred; more than ${MAIL_QUEUE_LIMIT})${q.oldestArrival ? `; oldest arrived at ${new Date(q.oldestArrival * 1000).toISOString()}` : ''}` }],
    };
  },
});
