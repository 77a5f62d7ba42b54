// The sshd config edit of the access fixes (pure): where a setting goes (drop-in Included before
// the main settings, else the main file), every other byte kept, first value wins; and the
// lockout refusals at plan time.
import { describe, expect, it } from 'vitest';
import { parseSshdT } from '../audit/parsers/sshd';
import { dropInFolder, lockoutGuardOf, planAccessFix, reloadCommand, setSshdOptions, validateCommand, type AccessPlanContext } from './accessFixes';
import { FixNotApplicable, type FindingRef } from './types';

const MAIN = `# This is the sshd server system-wide configuration file.
#PermitRootLogin prohibit-password

Port 22
PermitRootLogin yes
X11Forwarding   yes

Match User backup
  X11Forwarding yes
`;

describe('setSshdOptions', () => {
  it('replaces the first active line in place, keeping comments, spacing elsewhere and Match blocks', () => {
    const out = setSshdOptions(MAIN, [
      ['PermitRootLogin', 'prohibit-password'],
      ['X11Forwarding', 'no'],
    ]);
    expect(out).toBe(MAIN.replace('PermitRootLogin yes', 'PermitRootLogin prohibit-password').replace('X11Forwarding   yes', 'X11Forwarding no'));
    // The Match block's own line is not the global setting.
    expect(out).toContain('Match User backup\n  X11Forwarding yes\n');
  });

  it('inserts a missing keyword above the first setting (first value wins), never inside a Match block', () => {
    const out = setSshdOptions(MAIN, [['MaxAuthTries', '4']]);
    expect(out).toBe(MAIN.replace('Port 22\n', 'MaxAuthTries 4\nPort 22\n'));
    const onlyMatch = 'Match User x\n  MaxAuthTries 9\n';
    expect(setSshdOptions(onlyMatch, [['MaxAuthTries', '4']])).toBe('MaxAuthTries 4\nMatch User x\n  MaxAuthTries 9\n');
  });

  it('handles Key=value lines, CRLF lines and a file without a final newline', () => {
    expect(setSshdOptions('LoginGraceTime=2m\n', [['LoginGraceTime', '60']])).toBe('LoginGraceTime 60\n');
    expect(setSshdOptions('X11Forwarding yes\r\nPort 22\r\n', [['X11Forwarding', 'no']])).toBe('X11Forwarding no\r\nPort 22\r\n');
    expect(setSshdOptions('Port 22', [['X11Forwarding', 'no']])).toBe('X11Forwarding no\nPort 22');
  });

  it('writes a new drop-in with a header, and edits it again in place', () => {
    const first = setSshdOptions('', [['X11Forwarding', 'no']], true);
    expect(first).toMatch(/^# Written by Rampart/);
    expect(first).toMatch(/\nX11Forwarding no\n$/);
    const second = setSshdOptions(first, [
      ['MaxAuthTries', '4'],
      ['X11Forwarding', 'no'],
    ]);
    expect(second.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['MaxAuthTries 4', 'X11Forwarding no', '']);
  });
});

describe('dropInFolder', () => {
  it('is the Included folder when the Include comes before any line setting the keyword', () => {
    expect(dropInFolder('Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n', ['PermitRootLogin'])).toBe('/etc/ssh/sshd_config.d');
    // Relative Include paths are relative to /etc/ssh.
    expect(dropInFolder('Include sshd_config.d/*.conf\n', ['X11Forwarding'])).toBe('/etc/ssh/sshd_config.d');
  });

  it('is null when the main file sets the keyword first, has no Include, or Includes after a Match', () => {
    expect(dropInFolder('PermitRootLogin yes\nInclude /etc/ssh/sshd_config.d/*.conf\n', ['PermitRootLogin'])).toBeNull();
    expect(dropInFolder('# Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n', ['X11Forwarding'])).toBeNull();
    expect(dropInFolder('Match User x\nInclude /etc/ssh/sshd_config.d/*.conf\n', ['X11Forwarding'])).toBeNull();
    expect(dropInFolder('Include /etc/ssh/other.conf\n', ['X11Forwarding'])).toBeNull();
  });
});

describe('host commands', () => {
  it('quotes remote-derived paths', () => {
    expect(validateCommand("/etc/ssh/it's.conf")).toContain(`-t -f '/etc/ssh/it'\\''s.conf'`);
    const r = reloadCommand('/run/$(touch x).pid');
    expect(r).toContain(`cat '/run/$(touch x).pid'`);
    expect(r).toContain('kill -HUP "$pid"');
    expect(r).toContain('systemctl reload ssh');
    expect(r).not.toMatch(/restart/);
  });
});

describe('planAccessFix refusals (lockout)', () => {
  const sshdT = (extra: string): string => `port 22\nciphers aes128-ctr\nmacs hmac-sha2-256\nkexalgorithms curve25519-sha256\npermitrootlogin prohibit-password\npasswordauthentication yes\npubkeyauthentication yes\nauthenticationmethods any\npidfile /run/sshd.pid\n${extra}`;
  const facts = (extra = '') => ({ sshd: { ok: true as const, value: { path: '/etc/ssh/sshd_config', config: parseSshdT(sshdT(extra)) } } });
  const ctx = (access: AccessPlanContext['access']): AccessPlanContext => ({
    run: async (cmd) => {
      // The main config as the host has it (readFilesCommand output: state then base64).
      if (cmd.includes("printf 'S0 '")) {
        const text = 'PasswordAuthentication yes\nPermitRootLogin prohibit-password\n';
        const { createHash } = await import('node:crypto');
        return { code: 0, stdout: `S0 644 0 0 f ${createHash('sha256').update(text).digest('hex')}\nC0 ${Buffer.from(text).toString('base64')}\n`, stderr: '' };
      }
      return { code: 0, stdout: '', stderr: '' };
    },
    jobId: 'j',
    backupDir: '/var/lib/rampart/backups/j',
    pending: new Map(),
    chmodPaths: new Set(),
    access,
  });
  const finding = (checkId: string, keyword: string): FindingRef => ({ id: 'f', checkId, resource: `sshd:/etc/ssh/sshd_config:${keyword}`, severity: 'high', title: '' });
  const prove = async (): Promise<string> => 'ok';

  it('refuses PasswordAuthentication no when it cannot tell this session used a key', async () => {
    await expect(planAccessFix(finding('SSH-PASSWORD-AUTH', 'PasswordAuthentication'), facts(), ctx({ proveAccess: prove, loginUser: 'admin', loginAuth: 'unknown' }), 0)).rejects.toThrow(/cannot tell that this session logged in with a key/);
    const twoStep = { sshd: { ok: true as const, value: { path: '/etc/ssh/sshd_config', config: parseSshdT(sshdT('').replace('authenticationmethods any', 'authenticationmethods publickey,password')) } } };
    await expect(planAccessFix(finding('SSH-PASSWORD-AUTH', 'PasswordAuthentication'), twoStep, ctx({ proveAccess: prove, loginUser: 'admin', loginAuth: 'publickey' }), 0)).rejects.toThrow(/requires a password step/);
    const ok = await planAccessFix(finding('SSH-PASSWORD-AUTH', 'PasswordAuthentication'), facts(), ctx({ proveAccess: prove, loginUser: 'admin', loginAuth: 'publickey' }), 0);
    expect(ok.settings).toEqual([['PasswordAuthentication', 'no']]);
    expect(ok.where).toBe('main');
    expect(ok.diff).toContain('-PasswordAuthentication yes\n+PasswordAuthentication no\n');
  });

  it('refuses PermitRootLogin no when Rampart logs in as root; sets it for another user', async () => {
    await expect(planAccessFix(finding('SSH-PERMIT-ROOT-LOGIN', 'PermitRootLogin'), facts(), ctx({ proveAccess: prove, loginUser: 'root', loginAuth: 'publickey' }), 0)).rejects.toBeInstanceOf(FixNotApplicable);
    const p = await planAccessFix(finding('SSH-PERMIT-ROOT-LOGIN', 'PermitRootLogin'), facts(), ctx({ proveAccess: prove, loginUser: 'admin', loginAuth: 'publickey' }), 0);
    expect(p.settings).toEqual([['PermitRootLogin', 'no']]);
  });

  it('refuses any sshd change without a way to prove access with a new connection', async () => {
    await expect(planAccessFix(finding('SSH-X11-FORWARDING', 'X11Forwarding'), facts(), ctx({ loginUser: 'admin', loginAuth: 'publickey' }), 0)).rejects.toThrow(/no way to open a new connection/);
  });
});

describe('lockoutGuardOf', () => {
  const step = (kind: string, status: string, detail: string | null = null) => ({ kind, status, detail }) as Parameters<typeof lockoutGuardOf>[0][number];
  it('is null without an access fix, and tells armed / proof / what restored', () => {
    expect(lockoutGuardOf([step('chmod', 'done')])).toBeNull();
    expect(lockoutGuardOf([step('deadman-arm', 'done'), step('access-proof', 'done'), step('sshd-write', 'done')])).toEqual({ armed: true, newSessionOk: true, restoredBy: 'none' });
    expect(lockoutGuardOf([step('deadman-arm', 'undone'), step('access-proof', 'failed'), step('sshd-write', 'undone', 'restored through the current session: …')])).toEqual({ armed: true, newSessionOk: false, restoredBy: 'session' });
    expect(lockoutGuardOf([step('deadman-arm', 'undone'), step('access-proof', 'pending'), step('sshd-write', 'undone', 'restored by the dead-man switch (fired …)')])).toEqual({ armed: true, newSessionOk: null, restoredBy: 'timer' });
    expect(lockoutGuardOf([step('deadman-arm', 'pending')])).toEqual({ armed: false, newSessionOk: null, restoredBy: 'none' });
  });
});
