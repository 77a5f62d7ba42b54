import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { POSTFIX_REFS } from './postfixExposure';
import { ageText, DAY_S } from './health';

/** A message waiting longer than this in a delivery queue is stuck, not just retried. */
export const STALE_QUEUE_S = DAY_S;

export default defineCheck({
  id: 'MAIL-QUEUE-STALE',
  title: 'Postfix has mail waiting for more than a day, or mail on hold',
  category: 'mail',
  severity: 'medium',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/QSHAPE_README.html', 'https://www.postfix.org/postsuper.1.html'],
  rationale:
    'Postfix retries deferred mail for up to maximal_queue_lifetime (5 days by default) and then bounces it. A message still queued after a day means its recipient domain has been unreachable or refusing all that time: the sender will get a bounce, and the cause (blocklisting, DNS, a dead relay) is still there. Messages on hold wait for an administrator and are never delivered by themselves.',
  remediation: 'Read the deferral reasons (MAIL-QUEUE-DEFERRALS, `postqueue -p`), fix the cause, then `postqueue -f`. Release held mail with `postsuper -H ALL` or delete it with `postsuper -d ALL hold` after a look.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const d = postfix.queueDetail;
    if (!d) return { status: 'not-applicable', message: postfix.queueNote ?? 'the queue could not be read' };
    if (d.now === null) return { status: 'not-applicable', message: "the host's clock was not read" };
    const findings: FindingDraft[] = [];
    for (const [name, q] of Object.entries(d.queues).sort(([a], [b]) => a.localeCompare(b))) {
      if (name === 'hold') {
        findings.push({ severity: 'low', resource: 'postfix:queue:hold', evidence: `${q.count} message(s) on hold${q.oldestArrival !== null ? `, the oldest for ${ageText(d.now - q.oldestArrival)}` : ''}` });
        continue;
      }
      if (q.oldestArrival === null || d.now - q.oldestArrival <= STALE_QUEUE_S) continue;
      findings.push({
        severity: 'medium',
        resource: `postfix:queue:${name}`,
        evidence: `${q.count} message(s) in the ${name} queue, the oldest waiting ${ageText(d.now - q.oldestArrival)} (more than ${ageText(STALE_QUEUE_S)})`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
