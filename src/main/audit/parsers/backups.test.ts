// Backup locations from recorded lab output: files per location, signature labels, Debian's
// housekeeping copies; plus edge inputs.
import { describe, expect, it } from 'vitest';
import { backupFiles, encryptionOf, isHousekeeping, parseBackups } from './backups';
import { rawFixture } from '../../../../test/support/hostFixtures';

describe('parseBackups', () => {
  it('vulnerable lab host: /var/backups housekeeping, alice\'s and the scan root\'s backups', () => {
    const b = parseBackups(rawFixture('backups', 'vulnerable').body);
    expect(b.now).toBeGreaterThan(1_700_000_000);
    expect(b.locations.map((l) => `${l.source} ${l.path}`)).toEqual([
      'var-backups /var/backups',
      'scan-root /srv/lab/srv/backups',
      'home /srv/lab/home/alice/backups',
    ]);
    const vb = b.locations[0]!;
    expect(vb.files.map((f) => `${f.stat.path} ${f.housekeeping}`).sort()).toEqual(['/var/backups/dpkg.status.0 true', '/var/backups/shadow.bak true']);
    expect(backupFiles(vb)).toEqual([]);
    const alice = b.locations[2]!;
    expect(alice.files.map((f) => [f.magic, f.encryption, f.stat.mode.toString(8)])).toEqual([['gzip', 'unencrypted', '644']]);
  });

  it('hardened lab host: encrypted backups recognised by their first bytes', () => {
    const b = parseBackups(rawFixture('backups', 'hardened').body);
    const files = b.locations.flatMap(backupFiles);
    expect(files.map((f) => f.magic).sort()).toEqual(['age', 'gpg']);
    expect(files.every((f) => f.encryption === 'encrypted' && f.stat.mode === 0o600)).toBe(true);
  });

  it('unprivileged: denied locations', () => {
    expect(parseBackups(rawFixture('backups', 'hardened-unprivileged').body).denied.length).toBeGreaterThan(0);
  });

  it('judging encryption: signature first, name second', () => {
    expect(encryptionOf('/b/db.sql.gpg', 'gzip')).toBe('unencrypted'); // the name lies
    expect(encryptionOf('/b/db.sql.gz', 'gpg')).toBe('encrypted');
    expect(encryptionOf('/b/db.sql.age', null)).toBe('encrypted');
    expect(encryptionOf('/b/db.dump', 'unknown')).toBe('unencrypted');
    expect(encryptionOf('/b/archive.7z', '7z')).toBe('unknown');
    expect(encryptionOf('/b/blob', null)).toBe('unknown');
    expect(encryptionOf('/b/x.zip', 'zip-encrypted')).toBe('encrypted');
  });

  it('housekeeping is only Debian\'s own copies directly in /var/backups', () => {
    const vb = { source: 'var-backups' as const, path: '/var/backups' };
    expect(isHousekeeping(vb, '/var/backups/passwd.bak')).toBe(true);
    expect(isHousekeeping(vb, '/var/backups/dpkg.status.3.gz')).toBe(true);
    expect(isHousekeeping(vb, '/var/backups/alternatives.tar.0')).toBe(true);
    expect(isHousekeeping(vb, '/var/backups/db.sql.gz')).toBe(false);
    expect(isHousekeeping(vb, '/var/backups/sub/passwd.bak')).toBe(false);
    expect(isHousekeeping({ source: 'home', path: '/home/a/backups' }, '/home/a/backups/passwd.bak')).toBe(false);
  });

  it('files belong to the deepest location that holds them', () => {
    const st = (k: string, p: string, t = 'f') => `${k}\t600\t0\t0\troot\troot\t${t}\t1\t1700000000\t${p}\0`;
    const b = parseBackups('N\t1700000100\0' + st('L\tscan-root', '/srv/backups', 'd') + st('L\tscan-root', '/srv/backups/old-backups', 'd') + st('F', '/srv/backups/a.gz') + st('F', '/srv/backups/old-backups/b.gz'));
    expect(b.locations.map((l) => l.files.map((f) => f.stat.path))).toEqual([['/srv/backups/a.gz'], ['/srv/backups/old-backups/b.gz']]);
  });

  it('empty, truncated, garbage and huge output', () => {
    expect(() => parseBackups('')).toThrow(/clock/);
    const cut = rawFixture('backups', 'vulnerable').body.slice(0, 250);
    expect(parseBackups(cut).truncated).toBe(true);
    expect(parseBackups('N\t1\0L\tnowhere\t\0F\t\0M\0\x00\x01').locations).toEqual([]);
    const many = Array.from({ length: 100_000 }, (_, i) => `F\t600\t0\t0\troot\troot\tf\t1\t1700000000\t/srv/backups/f${i}\0`).join('');
    const b = parseBackups('N\t1700000100\0L\tscan-root\t700\t0\t0\troot\troot\td\t1\t1\t/srv/backups\0' + many);
    expect(b.locations[0]!.files).toHaveLength(100_000);
  });
});
