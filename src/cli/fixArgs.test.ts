// `rampart fix` command lines: what parses, and the one-line usage errors for what does not.
import { describe, expect, it } from 'vitest';
import { FIX_HELP, MAIN_HELP, parseCommandLine, UsageError } from './args';

const ID = 'a'.repeat(32);
const JOB = '0b5c3a9e-6f1d-4c2a-9e7b-1d2c3b4a5f60';
const parse = (...argv: string[]) => parseCommandLine(['fix', ...argv], '/home/op');
const usage = (...argv: string[]): string => {
  try {
    parse(...argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).topic).toBe('fix');
    return (e as Error).message;
  }
  throw new Error('parsed');
};

describe('rampart fix arguments', () => {
  it('parses a selection with the audit connection flags', () => {
    expect(parse('--host', 'root@10.0.0.5:2222', '--jump', 'ops@10.0.0.1', '--identity', 'k', '--accept-new-host-key', '--sudo', '--scan-root', '/srv/', '--finding', ID, '--check', 'SECRET-FILE-READABLE', '--finding', ID, '--yes', '--db', 'r.db', '--format', 'json')).toEqual({
      kind: 'fix',
      host: { username: 'root', address: '10.0.0.5', port: 2222 },
      jump: [{ username: 'ops', address: '10.0.0.1', port: 22 }],
      identityFile: '/home/op/k',
      knownHosts: null,
      acceptNewHostKey: true,
      sshdConfigPath: null,
      sudo: true,
      scanRoots: ['/srv'],
      db: '/home/op/r.db',
      format: 'json',
      action: { kind: 'apply', findingIds: [ID], checkIds: ['SECRET-FILE-READABLE'], dryRun: false, yes: true, onFailure: 'rollback-all' },
    });
    for (const policy of ['rollback-all', 'stop', 'continue'] as const)
      expect(parse('--host', 'root@h', '--check', 'PERM-LOG-FILES', '--on-failure', policy, '--yes')).toMatchObject({ action: { kind: 'apply', onFailure: policy } });
    expect(parse('--host', 'root@h', '--check', 'PERM-LOG-FILES', '--dry-run')).toMatchObject({ format: 'table', action: { kind: 'apply', dryRun: true, yes: false } });
    expect(parse('--host', 'root@h', '--check', 'PERM-LOG-FILES', '--export-ansible', 'out/fix.yml')).toMatchObject({ action: { kind: 'apply', exportAnsible: '/home/op/out/fix.yml', yes: false, dryRun: false } });
    for (const other of [['--yes'], ['--dry-run']]) expect(usage('--host', 'root@h', '--check', 'PERM-LOG-FILES', '--export-ansible', 'f.yml', ...other)).toMatch(/--export-ansible .* applies nothing/);
    expect(usage('--host', 'root@h', '--rollback', JOB, '--export-ansible', 'f.yml')).toMatch(/--export-ansible/);
    expect(usage('--host', 'root@h', '--check', 'PERM-LOG-FILES', '--export-ansible', '')).toMatch(/--export-ansible needs a file name/);
    expect(parse('--host', 'root@h', '--resume', JOB, '--db', 'r.db')).toMatchObject({ action: { kind: 'resume', jobId: JOB } });
    expect(parse('--host', 'root@h', '--rollback', JOB, '--db', 'r.db')).toMatchObject({ action: { kind: 'rollback', jobId: JOB } });
  });

  it('refuses what cannot be right, with one line each', () => {
    expect(usage('--finding', ID)).toContain('--host');
    expect(usage('--host', 'root@h')).toContain('say what to fix');
    expect(usage('--host', 'root@h', '--finding', 'nope')).toContain('32 hex');
    expect(usage('--host', 'root@h', '--check', 'rm -rf')).toContain('check id');
    expect(usage('--host', 'root@h', '--finding', ID, '--rollback', JOB, '--db', 'x')).toContain('cannot be combined');
    expect(parse('--host', 'root@h', '--resume', JOB)).toMatchObject({ db: null, action: { kind: 'resume', jobId: JOB } });
    expect(usage('--host', 'root@h', '--resume', 'x', '--db', 'd')).toContain('UUID');
    expect(usage('--host', 'root@h', '--rollback', JOB, '--db', 'd', '--yes')).toContain('--resume/--rollback');
    expect(usage('--host', 'root@h', '--finding', ID, '--format', 'markdown')).toContain('json or table');
    expect(usage('--host', 'root@h', '--finding', ID, '--known-hosts', 'k', '--accept-new-host-key')).toContain('cannot be combined');
    expect(usage('--host', 'root@h', '--finding', ID, '--yes', '--yes')).toContain('more than once');
    expect(usage('--host', 'nohost', '--finding', ID)).toContain('USER@ADDRESS');
    expect(usage('--host', 'root@h', '--finding', ID, '--inventory', 'x')).toContain('unknown option');
    expect(usage('--host', 'root@h', '--finding', ID, '--on-failure', 'keep-going')).toBe('--on-failure must be rollback-all, stop or continue, got "keep-going"');
    expect(usage('--host', 'root@h', '--finding', ID, '--on-failure', '')).toContain('--on-failure must be');
    expect(usage('--host', 'root@h', '--finding', ID, '--on-failure', 'stop', '--on-failure', 'continue')).toContain('more than once');
    expect(usage('--host', 'root@h', '--resume', JOB, '--on-failure', 'stop')).toContain("the job's own policy");
    expect(usage('--host', 'root@h', '--rollback', JOB, '--on-failure', 'continue')).toContain('--on-failure applies to new fixes');
  });

  it('has its own help, listed in the main help', () => {
    expect(parseCommandLine(['fix', '--help'])).toEqual({ kind: 'help', topic: 'fix' });
    expect(parseCommandLine(['help', 'fix'])).toEqual({ kind: 'help', topic: 'fix' });
    expect(MAIN_HELP).toContain('fix');
    expect(FIX_HELP).toMatch(/--resume JOB/);
    expect(FIX_HELP).toMatch(/--on-failure rollback-all\|stop\|continue/);
    expect(FIX_HELP).toMatch(/partial/);
    expect(FIX_HELP).toMatch(/3 {2}rollback incomplete/);
  });
});
