// Parser for the kernel-parameters section: `k<TAB>path/under/proc/sys<TAB>value` lines (one per
// key the host has), `denied<TAB>path` for keys it hides from the collector's user, `if<TAB>NAME` for interfaces that explain IPv4 forwarding, `hint<TAB>WORD`
// for other signs of a router role (Docker socket, WireGuard configs or module). Pure.

/** The sysctl keys the section reads, as paths under /proc/sys (the section's list comes from here). */
export const KERNEL_PARAM_PATHS = [
  'net/ipv4/ip_forward',
  'net/ipv4/conf/all/accept_redirects',
  'net/ipv4/conf/default/accept_redirects',
  'net/ipv4/conf/all/secure_redirects',
  'net/ipv4/conf/default/secure_redirects',
  'net/ipv4/conf/all/send_redirects',
  'net/ipv4/conf/default/send_redirects',
  'net/ipv4/conf/all/accept_source_route',
  'net/ipv4/conf/default/accept_source_route',
  'net/ipv4/conf/all/rp_filter',
  'net/ipv4/conf/default/rp_filter',
  'net/ipv4/conf/all/log_martians',
  'net/ipv4/conf/default/log_martians',
  'net/ipv4/tcp_syncookies',
  'net/ipv4/icmp_echo_ignore_broadcasts',
  'net/ipv4/icmp_ignore_bogus_error_responses',
  'net/ipv6/conf/all/forwarding',
  'net/ipv6/conf/all/accept_ra',
  'net/ipv6/conf/default/accept_ra',
  'net/ipv6/conf/all/accept_redirects',
  'net/ipv6/conf/default/accept_redirects',
  'net/ipv6/conf/all/accept_source_route',
  'net/ipv6/conf/default/accept_source_route',
  'kernel/randomize_va_space',
  'kernel/yama/ptrace_scope',
  'kernel/dmesg_restrict',
  'fs/suid_dumpable',
  'fs/protected_hardlinks',
  'fs/protected_symlinks',
  'fs/protected_fifos',
  'fs/protected_regular',
] as const;

const KNOWN = new Set<string>(KERNEL_PARAM_PATHS.map((p) => p.replace(/\//g, '.')));

export interface KernelParams {
  /** sysctl name (dotted) → integer value; a key the host does not have is absent. */
  values: Record<string, number>;
  /** Interfaces that make forwarding expected: docker0, br-…, wg…, virbr…, cni…, veth (once). */
  routerInterfaces: string[];
  /** Other signs of a forwarding role: 'docker-socket', 'wireguard-config', 'wireguard-module'. */
  hints: string[];
  /** Keys the host has but the collector's user may not read (dotted). */
  denied: string[];
}

const IFNAME = /^[A-Za-z0-9_.@:-]{1,15}$/;
const HINTS = new Set(['docker-socket', 'wireguard-config', 'wireguard-module']);

export function parseKernelParams(body: string): KernelParams {
  const out: KernelParams = { values: {}, routerInterfaces: [], hints: [], denied: [] };
  for (const raw of body.split('\n')) {
    const f = raw.replace(/\r$/, '').split('\t');
    if (f[0] === 'k' && f.length === 3) {
      const key = f[1]!.replace(/\//g, '.');
      const v = f[2]!.trim();
      // Only the keys asked for, and only integers (what these files hold): anything else is noise.
      if (KNOWN.has(key) && /^-?\d{1,10}$/.test(v)) out.values[key] = Number(v);
    } else if (f[0] === 'if' && f.length === 2 && IFNAME.test(f[1]!) && out.routerInterfaces.length < 50 && !out.routerInterfaces.includes(f[1]!)) {
      out.routerInterfaces.push(f[1]!);
    } else if (f[0] === 'denied' && f.length === 2) {
      const key = f[1]!.replace(/\//g, '.');
      if (KNOWN.has(key) && !out.denied.includes(key)) out.denied.push(key);
    } else if (f[0] === 'hint' && f.length === 2 && HINTS.has(f[1]!) && !out.hints.includes(f[1]!)) {
      out.hints.push(f[1]!);
    }
  }
  if (!Object.keys(out.values).length && !out.denied.length) throw new Error('no kernel parameter could be read from /proc/sys');
  return out;
}

/** A key's value, or undefined when the host does not have it (no IPv6, no Yama). */
export function param(k: KernelParams, key: string): number | undefined {
  return k.values[key];
}

/**
 * The keys of `keys` whose value is not allowed, as "key = value" strings; keys the host does not
 * have are skipped. `ok` says which values pass.
 */
export function offending(k: KernelParams, keys: readonly string[], ok: (v: number) => boolean): string[] {
  return keys.filter((key) => key in k.values && !ok(k.values[key]!)).map((key) => `${key} = ${k.values[key]}`);
}

/** At least one of the keys exists on this host. */
export function hasAny(k: KernelParams, keys: readonly string[]): boolean {
  return keys.some((key) => key in k.values);
}

/** Why this host forwards packets, from its interfaces and hints; empty when nothing explains it. */
export function forwardingReasons(k: KernelParams): string[] {
  const ifs = k.routerInterfaces;
  const reasons: string[] = [];
  const docker = ifs.filter((i) => i === 'docker0' || i.startsWith('br-') || i === 'veth');
  if (docker.length || k.hints.includes('docker-socket')) reasons.push(`Docker (${docker.length ? docker.join(', ') : 'docker.sock'})`);
  const wg = ifs.filter((i) => i.startsWith('wg'));
  const wgHints = k.hints.filter((h) => h.startsWith('wireguard'));
  if (wg.length || wgHints.length) reasons.push(`WireGuard (${[...wg, ...wgHints.map((h) => (h === 'wireguard-config' ? '/etc/wireguard/*.conf' : 'wireguard module loaded'))].join(', ')})`);
  const virt = ifs.filter((i) => /^(virbr|lxcbr|lxdbr|incusbr|cni|flannel|cali|cilium|kube-|weave|podman)/.test(i));
  if (virt.length) reasons.push(`virtual machines or containers (${virt.join(', ')})`);
  return reasons;
}
