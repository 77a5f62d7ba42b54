// A checklist as Markdown: task list per section, linked items with their state, manual items with
// owner, due date, evidence; hostile text escaped; the file owner-only in the given folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../../test/support/reportStore';
import { Store } from '../store/store';
import { addItem, createChecklist, getChecklist, updateItem } from './checklists';
import { checklistMarkdown, saveChecklistMarkdown } from './export';

describe('checklist Markdown', () => {
  it('writes a task list with states, escapes text, and is owner-only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-checklist-md-'));
    const store = new Store(':memory:');
    try {
      const h = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
      const c = createChecklist(store, { name: 'Go-live <script>alert(1)</script>', hostId: h.id });
      addItem(store, { checklistId: c.id, section: 'SSH', text: 'Keys only', checkIds: ['SSH-PASSWORD-AUTH'] });
      addItem(store, { checklistId: c.id, section: 'SSH', text: 'X11 off', checkIds: ['SSH-X11-FORWARDING'] });
      const withManual = addItem(store, { checklistId: c.id, section: 'People', text: '# not a heading [x](javascript:alert(2))', owner: 'sam | ops', dueDate: '2026-01-01', evidence: 'ticket OPS-7' });
      updateItem(store, { id: withManual.items[2]!.id, manualDone: true, note: 'line one\nline two' }, new Date('2026-03-02T10:00:00.000Z'));
      saveRun(store, { id: 'r1', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [finding('SSH-X11-FORWARDING', 'sshd:X11Forwarding')], passing: ['SSH-PASSWORD-AUTH'] });
      const now = new Date('2026-03-03T00:00:00.000Z');
      const md = checklistMarkdown(getChecklist(store, c.id, now), now);
      expect(md.split('\n').slice(0, 3)).toEqual([
        '# Go-live \\<script\\>alert\\(1\\)\\</script\\>',
        '',
        'For: web-1 · 2 of 3 done (1 of 2 proved by checks) · generated 2026-03-03T00:00:00.000Z by Rampart ' + md.split('\n')[2]!.split('by Rampart ')[1],
      ]);
      expect(md).toContain('## SSH\n\n- [x] Keys only — checks `SSH-PASSWORD-AUTH`: passes in the run of 2026-03-02 09:00 UTC\n- [ ] X11 off — checks `SSH-X11-FORWARDING`: fails in the run of 2026-03-02 09:00 UTC');
      expect(md).toContain('## People\n\n- [x] \\# not a heading \\[x\\]\\(javascript:alert\\(2\\)\\) — owner: sam \\| ops · due 2026-01-01 · done 2026-03-02 · evidence: ticket OPS-7\n  line one line two');
      expect(md).not.toMatch(/<script>/);

      const saved = saveChecklistMarkdown(getChecklist(store, c.id, now), dir, now);
      expect(path.dirname(saved.file)).toBe(dir);
      expect(path.basename(saved.file)).toBe('CHECKLIST-Go-live_script_alert_1_script_-web-1-2026-03-03T00-00-00-000Z.md');
      expect(fs.readFileSync(saved.file, 'utf8')).toBe(saved.markdown);
      expect(fs.statSync(saved.file).mode & 0o777).toBe(0o600);
      expect(saved.bytes).toBe(fs.statSync(saved.file).size);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
