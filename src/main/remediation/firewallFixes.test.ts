// The firewall fix's pure parts: where the session comes from ($SSH_CONNECTION, hostile values
// refused), the ufw rule built from it, the rules command (quoted), the status check, the revert.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { firewallDiff, parseSshConnection, revertCommand, rulesCommand, ufwAllowArgv, ufwStatusAllows, type FirewallPlan } from './firewallFixes';
import type { PlannedFile } from './types';

const file = (path: string, present = true): PlannedFile => ({
  path,
  role: 'ufw',
  pre: present ? { kind: 'present', type: 'f', mode: 0o644, uid: 0, gid: 0, sha256: 'a'.repeat(64) } : { kind: 'absent' },
  post: { sha256: 'a'.repeat(64), mode: 0o644, uid: 0, gid: 0 },
  backup: present ? `/var/lib/rampart/backups/j/ufw-0-${path.replace(/^.*\//, '')}` : null,
  temp: `${path}.tmp`,
});

function plan(over: Partial<FirewallPlan> = {}): FirewallPlan {
  return {
    kind: 'ufw',
    checkId: 'NET-FIREWALL-INACTIVE',
    jobId: '0123abcd-0000-4000-8000-000000000000',
    backupDir: '/var/lib/rampart/backups/0123abcd-0000-4000-8000-000000000000',
    files: [file('/etc/ufw/ufw.conf'), file('/etc/ufw/user.rules'), file('/etc/ufw/user6.rules', false)],
    wasActive: false,
    chainsBefore: false,
    defaultIncomingBefore: 'allow',
    allow: { from: '10.20.0.2', port: 2222 },
    sshdPorts: [22, 2222],
    session: { clientAddress: '10.20.0.2', clientPort: 50122, serverAddress: '10.20.0.1', serverPort: 2222 },
    deadmanSeconds: 120,
    needsRoot: true,
    ...over,
  };
}

describe('firewall fix: the session path', () => {
  it('reads client and server address and port from SSH_CONNECTION', () => {
    expect(parseSshConnection('SSH_CONNECTION 10.20.0.2 50122 10.20.0.1 2222\n')).toEqual({ clientAddress: '10.20.0.2', clientPort: 50122, serverAddress: '10.20.0.1', serverPort: 2222 });
    expect(parseSshConnection('SSH_CONNECTION fd00::2 41000 fd00::1 22')).toMatchObject({ clientAddress: 'fd00::2', serverPort: 22 });
    // An IPv4 client on a dual-stack socket.
    expect(parseSshConnection('SSH_CONNECTION ::ffff:192.0.2.7 41000 ::ffff:192.0.2.1 22')).toMatchObject({ clientAddress: '192.0.2.7', serverAddress: '192.0.2.1' });
  });

  it('refuses anything that is not four clean fields (hostile values never reach a command)', () => {
    for (const bad of [
      'NONE',
      '',
      "SSH_CONNECTION 10.0.0.1;reboot 1 10.0.0.2 22",
      'SSH_CONNECTION $(id) 1 10.0.0.2 22',
      'SSH_CONNECTION 10.0.0.1 1 10.0.0.2 99999',
      'SSH_CONNECTION 10.0.0.1 0 10.0.0.2 22',
      "SSH_CONNECTION 10.0.0.1 1 10.0.0.2 22 'extra'",
      'SSH_CONNECTION 300.1.1.1 1 10.0.0.2 22',
      'SSH_CONNECTION host.example 1 10.0.0.2 22',
    ])
      expect(parseSshConnection(bad), bad).toBeNull();
  });

  it('builds the allow rule for that address and port only, and rejects a hostile address or port', () => {
    expect(ufwAllowArgv('10.20.0.2', 2222, '0123abcd-0000')).toEqual(['ufw', 'allow', 'proto', 'tcp', 'from', '10.20.0.2', 'to', 'any', 'port', '2222', 'comment', 'rampart: admin SSH path (job 0123abcd)']);
    expect(() => ufwAllowArgv("10.0.0.1' ; reboot ; '", 22, 'j')).toThrow(/not an IP/);
    expect(() => ufwAllowArgv('10.0.0.1', 70000, 'j')).toThrow(/not a port/);
    expect(ufwAllowArgv('10.0.0.1', 22, "j'$(reboot)").at(-1)).toBe('rampart: admin SSH path (job jreboot)');
  });

  it('the rules command is a compare-and-swap on every file, then the quoted ufw commands; it parses as sh', () => {
    const cmd = rulesCommand(plan());
    expect(cmd).toContain("'ufw' 'allow' 'proto' 'tcp' 'from' '10.20.0.2' 'to' 'any' 'port' '2222'");
    expect(cmd).toContain('ufw default deny incoming');
    expect(cmd.indexOf("st '/etc/ufw/user6.rules'")).toBeLessThan(cmd.indexOf("'ufw' 'allow'"));
    expect(cmd).toMatch(/"\$cur" != 'A'/); // the absent file must still be absent
    expect(spawnSync('sh', ['-n', '-c', cmd]).status).toBe(0);
  });

  it('recognises the rule in `ufw status`, not a wider or other one', () => {
    const status = [
      'Status: active',
      '',
      'To                         Action      From',
      '--                         ------      ----',
      '2222/tcp                   ALLOW       10.20.0.2                  # rampart: admin SSH path (job 0123abcd)',
      '80/tcp                     ALLOW       Anywhere',
      '',
    ].join('\n');
    expect(ufwStatusAllows(status, '10.20.0.2', 2222)).toBe(true);
    expect(ufwStatusAllows(status, '10.20.0.3', 2222)).toBe(false);
    expect(ufwStatusAllows(status, '10.20.0.2', 22)).toBe(false);
    expect(ufwStatusAllows('2222/tcp                   DENY        10.20.0.2', '10.20.0.2', 2222)).toBe(false);
  });

  it('reverts to disabled (ufw.conf put back after `ufw disable`) or reloads an active ufw', () => {
    const off = revertCommand(plan());
    expect(off).toMatch(/^ufw disable/);
    expect(off).toContain("cmp -s -- '/var/lib/rampart/backups/j/ufw-0-ufw.conf' '/etc/ufw/ufw.conf'");
    expect(off).toContain("grep -E '^-A (INPUT|OUTPUT|FORWARD) -j ufw6?-[a-z-]+$'"); // ufw had no chains before: they go too
    expect(spawnSync('sh', ['-n', '-c', off]).status).toBe(0);
    expect(revertCommand(plan({ chainsBefore: true }))).not.toContain('ip6tables');
    expect(revertCommand(plan({ wasActive: true }))).toBe('ufw reload >/dev/null || exit 4');
    expect(firewallDiff(plan())).toContain('+2222/tcp ALLOW IN 10.20.0.2');
  });
});
