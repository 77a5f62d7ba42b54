// The network checks through the collector's parsers and the engine, on raw sections captured from
// lab hosts (ufw 0.36, iptables-nft 1.8.9, fail2ban 1.0.2) and hand-written variants.
import { describe, expect, it } from 'vitest';
import { checks } from './index';
import { factsFrom, fixture, outcome, run, type RawSpec } from '../../../../../test/support/checkFacts';

const UFW_INACTIVE = fixture('network/ufw-disabled.txt');
const UFW_DENY = fixture('network/ufw-active-deny.txt');
const UFW_ALLOW = fixture('network/ufw-active-allow.txt');
const NF_EMPTY = fixture('network/netfilter-empty.txt');
const NF_DENY = fixture('network/netfilter-ufw-deny.txt');
const NF_DOCKER = fixture('network/netfilter-ufw-docker.txt');
const SS_MIXED = fixture('network/ss-mixed.txt');

/** A host with nothing of note; override sections per test. */
function host(over: RawSpec = {}, uid = 0) {
  return run(
    factsFrom(
      {
        net_listening: 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))',
        net_interfaces: fixture('network/ip-vulnerable.txt'),
        net_ufw: UFW_DENY,
        net_netfilter: NF_DENY,
        net_fail2ban: fixture('network/fail2ban-sshd.txt'),
        ...over,
      },
      uid,
    ),
    checks,
  );
}

/** ufw active, default deny, with these status rules. */
function ufwWith(rules: string, extraConf = ''): string {
  return `@conf\nENABLED=yes\nLOGLEVEL=low\n@default\nIPV6=yes\n${extraConf}DEFAULT_INPUT_POLICY="DROP"\n@files\n@status\nStatus: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), deny (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n${rules}\n@rc 0\n`;
}

describe('catalog', () => {
  it('ids are unique and every check is network', () => {
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    for (const c of checks) {
      expect(c.category).toBe('network');
      expect(c.id).toMatch(/^NET-[A-Z0-9-]+$/);
      expect(c.rationale.length).toBeGreaterThan(40);
      expect(c.remediation.length).toBeGreaterThan(20);
    }
  });

  it('a hardened host passes every check (or it does not apply)', () => {
    const ev = host();
    expect(ev.findings).toEqual([]);
    expect(ev.checks.filter((c) => c.status !== 'pass' && c.status !== 'not-applicable')).toEqual([]);
  });
});

describe('NET-FIREWALL-INACTIVE', () => {
  const id = 'NET-FIREWALL-INACTIVE';
  it('ufw inactive and no rules → high', () => {
    expect(outcome(host({ net_ufw: UFW_INACTIVE, net_netfilter: NF_EMPTY }), id).lines).toEqual(['high: ufw is installed but inactive (ufw.conf); no input filtering rules']);
  });
  it('no ufw; only fail2ban chains → high', () => {
    expect(outcome(host({ net_ufw: '@absent', net_netfilter: fixture('network/netfilter-iptables-legacy-accept.txt') }), id).lines).toEqual([
      'high: ufw is not installed; iptables filter INPUT policy ACCEPT with 1 rule(s)',
    ]);
  });
  it('no ufw, native nftables with policy drop → pass', () => {
    expect(outcome(host({ net_ufw: '@absent', net_netfilter: fixture('network/netfilter-nft-native.txt') }), id).status).toBe('pass');
  });
  it('ufw says active but the kernel has no ufw rules → high', () => {
    const o = outcome(host({ net_ufw: UFW_DENY, net_netfilter: NF_EMPTY }), id);
    expect(o.findings[0]).toMatchObject({ severity: 'high', title: 'ufw is enabled but its rules are not loaded', resource: 'firewall:ufw' });
  });
  it('not root → needs-sudo', () => {
    const o = outcome(host({ net_ufw: fixture('network/ufw-nonroot.txt'), net_netfilter: fixture('network/netfilter-nonroot.txt') }, 1000), id);
    expect(o.status).toBe('needs-sudo');
    expect(o.message).toMatch(/needs root/);
  });
});

