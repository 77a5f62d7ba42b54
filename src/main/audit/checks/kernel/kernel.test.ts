// Kernel and network parameter checks through the engine, on the recorded build host, a CIS-hardened
// host, an all-weak host and a Docker host without IPv6/Yama audited without root. Kernel-wide keys
// (ASLR, Yama, fs.*) are only tested here: the lab cannot change them without changing the machine.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../../../test/support/hostFixtures';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import { parseKernelParams, type KernelParams } from '../../parsers/kernel';
import { checks } from './index';

const HOST = '192.0.2.10:22';
const fixture = (name: string): KernelParams =>
  parseKernelParams(fs.readFileSync(path.join(FIXTURES, 'kernel', `kernel_sysctl-${name}.txt`), 'utf8').replace(/\n@exit \d+\n?$/, '\n'));

function run(k: KernelParams) {
  const ev = evaluate({ kernelParams: { ok: true, value: k } } as unknown as HostFacts, HOST, checks);
  return {
    statuses: Object.fromEntries(ev.checks.map((c) => [c.checkId, c.status])),
    messages: Object.fromEntries(ev.checks.filter((c) => c.message).map((c) => [c.checkId, c.message])),
    findings: ev.findings.map((f) => `${f.checkId} ${f.severity} ${f.resource}: ${f.evidence}`),
  };
}

/** One key changed on top of the hardened host. */
const hardenedWith = (over: Record<string, number>, extra: Partial<KernelParams> = {}): KernelParams => {
  const h = fixture('hardened');
  return { ...h, values: { ...h.values, ...over }, ...extra };
};

