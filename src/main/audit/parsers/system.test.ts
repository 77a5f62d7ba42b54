// System parsers on recorded lab output and hand-made variants (Ubuntu, systemd hosts), plus
// truncated, empty, garbage and huge inputs.
import { describe, expect, it } from 'vitest';
import { rawFixture } from '../../../../test/support/hostFixtures';
import {
  compareKernelVersions,
  isSecuritySuite,
  localTimeDaemons,
  newerInstalledKernel,
  parseAptUpgradable,
  parseAutoUpgrades,
  parseSystemInfo,
  parseTimeSync,
  periodicEnabled,
} from './system';

const body = (name: string, scenario: string): string => rawFixture(name, scenario).body;

describe('parseSystemInfo', () => {
  it('vulnerable lab host: reboot marker and the packages that asked for it', () => {
    expect(parseSystemInfo(body('sys_info', 'vulnerable'))).toEqual({
      kernel: '6.18.44-fc-v782',
      now: expect.any(Number) as unknown as number,
      container: null,
      systemd: false,
      bootKernels: [],
      rebootRequired: true,
      rebootPackages: ['linux-image-6.1.0-99-amd64', 'libc6'],
    });
  });

  it('hardened lab host: nothing pending', () => {
    const s = parseSystemInfo(body('sys_info', 'hardened'));
    expect(s.rebootRequired).toBe(false);
    expect(s.rebootPackages).toEqual([]);
  });

  it('a newer kernel in /boot than the running one', () => {
    const s = parseSystemInfo(body('sys_info', 'newer-kernel'));
    expect(s.bootKernels).toEqual(['6.1.0-26-amd64', '6.1.0-28-amd64', '6.1.0-30-amd64']);
    expect(newerInstalledKernel(s)).toBe('6.1.0-30-amd64');
    expect(newerInstalledKernel({ ...s, kernel: '6.1.0-30-amd64' })).toBeNull();
    // Another flavour is not "newer" than the running one.
    expect(newerInstalledKernel({ kernel: '6.1.0-28-cloud-amd64', bootKernels: ['6.1.0-30-amd64'] })).toBeNull();
  });

  it('container names are kept, "none" is null', () => {
    expect(parseSystemInfo('kernel\t6.1\nnow\t1\ncontainer\tdocker\n').container).toBe('docker');
  });

  it('empty, truncated or garbage output is an error, never a guess', () => {
    expect(() => parseSystemInfo('')).toThrow(/kernel/);
    expect(() => parseSystemInfo('kernel\t6.1.0\n')).toThrow(/clock/);
    expect(() => parseSystemInfo('\x00\x01garbage\nnow\tsoon\nkernel\tx')).toThrow(/clock/);
  });
});

describe('compareKernelVersions', () => {
  it('compares numeric runs as numbers', () => {
    expect(compareKernelVersions('6.1.0-9-amd64', '6.1.0-10-amd64')).toBeLessThan(0);
    expect(compareKernelVersions('6.10.0-1', '6.9.0-1')).toBeGreaterThan(0);
    expect(compareKernelVersions('6.1.0-28-amd64', '6.1.0-28-amd64')).toBe(0);
  });
});

describe('parseAptUpgradable', () => {
  it('Debian lab host: security suite vs updates, lists metadata', () => {
    const a = parseAptUpgradable(body('apt_upgradable', 'vulnerable'));
    expect(a.upgradable.map((p) => `${p.name} ${p.security}`)).toEqual(['base-files false', 'bash true', 'openssl true']);
    expect(a.upgradable[1]).toEqual({ name: 'bash', suites: ['bookworm-security'], version: '5.2.15-2+b8+rmp1', arch: 'amd64', from: '5.2.15-2+b8', security: true });
    expect(a.listsDir).toBe('/lab/state/apt/lists/');
    expect(a.listsCount).toBe(2);
    // planted 30 days old
    expect(Math.round((a.now! - a.listsUpdatedAt!) / 86400)).toBe(30);
    expect(a.denied).toEqual([]);
  });

  it('hardened lab host: nothing upgradable', () => {
    expect(parseAptUpgradable(body('apt_upgradable', 'hardened')).upgradable).toEqual([]);
  });

  it('Ubuntu: a package in "jammy-updates,jammy-security" is a security update', () => {
    const a = parseAptUpgradable(body('apt_upgradable', 'ubuntu2204'));
    expect(a.upgradable.filter((p) => p.security).map((p) => p.name)).toEqual(['libssl3', 'openssl', 'tzdata']);
    expect(a.upgradable.find((p) => p.name === 'snapd')!.security).toBe(false);
  });

  it('unprivileged: an unreadable lists folder is reported', () => {
    expect(parseAptUpgradable(body('apt_upgradable', 'hardened-unprivileged')).denied).toEqual(['/lab/state/apt/lists/']);
  });

  it('security suites', () => {
    expect(isSecuritySuite('bookworm-security')).toBe(true);
    expect(isSecuritySuite('oldstable-security')).toBe(true);
    expect(isSecuritySuite('bookworm-updates')).toBe(false);
    expect(isSecuritySuite('securityish')).toBe(false);
  });

  it('empty, truncated, garbage and huge output', () => {
    expect(parseAptUpgradable('').upgradable).toEqual([]);
    const cut = 'Listing...\nbash/bookworm-security 5.2 amd64 [upgradable from: 5.1]\nopenssl/bookworm-secu';
    expect(parseAptUpgradable(cut).upgradable.map((p) => p.name)).toEqual(['bash']);
    expect(parseAptUpgradable('\x00\x01\n[[[\n/ / /\n#rampart now x').upgradable).toEqual([]);
    const huge = Array.from({ length: 30_000 }, (_, i) => `pkg${i}/bookworm-security 2 amd64 [upgradable from: 1]`).join('\n');
    expect(parseAptUpgradable(huge).upgradable).toHaveLength(20_000);
  });
});