describe('NET-FIREWALL-DEFAULT-INCOMING', () => {
  const id = 'NET-FIREWALL-DEFAULT-INCOMING';
  it('ufw default allow → high', () => {
    expect(outcome(host({ net_ufw: UFW_ALLOW, net_netfilter: NF_DOCKER }), id).lines).toEqual(['high: ufw is active with default incoming policy "allow" (ufw status verbose)']);
  });
  it('ufw default deny → pass; no firewall → not applicable', () => {
    expect(outcome(host(), id).status).toBe('pass');
    expect(outcome(host({ net_ufw: UFW_INACTIVE, net_netfilter: NF_EMPTY }), id).status).toBe('not-applicable');
  });
  it('plain iptables with rules but ACCEPT policy → medium', () => {
    const nf = '@iptables\n*filter\n:INPUT ACCEPT [0:0]\n@r filter 0:0 -A INPUT -s 198.51.100.0/24 -j DROP\n@count filter INPUT 1\n@rc 0\n@nft-absent\n';
    expect(outcome(host({ net_ufw: '@absent', net_netfilter: nf }), id).lines).toEqual(['medium: iptables filter INPUT policy ACCEPT with 1 rule(s), no final catch-all drop: traffic no rule matches is accepted']);
  });
});

describe('NET-DB-PORT-PUBLIC', () => {
  const id = 'NET-DB-PORT-PUBLIC';
  it('no firewall: every public/any data service at its own severity; private and loopback ones are fine', () => {
    const o = outcome(host({ net_listening: SS_MIXED, net_ufw: UFW_INACTIVE, net_netfilter: NF_EMPTY }), id);
    expect(o.findings.map((f) => [f.resource, f.severity, f.title])).toEqual([
      ['listen:udp:0.0.0.0:11211', 'critical', 'Memcached listens on every address'],
      ['listen:tcp:0.0.0.0:27017', 'critical', 'MongoDB listens on every address'],
      ['listen:tcp:*:9200', 'critical', 'Elasticsearch/OpenSearch listens on every address'],
      ['listen:tcp:203.0.113.10:3306', 'high', 'MySQL/MariaDB listens on a public address'],
    ]);
    expect(o.findings[3]!.evidence).toBe('tcp 203.0.113.10:3306 (mysqld): MySQL/MariaDB on a public address (password brute force and server exploits); ufw is inactive');
  });

  it('ufw default deny: blocked ports drop to low, restricted ones one step, Docker-published ones keep theirs', () => {
    const ufw = ufwWith('9200/tcp                   ALLOW IN    Anywhere\n11211                      ALLOW IN    10.0.0.0/8');
    const o = outcome(host({ net_listening: SS_MIXED, net_ufw: ufw }), id);
    expect(o.lines).toEqual([
      'critical: tcp *:9200 (java): Elasticsearch/OpenSearch on every address (HTTP API often without authentication); ufw allows it from anywhere ("9200/tcp ALLOW Anywhere")',
      'critical: tcp 0.0.0.0:27017 (docker-proxy): MongoDB on every address (often without authentication; mass-ransomed when exposed); published by Docker, which bypasses ufw',
      'high: udp 0.0.0.0:11211 (memcached): Memcached on every address (no authentication, and a UDP amplification source); ufw allows it only from 10.0.0.0/8',
      'low: tcp 203.0.113.10:3306 (mysqld): MySQL/MariaDB on a public address (password brute force and server exploits); ufw blocks it (default deny, no allow rule for this port)',
    ]);
  });

  it('ufw rules unknown (not root): no lowering, and it says why', () => {
    const o = outcome(host({ net_listening: 'tcp LISTEN 0 128 0.0.0.0:6379 0.0.0.0:*', net_ufw: fixture('network/ufw-nonroot.txt'), net_netfilter: fixture('network/netfilter-nonroot.txt') }, 1000), id);
    expect(o.lines).toEqual(['critical: tcp 0.0.0.0:6379: Redis on every address (no authentication by default; CONFIG SET leads to code execution); ufw is active, but its rules could not be read (needs root)']);
  });
});

describe('NET-DOCKER-API-EXPOSED and NET-INSECURE-SERVICES', () => {
  it('dockerd on [::]:2375 → critical; 2376 → medium', () => {
    expect(outcome(host({ net_listening: SS_MIXED }), 'NET-DOCKER-API-EXPOSED').lines).toEqual(['critical: tcp [::]:2375 (dockerd) on every address: the unencrypted Docker API (port 2375) needs no credentials']);
    expect(outcome(host({ net_listening: 'tcp LISTEN 0 128 10.0.0.5:2376 0.0.0.0:*' }), 'NET-DOCKER-API-EXPOSED').findings[0]).toMatchObject({ severity: 'medium', title: 'Docker TLS API listens on the network' });
    expect(outcome(host({ net_listening: 'tcp LISTEN 0 128 127.0.0.1:2375 0.0.0.0:*' }), 'NET-DOCKER-API-EXPOSED').status).toBe('pass');
  });

  it('telnet and rpcbind; ufw lowers what it blocks', () => {
    expect(outcome(host({ net_listening: SS_MIXED, net_ufw: UFW_INACTIVE, net_netfilter: NF_EMPTY }), 'NET-INSECURE-SERVICES').lines).toEqual([
      'high: tcp 0.0.0.0:23 (inetd): Telnet on every address (logins in clear text); ufw is inactive',
      'low: udp 0.0.0.0:111 (rpcbind, systemd): rpcbind on every address (UDP amplification source); ufw is inactive',
      'low: udp [::]:111 (rpcbind, systemd): rpcbind on every address (UDP amplification source); ufw is inactive',
    ]);
    expect(outcome(host({ net_listening: SS_MIXED }), 'NET-INSECURE-SERVICES').findings.map((f) => f.severity)).toEqual(['low', 'low', 'low']);
  });
});

