// System checks through the engine, on recorded lab facts and variants of them.
import { describe, expect, it } from 'vitest';
import type { CheckResult, Finding } from '../../../../shared/domain';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import { hostFacts, rawScenario } from '../../../../../test/support/hostFixtures';
import type { OsRelease } from '../../parsers/osRelease';
import type { SystemInfo, TimeSync, AutoUpgrades, AptUpdates } from '../../parsers/system';
import { checks } from './index';

const HOST = '192.0.2.10:22';
/** "Today" for the end-of-life checks: 2026-11-26. */
const TODAY = Date.parse('2026-11-26T12:00:00Z') / 1000;

function facts(scenario: 'vulnerable' | 'hardened', over: { os?: Partial<OsRelease>; systemInfo?: Partial<SystemInfo>; timeSync?: Partial<TimeSync>; autoUpgrades?: Partial<AutoUpgrades>; aptUpdates?: Partial<AptUpdates> } = {}): HostFacts {
  const f = hostFacts(rawScenario(scenario), 0);
  const patch = <K extends keyof HostFacts>(k: K, v: object | undefined): void => {
    const s = f[k];
    if (v && s.ok) (f as unknown as Record<string, unknown>)[k] = { ok: true, value: { ...(s.value as object), ...v } };
  };
  f.os = { ok: true, value: { id: 'debian', versionId: scenario === 'vulnerable' ? '10' : '12', prettyName: 'Debian', ...over.os } };
  patch('systemInfo', { now: TODAY, ...over.systemInfo });
  patch('timeSync', over.timeSync);
  patch('autoUpgrades', over.autoUpgrades);
  patch('aptUpdates', over.aptUpdates);
  return f;
}

function result(f: HostFacts, id: string): { check: CheckResult; findings: Finding[] } {
  const ev = evaluate(f, HOST, checks);
  return { check: ev.checks.find((c) => c.checkId === id)!, findings: ev.findings.filter((x) => x.checkId === id) };
}

const brief = (r: { findings: Finding[] }): string[] => r.findings.map((f) => `${f.severity} ${f.resource}: ${f.evidence}`);