describe('kernel and network parameter checks', () => {
  it('every check has a CIS id or says why not, references and a sysctl.d remediation', () => {
    expect(checks).toHaveLength(14);
    for (const c of checks) {
      expect(c.references.length, c.id).toBeGreaterThan(0);
      expect(c.remediation, c.id).toMatch(/sysctl/);
      if (!c.cis) expect(c.rationale, c.id).toMatch(/not a CIS Debian 12 item/i);
    }
  });

  it('a CIS-hardened host passes every check', () => {
    const r = run(fixture('hardened'));
    expect(r.findings).toEqual([]);
    expect(Object.values(r.statuses).every((s) => s === 'pass')).toBe(true);
  });

  it('a weak host fails every check, with the values seen and honest severities', () => {
    const r = run(fixture('weak'));
    expect(r.findings).toEqual([
      'KRNL-IP-FORWARD medium sysctl:ip-forward: net.ipv4.ip_forward = 1 (want 0); no Docker bridge, WireGuard interface or configuration, or VM/container bridge was found that needs it',
      'KRNL-ICMP-REDIRECTS low sysctl:icmp-redirects: net.ipv4.conf.all.accept_redirects = 1, net.ipv4.conf.default.accept_redirects = 1, net.ipv4.conf.all.secure_redirects = 1, net.ipv4.conf.default.secure_redirects = 1, net.ipv6.conf.all.accept_redirects = 1, net.ipv6.conf.default.accept_redirects = 1 (want 0)',
      'KRNL-SEND-REDIRECTS low sysctl:send-redirects: net.ipv4.conf.all.send_redirects = 1, net.ipv4.conf.default.send_redirects = 1 (want 0)',
      'KRNL-SOURCE-ROUTE medium sysctl:accept-source-route: net.ipv4.conf.all.accept_source_route = 1, net.ipv4.conf.default.accept_source_route = 1 (want 0)',
      'KRNL-RP-FILTER low sysctl:rp-filter: net.ipv4.conf.all.rp_filter = 0, net.ipv4.conf.default.rp_filter = 0 (want 1 (or 2, loose))',
      'KRNL-LOG-MARTIANS low sysctl:log-martians: net.ipv4.conf.all.log_martians = 0, net.ipv4.conf.default.log_martians = 0 (want 1)',
      'KRNL-ICMP-BROADCAST-BOGUS low sysctl:icmp-broadcast-bogus: net.ipv4.icmp_echo_ignore_broadcasts = 0, net.ipv4.icmp_ignore_bogus_error_responses = 0 (want 1)',
      'KRNL-TCP-SYNCOOKIES medium sysctl:net.ipv4.tcp_syncookies: net.ipv4.tcp_syncookies = 0 (want 1)',
      'KRNL-IPV6-ACCEPT-RA low sysctl:ipv6-accept-ra: net.ipv6.conf.all.accept_ra = 1, net.ipv6.conf.default.accept_ra = 1 (want 0)',
      'KRNL-ASLR medium sysctl:kernel.randomize_va_space: kernel.randomize_va_space = 0 (want 2)',
      'KRNL-PTRACE-SCOPE low sysctl:kernel.yama.ptrace_scope: kernel.yama.ptrace_scope = 0 (want 1 or more)',
      'KRNL-SUID-DUMPABLE medium sysctl:fs.suid_dumpable: fs.suid_dumpable = 1 (want 0)',
      'KRNL-DMESG-RESTRICT low sysctl:kernel.dmesg_restrict: kernel.dmesg_restrict = 0 (want 1)',
      'KRNL-PROTECTED-LINKS medium sysctl:fs.protected: fs.protected_symlinks = 0, fs.protected_hardlinks = 0, fs.protected_fifos = 0, fs.protected_regular = 0 (want 1 or more)',
    ]);
    // Nothing here is high or critical: these are hardening settings.
    for (const c of checks) expect(['medium', 'low'], c.id).toContain(c.severity);
  });

  it('a Docker host: forwarding is expected and said so; absent IPv6/Yama keys and keys hidden without root are not findings', () => {
    const r = run(fixture('docker-noipv6-unprivileged'));
    expect(r.statuses['KRNL-IP-FORWARD']).toBe('not-applicable');
    expect(r.messages['KRNL-IP-FORWARD']).toBe('forwarding is on (net.ipv4.ip_forward) and expected: this host runs Docker (br-3f2a9c1d7e55, docker0, veth), which route(s) packets through it');
    expect(r.statuses['KRNL-IPV6-ACCEPT-RA']).toBe('not-applicable');
    expect(r.messages['KRNL-IPV6-ACCEPT-RA']).toMatch(/this kernel has none of net\.ipv6\.conf\.all\.accept_ra/);
    expect(r.statuses['KRNL-PTRACE-SCOPE']).toBe('not-applicable');
    expect(r.messages['KRNL-PROTECTED-LINKS']).toMatch(/cannot be read by the audit's user; audit with sudo/);
    expect(r.statuses['KRNL-RP-FILTER']).toBe('pass'); // loose mode accepted
    expect(r.findings).toEqual([
      'KRNL-SEND-REDIRECTS low sysctl:send-redirects: net.ipv4.conf.all.send_redirects = 1, net.ipv4.conf.default.send_redirects = 1 (want 0)',
      'KRNL-LOG-MARTIANS low sysctl:log-martians: net.ipv4.conf.all.log_martians = 0, net.ipv4.conf.default.log_martians = 0 (want 1)',
      'KRNL-SUID-DUMPABLE low sysctl:fs.suid_dumpable: fs.suid_dumpable = 2 (want 0)',
      'KRNL-DMESG-RESTRICT low sysctl:kernel.dmesg_restrict: kernel.dmesg_restrict = 0 (want 1)',
    ]);
  });

  it('WireGuard explains forwarding; IPv6 forwarding alone is judged too', () => {
    const wg = run(hardenedWith({ 'net.ipv4.ip_forward': 1 }));
    expect(wg.messages['KRNL-IP-FORWARD']).toMatch(/expected: this host runs WireGuard \(wg0, \/etc\/wireguard\/\*\.conf\)/);
    const v6 = run(hardenedWith({ 'net.ipv6.conf.all.forwarding': 1 }, { routerInterfaces: [], hints: [] }));
    expect(v6.findings).toEqual([
      'KRNL-IP-FORWARD medium sysctl:ip-forward: net.ipv6.conf.all.forwarding = 1 (want 0); no Docker bridge, WireGuard interface or configuration, or VM/container bridge was found that needs it',
    ]);
  });

  it('graded severities: partial ASLR and only fifo/regular protections off are low', () => {
    expect(run(hardenedWith({ 'kernel.randomize_va_space': 1 })).findings).toEqual([
      'KRNL-ASLR low sysctl:kernel.randomize_va_space: kernel.randomize_va_space = 1 (want 2)',
    ]);
    expect(run(hardenedWith({ 'fs.protected_fifos': 0, 'fs.protected_regular': 0 })).findings).toEqual([
      'KRNL-PROTECTED-LINKS low sysctl:fs.protected: fs.protected_fifos = 0, fs.protected_regular = 0 (want 1 or more)',
    ]);
    expect(run(hardenedWith({ 'kernel.yama.ptrace_scope': 3, 'net.ipv4.conf.all.rp_filter': 2, 'net.ipv4.tcp_syncookies': 2 })).findings).toEqual([]);
  });

  it('the recorded build host: Linux defaults fail the redirect checks, its kernel-wide values are reported as they are', () => {
    const r = run(fixture('buildhost'));
    expect(r.statuses['KRNL-ICMP-REDIRECTS']).toBe('fail');
    expect(r.statuses['KRNL-ASLR']).toBe('pass');
    expect(r.statuses['KRNL-PTRACE-SCOPE']).toBe('not-applicable'); // this kernel has no Yama
    expect(r.findings.filter((f) => f.startsWith('KRNL-PROTECTED-LINKS'))).toEqual([
      'KRNL-PROTECTED-LINKS medium sysctl:fs.protected: fs.protected_symlinks = 0, fs.protected_fifos = 0, fs.protected_regular = 0 (want 1 or more)',
    ]);
  });
});
