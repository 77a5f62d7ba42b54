import { z } from 'zod';
import { MailProgressEvent } from './mail';
import { ProbeProgressEvent } from './probe';
import { FixProgressEvent } from './remediation';

export { EVENT_CHANNEL } from './names';

export const AuditProgressEvent = z.object({
  type: z.literal('audit-progress'),
  jobId: z.string(),
  hostId: z.number().int(),
  phase: z.enum(['connecting', 'collecting', 'evaluating', 'saving', 'done', 'failed', 'cancelled']),
  message: z.string(),
  /** 0..1 */
  progress: z.number().min(0).max(1),
});
export const AppEvent = z.discriminatedUnion('type', [AuditProgressEvent, FixProgressEvent, MailProgressEvent, ProbeProgressEvent]);
export type { FixProgressEvent, MailProgressEvent, ProbeProgressEvent };
export type AppEvent = z.infer<typeof AppEvent>;
export type AuditProgressEvent = z.infer<typeof AuditProgressEvent>;
