// The VPN (WireGuard) checks through the collector's parsers and the engine, on raw sections
// captured from lab hosts (wireguard-go, wg 1.0.20210914) and hand-written client/odd-owner configs.
import { describe, expect, it } from 'vitest';
import { factsFrom, fixture, outcome, run, type RawSpec } from '../../../../../test/support/checkFacts';
import { checks } from './index';

const VULN: RawSpec = {
  net_interfaces: fixture('network/ip-vulnerable.txt'),
  vpn_wg_conf: fixture('vpn/wg-conf-vulnerable.txt'),
  vpn_wg_dump: fixture('vpn/wg-dump-shared-run.txt'),
};
const CLIENT: RawSpec = {
  net_interfaces: '1: lo    inet 127.0.0.1/8 scope host lo\n5: wg0    inet 10.77.0.7/32 scope global wg0\n@links\n5: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420',
  vpn_wg_conf: fixture('vpn/wg-conf-client.txt'),
  vpn_wg_dump: fixture('vpn/wg-dump-client.txt'),
};
const evalOf = (spec: RawSpec, uid = 0) => run(factsFrom(spec, uid), checks);

describe('catalog', () => {
  it('ids are unique and every check is vpn', () => {
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    for (const c of checks) expect([c.category, /^VPN-WG-[A-Z-]+$/.test(c.id)]).toEqual(['vpn', true]);
  });

  it('no WireGuard at all: nothing fails', () => {
    const ev = evalOf({ net_interfaces: '@links\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536', vpn_wg_conf: '@dir-absent', vpn_wg_dump: '@now 1\n@wg-absent' });
    expect(ev.findings).toEqual([]);
    expect(ev.checks.map((c) => c.status)).toEqual(['not-applicable', 'not-applicable', 'not-applicable', 'not-applicable', 'not-applicable', 'not-applicable']);
  });

  it('hardened lab server: every check passes or does not apply', () => {
    const ev = evalOf({ ...VULN, vpn_wg_conf: fixture('vpn/wg-conf-hardened.txt'), net_interfaces: '3: rmph06bd55    inet 10.216.122.245/30 scope global rmph06bd55\n@links\n3: rmph06bd55: <POINTOPOINT,UP,LOWER_UP> mtu 1420' });
    expect(ev.findings).toEqual([]);
  });
});

describe('lab vulnerable server (the dump also lists other namespaces’ wireguard-go interfaces)', () => {
  const ev = evalOf(VULN);

  it('only this host’s interfaces are kept from wg show', () => {
    const f = factsFrom(VULN);
    expect(f.wireguardRuntime.ok && f.wireguardRuntime.value.interfaces.map((i) => i.name)).toEqual(['rmpv06bd55']);
  });

  it('world-readable configs in a 755 directory → critical', () => {
    expect(outcome(ev, 'VPN-WG-CONFIG-READABLE').lines).toEqual([
      'critical: /etc/wireguard/rmpd06bd55.conf mode 644 root:root (world-readable; holds the interface’s PrivateKey)',
      'critical: /etc/wireguard/rmpv06bd55.conf mode 644 root:root (world-readable; holds the interface’s PrivateKey)',
    ]);
    expect(outcome(ev, 'VPN-WG-CONFIG-OWNER').status).toBe('pass');
  });

  it('the config without a running interface', () => {
    expect(outcome(ev, 'VPN-WG-INTERFACE-DOWN').lines).toEqual(['medium: /etc/wireguard/rmpd06bd55.conf: no interface rmpd06bd55 (wg show does not list it)']);
  });

  it('0.0.0.0/0 on a server peer: one finding for config and runtime', () => {
    expect(outcome(ev, 'VPN-WG-BROAD-ALLOWEDIPS').findings.map((f) => [f.severity, f.resource])).toEqual([['high', 'wireguard:rmpv06bd55:peer:6CnqPGQlXZCjRlYInfOgRS7xabfSOBynrHDmLCLcsy0=']]);
  });

  it('an always-on peer that never answered', () => {
    expect(outcome(ev, 'VPN-WG-NO-HANDSHAKE').lines).toEqual(['medium: rmpv06bd55: peer dxjhOuCG… (endpoint 10.213.96.165:51999, keepalive 25 s) never completed a handshake']);
  });

  it('SaveConfig', () => {
    expect(outcome(ev, 'VPN-WG-SAVECONFIG').lines).toEqual(['low: /etc/wireguard/rmpv06bd55.conf: SaveConfig = true']);
  });
});

