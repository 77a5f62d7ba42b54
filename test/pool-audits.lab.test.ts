// App audits go through the session pool (issue 15, item 4): one SSH connection per host, reused
// by the next audit, dropped when the host's profile or pinned key changes, and a profile change
// during a running audit does not cut it; the connection a connection test proved is kept for
// the next audit. Real lab host (sshd in a namespace); the connection
// count is read from the pool and cross-checked against sshd's own log of accepted logins.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import type { Host, RunDetail } from '../src/shared/domain';
import { useHandlerHarness } from './support/handlers';

const run = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

describe.runIf(run)('app audits through the session pool', () => {
  let lab: LabHost;
  const t = useHandlerHarness('rampart-pool-audits-');

  beforeAll(async () => {
    lab = await createLabHost({ scenario: 'hardened' });
  }, 120_000);
  afterAll(async () => {
    if (lab) await destroyLabHost(lab);
  });

  async function addHost(): Promise<Host> {
    const host = await t.ok<Host>('hosts:add', { name: `pool-${Math.random().toString(16).slice(2, 6)}`, address: lab.address, port: lab.port, username: lab.user, identityFile: lab.identityFile, sshdConfigPath: lab.sshdConfigPath });
    await t.ok('hosts:trustKey', { hostId: host.id, keyType: 'ssh-ed25519', fingerprint: lab.hostKeyFingerprints['ssh-ed25519'], replace: false });
    return host;
  }

  /** Logins sshd accepted (its log is the lab host's own record, independent of Rampart's counters). */
  function acceptedLogins(): number {
    const log = fs.readFileSync(lab.logFile, 'utf8');
    return (log.match(/Accepted publickey/g) ?? []).length;
  }

  it('two audits of one host, one after the other and two at once, use one connection', async () => {
    const host = await addHost();
    const logins0 = acceptedLogins();
    const first = await t.ok<RunDetail>('audit:run', { hostId: host.id });
    const second = await t.ok<RunDetail>('audit:run', { hostId: host.id });
    expect(first.status).toBe('complete');
    expect(second.status).toBe('complete');
    expect(t.services.pool.stats().connectsTotal).toBe(1);
    const [a, b] = await Promise.all([t.ok<RunDetail>('audit:run', { hostId: host.id }), t.ok<RunDetail>('audit:run', { hostId: host.id })]);
    expect([a.status, b.status]).toEqual(['complete', 'complete']);
    expect(t.services.pool.stats().connectsTotal).toBe(1);
    // Each run counts its own commands, not the connection's.
    expect(second.execCount).toBe(first.execCount);
    expect(acceptedLogins() - logins0).toBe(1);
  });

  it('a profile change reconnects the next audit; an audit running during the change finishes on its connection', async () => {
    const host = await addHost();
    const logins0 = acceptedLogins();
    await t.ok<RunDetail>('audit:run', { hostId: host.id });
    expect(t.services.pool.stats().connectsTotal).toBe(1);
    const running = t.ok<RunDetail>('audit:run', { hostId: host.id });
    await new Promise((r) => setTimeout(r, 100));
    await t.ok('hosts:update', { id: host.id, name: `${host.name}-renamed` });
    expect((await running).status).toBe('complete');
    await t.ok<RunDetail>('audit:run', { hostId: host.id });
    expect(t.services.pool.stats().connectsTotal).toBe(2);
    // The connection test opens its own connection (hop by hop); the one it proved becomes the
    // host's pooled connection: the next audit logs in no more.
    await t.ok('hosts:testConnection', { hostId: host.id });
    expect(t.services.pool.stats()).toMatchObject({ connectsTotal: 2, adopted: 1, openConnections: 1 });
    // sshd's log: the two pooled connections and the test's. Polled: on a loaded machine the
    // last line can land in the file a moment after the test's answer.
    await expect.poll(acceptedLogins, { timeout: 10_000 }).toBe(logins0 + 3);
    expect((await t.ok<RunDetail>('audit:run', { hostId: host.id })).status).toBe('complete');
    expect(t.services.pool.stats()).toMatchObject({ connectsTotal: 2, adopted: 1 });
    expect(acceptedLogins()).toBe(logins0 + 3);
  });
});
