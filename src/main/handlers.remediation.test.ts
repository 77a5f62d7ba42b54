// Guided-fix channels through the handler table, on a real temporary SQLite file: request
// validation (ids, the failure policy the engine supports), refusals that must happen before any
// connection (unknown preview, a finding not in the host's latest run, a job of another host, a
// job already rolled back), the typed host name of a high-risk plan, and the history / unfinished
// / job views read from the journal. Applying against a real host is the e2e suite's job
// (e2e/remediation.e2e.test.ts).
import { describe, expect, it } from 'vitest';
import { issuePaths, useHandlerHarness } from '../../test/support/handlers';
import { RampartError } from '../shared/errors';
import { FixJobDetail, FixJobSummary } from '../shared/ipc/remediation';
import { buildSteps } from './remediation/engine';
import { Journal } from './remediation/journal';
import { checkTypedHostName } from './remediation/service';
import type { Plan } from './remediation/types';

const harness = useHandlerHarness('rampart-handlers-fix-');
const { ok, fail } = harness;

// Documentation addresses: nothing here may connect anywhere.
function addHost(name = 'web-1', address = '192.0.2.10'): number {
  return harness.services.store.addHost({
    name,
    address,
    port: 22,
    username: 'root',
    auth: 'agent',
    identityFile: null,
    jumpHostId: null,
    vpnOnly: false,
    vpnInterface: null,
    vpnSubnet: null,
    sudo: 'none',
    tags: [],
    sshdConfigPath: '/etc/ssh/sshd_config',
    scanRoots: ['/srv'],
  }).id;
}

const JOB = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const KEY = 'a'.repeat(32);

function plan(jobId: string, hostId: number | null, address = '192.0.2.10'): Plan {
  return {
    jobId,
    host: { hostId, name: 'web-1', address, port: 22, username: 'root' },
    createdAt: new Date().toISOString(),
    backupDir: `/var/lib/rampart/backups/${jobId}`,
    findingsBefore: [KEY],
    fixes: [
      {
        fixId: 'secret-file-private',
        checkId: 'SECRET-FILE-READABLE',
        findingId: KEY,
        resource: 'file:/srv/app/.env',
        severity: 'critical',
        title: 'Make the secret file private to its owner',
        risk: 'low',
        targets: [{ path: '/srv/app/.env', pre: { kind: 'present', type: 'f', mode: 0o644, uid: 1000, gid: 1000, sha256: 'b'.repeat(64) }, post: { mode: 0o600, uid: 1000, gid: 1000 }, reason: 'chmod 0600' }],
        recheck: { checks: ['SECRET-FILE-READABLE'], sections: ['secretFiles', 'accounts'] },
      },
    ],
  };
}

