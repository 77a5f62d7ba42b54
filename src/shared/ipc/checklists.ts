// Checklists (issue 14 item 4): templates shipped with the app, checklists made from them or from
// scratch for a host (or the fleet), items linked to checks that tick themselves from the latest
// run (and untick when it fails again), and manual items with owner, due date, note and evidence.
import { z } from 'zod';
import { channel } from './channel';

const Text = (max: number) => z.string().trim().min(1, 'Required').max(max);
const OptText = (max: number) => z.string().trim().max(max).nullable().optional();
/** A calendar day, YYYY-MM-DD. */
export const DueDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'A date as YYYY-MM-DD');
const CheckIds = z.array(z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'A check id such as SSH-PASSWORD-AUTH')).max(200);

export const AutoState = z.enum(['pass', 'not-applicable', 'fail', 'accepted', 'unknown', 'not-audited']);
export type AutoState = z.infer<typeof AutoState>;

export const ChecklistTemplate = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  sections: z.array(z.string()),
  items: z.number().int(),
  linkedItems: z.number().int(),
});
export type ChecklistTemplate = z.infer<typeof ChecklistTemplate>;

export const ChecklistItem = z.object({
  id: z.number().int(),
  position: z.number().int(),
  section: z.string(),
  text: z.string(),
  /** Linked checks: the item ticks itself when every one passes (or does not apply) in the latest run. Empty: a manual item. */
  checkIds: z.array(z.string()),
  owner: z.string().nullable(),
  dueDate: z.string().nullable(),
  note: z.string().nullable(),
  /** Where the proof is (a ticket, a report file, a commit): a reference, never a secret. */
  evidence: z.string().nullable(),
  manualDone: z.boolean(),
  manualDoneAt: z.string().nullable(),
  /** Linked items only: what the latest run says. */
  auto: z
    .object({
      state: AutoState,
      /** The run evaluated (the host's latest complete or partial run; the newest one for the fleet). */
      runId: z.string().nullable(),
      runStartedAt: z.string().nullable(),
      /** Since when the item has this state: the start of the run that first showed it (not-audited: when first read). */
      since: z.string().nullable(),
      /** The state before it; "pass" with state "fail" means it was ticked and regressed. */
      previousState: AutoState.nullable(),
      regressed: z.boolean(),
      /** One line, e.g. "SSH-PASSWORD-AUTH: 1 open finding on web-1". */
      detail: z.string(),
      /** Open findings behind a "fail", to open them. */
      failing: z.array(z.object({ checkId: z.string(), hostName: z.string(), runId: z.string(), open: z.number().int() })),
    })
    .nullable(),
  done: z.boolean(),
  overdue: z.boolean(),
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

export const ChecklistSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  templateId: z.string().nullable(),
  /** null: the fleet (linked items must pass on every audited host). */
  hostId: z.number().int().nullable(),
  hostName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  total: z.number().int(),
  done: z.number().int(),
  linked: z.number().int(),
  linkedDone: z.number().int(),
  overdue: z.number().int(),
  regressed: z.number().int(),
});
export type ChecklistSummary = z.infer<typeof ChecklistSummary>;

export const Checklist = ChecklistSummary.extend({ items: z.array(ChecklistItem) });
export type Checklist = z.infer<typeof Checklist>;

export const ChecklistList = z.object({
  checklists: z.array(ChecklistSummary),
  /** Progress per host over all its checklists (fleet checklists under hostId null). */
  hosts: z.array(z.object({ hostId: z.number().int().nullable(), hostName: z.string(), checklists: z.number().int(), total: z.number().int(), done: z.number().int() })),
});
export type ChecklistList = z.infer<typeof ChecklistList>;

const Id = z.number().int().positive();

export const ChecklistCreate = z
  .object({
    templateId: z.string().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    hostId: Id.nullable(),
  })
  .strict()
  .refine((r) => r.templateId !== undefined || r.name !== undefined, { message: 'A custom checklist needs a name', path: ['name'] });

export const ChecklistItemAdd = z
  .object({
    checklistId: Id,
    section: z.string().trim().max(200).optional(),
    text: Text(500),
    checkIds: CheckIds.optional(),
    owner: OptText(200),
    dueDate: DueDate.nullable().optional(),
    note: OptText(4000),
    evidence: OptText(2000),
  })
  .strict();

export const ChecklistItemUpdate = z
  .object({
    id: Id,
    section: z.string().trim().max(200).optional(),
    text: Text(500).optional(),
    checkIds: CheckIds.optional(),
    owner: OptText(200),
    dueDate: DueDate.nullable().optional(),
    note: OptText(4000),
    evidence: OptText(2000),
    /** Manual items only: a linked item follows the runs. */
    manualDone: z.boolean().optional(),
  })
  .strict();

export const checklistsChannels = {
  templates: channel('checklists:templates', z.object({}).strict(), z.array(ChecklistTemplate)),
  /** Every checklist with its progress (linked items evaluated against the latest runs now), and progress per host. */
  list: channel('checklists:list', z.object({}).strict(), ChecklistList),
  get: channel('checklists:get', z.object({ id: Id }).strict(), Checklist),
  create: channel('checklists:create', ChecklistCreate, Checklist),
  remove: channel('checklists:remove', z.object({ id: Id }).strict(), z.object({ removed: z.boolean() })),
  addItem: channel('checklists:addItem', ChecklistItemAdd, Checklist),
  updateItem: channel('checklists:updateItem', ChecklistItemUpdate, Checklist),
  removeItem: channel('checklists:removeItem', z.object({ id: Id }).strict(), Checklist),
  /** The checklist as Markdown (a task list), written into the reports folder beside the database; the renderer never names a path. */
  exportMarkdown: channel('checklists:exportMarkdown', z.object({ id: Id }).strict(), z.object({ file: z.string(), bytes: z.number().int(), markdown: z.string() })),
};