describe('client configs, odd owners and modes', () => {
  const ev = evalOf(CLIENT);

  it('group-readable by a non-root group, world-readable; readable-only-by-root passes', () => {
    expect(outcome(ev, 'VPN-WG-CONFIG-READABLE').lines).toEqual([
      'critical: /etc/wireguard/site b.conf mode 666 deploy:deploy (world-readable; holds the interface’s PrivateKey)',
      'high: /etc/wireguard/wg0.conf mode 640 root:admins (readable by group admins; holds the interface’s PrivateKey)',
    ]);
  });

  it('owned by another user and world-writable → critical', () => {
    expect(outcome(ev, 'VPN-WG-CONFIG-OWNER').lines).toEqual(['critical: /etc/wireguard/site b.conf mode 666 deploy:deploy (owned by deploy, world-writable, writable by group deploy)']);
  });

  it('a full-tunnel client (0.0.0.0/0, ::/0 toward its server) is normal; a server peer with a /24 is fine', () => {
    expect(outcome(ev, 'VPN-WG-BROAD-ALLOWEDIPS').status).toBe('pass');
  });

  it('handshake 10 minutes old with keepalive 25 → medium', () => {
    expect(outcome(ev, 'VPN-WG-NO-HANDSHAKE').lines).toEqual(['medium: wg0: peer xTIBA5rb… (endpoint 198.51.100.20:51820, keepalive 25 s) last handshake 10 min ago']);
    const fresh = evalOf({ ...CLIENT, vpn_wg_dump: fixture('vpn/wg-dump-client.txt').replace('@now 1700000600', '@now 1700000100') });
    expect(outcome(fresh, 'VPN-WG-NO-HANDSHAKE').status).toBe('pass');
  });

  it('configs whose interfaces are not up', () => {
    expect(outcome(ev, 'VPN-WG-INTERFACE-DOWN').lines).toEqual([
      'medium: /etc/wireguard/empty.conf: no interface empty (wg show does not list it)',
      'medium: /etc/wireguard/site b.conf: no interface site b (wg show does not list it)',
    ]);
    const adminDown = evalOf({ ...CLIENT, net_interfaces: '5: wg0    inet 10.77.0.7/32 scope global wg0\n@links\n5: wg0: <POINTOPOINT,NOARP> mtu 1420 state DOWN' });
    expect(outcome(adminDown, 'VPN-WG-INTERFACE-DOWN').lines).toContain('medium: /etc/wireguard/wg0.conf: the interface exists but is administratively down');
  });

  it('a world-readable file inside a 700 directory is latent: medium', () => {
    const inClosedDir = evalOf({ ...CLIENT, vpn_wg_conf: fixture('vpn/wg-conf-client.txt').replace('@dir 755 root root', '@dir 700 root root') });
    expect(outcome(inClosedDir, 'VPN-WG-CONFIG-READABLE').findings.map((f) => f.severity)).toEqual(['medium', 'medium']);
  });

  it('/etc/wireguard itself writable by others → critical', () => {
    const open = evalOf({ ...CLIENT, vpn_wg_conf: '@dir 777 root root\n' });
    expect(outcome(open, 'VPN-WG-CONFIG-OWNER').lines).toEqual(['critical: /etc/wireguard mode 777 root:root: others can replace the configs in it']);
  });
});

describe('not root', () => {
  it('configs and runtime need sudo; their checks say so', () => {
    const ev = evalOf({ ...VULN, vpn_wg_conf: fixture('vpn/wg-conf-nonroot.txt'), vpn_wg_dump: fixture('vpn/wg-dump-nonroot.txt') }, 1000);
    for (const c of ev.checks) expect(c.status, c.checkId).toBe('needs-sudo');
  });
});
