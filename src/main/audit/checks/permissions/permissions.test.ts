// Permission checks through the engine, on recorded lab facts and variants of them.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/domain';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import { hostFacts, rawScenario } from '../../../../../test/support/hostFixtures';
import type { FileStat } from '../../parsers/records';
import { checks } from './index';

const HOST = '192.0.2.10:22';
const run = (f: HostFacts) => evaluate(f, HOST, checks);
const brief = (fs: Finding[], id: string): string[] => fs.filter((f) => f.checkId === id).map((f) => `${f.severity} ${f.resource}`);
const st = (path: string, mode: number, more: Partial<FileStat> = {}): FileStat => ({ path, mode, uid: 0, gid: 0, owner: 'root', group: 'root', type: 'f', size: 1, mtime: 1, ...more });

describe('permission checks on the recorded lab hosts', () => {
  it('vulnerable: every planted mode problem', () => {
    const ev = run(hostFacts(rawScenario('vulnerable'), 0));
    expect(ev.checks.filter((c) => c.status !== 'fail').map((c) => c.checkId)).toEqual(['PERM-PASSWD-FILES']);
    expect(brief(ev.findings, 'PERM-SHADOW-FILES')).toEqual(['critical file:/etc/shadow']);
    expect(brief(ev.findings, 'PERM-SSH-HOST-KEYS')).toEqual(['critical file:/etc/ssh/ssh_host_dsa_key']);
    expect(brief(ev.findings, 'PERM-SSHD-CONFIG')).toEqual(['high file:/etc/ssh/sshd_config']);
    expect(brief(ev.findings, 'PERM-SUDOERS-FILES')).toEqual(['low file:/etc/sudoers.d/91-guest']);
    expect(brief(ev.findings, 'PERM-SSH-DIR')).toEqual(['high file:/srv/lab/home/alice/.ssh']);
    expect(brief(ev.findings, 'PERM-AUTHORIZED-KEYS').sort()).toEqual(['high file:/etc/ssh/authorized_keys_alice', 'low file:/srv/lab/home/alice/.ssh/authorized_keys']);
    expect(brief(ev.findings, 'PERM-WORLD-WRITABLE').sort()).toEqual([
      'high file:/etc/ssh/authorized_keys_alice',
      'high file:/etc/ssh/sshd_config',
      'high file:/srv/lab/home/alice/.ssh',
      'high file:/srv/lab/home/alice/apps/web/acme.json',
      'high file:/srv/lab/home/alice/apps/web/docker-compose.yml',
      'high file:/srv/lab/srv/stack/docker-compose.yml',
    ]);
    expect(brief(ev.findings, 'PERM-LOG-FILES').sort()).toEqual(['high file:/var/log/kern.log', 'medium file:/var/log/auth.log']);
    expect(brief(ev.findings, 'PERM-DATA-DIRS')).toEqual(['high file:/srv/lab/home/alice/apps/pg/data']);
    const shadow = ev.findings.find((f) => f.checkId === 'PERM-SHADOW-FILES')!;
    expect(shadow.evidence).toBe('/etc/shadow 0644 (rw-r--r--) root:shadow: readable by every user');
    expect(ev.findings.find((f) => f.checkId === 'PERM-LOG-FILES' && f.resource.endsWith('auth.log'))!.evidence).toContain('/var/log/auth.log.1');
  });

  it('hardened: all pass', () => {
    const ev = run(hostFacts(rawScenario('hardened'), 0));
    expect(ev.checks.filter((c) => c.status !== 'pass').map((c) => `${c.checkId}:${c.status}`)).toEqual([]);
  });

  it('unprivileged: stat-able files are judged, walks that met closed folders are needs-sudo', () => {
    const ev = run(hostFacts(rawScenario('hardened-unprivileged'), 4100));
    expect(Object.fromEntries(ev.checks.map((c) => [c.checkId, c.status]))).toEqual({
      'PERM-SHADOW-FILES': 'pass',
      'PERM-PASSWD-FILES': 'pass',
      'PERM-SSH-HOST-KEYS': 'pass',
      'PERM-SSHD-CONFIG': 'pass',
      'PERM-SUDOERS-FILES': 'needs-sudo',
      'PERM-SSH-DIR': 'needs-sudo',
      'PERM-AUTHORIZED-KEYS': 'needs-sudo',
      'PERM-WORLD-WRITABLE': 'needs-sudo',
      'PERM-LOG-FILES': 'pass',
      'PERM-DATA-DIRS': 'needs-sudo',
    });
  });
});

