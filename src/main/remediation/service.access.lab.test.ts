// The desktop fix service offers the sshd fixes under the lockout guard (issue 11), through the
// handler table against a real weak-ssh lab host: the proof is a NEW connection made from the host
// profile as the app makes it. The preview carries the dead-man window the user chose (it is in
// the arm command), a high-risk plan needs the typed host name, the report and the history carry
// `lockoutGuard`; a change that breaks login (the test-only fault hook plans an AllowUsers that
// excludes the login user into the edit) is rolled back through the session, the config
// byte-identical. Needs root for the lab; skipped without it unless RAMPART_LAB_REQUIRED=1.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../../../lab/lab';
import { removeJobBackups } from '../../../test/support/remediation';
import type { Host, RunDetail } from '../../shared/domain';
import type { Result } from '../../shared/errors';
import type { DesktopFixPreview, FixJobReport, FixJobSummary } from '../../shared/ipc/remediation';
import { createHandlers, type Handlers } from '../handlers';
import { createServices, type Services } from '../services';
import type { RemediationTestHooks } from './service';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';
const NAME = 'access-desk';
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

describe.runIf(labAvailable)('desktop sshd fixes under the lockout guard', { timeout: 180_000 }, () => {
  let dir: string;
  let lab: LabHost;
  let services: Services;
  let h: Handlers;
  let hostId = 0;
  let run!: RunDetail;
  const hooks: RemediationTestHooks = {};
  const jobs = new Set<string>();
  const config = (): string => join(lab.etcDir, 'ssh', 'sshd_config');

  async function call<T>(channel: string, request: unknown): Promise<Result<T>> {
    return (await h.invoke(channel, request)) as Result<T>;
  }
  async function ok<T>(channel: string, request: unknown): Promise<T> {
    const r = await call<T>(channel, request);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.data;
  }
  const keyOf = (checkId: string): string => run.findings.find((f) => f.checkId === checkId)!.id;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-fix-access-'));
    lab = await createLabHost({ scenario: 'weak-ssh' });
    services = createServices({ dbFile: join(dir, 'rampart.sqlite3'), env: {}, remediationTestHooks: hooks });
    h = createHandlers(services);
    hostId = (
      await ok<Host>('hosts:add', { name: NAME, address: lab.address, port: lab.port, username: lab.user, auth: 'key-file', identityFile: lab.identityFile, sshdConfigPath: lab.sshdConfigPath })
    ).id;
    const probe = await ok<{ keyType: string; fingerprint: string }>('hosts:probeKey', { hostId });
    await ok('hosts:trustKey', { hostId, keyType: probe.keyType, fingerprint: probe.fingerprint, replace: false });
    run = await ok<RunDetail>('audit:run', { hostId });
  }, 180_000);

  afterAll(async () => {
    services?.close();
    if (lab) await destroyLabHost(lab);
    removeJobBackups(jobs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('offers the sshd fix with the chosen dead-man window, needs the typed host name, proves access with a new connection and reports the guard', async () => {
    const before = sha(config());
    // The window is bounded (the proof alone may take 15 s).
    const short = await call('remediation:plan', { hostId, findingKeys: [keyOf('SSH-X11-FORWARDING')], confirmWindowS: 10 });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error.message).toMatch(/at least 30 s/);

    const preview = await ok<DesktopFixPreview>('remediation:plan', { hostId, findingKeys: [keyOf('SSH-X11-FORWARDING')], confirmWindowS: 45 });
    jobs.add(preview.jobId);
    expect(preview.skipped).toEqual([]);
    expect(preview.fixes.map((f) => [f.checkId, f.risk])).toEqual([['SSH-X11-FORWARDING', 'high']]);
    expect(preview.requiresTypedHostName).toBe(true);
    expect(preview.confirmWindowS).toBe(45);
    expect(preview.steps.map((s) => s.kind)).toEqual(['backup', 'sshd-backup', 'deadman-arm', 'sshd-write', 'sshd-validate', 'sshd-reload', 'access-proof', 'deadman-disarm', 'verify']);
    expect(preview.steps.find((s) => s.kind === 'deadman-arm')!.command).toContain('45');
    expect(preview.fixes[0]!.diff).toMatch(/\+X11Forwarding no/);

    const untyped = await call('remediation:apply', { hostId, jobId: preview.jobId });
    expect(untyped.ok).toBe(false);
    if (!untyped.ok) expect(untyped.error.code).toBe('VALIDATION');
    expect(sha(config())).toBe(before);

    const report = await ok<FixJobReport>('remediation:apply', { hostId, jobId: preview.jobId, typedHostName: NAME });
    expect(report.status, report.message ?? '').toBe('applied');
    expect(report.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'none' });
    expect(readFileSync(config(), 'utf8')).toMatch(/^X11Forwarding no$/m);
    const [summary] = await ok<FixJobSummary[]>('remediation:history', { hostId });
    expect(summary!.jobId).toBe(preview.jobId);
    expect(summary!.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'none' });

    const back = await ok<FixJobReport>('remediation:rollback', { hostId, jobId: preview.jobId });
    expect(back.status).toBe('rolled-back');
    expect(back.lockoutGuard?.restoredBy).toBe('session');
    expect(sha(config())).toBe(before);
  });

  it('a change that locks the login out: the new connection fails, the change is rolled back through the session, config byte-identical', async () => {
    run = await ok<RunDetail>('audit:run', { hostId });
    const before = sha(config());
    hooks.accessFaultSettings = [['AllowUsers', 'nobody-rampart-test']];
    try {
      const preview = await ok<DesktopFixPreview>('remediation:plan', { hostId, findingKeys: [keyOf('SSH-MAX-AUTH-TRIES')] });
      jobs.add(preview.jobId);
      expect(preview.confirmWindowS).toBe(120);
      const report = await ok<FixJobReport>('remediation:apply', { hostId, jobId: preview.jobId, typedHostName: ` ${NAME} ` });
      expect(report.status).toBe('rolled-back');
      expect(report.lockoutGuard).toEqual({ armed: true, newSessionOk: false, restoredBy: 'session' });
      expect(report.fixes[0]!.steps.find((s) => s.name.startsWith('prove access'))?.status).toBe('failed');
    } finally {
      delete hooks.accessFaultSettings;
    }
    expect(sha(config())).toBe(before);
    // Reachable as before: the app connects and audits again.
    expect((await ok<RunDetail>('audit:run', { hostId })).findings.some((f) => f.checkId === 'SSH-MAX-AUTH-TRIES')).toBe(true);
  });
});
