// File secret checks through the engine, on recorded lab facts and group-access variants.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import type { SecretKind } from '../../parsers/files';
import { hostFacts, rawScenario } from '../../../../../test/support/hostFixtures';
import type { FileStat } from '../../parsers/records';
import { checks } from './fileSecrets';

const HOST = '192.0.2.10:22';
const run = (f: HostFacts) => evaluate(f, HOST, checks);

describe('secret file checks on the recorded lab hosts', () => {
  it('vulnerable: world-readable secrets are critical, a shared group medium, the writable ACME store high', () => {
    const ev = run(hostFacts(rawScenario('vulnerable'), 0));
    const readable = ev.findings.filter((f) => f.checkId === 'SECRET-FILE-READABLE').map((f) => `${f.severity} ${f.resource.replace('file:/srv/lab/', '')}`);
    expect(readable.sort()).toEqual([
      'critical home/alice/.my.cnf',
      'critical home/alice/.pgpass',
      'critical home/alice/.ssh/id_ed25519',
      'critical home/alice/apps/web/.env',
      'critical home/alice/apps/web/acme.json',
      'critical home/alice/apps/web/htpasswd',
      'critical home/alice/apps/web/tls/server.key',
      'critical srv/stack/.env',
      'medium home/alice/apps/web/wg0.conf',
    ]);
    const wg = ev.findings.find((f) => f.resource.endsWith('wg0.conf'))!;
    expect(wg.evidence).toBe('/srv/lab/home/alice/apps/web/wg0.conf (WireGuard config (private key)) 0640 (rw-r-----) alice:users: readable by group users');
    expect(wg.title).toBe('A secret file is readable by a shared group');
    expect(ev.findings.filter((f) => f.checkId === 'SECRET-FILE-WRITABLE').map((f) => `${f.severity} ${f.resource}`)).toEqual(['high file:/srv/lab/home/alice/apps/web/acme.json']);
  });

  it('hardened: 0600 secrets pass', () => {
    const ev = run(hostFacts(rawScenario('hardened'), 0));
    expect(ev.checks.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('unprivileged: needs-sudo', () => {
    expect(run(hostFacts(rawScenario('hardened-unprivileged'), 4100)).checks.map((c) => c.status)).toEqual(['needs-sudo', 'needs-sudo']);
  });
});

describe('group access', () => {
  const f = (group: string, gid: number, kind: SecretKind = 'env-file', mode = 0o640, closedDirs: string[] = []): HostFacts => {
    const facts = hostFacts(rawScenario('hardened'), 0);
    if (!facts.accounts.ok) throw new Error('fixture');
    facts.accounts.value.groups.push({ name: 'deploy', gid: 5000, members: ['alice', 'bob'] }, { name: 'solo', gid: 5001, members: [] });
    const stat: FileStat = { path: '/srv/app/secret', mode, uid: 0, gid, owner: 'root', group, type: 'f', size: 1, mtime: 1 };
    facts.secretFiles = { ok: true, value: { files: [{ stat, kind }], closedDirs, denied: [], truncated: false } };
    return facts;
  };
  const outcome = (facts: HostFacts) => run(facts).findings.map((x) => `${x.checkId} ${x.severity} ${x.evidence.split(': ').pop()}`);

  it('a group with other members reaches other people', () => {
    expect(outcome(f('deploy', 5000))).toEqual(['SECRET-FILE-READABLE medium readable by group deploy (alice, bob)']);
  });
  it('a group nobody else is in does not', () => {
    expect(outcome(f('solo', 5001))).toEqual([]);
  });
  it('root\'s group and the key-reading groups (ssl-cert) do not', () => {
    expect(outcome(f('root', 0))).toEqual([]);
    expect(outcome(f('ssl-cert', 113, 'private-key'))).toEqual([]);
  });
  it('broad groups always do, also for writing', () => {
    expect(outcome(f('users', 100, 'env-file', 0o660))).toEqual(['SECRET-FILE-READABLE medium readable by group users', 'SECRET-FILE-WRITABLE medium writable by group users']);
  });
  it('world-readable wins over the group', () => {
    expect(outcome(f('solo', 5001, 'pgpass', 0o644))).toEqual(['SECRET-FILE-READABLE critical readable by every user']);
  });
  it('a folder above that others may not enter keeps a world-readable secret out of reach: medium', () => {
    const ev = run(f('solo', 5001, 'env-file', 0o666, ['/srv', '/srv/app']));
    expect(ev.findings.map((x) => `${x.checkId} ${x.severity} ${x.evidence}`)).toEqual([
      'SECRET-FILE-READABLE medium /srv/app/secret (environment file) 0666 (rw-rw-rw-) root:solo: readable by every user, but /srv keeps other users out for now',
      'SECRET-FILE-WRITABLE medium /srv/app/secret (environment file) 0666 (rw-rw-rw-) root:solo: writable by every user, but /srv keeps other users out for now',
    ]);
    // a folder that merely shares the prefix is not an ancestor
    expect(run(f('solo', 5001, 'env-file', 0o644, ['/srv/ap'])).findings[0]!.severity).toBe('critical');
  });
});
