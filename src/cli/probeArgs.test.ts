import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './args';
import { parseSeedSpec } from './probeArgs';

const usage = (argv: string[]): string => {
  try {
    parseCommandLine(argv, '/home/u');
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no usage error');
};

const SEED = 'label=one,to=seed@recv.test,imap=10.0.0.3,user=seed,password-env=SEED_PW';

describe('rampart probe', () => {
  it('parses a run and the history', () => {
    expect(parseCommandLine(['probe', '--profile', 'lab', '--db', 'x.db', '--format', 'json'], '/home/u')).toEqual({ kind: 'probe', profile: 'lab', db: '/home/u/x.db', format: 'json' });
    expect(parseCommandLine(['probe', '--history', '--db', '/d.db'], '/')).toEqual({ kind: 'probe-history', profile: null, limit: 20, db: '/d.db', format: 'table' });
    expect(parseCommandLine(['probe', '--history', '--profile', 'lab', '--limit', '5', '--db', '/d.db'], '/')).toMatchObject({ profile: 'lab', limit: 5 });
    expect(parseCommandLine(['help', 'probe'], '/')).toEqual({ kind: 'help', topic: 'probe' });
  });
  it('refuses what it cannot run', () => {
    expect(usage(['probe', '--db', '/d.db'])).toMatch(/--profile NAME is required/);
    expect(usage(['probe', '--profile', 'a', '--profile', 'b', '--db', '/d.db'])).toMatch(/more than once/);
    expect(usage(['probe', '--profile', 'a', '--format', 'markdown', '--db', '/d.db'])).toMatch(/--format must be json or table/);
    expect(usage(['probe', '--history', '--limit', '0', '--db', '/d.db'])).toMatch(/--limit must be/);
    expect(usage(['probe', '--profile', 'a', '--limit', '3', '--db', '/d.db'])).toMatch(/--limit goes with --history/);
    expect(usage(['probe', '--profile', 'a', '--no-db'])).toMatch(/unknown option '--no-db'/);
  });
});

describe('rampart probe-profile add', () => {
  const base = ['probe-profile', 'add', '--name', 'lab', '--smtp', 'smtp.send.test:465', '--security', 'tls', '--smtp-user', 'probe', '--from', 'probe@send.test', '--db', '/d.db'];
  it('takes passwords from named environment variables', () => {
    const cmd = parseCommandLine([...base, '--smtp-password-env', 'SMTP_PW', '--seed', SEED + ',starttls,junk=Spam,junk=Junk,authserv=mx.google.com', '--timeout', '30', '--target-rate', '90%', '--ca-file', 'ca.pem'], '/home/u');
    expect(cmd).toMatchObject({
      kind: 'probe-profile-add',
      smtpHost: 'smtp.send.test',
      smtpPort: 465,
      smtpSecurity: 'tls',
      smtpPassword: { env: 'SMTP_PW' },
      timeoutMs: 30_000,
      targetRate: 0.9,
      caFile: '/home/u/ca.pem',
      seeds: [{ label: 'one', toAddress: 'seed@recv.test', imapHost: '10.0.0.3', imapPort: undefined, imapTls: false, junkFolders: ['Spam', 'Junk'], inboxFolders: undefined, authservIds: ['mx.google.com'], password: { env: 'SEED_PW' } }],
    });
  });
  it('or from stdin: the submission password first, then one line per seed', () => {
    const cmd = parseCommandLine([...base, '--passwords-stdin', '--seed', 'label=a,to=a@r.test,imap=h:993,user=a', '--seed', 'label=b,to=b@r.test,imap=h,user=b'], '/');
    expect(cmd).toMatchObject({ smtpPassword: { stdinLine: 0 }, seeds: [{ password: { stdinLine: 1 }, imapPort: 993 }, { password: { stdinLine: 2 } }] });
  });
  it('never takes a password on the command line', () => {
    expect(usage([...base, '--smtp-password', 'hunter2', '--seed', SEED])).toMatch(/not taken from the command line/);
    expect(usage([...base, '--smtp-password-env', 'X', '--seed', 'label=a,to=a@r.test,imap=h,user=a,password=hunter2'])).toMatch(/not taken from the command line/);
    expect(usage([...base, '--seed', SEED])).toMatch(/--smtp-password-env VAR or --passwords-stdin is required/);
    expect(usage([...base, '--smtp-password-env', 'X', '--seed', 'label=a,to=a@r.test,imap=h,user=a'])).toMatch(/password-env=VAR is required/);
    expect(usage([...base, '--smtp-password-env', 'NOT A NAME', '--seed', SEED])).toMatch(/must name an environment variable/);
  });
  it('refuses bad seeds and options with a clear message', () => {
    expect(usage([...base, '--smtp-password-env', 'X'])).toMatch(/at least one --seed/);
    expect(usage([...base, '--smtp-password-env', 'X', '--seed', 'label=a,to=a@r.test,user=a,password-env=P'])).toMatch(/imap= is required/);
    expect(usage([...base, '--smtp-password-env', 'X', '--seed', SEED + ',colour=blue'])).toMatch(/unknown key "colour"/);
    expect(usage([...base, '--smtp-password-env', 'X', '--seed', SEED, '--timeout', '2'])).toMatch(/--timeout must be 5-3600/);
    expect(usage([...base, '--smtp-password-env', 'X', '--seed', SEED, '--target-rate', '120'])).toMatch(/--target-rate must be a percentage/);
    expect(usage(['probe-profile', 'frobnicate', '--db', '/d.db'])).toMatch(/unknown action/);
    expect(usage(['probe-profile', 'remove', '--db', '/d.db'])).toMatch(/--name NAME is required/);
    expect(() => parseSeedSpec('label=a,to=x,imap=h:99999,user=u,password-env=P', 0, false)).toThrow(/port must be 1-65535/);
  });
});
