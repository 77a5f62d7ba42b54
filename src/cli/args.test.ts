import { describe, expect, it } from 'vitest';
import { AUDIT_HELP, databaseOption, MAIN_HELP, parseCommandLine, parseHostSpec, parseJumpChain, parseScanRoots, UsageError, wantsJson, type AuditCommand, type FleetCommand } from './args';

const CWD = '/home/op/work';

function audit(...argv: string[]): AuditCommand {
  const c = parseCommandLine(['audit', ...argv], CWD);
  if (c.kind !== 'audit') throw new Error(`expected an audit command, got ${c.kind}`);
  return c;
}

function fleet(...argv: string[]): FleetCommand {
  const c = parseCommandLine(['audit', ...argv], CWD);
  if (c.kind !== 'audit-fleet') throw new Error(`expected a fleet command, got ${c.kind}`);
  return c;
}

function usage(argv: string[]): string {
  try {
    parseCommandLine(argv, CWD);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('parseHostSpec', () => {
  it.each([
    ['root@10.213.0.2', { username: 'root', address: '10.213.0.2', port: 22 }],
    ['root@10.213.0.2:2222', { username: 'root', address: '10.213.0.2', port: 2222 }],
    ['deploy@host.example.org:22', { username: 'deploy', address: 'host.example.org', port: 22 }],
    ['admin@[fd00::1]:2200', { username: 'admin', address: 'fd00::1', port: 2200 }],
    ['admin@[fd00::1]', { username: 'admin', address: 'fd00::1', port: 22 }],
    ['admin@fd00::1', { username: 'admin', address: 'fd00::1', port: 22 }],
    [' op_1@10.0.0.1 ', { username: 'op_1', address: '10.0.0.1', port: 22 }],
  ])('%s', (spec, want) => {
    expect(parseHostSpec(spec)).toEqual(want);
  });

  it.each([
    ['10.213.0.2', /USER@ADDRESS/],
    ['@10.213.0.2', /USER@ADDRESS/],
    ['root@', /USER@ADDRESS/],
    ['root@10.213.0.2:', /port .*missing/],
    ['root@[fd00::1]:', /port .*missing/],
    ['root@10.213.0.2:0', /between 1 and 65535/],
    ['root@10.213.0.2:65536', /between 1 and 65535/],
    ['root@10.213.0.2:22x', /Port must be a number/],
    ['root@999.1.1.1', /IP address or a DNS name/],
    ['root@-oProxyCommand=x', /IP address or a DNS name/],
    ['ro ot@10.0.0.1', /POSIX login name/],
    ['$(id)@10.0.0.1', /POSIX login name/],
  ])('%s is refused', (spec, re) => {
    expect(() => parseHostSpec(spec)).toThrow(re);
  });
});

describe('parseCommandLine', () => {
  it('help and version', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help', topic: 'main' });
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help', topic: 'main' });
    expect(parseCommandLine(['help'])).toEqual({ kind: 'help', topic: 'main' });
    expect(parseCommandLine(['help', 'audit'])).toEqual({ kind: 'help', topic: 'audit' });
    expect(parseCommandLine(['audit', '--help'])).toEqual({ kind: 'help', topic: 'audit' });
    // --help wins even when the rest is incomplete
    expect(parseCommandLine(['audit', '-h', '--format', 'json'])).toEqual({ kind: 'help', topic: 'audit' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ kind: 'version' });
  });

  it('audit defaults', () => {
    expect(audit('--host', 'root@10.213.0.2')).toEqual({
      kind: 'audit',
      host: { username: 'root', address: '10.213.0.2', port: 22 },
      jump: [],
      identityFile: null,
      knownHosts: null,
      acceptNewHostKey: false,
      sshdConfigPath: null,
      sudo: false,
      scanRoots: [],
      trivyReports: [],
      db: null,
      format: 'table',
      failOn: 'high',
      failOnFromSettings: true,
    });
  });

  it('every audit option, local paths resolved against the working directory', () => {
    expect(
      audit(
        '--host=root@10.213.0.2:2222',
        '--identity', 'keys/id_ed25519',
        '--known-hosts', '/etc/ssh/ssh_known_hosts',
        '--sshd-config', '/etc/ssh/custom_config',
        '--db', '../rampart.db',
        '--format', 'json',
        '--fail-on=critical',
      ),
    ).toEqual({
      kind: 'audit',
      host: { username: 'root', address: '10.213.0.2', port: 2222 },
      jump: [],
      identityFile: '/home/op/work/keys/id_ed25519',
      knownHosts: '/etc/ssh/ssh_known_hosts',
      acceptNewHostKey: false,
      sshdConfigPath: '/etc/ssh/custom_config',
      sudo: false,
      scanRoots: [],
      trivyReports: [],
      db: '/home/op/rampart.db',
      format: 'json',
      failOn: 'critical',
      failOnFromSettings: false,
    });
    expect(audit('--host', 'root@h', '--accept-new-host-key', '--format', 'markdown', '--fail-on', 'none')).toMatchObject({
      acceptNewHostKey: true,
      format: 'markdown',
      failOn: 'none',
    });
    for (const s of ['critical', 'high', 'medium', 'low', 'info', 'none']) expect(audit('--host', 'root@h', '--fail-on', s).failOn).toBe(s);
  });

  it.each([
    [[], /no command given/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--format', 'json', 'audit'], /unknown option '--format'.*after the command/],
    [['--version', 'extra'], /unexpected argument/],
    [['help', 'nope'], /no help for "nope"/],
    [['audit'], /--host USER@ADDRESS\[:PORT\] or --inventory FILE is required/],
    [['audit', '--host'], /option --host needs a value/],
    [['audit', '--host', '--db', 'x'], /option --host needs a value/],
    [['audit', '--host', 'root@h', '--bogus'], /unknown option '--bogus'/],
    [['audit', '--host', 'root@h', '-x'], /unknown option '-x'/],
    [['audit', '--host', 'root@h', 'extra'], /unexpected argument "extra"/],
    [['audit', 'root@h'], /did you mean --host root@h/],
    [['audit', '--host', 'root@h', '--format', 'xml'], /--format must be one of json, table, markdown, got "xml"/],
    [['audit', '--host', 'root@h', '--format', 'JSON'], /--format must be one of/],
    [['audit', '--host', 'root@h', '--fail-on', 'severe'], /--fail-on must be one of critical, high, medium, low, info, none/],
    [['audit', '--host', 'root@h', '--known-hosts', 'kh', '--accept-new-host-key'], /cannot be combined/],
    [['audit', '--host', 'root@h', '--sshd-config', 'etc/ssh/sshd_config'], /absolute path on the server/],
    [['audit', '--host', 'root@h', '--db', ''], /--db needs a file name/],
    [['audit', '--host', 'root@h', '--accept-new-host-key=yes'], /does not take an argument/],
    [['audit', '--host', 'root@h', '--host', 'root@i'], /--host given more than once/],
    [['audit', '--host', 'root@h', '--format', 'json', '--format=table'], /--format given more than once/],
    [['audit', '--host', 'root@h:99999'], /between 1 and 65535/],
  ])('%j → usage error', (argv, re) => {
    expect(usage(argv)).toMatch(re);
  });

  it('usage errors name the help topic that explains them', () => {
    expect(() => parseCommandLine(['audit', '--bogus'])).toThrow(expect.objectContaining({ topic: 'audit' }));
    expect(() => parseCommandLine(['nope'])).toThrow(expect.objectContaining({ topic: 'main' }));
  });

  it('wantsJson sees --format json even in an argv that does not parse', () => {
    expect(wantsJson(['audit', '--bogus', '--format', 'json'])).toBe(true);
    expect(wantsJson(['audit', '--format=json'])).toBe(true);
    expect(wantsJson(['audit', '--format', 'table'])).toBe(false);
    expect(wantsJson(['audit', '--format'])).toBe(false);
  });

  it('help texts document the contract', () => {
    expect(MAIN_HELP).toContain('rampart <command>');
    for (const opt of [
      '--host', '--jump', '--inventory', '--concurrency', '--identity', '--known-hosts', '--accept-new-host-key', '--sudo', '--scan-root',
      '--trivy-report', '--sshd-config', '--db', '--format', '--fail-on',
    ])
      expect(AUDIT_HELP).toContain(opt);
    expect(AUDIT_HELP).toMatch(/0 +audit complete/);
    expect(AUDIT_HELP).toMatch(/1 +at least one finding/);
    expect(AUDIT_HELP).toMatch(/2 +usage error/);
    expect(AUDIT_HELP).toMatch(/2 +usage error.*\n.*incomplete/);
    expect(AUDIT_HELP).toMatch(/With --inventory: 1 if any host has a finding at or above --fail-on; otherwise 2 if any host\nfailed or is incomplete/);
  });
});

describe('--jump, --sudo, --scan-root, --trivy-report', () => {
  it('--jump: repeated and comma-separated hops keep their order, first hop first', () => {
    const c = audit('--host', 'root@10.215.0.2', '--jump', 'ops@bastion.example.org', '--jump', 'root@10.215.0.1:2222,admin@[fd00::1]:22');
    expect(c.jump).toEqual([
      { username: 'ops', address: 'bastion.example.org', port: 22 },
      { username: 'root', address: '10.215.0.1', port: 2222 },
      { username: 'admin', address: 'fd00::1', port: 22 },
    ]);
    expect(audit('--host', 'root@10.215.0.2', '--jump=root@b').jump).toEqual([{ username: 'root', address: 'b', port: 22 }]);
  });

  it.each([
    [['--jump', 'bastion'], /--jump must be USER@ADDRESS\[:PORT\], got "bastion"/],
    [['--jump', 'root@b:0'], /--jump "root@b:0": Port must be between 1 and 65535/],
    [['--jump', 'root@b,'], /--jump "root@b,": an empty hop/],
    [['--jump', 'root@b', '--jump', 'ops@b:22'], /ops@b:22 appears twice in the chain/],
    [['--jump', 'root@10.0.0.9'], /--jump: root@10.0.0.9:22 is the --host itself/],
    [['--jump'], /option --jump needs a value/],
    [['--jump', Array.from({ length: 17 }, (_, i) => `root@j${i}`).join(',')], /at most 16 jump hosts, got 17/],
  ])('--host root@10.0.0.9 %j → usage error', (extra, re) => {
    expect(usage(['audit', '--host', 'root@10.0.0.9', ...extra])).toMatch(re);
  });

  it('--sudo, --scan-root (repeatable, trailing slashes dropped), --trivy-report (repeatable, resolved)', () => {
    const c = audit('--host', 'root@h', '--sudo', '--scan-root', '/srv/', '--scan-root=/opt/stacks', '--trivy-report', 'trivy.json', '--trivy-report', '/tmp/b.json');
    expect(c).toMatchObject({ sudo: true, scanRoots: ['/srv', '/opt/stacks'], trivyReports: ['/home/op/work/trivy.json', '/tmp/b.json'] });
    expect(audit('--host', 'root@h', '--scan-root', '/').scanRoots).toEqual(['/']);
    // the same report twice is read once
    expect(audit('--host', 'root@h', '--trivy-report', 'a.json', '--trivy-report', './a.json').trivyReports).toEqual(['/home/op/work/a.json']);
  });

  it.each([
    [['--sudo', '--sudo'], /--sudo given more than once/],
    [['--sudo=yes'], /does not take an argument/],
    [['--scan-root', 'srv'], /--scan-root must be an absolute path on the server, got "srv"/],
    [['--scan-root', '/srv\nx'], /--scan-root must be an absolute path/],
    [['--scan-root', '/srv', '--scan-root', '/srv/'], /--scan-root \/srv given twice/],
    [['--trivy-report', ''], /--trivy-report needs a file name/],
    [['--concurrency', '2'], /--concurrency only applies to --inventory/],
  ])('--host root@h %j → usage error', (extra, re) => {
    expect(usage(['audit', '--host', 'root@h', ...extra])).toMatch(re);
  });

  it('parseScanRoots and parseJumpChain limits', () => {
    expect(() => parseScanRoots(Array.from({ length: 21 }, (_, i) => `/r${i}`))).toThrow(/at most 20 folders, got 21/);
    expect(parseScanRoots(Array.from({ length: 20 }, (_, i) => `/r${i}`))).toHaveLength(20);
    expect(parseJumpChain(Array.from({ length: 16 }, (_, i) => `root@j${i}`), null)).toHaveLength(16);
    expect(parseJumpChain([], { username: 'root', address: 'h', port: 22 })).toEqual([]);
  });
});

describe('--inventory', () => {
  it('defaults: concurrency 4, shared settings', () => {
    expect(fleet('--inventory', 'hosts.ini')).toEqual({
      kind: 'audit-fleet',
      inventory: '/home/op/work/hosts.ini',
      concurrency: 4,
      identityFile: null,
      knownHosts: null,
      acceptNewHostKey: false,
      sshdConfigPath: null,
      sudo: false,
      scanRoots: [],
      db: null,
      format: 'table',
      failOn: 'high',
      failOnFromSettings: true,
    });
  });

  it('every option that applies to a fleet', () => {
    expect(
      fleet('--inventory=/etc/ansible/hosts', '--concurrency', '64', '--identity', 'k', '--accept-new-host-key', '--sudo', '--scan-root', '/srv', '--db', 'r.db', '--format', 'json', '--fail-on', 'none', '--sshd-config', '/etc/ssh/x'),
    ).toEqual({
      kind: 'audit-fleet',
      inventory: '/etc/ansible/hosts',
      concurrency: 64,
      identityFile: '/home/op/work/k',
      knownHosts: null,
      acceptNewHostKey: true,
      sshdConfigPath: '/etc/ssh/x',
      sudo: true,
      scanRoots: ['/srv'],
      db: '/home/op/work/r.db',
      format: 'json',
      failOn: 'none',
      failOnFromSettings: false,
    });
    expect(fleet('--inventory', 'i', '--concurrency', '1').concurrency).toBe(1);
    expect(fleet('--inventory', 'i', '--concurrency', ' 8 ').concurrency).toBe(8);
  });

  it.each([
    [['--inventory', 'i', '--host', 'root@h'], /--host and --inventory cannot be combined/],
    [['--host', 'root@h', '--inventory', 'i'], /--host and --inventory cannot be combined/],
    [['--inventory', 'i', '--jump', 'root@b'], /--jump cannot be used with --inventory: .*ansible_ssh_common_args/],
    [['--inventory', 'i', '--trivy-report', 't.json'], /--trivy-report cannot be used with --inventory/],
    [['--inventory', 'i', '--inventory', 'j'], /--inventory given more than once/],
    [['--inventory', ''], /--inventory needs a file name/],
    [['--inventory', 'i', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64, got "0"/],
    [['--inventory', 'i', '--concurrency', '65'], /from 1 to 64, got "65"/],
    [['--inventory', 'i', '--concurrency', '2.5'], /from 1 to 64/],
    [['--inventory', 'i', '--concurrency', 'four'], /from 1 to 64/],
    [['--inventory', 'i', '--concurrency', '-1'], /--concurrency/],
    [['--inventory', 'i', '--concurrency', '2', '--concurrency', '3'], /--concurrency given more than once/],
    [['--inventory', 'i', '--known-hosts', 'kh', '--accept-new-host-key'], /cannot be combined/],
  ])('%j → usage error', (argv, re) => {
    expect(usage(['audit', ...argv])).toMatch(re);
  });
});

describe('the database option (audit, fix, mail)', () => {
  const env = { HOME: '/home/op', XDG_CONFIG_HOME: '/home/op/.cfg' };
  it("defaults to the app's database; --db FILE wins; --no-db keeps nothing; not both", () => {
    expect(databaseOption({}, '/w', 'audit', env)).toBe(process.platform === 'linux' ? '/home/op/.cfg/rampart/rampart.sqlite3' : expect.any(String));
    expect(databaseOption({ db: 'x.db' }, '/w', 'audit', env)).toBe('/w/x.db');
    expect(databaseOption({ 'no-db': true }, '/w', 'audit', env)).toBeNull();
    expect(databaseOption({}, '/w', 'audit', { ...env, RAMPART_DB: ':memory:' })).toBeNull();
    expect(databaseOption({}, '/w', 'audit', { ...env, RAMPART_DB: '/srv/r.sqlite3' })).toBe('/srv/r.sqlite3');
    expect(() => databaseOption({ db: 'x.db', 'no-db': true }, '/w', 'fix', env)).toThrow('--db and --no-db cannot be combined');
    expect(() => databaseOption({ db: ' ' }, '/w', 'mail', env)).toThrow('--db needs a file name');
  });
});