describe('policies', () => {
  const base = (): HostFacts => hostFacts(rawScenario('hardened'), 0);

  it('shadow: 0640 root:shadow passes, a foreign group or owner does not', () => {
    const f = base();
    f.criticalFiles = {
      ok: true,
      value: {
        files: [
          { role: 'shadow', stat: st('/etc/shadow', 0o640, { gid: 42, group: 'shadow' }) },
          { role: 'gshadow', stat: st('/etc/gshadow', 0o640, { gid: 4, group: 'adm' }) },
          { role: 'shadow', stat: st('/etc/shadow-', 0o600, { uid: 1000, owner: 'alice' }) },
        ],
      },
    };
    const ev = run(f);
    expect(ev.findings.filter((x) => x.checkId === 'PERM-SHADOW-FILES').map((x) => `${x.severity} ${x.evidence}`)).toEqual([
      'high /etc/gshadow 0640 (rw-r-----) root:adm: readable by group adm',
      'high /etc/shadow- 0600 (rw-------) alice:root: owned by alice, not root',
    ]);
  });

  it('host keys: RHEL\'s 0640 root:ssh_keys passes', () => {
    const f = base();
    f.criticalFiles = { ok: true, value: { files: [{ role: 'hostkey', stat: st('/etc/ssh/ssh_host_ed25519_key', 0o640, { gid: 993, group: 'ssh_keys' }) }] } };
    expect(run(f).checks.find((c) => c.checkId === 'PERM-SSH-HOST-KEYS')!.status).toBe('pass');
  });

  it('sshd_config: Debian\'s default 0644 is a low finding (CIS asks 0600)', () => {
    const f = base();
    f.criticalFiles = { ok: true, value: { files: [{ role: 'sshd_config', stat: st('/etc/ssh/sshd_config', 0o644) }] } };
    expect(run(f).findings.map((x) => `${x.severity} ${x.evidence}`)).toEqual(['low /etc/ssh/sshd_config 0644 (rw-r--r--) root:root: readable by every user (CIS: 0600)']);
  });

  it('world-writable: sticky folders are medium; many files in one folder become one finding', () => {
    const f = base();
    const many = Array.from({ length: 8 }, (_, i) => st(`/srv/data/f${i}`, 0o666));
    f.writableFiles = { ok: true, value: { files: [st('/srv/tmp', 0o1777, { type: 'd' }), ...many], denied: [], truncated: true } };
    const w = run(f).findings.filter((x) => x.checkId === 'PERM-WORLD-WRITABLE');
    expect(w.map((x) => `${x.severity} ${x.resource} ${x.title}`)).toEqual([
      'medium file:/srv/tmp World-writable files under configuration folders',
      'high file:/srv/data/* Many world-writable files in one folder',
    ]);
    expect(w[0]!.evidence).toMatch(/cut: there may be more/);
  });

  it('logs: rotations are one finding; login records may be world-readable', () => {
    const f = base();
    f.logFiles = {
      ok: true,
      value: { files: [st('/var/log/syslog', 0o644), st('/var/log/syslog.1', 0o644), st('/var/log/syslog.2.gz', 0o644), st('/var/log/wtmp', 0o664), st('/var/log/lastlog', 0o664), st('/var/log/dpkg.log', 0o644)], denied: [], truncated: false },
    };
    expect(run(f).findings.map((x) => `${x.severity} ${x.resource}`)).toEqual(['medium file:/var/log/syslog', 'low file:/var/log/dpkg.log']);
  });

  it('data folders: 0700 and 0750 pass, anything open to others does not', () => {
    const f = base();
    f.dataDirs = {
      ok: true,
      value: {
        dirs: [
          { engine: 'postgresql', stat: st('/a', 0o700, { type: 'd' }) },
          { engine: 'postgresql', stat: st('/b', 0o750, { type: 'd' }) },
          { engine: 'mysql', stat: st('/c', 0o751, { type: 'd' }) },
          { engine: 'redis', stat: st('/d', 0o770, { type: 'd' }) },
        ],
        denied: [],
      },
    };
    expect(run(f).findings.map((x) => `${x.severity} ${x.resource}`)).toEqual(['high file:/c', 'high file:/d']);
  });

  it('~/.ssh 0711 is low (enterable), 0755 medium (listable), 0775 high (writable)', () => {
    const f = base();
    if (!f.sshKeys.ok) throw new Error('fixture');
    const u = (name: string, mode: number) => ({ user: name, uid: 1000, home: `/home/${name}`, sshDir: st(`/home/${name}/.ssh`, mode, { uid: 1000, type: 'd' }), files: [] });
    f.sshKeys = { ok: true, value: { ...f.sshKeys.value, users: [u('a', 0o711), u('b', 0o755), u('c', 0o775), u('d', 0o700)] } };
    expect(run(f).findings.filter((x) => x.checkId === 'PERM-SSH-DIR').map((x) => `${x.severity} ${x.resource}`)).toEqual([
      'low file:/home/a/.ssh',
      'medium file:/home/b/.ssh',
      'high file:/home/c/.ssh',
    ]);
  });
});
