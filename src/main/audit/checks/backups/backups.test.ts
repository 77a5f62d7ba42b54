// Backup checks through the engine, on recorded lab facts and variants of them.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import type { BackupFile, BackupLocation } from '../../parsers/backups';
import { hostFacts, rawScenario } from '../../../../../test/support/hostFixtures';
import type { FileStat } from '../../parsers/records';
import { checks } from './index';

const HOST = '192.0.2.10:22';
const NOW = 1_795_000_000;
const run = (f: HostFacts) => evaluate(f, HOST, checks);
const st = (path: string, mode: number, ageH: number, type = 'f'): FileStat => ({ path, mode, uid: 0, gid: 0, owner: 'root', group: 'root', type, size: 10, mtime: NOW - ageH * 3600 });
const file = (path: string, mode: number, ageH: number, encryption: BackupFile['encryption'], housekeeping = false, magic: string | null = null): BackupFile => ({
  stat: st(path, mode, ageH),
  magic,
  encryption,
  housekeeping,
});
const loc = (path: string, source: BackupLocation['source'], mode: number, files: BackupFile[]): BackupLocation => ({ path, source, stat: st(path, mode, 0, 'd'), files });
function facts(locations: BackupLocation[]): HostFacts {
  const f = hostFacts(rawScenario('hardened'), 0);
  f.backups = { ok: true, value: { now: NOW, locations, denied: [], truncated: false } };
  return f;
}
const brief = (f: HostFacts) => run(f).findings.map((x) => `${x.checkId} ${x.severity} ${x.resource}`);

describe('backup checks on the recorded lab hosts', () => {
  it('vulnerable: stale, unencrypted, readable; the shadow copy in /var/backups is critical', () => {
    const ev = run(hostFacts(rawScenario('vulnerable'), 0));
    expect(ev.checks.map((c) => `${c.checkId}:${c.status}`)).toEqual(['BACKUP-NONE:pass', 'BACKUP-STALE:fail', 'BACKUP-UNENCRYPTED:fail', 'BACKUP-READABLE:fail']);
    expect(ev.findings.map((x) => `${x.checkId} ${x.severity} ${x.resource}`)).toEqual([
      'BACKUP-STALE high backup:/srv/lab/srv/backups',
      'BACKUP-STALE medium backup:/srv/lab/home/alice/backups',
      'BACKUP-UNENCRYPTED medium backup:/srv/lab/srv/backups',
      'BACKUP-UNENCRYPTED medium backup:/srv/lab/home/alice/backups',
      'BACKUP-READABLE critical backup:/var/backups',
      'BACKUP-READABLE critical backup:/srv/lab/home/alice/backups',
    ]);
    expect(ev.findings[0]!.evidence).toMatch(/^newest file in \/srv\/lab\/srv\/backups is \/srv\/lab\/srv\/backups\/stack\.tar\.gz from .* UTC, 10 days old$/);
    expect(ev.findings[2]!.evidence).toBe('1 of 1 backup files in /srv/lab/srv/backups are not encrypted, e.g. stack.tar.gz (gzip)');
    expect(ev.findings[5]!.evidence).toMatch(/db-2026-11-20\.sql\.gz 0644 \(rw-r--r--\) alice:alice \(unencrypted\); folder .* is open to every user$/);
  });

  it('hardened: all pass', () => {
    expect(run(hostFacts(rawScenario('hardened'), 0)).checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });

  it('unprivileged: needs-sudo', () => {
    expect(run(hostFacts(rawScenario('hardened-unprivileged'), 4100)).checks.map((c) => c.status)).toEqual(['needs-sudo', 'needs-sudo', 'needs-sudo', 'needs-sudo']);
  });
});

describe('policies', () => {
  it('only Debian housekeeping in /var/backups: no backup; the other checks have nothing to judge', () => {
    const f = facts([loc('/var/backups', 'var-backups', 0o755, [file('/var/backups/dpkg.status.0', 0o644, 1, 'unknown', true), file('/var/backups/passwd.bak', 0o644, 1, 'unencrypted', true)])]);
    const ev = run(f);
    expect(ev.checks.map((c) => c.status)).toEqual(['fail', 'not-applicable', 'not-applicable', 'pass']);
    expect(ev.findings[0]!.evidence).toBe("no backup files in /var/backups (Debian's own /var/backups copies of dpkg and account files do not count)");
  });

  it('stale: > 48 h medium, > 7 days high, fresh passes', () => {
    const f = facts([
      loc('/a/backups', 'scan-root', 0o700, [file('/a/backups/x.gpg', 0o600, 49, 'encrypted')]),
      loc('/b/backups', 'scan-root', 0o700, [file('/b/backups/x.gpg', 0o600, 24 * 8, 'encrypted')]),
      loc('/c/backups', 'scan-root', 0o700, [file('/c/backups/old.gpg', 0o600, 24 * 30, 'encrypted'), file('/c/backups/new.gpg', 0o600, 2, 'encrypted')]),
    ]);
    expect(brief(f)).toEqual(['BACKUP-STALE medium backup:/a/backups', 'BACKUP-STALE high backup:/b/backups']);
  });

  it('readable: encrypted medium, unknown high, unencrypted critical; the folder alone low', () => {
    const f = facts([
      loc('/a/backups', 'scan-root', 0o700, [file('/a/backups/x.gpg', 0o644, 1, 'encrypted')]),
      loc('/b/backups', 'scan-root', 0o700, [file('/b/backups/x.bin', 0o644, 1, 'unknown')]),
      loc('/c/backups', 'scan-root', 0o700, [file('/c/backups/x.sql', 0o604, 1, 'unencrypted'), file('/c/backups/y.age', 0o600, 1, 'encrypted')]),
      loc('/d/backups', 'scan-root', 0o755, [file('/d/backups/x.age', 0o600, 1, 'encrypted')]),
    ]);
    expect(brief(f).filter((x) => x.startsWith('BACKUP-READABLE'))).toEqual([
      'BACKUP-READABLE medium backup:/a/backups',
      'BACKUP-READABLE high backup:/b/backups',
      'BACKUP-READABLE critical backup:/c/backups',
      'BACKUP-READABLE low backup:/d/backups',
    ]);
  });

  it('unknown encryption is not counted as unencrypted', () => {
    const f = facts([loc('/a/backups', 'scan-root', 0o700, [file('/a/backups/repo.bin', 0o600, 1, 'unknown', false, 'unknown')])]);
    expect(run(f).checks.find((c) => c.checkId === 'BACKUP-UNENCRYPTED')!.status).toBe('pass');
  });
});