describe('remediation channels', () => {
  it('catalog lists the fixes with the checks they resolve', async () => {
    const cat = await ok<Array<{ id: string; checkIds: string[]; risk: string }>>('remediation:catalog', {});
    expect(cat.map((f) => f.id)).toContain('secret-file-private');
    expect(cat.find((f) => f.id === 'secret-file-private')!.checkIds).toContain('SECRET-FILE-READABLE');
  });

  it('validates requests: finding keys, job ids, the failure policy, unknown keys', async () => {
    const hostId = addHost();
    expect(issuePaths(await fail('remediation:plan', { hostId, findingKeys: [] }))).toContain('findingKeys');
    expect(issuePaths(await fail('remediation:plan', { hostId, findingKeys: ['not-a-key'] }))).toContain('findingKeys.0');
    expect(issuePaths(await fail('remediation:plan', { hostId: 0, findingKeys: [KEY] }))).toContain('hostId');
    expect(issuePaths(await fail('remediation:apply', { hostId, jobId: 'x' }))).toContain('jobId');
    // The failure policy is one of rollback-all, stop, continue; anything else is refused.
    const policy = await fail('remediation:apply', { hostId, jobId: JOB, onFailure: 'keep-verified' });
    expect(issuePaths(policy)).toContain('onFailure');
    expect(policy.message).toMatch(/rollback-all/);
    expect((await fail('remediation:rollback', { hostId, jobId: JOB, force: true })).message).toMatch(/force/);
    expect((await fail('remediation:history', { hostId, limit: 0 })).code).toBe('VALIDATION');
  });

  it('refuses before connecting: unknown host, a finding not in the latest run, a preview that was never made', async () => {
    expect((await fail('remediation:plan', { hostId: 99, findingKeys: [KEY] })).code).toBe('NOT_FOUND');
    const hostId = addHost();
    const e = await fail('remediation:plan', { hostId, findingKeys: [KEY] });
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/latest audit/);
    const a = await fail('remediation:apply', { hostId, jobId: JOB });
    expect(a.code).toBe('NOT_FOUND');
    expect(a.message).toMatch(/preview again/);
    // Every failure policy passes validation and reaches the service (which has no such preview).
    for (const onFailure of ['rollback-all', 'stop', 'continue']) expect((await fail('remediation:apply', { hostId, jobId: JOB, onFailure })).code).toBe('NOT_FOUND');
  });

  it('history, unfinished and job read the journal; rollback/resume check the job belongs to the host', async () => {
    const hostId = addHost();
    const other = addHost('db-1', '192.0.2.20');
    const journal = new Journal(harness.services.store.db);
    const p = plan(JOB, hostId);
    journal.createJob(p, buildSteps(p), 'alice (desktop app)');
    journal.stepStarted(JOB, 0);

    const hist = await ok<unknown[]>('remediation:history', { hostId });
    expect(hist).toHaveLength(1);
    const s = FixJobSummary.parse(hist[0]);
    expect(s).toMatchObject({ jobId: JOB, hostId, status: 'applying', onFailure: 'rollback-all', confirmedBy: 'alice (desktop app)', running: false, backupDir: `/var/lib/rampart/backups/${JOB}` });
    expect(s.fixes.map((f) => [f.outcome, f.outcomeDetail])).toEqual([['planned', null]]);
    expect(s.confirmedAt).not.toBeNull();
    expect(s.fixes[0]!.targets).toEqual([{ path: '/srv/app/.env', from: '0644 uid 1000 gid 1000', to: '0600 uid 1000 gid 1000' }]);
    expect(s.fixes[0]!.diff).toBeNull();
    expect(await ok<unknown[]>('remediation:history', { hostId: other })).toEqual([]);

    expect((await ok<FixJobSummary[]>('remediation:unfinished', {})).map((j) => j.jobId)).toEqual([JOB]);
    const detail = FixJobDetail.parse(await ok('remediation:job', { jobId: JOB }));
    expect(detail.steps.map((x) => x.kind)).toEqual(['backup', 'chmod', 'verify']);
    expect(detail.steps[0]!.status).toBe('running');
    expect(detail.steps[1]!.command).toContain("'/srv/app/.env'");
    expect(detail.report.fixes[0]!.findingId).toBe(KEY);

    // A new plan on a host with an unfinished job is refused until it is rolled back or finished.
    const c = await fail('remediation:plan', { hostId, findingKeys: [KEY] });
    expect(c.code).toBe('CONFLICT');
    expect(c.message).toContain(JOB);
    const wrong = await fail('remediation:rollback', { hostId: other, jobId: JOB });
    expect(wrong.code).toBe('VALIDATION');
    expect(issuePaths(wrong)).toContain('jobId');
    expect((await fail('remediation:resume', { hostId: other, jobId: JOB })).code).toBe('VALIDATION');
    expect((await fail('remediation:job', { jobId: '0f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b' })).code).toBe('NOT_FOUND');

    journal.setJobStatus(JOB, 'rolled-back', 'test');
    expect(await ok<unknown[]>('remediation:unfinished', {})).toEqual([]);
    const again = await fail('remediation:rollback', { hostId, jobId: JOB });
    expect(again.code).toBe('CONFLICT');
    expect((await fail('remediation:resume', { hostId, jobId: JOB })).code).toBe('CONFLICT');
  });
});

describe('typed host name for high-risk plans', () => {
  it('is not needed without a high-risk fix', () => {
    expect(checkTypedHostName([{ risk: 'low' }, { risk: 'medium' }], 'web-1', undefined)).toEqual({ required: false });
  });

  it('must match the host name exactly when a fix is high-risk', () => {
    const fixes = [{ risk: 'low' }, { risk: 'high' }];
    for (const typed of [undefined, '', '  ', 'web-2', 'WEB-1', 'web-1x']) {
      let err: unknown = null;
      try {
        checkTypedHostName(fixes, 'web-1', typed);
      } catch (e) {
        err = e;
      }
      expect(err, `typed ${JSON.stringify(typed)}`).toBeInstanceOf(RampartError);
      expect((err as RampartError).code).toBe('VALIDATION');
      expect(((err as RampartError).details?.issues as Array<{ path: string[] }>)[0]!.path).toEqual(['typedHostName']);
    }
    expect(checkTypedHostName(fixes, 'web-1', ' web-1 ')).toEqual({ required: true });
  });
});
