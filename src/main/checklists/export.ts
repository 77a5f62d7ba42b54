// A checklist as Markdown (a GFM task list) for someone without Rampart: written into the reports
// folder under a name made here, owner-only, like the run reports. Text from the user and the
// host is escaped; the state of each linked item is the one evaluated now.
import fs from 'node:fs';
import path from 'node:path';
import type { Checklist, ChecklistItem } from '../../shared/ipc/checklists';
import { mdCode, mdText } from '../reports/markdown';
import { safeFileStem } from '../reports/save';
import { APP_VERSION } from '../../shared/version';

const STATE_WORD: Record<NonNullable<ChecklistItem['auto']>['state'], string> = {
  pass: 'passes',
  'not-applicable': 'does not apply',
  fail: 'fails',
  accepted: 'fails with accepted risks only',
  unknown: 'not evaluated',
  'not-audited': 'not audited yet',
};

function itemLine(i: ChecklistItem): string {
  const bits: string[] = [];
  if (i.auto) {
    bits.push(`checks ${i.checkIds.map((c) => mdCode(c)).join(', ')}: ${STATE_WORD[i.auto.state]}${i.auto.runStartedAt ? ` in the run of ${i.auto.runStartedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`);
    if (i.auto.regressed) bits.push('**regressed** (was ticked)');
  }
  if (i.owner) bits.push(`owner: ${mdText(i.owner)}`);
  if (i.dueDate) bits.push(`due ${i.dueDate}${i.overdue ? ' (**overdue**)' : ''}`);
  if (i.manualDone && i.manualDoneAt) bits.push(`done ${i.manualDoneAt.slice(0, 10)}`);
  if (i.evidence) bits.push(`evidence: ${mdText(i.evidence)}`);
  const head = `- [${i.done ? 'x' : ' '}] ${mdText(i.text)}`;
  const note = i.note ? `\n  ${mdText(i.note)}` : '';
  return `${head}${bits.length ? ` — ${bits.join(' · ')}` : ''}${note}`;
}

export function checklistMarkdown(c: Checklist, now: Date): string {
  const out = [
    `# ${mdText(c.name)}`,
    '',
    `For: ${c.hostName ? mdText(c.hostName) : 'the fleet (every host)'} · ${c.done} of ${c.total} done (${c.linkedDone} of ${c.linked} proved by checks) · generated ${now.toISOString()} by Rampart ${APP_VERSION}`,
  ];
  const sections: Array<{ title: string; items: ChecklistItem[] }> = [];
  for (const i of c.items) {
    const s = sections.find((x) => x.title === i.section);
    if (s) s.items.push(i);
    else sections.push({ title: i.section, items: [i] });
  }
  for (const s of sections) {
    out.push('');
    if (s.title) out.push(`## ${mdText(s.title)}`, '');
    for (const i of s.items) out.push(itemLine(i));
  }
  return `${out.join('\n')}\n`;
}

/** Writes the checklist's Markdown into `dir` (created owner-only); the file is 0600. */
export function saveChecklistMarkdown(c: Checklist, dir: string, now: Date = new Date()): { file: string; bytes: number; markdown: string } {
  const markdown = checklistMarkdown(c, now);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `CHECKLIST-${safeFileStem(c.name)}-${safeFileStem(c.hostName ?? 'fleet')}-${stamp}.md`);
  fs.writeFileSync(file, markdown, { mode: 0o600 });
  return { file, bytes: Buffer.byteLength(markdown), markdown };
}