describe('system checks on the recorded lab hosts', () => {
  it('vulnerable: every system check fails with what was planted', () => {
    const f = facts('vulnerable');
    const ev = evaluate(f, HOST, checks);
    expect(ev.checks.map((c) => `${c.checkId}:${c.status}`)).toEqual([
      'SYS-SECURITY-UPDATES:fail',
      'SYS-PENDING-UPDATES:fail',
      'SYS-PACKAGE-LISTS-STALE:fail',
      'SYS-UNATTENDED-UPGRADES:fail',
      'SYS-REBOOT-REQUIRED:fail',
      'SYS-OS-EOL:fail',
      'SYS-TIME-SYNC:fail',
    ]);
    expect(brief(result(f, 'SYS-SECURITY-UPDATES'))).toEqual([
      'high packages:security-updates: 2 security updates pending: bash (5.2.15-2+b8 → 5.2.15-2+b8+rmp1, bookworm-security), openssl (3.0.19-1~deb12u2 → 3.0.19-1~deb12u2+rmp1, bookworm-security)',
    ]);
    expect(brief(result(f, 'SYS-PENDING-UPDATES'))).toEqual(['low packages:updates: 1 update pending: base-files (12.4+deb12u11 → 12.4+deb12u11+rmp1, bookworm-updates)']);
    expect(brief(result(f, 'SYS-UNATTENDED-UPGRADES'))).toEqual([
      'medium apt:unattended-upgrades: APT::Periodic::Unattended-Upgrade is "0"; no security origin in Unattended-Upgrade::Origins-Pattern / Allowed-Origins',
    ]);
    expect(brief(result(f, 'SYS-REBOOT-REQUIRED'))).toEqual(['medium system:reboot-required: /var/run/reboot-required exists (requested by linux-image-6.1.0-99-amd64, libc6)']);
    expect(brief(result(f, 'SYS-OS-EOL'))).toEqual(['high os:debian-10: Debian 10 (buster) reached its end of life on 2024-06-30 (878 days ago); it gets no security updates']);
    expect(brief(result(f, 'SYS-TIME-SYNC'))).toEqual(['medium system:time-sync: no time daemon is running (looked for chronyd, ntpd, systemd-timesyncd, openntpd)']);
    expect(result(f, 'SYS-PACKAGE-LISTS-STALE').findings[0]!.evidence).toMatch(/, 30 days ago \(more than 7 days\)$/);
  });

  it('hardened: every system check passes', () => {
    const ev = evaluate(facts('hardened'), HOST, checks);
    expect(ev.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(ev.findings).toEqual([]);
  });

  it('unprivileged: unreadable package lists make the update checks needs-sudo', () => {
    const f = hostFacts(rawScenario('hardened-unprivileged'), 4100);
    const ev = evaluate(f, HOST, checks);
    expect(ev.checks.filter((c) => c.checkId.includes('UPDATES') || c.checkId.includes('LISTS')).map((c) => c.status)).toEqual(['needs-sudo', 'needs-sudo', 'needs-sudo']);
  });
});

describe('SYS-OS-EOL', () => {
  const eol = (id: string, versionId: string | null, now = TODAY) => result(facts('hardened', { os: { id, versionId, prettyName: `${id} ${versionId}` }, systemInfo: { now } }), 'SYS-OS-EOL');
  it.each([
    ['debian', '11', 'fail', 'high'],
    ['debian', '12', 'pass', null],
    ['debian', '13', 'pass', null],
    ['debian', '9', 'fail', 'high'],
    ['ubuntu', '20.04', 'fail', 'high'],
    ['ubuntu', '22.04', 'pass', null],
    ['ubuntu', '24.04', 'pass', null],
    ['ubuntu', '25.10', 'fail', 'high'],
    ['alpine', '3.21.2', 'fail', 'high'],
    ['alpine', '3.22.1', 'pass', null],
  ])('%s %s on 2026-11-26: %s', (id, v, status, severity) => {
    const r = eol(id, v);
    expect(r.check.status).toBe(status);
    if (severity) expect(r.findings[0]!.severity).toBe(severity);
  });

  it('close to the date: low', () => {
    const r = eol('debian', '12', Date.parse('2028-04-01T00:00:00Z') / 1000);
    expect(brief(r)).toEqual(['low os:debian-12: Debian 12 (bookworm) reaches its end of life on 2028-06-30 (in 90 days)']);
    expect(r.findings[0]!.title).toBe('The operating system reaches its end of life soon');
  });

  it('unknown distribution or no VERSION_ID (testing/sid): not-applicable', () => {
    expect(eol('arch', null).check.status).toBe('not-applicable');
    expect(eol('debian', null).check.status).toBe('not-applicable');
    expect(eol('ubuntu', '12.04').check.status).toBe('not-applicable');
  });
});

describe('SYS-TIME-SYNC', () => {
  const ts = (timeSync: Partial<TimeSync>, systemInfo: Partial<SystemInfo> = {}) => result(facts('hardened', { timeSync, systemInfo }), 'SYS-TIME-SYNC');
  const d = (name: string, netns: string | null = 'net:[1]') => ({ name, pid: 10, netns });

  it('containers use their host\'s clock', () => {
    expect(ts({ daemons: [] }, { container: 'docker' }).check).toMatchObject({ status: 'not-applicable', message: expect.stringMatching(/docker container/) });
  });
  it('timedatectl says synchronised', () => {
    expect(ts({ timedatectl: { ntp: true, synchronized: true, canNtp: true }, daemons: [] }).check.status).toBe('pass');
  });
  it('NTP off and nothing running', () => {
    expect(brief(ts({ timedatectl: { ntp: false, synchronized: false, canNtp: true }, daemons: [] }))).toEqual([
      'medium system:time-sync: timedatectl: NTP=no, NTPSynchronized=no; no time daemon is running',
    ]);
  });
  it('a daemon that has not synchronised yet: low', () => {
    expect(ts({ timedatectl: { ntp: true, synchronized: false, canNtp: true }, selfNetns: 'net:[1]', daemons: [d('systemd-timesyn')] }).findings[0]!.severity).toBe('low');
  });
  it('two daemons fight over the clock: low', () => {
    expect(brief(ts({ timedatectl: null, selfNetns: 'net:[1]', daemons: [d('chronyd'), d('ntpd')] }))).toEqual(['low system:time-sync: running: chronyd, ntpd (they fight over the clock)']);
  });
  it('a daemon in another network namespace does not count', () => {
    expect(ts({ timedatectl: null, selfNetns: 'net:[1]', daemons: [d('chronyd', 'net:[2]')] }).check.status).toBe('fail');
  });
});

describe('SYS-UNATTENDED-UPGRADES', () => {
  const uu = (a: Partial<AutoUpgrades>) => result(facts('hardened', { autoUpgrades: a }), 'SYS-UNATTENDED-UPGRADES');
  it('not installed, nothing configured', () => {
    expect(uu({ installed: false, periodic: {}, origins: [] }).findings[0]!.evidence).toBe(
      'the unattended-upgrades package is not installed; APT::Periodic::Unattended-Upgrade is not set; APT::Periodic::Update-Package-Lists is not set',
    );
  });
  it('a disabled systemd timer', () => {
    expect(uu({ timer: { enabled: 'disabled', active: 'inactive' } }).findings[0]!.evidence).toBe('apt-daily-upgrade.timer is disabled');
  });
  it('no systemd and no cron job', () => {
    expect(uu({ timer: null, cron: false }).findings[0]!.evidence).toMatch(/neither systemd nor/);
  });
});

describe('update checks', () => {
  it('no package lists at all: the update checks cannot know, the lists check says why', () => {
    const f = facts('hardened', { aptUpdates: { listsCount: 0, listsUpdatedAt: null, upgradable: [] } });
    expect(result(f, 'SYS-SECURITY-UPDATES').check.status).toBe('not-applicable');
    expect(brief(result(f, 'SYS-PACKAGE-LISTS-STALE'))[0]).toMatch(/^medium apt:lists:.*apt update never ran$/);
  });
  it('many security updates: the evidence lists a few and counts the rest', () => {
    const upgradable = Array.from({ length: 20 }, (_, i) => ({ name: `p${i}`, suites: ['bookworm-security'], version: '2', arch: 'amd64', from: '1', security: true }));
    const ev = result(facts('hardened', { aptUpdates: { upgradable } }), 'SYS-SECURITY-UPDATES').findings[0]!.evidence;
    expect(ev).toMatch(/^20 security updates pending: p0 \(1 → 2, bookworm-security\), .* and 12 more$/);
  });
  it('a newer kernel in /boot is a pending reboot even without the marker file', () => {
    const r = result(facts('hardened', { systemInfo: { kernel: '6.1.0-28-amd64', bootKernels: ['6.1.0-28-amd64', '6.1.0-30-amd64'] } }), 'SYS-REBOOT-REQUIRED');
    expect(brief(r)).toEqual(['medium system:kernel: running kernel 6.1.0-28-amd64, newest installed 6.1.0-30-amd64 (/boot/vmlinuz-6.1.0-30-amd64)']);
  });
});