describe('parseAutoUpgrades', () => {
  it('hardened: installed, enabled, security origin', () => {
    const a = parseAutoUpgrades(body('auto_upgrades', 'hardened'));
    expect(a).toEqual({
      installed: true,
      periodic: { 'Update-Package-Lists': '1', 'Unattended-Upgrade': '1' },
      origins: ['origin=Debian,codename=${distro_codename}-security,label=Debian-Security'],
      files: ['/etc/apt/apt.conf.d/20auto-upgrades', '/etc/apt/apt.conf.d/50unattended-upgrades'],
      timer: null,
      cron: true,
    });
  });

  it('vulnerable: Unattended-Upgrade "0", no origins', () => {
    const a = parseAutoUpgrades(body('auto_upgrades', 'vulnerable'));
    expect(a.periodic['Unattended-Upgrade']).toBe('0');
    expect(a.origins).toEqual([]);
  });

  it('systemd timer state', () => {
    const a = parseAutoUpgrades('pkg\tinstall ok installed\ntimer\tdisabled\ntimeractive\tinactive\n');
    expect(a.timer).toEqual({ enabled: 'disabled', active: 'inactive' });
  });

  it('empty and garbage', () => {
    expect(parseAutoUpgrades('')).toEqual({ installed: false, periodic: {}, origins: [], files: [], timer: null, cron: false });
    expect(parseAutoUpgrades('cfg\tnot a config line\ncfg\t"x";\n').periodic).toEqual({});
  });

  it('periodic values', () => {
    expect(periodicEnabled('1')).toBe(true);
    expect(periodicEnabled('7')).toBe(true);
    expect(periodicEnabled('always')).toBe(true);
    expect(periodicEnabled('0')).toBe(false);
    expect(periodicEnabled('')).toBe(false);
    expect(periodicEnabled(undefined)).toBe(false);
  });
});

describe('parseTimeSync', () => {
  it('hardened lab host: chronyd in the host\'s own network namespace', () => {
    const t = parseTimeSync(body('time_sync', 'hardened'));
    expect(t.timedatectl).toBeNull();
    expect(localTimeDaemons(t).map((d) => d.name)).toEqual(['chronyd']);
  });

  it('a daemon in another namespace (a container, another lab host) is not this host\'s', () => {
    const t = parseTimeSync(body('time_sync', 'systemd'));
    expect(t.timedatectl).toEqual({ ntp: true, synchronized: true, canNtp: true });
    expect(t.daemons.map((d) => d.name)).toEqual(['systemd-timesyn', 'chronyd']);
    expect(localTimeDaemons(t).map((d) => d.name)).toEqual(['systemd-timesyn']);
  });

  it('unprivileged: unknown namespaces count (they cannot be told apart)', () => {
    const t = parseTimeSync(body('time_sync', 'hardened-unprivileged'));
    expect(t.daemons[0]!.netns).toBeNull();
    expect(localTimeDaemons(t)).toHaveLength(1);
  });

  it('vulnerable lab host: the hardened host\'s chronyd is visible but runs in another namespace', () => {
    const t = parseTimeSync(body('time_sync', 'vulnerable'));
    expect(t.daemons.map((d) => d.name)).toEqual(['chronyd']);
    expect(t.daemons[0]!.netns).not.toBe(t.selfNetns);
    expect(localTimeDaemons(t)).toEqual([]);
  });

  it('garbage and huge', () => {
    expect(parseTimeSync('proc\tchronyd\tnotapid\t\n\x00\n').daemons).toEqual([]);
    expect(parseTimeSync(Array.from({ length: 500 }, (_, i) => `proc\tntpd\t${i}\t`).join('\n')).daemons).toHaveLength(100);
  });
});
