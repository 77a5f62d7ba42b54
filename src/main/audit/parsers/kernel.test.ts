// The kernel-parameters parser on recorded and hand-made outputs, and the section's shell itself
// run by dash and busybox sh over this machine's real /proc/sys (read-only) to prove the one-awk
// collection reads whole values (dash's `read` builtin would get only the first digit).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../../test/support/hostFixtures';
import { specs } from '../sections/kernel';
import { forwardingReasons, KERNEL_PARAM_PATHS, parseKernelParams } from './kernel';

const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, 'kernel', `kernel_sysctl-${name}.txt`), 'utf8').replace(/\n@exit \d+\n?$/, '\n');

describe('parseKernelParams', () => {
  it('hardened: every key with its integer value, the WireGuard interface and config hint', () => {
    const k = parseKernelParams(fixture('hardened'));
    expect(Object.keys(k.values)).toHaveLength(KERNEL_PARAM_PATHS.length);
    expect(k.values['net.ipv4.conf.all.rp_filter']).toBe(1);
    expect(k.values['fs.protected_regular']).toBe(2);
    expect(k.routerInterfaces).toEqual(['wg0']);
    expect(k.hints).toEqual(['wireguard-config']);
    expect(k.denied).toEqual([]);
  });

  it('a Docker host without IPv6 or Yama, audited without root: absent keys stay absent, hidden ones are listed', () => {
    const k = parseKernelParams(fixture('docker-noipv6-unprivileged'));
    expect(k.values['net.ipv6.conf.all.accept_ra']).toBeUndefined();
    expect(k.values['kernel.yama.ptrace_scope']).toBeUndefined();
    expect(k.denied).toEqual(['fs.protected_hardlinks', 'fs.protected_symlinks', 'fs.protected_fifos', 'fs.protected_regular']);
    expect(k.routerInterfaces).toEqual(['br-3f2a9c1d7e55', 'docker0', 'veth']);
    expect(forwardingReasons(k)).toEqual(['Docker (br-3f2a9c1d7e55, docker0, veth)']);
  });

  it('forwarding reasons: WireGuard by interface, config or module; VM bridges; nothing on a plain host', () => {
    const base = parseKernelParams('k\tnet/ipv4/ip_forward\t1\n');
    expect(forwardingReasons(base)).toEqual([]);
    expect(forwardingReasons({ ...base, hints: ['wireguard-module'] })).toEqual(['WireGuard (wireguard module loaded)']);
    expect(forwardingReasons({ ...base, routerInterfaces: ['wg0', 'virbr0'], hints: ['docker-socket'] })).toEqual([
      'Docker (docker.sock)',
      'WireGuard (wg0)',
      'virtual machines or containers (virbr0)',
    ]);
  });

  it('ignores unknown keys, non-integer values, hostile interface names and unknown hints', () => {
    const k = parseKernelParams(
      'k\tkernel/randomize_va_space\t2\nk\tkernel/core_pattern\t|/bin/sh\nk\tfs/suid_dumpable\tx1\nk\t../../etc/shadow\t0\nif\t$(id)\nif\t' + 'a'.repeat(40) + '\nhint\trm -rf\nk\tfs/protected_fifos\t99999999999\n',
    );
    expect(k).toEqual({ values: { 'kernel.randomize_va_space': 2 }, routerInterfaces: [], hints: [], denied: [] });
  });

  it('empty or garbage output is an error, not an all-clear', () => {
    expect(() => parseKernelParams('')).toThrow(/no kernel parameter/);
    expect(() => parseKernelParams('awk: not found\n')).toThrow(/no kernel parameter/);
  });
});

describe('the kernel_sysctl section script', () => {
  const script = specs[0]!.script({ sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [], sectionTimeoutS: 5 });
  // Run the body the way the collector does: as a shell function whose `exit` is a `return`.
  const harness = `secsh() { eval "rampart_fn() {
$2
}"; rampart_fn; echo "@rc $?"; }
alias exit=return
${script}
`;
  const shells = [['dash'], ['busybox', 'sh']].filter(([s]) => spawnSync('sh', ['-c', `command -v ${s}`]).status === 0);

  it.each(shells.map((s) => [s.join(' '), s] as const))('%s reads whole values, the same as the files hold', (_label, argv) => {
    const r = spawnSync(argv[0]!, [...argv.slice(1), '-c', harness], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/@rc 0\n$/);
    const k = parseKernelParams(r.stdout);
    for (const p of KERNEL_PARAM_PATHS) {
      const file = `/proc/sys/${p}`;
      const key = p.replace(/\//g, '.');
      if (!fs.existsSync(file)) expect(k.values[key], key).toBeUndefined();
      else expect(k.values[key], key).toBe(Number(fs.readFileSync(file, 'utf8').trim()));
    }
  });

  it('at most one process: one awk, no sysctl, cat or read loop over forks', () => {
    expect(script.match(/\bawk\b/g)).toHaveLength(1);
    expect(script).not.toMatch(/\bsysctl\b|\bcat\b|\$\(/);
  });
});
