// `rampart fix --confirm-window SECONDS`: the lockout guard's dead-man window for the sshd fixes.
import { describe, expect, it } from 'vitest';
import { FIX_HELP, parseCommandLine, UsageError, type FixCommand } from './args';

const parse = (...argv: string[]): FixCommand => parseCommandLine(['fix', '--host', 'root@10.0.0.5', '--check', 'SSH-X11-FORWARDING', ...argv], '/home/op') as FixCommand;

describe('rampart fix --confirm-window', () => {
  it('takes whole seconds from 1 to 3600; absent means the default (not in the command)', () => {
    expect(parse('--confirm-window', '30').confirmWindowS).toBe(30);
    expect(parse('--confirm-window', '3600').confirmWindowS).toBe(3600);
    expect('confirmWindowS' in parse()).toBe(false);
  });

  it('refuses anything else with a usage error', () => {
    for (const bad of ['0', '3601', '-5', '1.5', '2m', '']) {
      expect(() => parse(`--confirm-window=${bad}`), bad).toThrow(UsageError);
      expect(() => parse(`--confirm-window=${bad}`), bad).toThrow(/--confirm-window takes seconds from 1 to 3600/);
    }
  });

  it('is documented in the fix help', () => {
    expect(FIX_HELP).toContain('--confirm-window SECONDS');
  });
});