describe('NET-DOCKER-BYPASSES-UFW', () => {
  const id = 'NET-DOCKER-BYPASSES-UFW';
  it('ufw active + a DOCKER DNAT on every address → high', () => {
    expect(outcome(host({ net_ufw: UFW_ALLOW, net_netfilter: NF_DOCKER }), id).lines).toEqual([
      'high: ufw is active, but Docker publishes tcp 0.0.0.0:15432 → 172.17.0.2:5432 (-A DOCKER ! -i docker0 -p tcp -m tcp --dport 15432 -j DNAT --to-destination 172.17.0.2:5432) and DOCKER-USER has no filtering rules',
    ]);
  });
  it('published on 127.0.0.1 only, or filtered in DOCKER-USER → pass', () => {
    const loop = NF_DOCKER.replace('-A DOCKER ! -i docker0', '-A DOCKER -d 127.0.0.1/32 ! -i docker0');
    expect(outcome(host({ net_netfilter: loop }), id).status).toBe('pass');
    const filtered = NF_DOCKER.replace('@r filter 0:0 -A DOCKER-USER -j RETURN', '@r filter 0:0 -A DOCKER-USER -j ufw-user-forward\n@r filter 0:0 -A DOCKER-USER -j RETURN');
    expect(outcome(host({ net_netfilter: filtered }), id).status).toBe('pass');
  });
  it('ufw inactive, no Docker chains, no iptables → not applicable', () => {
    expect(outcome(host({ net_ufw: UFW_INACTIVE, net_netfilter: NF_DOCKER }), id).status).toBe('not-applicable');
    expect(outcome(host(), id).message).toBe('no DOCKER chain: Docker is absent or runs with --iptables=false');
    expect(outcome(host({ net_netfilter: fixture('network/netfilter-nft-native.txt') }), id).status).toBe('not-applicable');
  });
});

