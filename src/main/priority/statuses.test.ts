// statusesNow must say what the store's effectiveStatus says for every finding, whatever its triage.
import { describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../../test/support/reportStore';
import { Store } from '../store/store';
import { statusesNow } from './statuses';

describe('statusesNow', () => {
  it('equals effectiveStatus for open, accepted (valid, expired), false positive and fixed (before, after the run)', () => {
    const store = new Store(':memory:');
    try {
      const h = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
      const fs = ['SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES', 'SSH-PASSWORD-AUTH', 'BACKUP-STALE', 'DOCKER-PRIVILEGED', 'SYS-REBOOT-REQUIRED'].map((c) => finding(c, `r:${c}`));
      saveRun(store, { id: 'r1', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: fs });
      store.setTriage({ findingKey: fs[1]!.id, status: 'accepted', reason: 'short', expiresAt: '2026-03-05T00:00:00.000Z' }, new Date('2026-03-01T10:00:00.000Z'));
      store.setTriage({ findingKey: fs[2]!.id, status: 'accepted', reason: 'long', expiresAt: '2099-01-01T00:00:00.000Z' }, new Date('2026-03-01T10:00:00.000Z'));
      store.setTriage({ findingKey: fs[3]!.id, status: 'false-positive', reason: 'offsite' }, new Date('2026-03-01T10:00:00.000Z'));
      store.setTriage({ findingKey: fs[5]!.id, status: 'open', reason: 'reopened' }, new Date('2026-03-01T10:00:00.000Z'));
      saveRun(store, { id: 'r2', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: fs });
      // Said fixed between the two runs: it holds for r1, not for r2 (which found it after that).
      store.setTriage({ findingKey: fs[4]!.id, status: 'fixed', reason: 'job' }, new Date('2026-03-01T12:00:00.000Z'));
      for (const now of [new Date('2026-03-03T00:00:00.000Z'), new Date('2026-03-10T00:00:00.000Z')])
        for (const run of ['r1', 'r2']) {
          const startedAt = store.getRun(run).startedAt;
          const got = statusesNow(store, run, startedAt, now);
          expect(got.size).toBe(fs.length);
          for (const f of fs) expect(got.get(f.id), `${run} ${f.checkId} ${now.toISOString()}`).toBe(store.effectiveStatus(f.id, now, startedAt));
        }
      // The cases are all there: an expired acceptance is open, the fix holds for r1 only.
      const later = statusesNow(store, 'r1', '2026-03-01T09:00:00.000Z', new Date('2026-03-10T00:00:00.000Z'));
      expect([...later.values()].sort()).toEqual(['accepted', 'false-positive', 'fixed', 'open', 'open', 'open']);
    } finally {
      store.close();
    }
  });
});
