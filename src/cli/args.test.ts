import { describe, expect, it } from 'vitest';
import { AUDIT_HELP, MAIN_HELP, parseCommandLine, parseHostSpec, UsageError, wantsJson, type AuditCommand } from './args';

const CWD = '/home/op/work';

function audit(...argv: string[]): AuditCommand {
  const c = parseCommandLine(['audit', ...argv], CWD);
  if (c.kind !== 'audit') throw new Error(`expected an audit command, got ${c.kind}`);
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
      identityFile: null,
      knownHosts: null,
      acceptNewHostKey: false,
      sshdConfigPath: null,
      db: null,
      format: 'table',
      failOn: 'high',
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
      identityFile: '/home/op/work/keys/id_ed25519',
      knownHosts: '/etc/ssh/ssh_known_hosts',
      acceptNewHostKey: false,
      sshdConfigPath: '/etc/ssh/custom_config',
      db: '/home/op/rampart.db',
      format: 'json',
      failOn: 'critical',
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
    [['audit'], /--host USER@ADDRESS\[:PORT\] is required/],
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
    for (const opt of ['--host', '--identity', '--known-hosts', '--accept-new-host-key', '--sshd-config', '--db', '--format', '--fail-on'])
      expect(AUDIT_HELP).toContain(opt);
    expect(AUDIT_HELP).toMatch(/0 +audit complete/);
    expect(AUDIT_HELP).toMatch(/1 +at least one finding/);
    expect(AUDIT_HELP).toMatch(/2 +usage error/);
    expect(AUDIT_HELP).toMatch(/2 +usage error.*\n.*incomplete/);
  });
});