describe('NET-SSH-BEYOND-VPN (profile fact from the collect context)', () => {
  const id = 'NET-SSH-BEYOND-VPN';
  const wg = '1: lo    inet 127.0.0.1/8 scope host lo\n4: wg0    inet 10.77.0.1/24 scope global wg0\n@links\n4: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420';
  const withProfile = (vpn: object | undefined, listening = SS_MIXED) => {
    const facts = factsFrom({ net_listening: listening, net_interfaces: wg });
    return run({ ...facts, vpnProfile: vpn ? { ok: true, value: { vpnOnly: true, interface: null, subnet: null, ...vpn } } : facts.vpnProfile }, checks);
  };
  it('no VPN settings in the context → not applicable', () => {
    expect(outcome(withProfile(undefined), id)).toMatchObject({ status: 'not-applicable', message: 'the audit was not given the host profile’s VPN settings' });
  });
  it('sshd on the VPN address and a public IPv6 address → the public one is flagged', () => {
    expect(outcome(withProfile({ interface: 'wg0' }), id).lines).toEqual(['high: tcp [2001:db8::10]:22 (sshd); the host is VPN-only: VPN wg0 (10.77.0.1/24)']);
  });
  it('the subnet alone is enough; 0.0.0.0 is never inside it', () => {
    expect(outcome(withProfile({ subnet: '10.77.0.0/24' }, 'tcp LISTEN 0 128 10.77.0.1:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))'), id).status).toBe('pass');
    expect(outcome(withProfile({ subnet: '10.77.0.0/24' }, 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))'), id).lines).toEqual([
      'high: tcp 0.0.0.0:22 (sshd) (every address); the host is VPN-only: VPN subnet 10.77.0.0/24',
    ]);
  });
  it('without process names (not root), port 22 stands for sshd', () => {
    expect(outcome(withProfile({ interface: 'wg0' }, 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ntcp LISTEN 0 128 127.0.0.1:22 0.0.0.0:*'), id).findings.map((f) => f.resource)).toEqual(['listen:tcp:0.0.0.0:22']);
  });
  it('the VPN interface missing and no subnet → not applicable', () => {
    expect(outcome(withProfile({ interface: 'wg9' }), id).status).toBe('not-applicable');
  });
});

describe('fail2ban', () => {
  const f2b = (body: string, uid = 0) => host({ net_fail2ban: body }, uid);
  it('missing → medium, unless CrowdSec is there', () => {
    expect(outcome(f2b('@crowdsec no\n@installed no'), 'NET-FAIL2BAN-MISSING').lines).toEqual(['medium: fail2ban-client is not installed and no CrowdSec (crowdsec/cscli) was found']);
    expect(outcome(f2b('@crowdsec yes\n@installed no'), 'NET-FAIL2BAN-MISSING').status).toBe('pass');
    expect(outcome(f2b('@crowdsec no\n@installed no'), 'NET-FAIL2BAN-INACTIVE').status).toBe('not-applicable');
  });
  it('installed but stopped → inactive; the jail check does not apply', () => {
    const ev = f2b(fixture('network/fail2ban-stopped.txt'));
    expect(outcome(ev, 'NET-FAIL2BAN-INACTIVE').lines).toEqual(['medium: the fail2ban server is not running (its socket does not answer)']);
    expect(outcome(ev, 'NET-FAIL2BAN-NO-SSHD-JAIL').status).toBe('not-applicable');
  });
  it('running without an SSH jail → medium', () => {
    expect(outcome(f2b(fixture('network/fail2ban-no-sshd-jail.txt')), 'NET-FAIL2BAN-NO-SSHD-JAIL').lines).toEqual(['medium: fail2ban runs with jails nginx-http-auth, recidive, none for SSH']);
  });
  it('not root → needs-sudo for all three', () => {
    const ev = f2b(fixture('network/fail2ban-nonroot.txt'), 1000);
    for (const id of ['NET-FAIL2BAN-MISSING', 'NET-FAIL2BAN-INACTIVE', 'NET-FAIL2BAN-NO-SSHD-JAIL']) expect(outcome(ev, id).status).toBe('needs-sudo');
  });
});

describe('ufw extras', () => {
  const v6 = '1: lo    inet6 ::1/128 scope host\n2: eth0    inet6 2001:db8::10/64 scope global\n@links\n2: eth0: <BROADCAST,UP,LOWER_UP> mtu 1500';
  it('IPV6=no with a global IPv6 address and [::] listeners → medium', () => {
    const ufw = ufwWith('22/tcp                     ALLOW IN    Anywhere').replace('IPV6=yes', 'IPV6=no');
    expect(outcome(host({ net_ufw: ufw, net_interfaces: v6, net_listening: 'tcp LISTEN 0 128 [::]:22 [::]:* users:(("sshd",pid=1,fd=3))' }), 'NET-UFW-IPV6-OFF').lines).toEqual([
      'medium: IPV6=no in /etc/default/ufw; the host has 2001:db8::10/64 and tcp [::]:22 (sshd) listen on IPv6',
    ]);
    // Without a global IPv6 address there is nothing to reach.
    expect(outcome(host({ net_ufw: ufw, net_listening: 'tcp LISTEN 0 128 [::]:22 [::]:*' }), 'NET-UFW-IPV6-OFF').status).toBe('pass');
  });
  it('logging off → low', () => {
    const ufw = ufwWith('').replace('Logging: on (low)', 'Logging: off');
    expect(outcome(host({ net_ufw: ufw }), 'NET-UFW-LOGGING-OFF').lines).toEqual(['low: ufw logging off']);
  });
});

describe('broken sections cost only their own checks', () => {
  it('missing, cut off, timed out, garbage', () => {
    const ev = host({ net_listening: { body: 'tcp LISTEN 0 128 0.0.0.0:22', exit: null }, net_fail2ban: { body: '', exit: 124 }, net_ufw: 'Traceback (most recent call last):' });
    expect(outcome(ev, 'NET-DB-PORT-PUBLIC')).toMatchObject({ status: 'error', message: 'ss -tulpn: output was cut off' });
    expect(outcome(ev, 'NET-FAIL2BAN-MISSING')).toMatchObject({ status: 'error', message: 'fail2ban: did not finish in time' });
    expect(outcome(ev, 'NET-UFW-LOGGING-OFF').message).toMatch(/^ufw: unexpected ufw section output/);
    const none = run(factsFrom({}), checks);
    expect(outcome(none, 'NET-FIREWALL-INACTIVE')).toMatchObject({ status: 'error', message: 'ufw: the collector returned no output for this section' });
  });
});
