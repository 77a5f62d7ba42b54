import { describe, expect, it } from 'vitest';
import { assertVpnUp, inspectVpn, ipv4InCidr, parseIpRouteGet, parseLatestHandshakes, parseRouteGet, type Run } from './preflight';

// Fixture outputs as `ip -j route get`, `route -n get` and `wg show` print them.
const IP_WG = '[{"dst":"10.77.0.25","dev":"wg0","prefsrc":"10.77.0.2","flags":[],"uid":0,"cache":[]}]';
const IP_ETH = '[{"dst":"10.77.0.25","gateway":"192.0.2.1","dev":"eth0","prefsrc":"192.0.2.10","flags":[],"uid":0,"cache":[]}]';
const MAC = '   route to: 10.77.0.25\ndestination: 10.77.0.0\n       mask: 255.255.255.0\n  interface: utun4\n      flags: <UP,DONE,CLONING,STATIC>\n';
const NOW = 1_800_000_000;

function fakeRun(map: Record<string, { stdout?: string; stderr?: string; code?: number }>): Run {
  // Scripted outputs of `ip` and `wg`: these are fixture texts for the parser paths; the real
  // commands run against a wireguard-go tunnel in lab/topology tests.
  return async (cmd, args) => {
    const r = map[`${cmd} ${args.join(' ')}`] ?? { stderr: `no fixture for ${cmd} ${args.join(' ')}`, code: 1 };
    return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.code ?? 0 };
  };
}

describe('parsers', () => {
  it('ip -j route get', () => {
    expect(parseIpRouteGet(IP_WG)).toEqual({ dev: 'wg0', src: '10.77.0.2', gateway: null });
    expect(parseIpRouteGet(IP_ETH)).toEqual({ dev: 'eth0', src: '192.0.2.10', gateway: '192.0.2.1' });
    expect(parseIpRouteGet('garbage')).toBeNull();
    expect(parseIpRouteGet('[]')).toBeNull();
  });
  it('route -n get', () => {
    expect(parseRouteGet(MAC)).toEqual({ dev: 'utun4', src: null, gateway: null });
    expect(parseRouteGet('')).toBeNull();
  });
  it('wg latest-handshakes', () => {
    expect(parseLatestHandshakes('abc=\t1799999990\ndef=\t0\n')).toEqual([1799999990, 0]);
    expect(parseLatestHandshakes('')).toEqual([]);
  });
  it('ipv4InCidr', () => {
    expect(ipv4InCidr('10.77.0.25', '10.77.0.0/24')).toBe(true);
    expect(ipv4InCidr('10.100.1.25', '10.77.0.0/24')).toBe(false);
    expect(ipv4InCidr('10.1.2.3', '0.0.0.0/0')).toBe(true);
    expect(ipv4InCidr('10.1.2.3', 'nonsense')).toBe(false);
  });
});

describe('inspectVpn / assertVpnUp', () => {
  const opts = (map: Parameters<typeof fakeRun>[0]) => ({ run: fakeRun(map), platform: 'linux' as const, nowS: () => NOW });

  it('passes through a WireGuard interface with a fresh handshake', async () => {
    const s = await assertVpnUp('10.77.0.25', { interface: 'wg0', subnet: '10.77.0.0/24' }, opts({
      'ip -j route get 10.77.0.25': { stdout: IP_WG },
      'wg show wg0 latest-handshakes': { stdout: `peer=\t${NOW - 30}\n` },
    }));
    expect(s).toMatchObject({ ok: true, isWireGuard: true, latestHandshakeAgeS: 30 });
  });

  it('refuses when the route leaves through another interface, naming it', async () => {
    await expect(assertVpnUp('10.77.0.25', { interface: 'wg0' }, opts({
      'ip -j route get 10.77.0.25': { stdout: IP_ETH },
      'wg show eth0 latest-handshakes': { stderr: 'Unable to access interface: No such device', code: 1 },
    }))).rejects.toMatchObject({ code: 'VPN_DOWN', message: expect.stringMatching(/would leave through eth0, not the WireGuard interface wg0/) });
  });

  it('refuses a non-WireGuard route even without an expected interface', async () => {
    await expect(assertVpnUp('10.77.0.25', {}, opts({
      'ip -j route get 10.77.0.25': { stdout: IP_ETH },
      'wg show eth0 latest-handshakes': { stderr: 'Unable to access interface: Protocol not supported', code: 1 },
    }))).rejects.toThrow(/eth0, which is not a WireGuard interface/);
  });

  it('refuses a stale or missing handshake', async () => {
    await expect(assertVpnUp('10.77.0.25', {}, opts({
      'ip -j route get 10.77.0.25': { stdout: IP_WG },
      'wg show wg0 latest-handshakes': { stdout: `peer=\t${NOW - 600}\n` },
    }))).rejects.toThrow(/600 s ago/);
    await expect(assertVpnUp('10.77.0.25', {}, opts({
      'ip -j route get 10.77.0.25': { stdout: IP_WG },
      'wg show wg0 latest-handshakes': { stdout: 'peer=\t0\n' },
    }))).rejects.toThrow(/never completed a handshake/);
  });

  it('refuses an address outside the configured subnet', async () => {
    await expect(assertVpnUp('10.77.0.25', { subnet: '10.200.0.0/16' }, opts({ 'ip -j route get 10.77.0.25': { stdout: IP_WG } }))).rejects.toThrow(/not inside the VPN subnet/);
  });

  it('no route at all', async () => {
    await expect(assertVpnUp('10.77.0.25', {}, opts({ 'ip -j route get 10.77.0.25': { stderr: 'RTNETLINK answers: Network is unreachable', code: 2 } }))).rejects.toThrow(/No route to 10\.77\.0\.25: RTNETLINK answers: Network is unreachable/);
  });

  it('checks only the route when the handshake is not readable (not root)', async () => {
    const s = await inspectVpn('10.77.0.25', { interface: 'wg0' }, opts({
      'ip -j route get 10.77.0.25': { stdout: IP_WG },
      'wg show wg0 latest-handshakes': { stderr: 'Unable to access interface: Operation not permitted', code: 1 },
    }));
    expect(s).toMatchObject({ ok: true, handshakeReadable: false });
    expect(s.message).toMatch(/only the route was checked/);
  });

  it('macOS route output', async () => {
    const s = await inspectVpn('10.77.0.25', {}, { run: fakeRun({ 'route -n get 10.77.0.25': { stdout: MAC }, 'wg show utun4 latest-handshakes': { stdout: `p=\t${NOW - 5}` } }), platform: 'darwin', nowS: () => NOW });
    expect(s).toMatchObject({ ok: true, route: { dev: 'utun4' } });
  });

  it('real `ip route get` for loopback on this machine: lo is not WireGuard', async () => {
    const s = await inspectVpn('127.0.0.1', {});
    expect(s.route.dev).toBe('lo');
    expect(s.ok).toBe(false);
  });
});
