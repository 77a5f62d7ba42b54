// The network parsers (ss, ip, ufw, iptables/nft summaries, fail2ban, OpenSSH version) on output
// captured from lab hosts (real ufw 0.36, iptables 1.8.9 nf_tables, fail2ban 1.0.2, OpenSSH 9.2p1)
// and on hand-written variants, plus empty, truncated, garbage and huge input.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addressScope, cidrContains, ipv6Groups, parseCidr } from './addresses';
import { parseFail2ban } from './fail2ban';
import { parseInterfaces } from './interfaces';
import { describeSocket, parseSsListening, splitLocal } from './listening';
import { dockerChains, incomingFiltering, parseNetfilter } from './netfilter';
import { NeedsRootError } from './sectionResult';
import { compareDebVersions, parseSshVersion } from './sshVersion';
import { parsePortSpec, parseUfw, ufwRulesAllowing } from './ufw';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'network');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('addresses', () => {
  it.each([
    ['0.0.0.0', 'any'],
    ['*', 'any'],
    ['::', 'any'],
    ['[::]', 'any'],
    ['127.0.0.53', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:203.0.113.9', 'public'],
    ['10.8.0.1', 'private'],
    ['172.31.255.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.5', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'private'],
    ['2001:db8::10', 'public'],
    ['203.0.113.10', 'public'],
    ['not-an-ip', 'unknown'],
    ['1:2:3:4:5:6:7:8:9', 'unknown'],
  ])('%s → %s', (a, scope) => expect(addressScope(a)).toBe(scope));

  it('IPv6 expansion, with an embedded IPv4 tail', () => {
    expect(ipv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
    expect(ipv6Groups('1::2::3')).toBeNull();
  });

  it('CIDRs', () => {
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, address: '0.0.0.0', prefix: 0 });
    expect(parseCidr('[::1]/128')).toEqual({ family: 6, address: '::1', prefix: 128 });
    expect(parseCidr('::/0')).toEqual({ family: 6, address: '::', prefix: 0 });
    expect(parseCidr('10.1.2.3')).toEqual({ family: 4, address: '10.1.2.3', prefix: 32 });
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('hash:/etc/postfix/network_table')).toBeNull();
    expect(cidrContains(parseCidr('10.77.0.0/24')!, '10.77.0.1')).toBe(true);
    expect(cidrContains(parseCidr('10.77.0.0/24')!, '10.100.1.1')).toBe(false);
    expect(cidrContains(parseCidr('10.77.0.0/24')!, '::ffff:10.77.0.9')).toBe(true);
    expect(cidrContains(parseCidr('2001:db8::/32')!, '2001:db8:1::5')).toBe(true);
    expect(cidrContains(parseCidr('2001:db8::/33')!, '2001:db8:8000::5')).toBe(false);
  });
});

describe('parseSsListening', () => {
  it('lab output: sockets, scopes and owning processes', () => {
    const s = parseSsListening(fixture('ss-vulnerable.txt'));
    expect(s.map(describeSocket)).toEqual([
      'udp 0.0.0.0:51820 (wireguard-go)',
      'udp [::]:51820 (wireguard-go)',
      'tcp 0.0.0.0:25 (smtpd, master)',
      'tcp 0.0.0.0:22 (sshd)',
      'tcp 0.0.0.0:6379 (python3)',
      'tcp 0.0.0.0:5432 (python3)',
      'tcp [::]:22 (sshd)',
    ]);
    expect(s.every((x) => x.scope === 'any')).toBe(true);
  });

  it('every address form ss prints; established connections are not listeners', () => {
    const s = parseSsListening(fixture('ss-mixed.txt'));
    const by = (port: number, proto = 'tcp') => s.filter((x) => x.port === port && x.proto === proto);
    expect(by(53)[0]).toMatchObject({ address: '127.0.0.53', interface: 'lo', scope: 'loopback', processes: ['systemd-resolve'] });
    expect(by(111, 'udp').map((x) => x.processes)).toEqual([['rpcbind', 'systemd'], ['rpcbind', 'systemd']]);
    expect(by(51820, 'udp')[0]).toMatchObject({ address: '0.0.0.0', interface: 'wg0', processes: [] });
    expect(by(9200)[0]).toMatchObject({ address: '*', scope: 'any' });
    expect(by(33060)[0]).toMatchObject({ address: '::ffff:127.0.0.1', scope: 'loopback' });
    expect(by(8080)[0]).toMatchObject({ address: 'fe80::1', interface: 'eth0', scope: 'link-local' });
    expect(by(22).map((x) => x.address)).toEqual(['10.77.0.1', '2001:db8::10']);
    expect(s.filter((x) => x.port === 22 && x.address === '203.0.113.10')).toEqual([]); // ESTAB
  });

  it('splitLocal edge cases', () => {
    expect(splitLocal(':::22')).toEqual({ address: '::', interface: null, port: 22 });
    expect(splitLocal('[::]%wg0:51820')).toEqual({ address: '::', interface: 'wg0', port: 51820 });
    expect(splitLocal('0.0.0.0:99999')).toBeNull();
    expect(splitLocal('nonsense')).toBeNull();
  });

  it('empty output is no sockets; an old ss with a header line still parses', () => {
    expect(parseSsListening('')).toEqual([]);
    expect(parseSsListening('Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\ntcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n')).toHaveLength(1);
  });

  it('garbage and huge input throw instead of returning nonsense', () => {
    expect(() => parseSsListening('ss: invalid option -- H\nUsage: ss [ OPTIONS ]')).toThrow(/does not look like a socket list/);
    expect(() => parseSsListening('tcp LISTEN 0 1 0.0.0.0:1 0.0.0.0:*\n'.repeat(20_001))).toThrow(/more than 20000/);
  });

  it('a truncated last line is skipped, the rest kept', () => {
    const text = fixture('ss-vulnerable.txt');
    const cut = text.slice(0, text.indexOf('0.0.0.0:5432') + 4);
    expect(parseSsListening(cut).map((x) => x.port)).toEqual([51820, 51820, 25, 22, 6379]);
  });
});

describe('parseInterfaces', () => {
  it('lab output: addresses and link state', () => {
    const i = parseInterfaces(fixture('ip-vulnerable.txt'));
    expect(i.map((x) => x.name)).toEqual(['lo', 'rn68c37b', 'rmpv06bd55']);
    expect(i[2]).toEqual({ name: 'rmpv06bd55', up: true, addresses: ['10.216.151.133/30', 'fe80::efbb:b628:d9e3:7300/64'] });
  });

  it('a down link without addresses', () => {
    expect(parseInterfaces('@links\n4: wg1: <POINTOPOINT,NOARP> mtu 1420 qdisc noop state DOWN mode DEFAULT\\    link/none')).toEqual([{ name: 'wg1', up: false, addresses: [] }]);
  });

  it('garbage throws; empty is no interfaces', () => {
    expect(() => parseInterfaces('Object "addr" is unknown, try "ip help".')).toThrow(/does not list interfaces/);
    expect(parseInterfaces('')).toEqual([]);
  });
});

describe('parseUfw', () => {
  it('active, default deny, one rule (status verbose as root)', () => {
    const u = parseUfw(fixture('ufw-active-deny.txt'));
    expect(u).toMatchObject({ installed: true, enabled: true, active: true, statusSource: 'ufw status', logging: 'low', ipv6: true, defaults: { incoming: 'deny', outgoing: 'allow', routed: 'deny' } });
    expect(u.rules).toEqual([
      { to: '22/tcp', action: 'ALLOW', direction: 'IN', from: 'Anywhere', v6: false, ports: [{ from: 22, to: 22 }], allPorts: false, proto: 'tcp', interface: null },
      { to: '22/tcp', action: 'ALLOW', direction: 'IN', from: 'Anywhere', v6: true, ports: [{ from: 22, to: 22 }], allPorts: false, proto: 'tcp', interface: null },
    ]);
    expect(u.rulesFiles).toContain('/etc/ufw/user.rules');
  });

  it('active with default allow', () => {
    expect(parseUfw(fixture('ufw-active-allow.txt'))).toMatchObject({ active: true, defaults: { incoming: 'allow' }, rules: [] });
  });

  it('disabled: state from ufw.conf, ufw status not run', () => {
    expect(parseUfw(fixture('ufw-disabled.txt'))).toMatchObject({ active: false, enabled: false, statusSource: 'ufw.conf', defaults: { incoming: 'deny' }, rules: null, note: 'ufw is disabled in /etc/ufw/ufw.conf' });
  });

  it('not root: active and defaults from the config files, rules unknown', () => {
    expect(parseUfw(fixture('ufw-nonroot.txt'))).toMatchObject({ active: true, statusSource: 'ufw.conf', defaults: { incoming: 'deny' }, rules: null, note: expect.stringMatching(/needs root/) });
  });

  it('absent', () => {
    expect(parseUfw('@absent\n')).toMatchObject({ installed: false, active: false });
  });

  it('rule forms: port lists, ranges, interfaces, sources, app profiles, LIMIT', () => {
    const status = `@conf\nENABLED=yes\n@status\nStatus: active\nLogging: off\nDefault: reject (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n80,443/tcp                 ALLOW IN    Anywhere\n6000:6007/udp              DENY IN     Anywhere\n22 on wg0                  ALLOW IN    Anywhere\n5432/tcp                   ALLOW IN    10.0.0.0/8                 # app servers\nOpenSSH                    LIMIT IN    Anywhere\nAnywhere                   ALLOW IN    192.168.1.0/24\n10.0.0.5 3306/tcp          ALLOW IN    10.0.0.0/24\n@rc 0\n`;
    const u = parseUfw(status);
    expect(u.logging).toBe('off');
    expect(u.defaults).toEqual({ incoming: 'reject', outgoing: 'allow', routed: 'disabled' });
    expect(u.rules!.map((r) => [r.to, r.action, r.from, r.ports, r.allPorts, r.proto, r.interface])).toEqual([
      ['80,443/tcp', 'ALLOW', 'Anywhere', [{ from: 80, to: 80 }, { from: 443, to: 443 }], false, 'tcp', null],
      ['6000:6007/udp', 'DENY', 'Anywhere', [{ from: 6000, to: 6007 }], false, 'udp', null],
      ['22 on wg0', 'ALLOW', 'Anywhere', [{ from: 22, to: 22 }], false, null, 'wg0'],
      ['5432/tcp', 'ALLOW', '10.0.0.0/8', [{ from: 5432, to: 5432 }], false, 'tcp', null],
      ['OpenSSH', 'LIMIT', 'Anywhere', null, false, null, null],
      ['Anywhere', 'ALLOW', '192.168.1.0/24', null, true, null, null],
      ['10.0.0.5 3306/tcp', 'ALLOW', '10.0.0.0/24', [{ from: 3306, to: 3306 }], false, 'tcp', null],
    ]);
    expect(ufwRulesAllowing(u.rules!, 443, 'tcp').map((r) => r.to)).toEqual(['80,443/tcp', 'Anywhere']);
    expect(ufwRulesAllowing(u.rules!, 6001, 'udp').map((r) => r.to)).toEqual(['Anywhere']);
    expect(parsePortSpec('70000')).toBeNull();
    expect(parsePortSpec('9:1')).toBeNull();
  });

  it('ufw status failing is a note, not a crash; garbage throws', () => {
    expect(parseUfw('@conf\nENABLED=yes\n@status\nERROR: problem running iptables\n@rc 1\n')).toMatchObject({ active: true, statusSource: 'ufw.conf', note: expect.stringMatching(/^ufw status failed \(exit 1\)/) });
    expect(() => parseUfw('sh: 1: ufw: Permission denied')).toThrow(/unexpected ufw section output/);
    expect(() => parseUfw('')).toThrow();
  });
});

describe('parseUfw from ufw\'s files and the live chains (no ufw status)', () => {
  const head = '@conf\nENABLED=yes\nLOGLEVEL=medium\n@default\nIPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\nDEFAULT_FORWARD_POLICY="DROP"\n@files\n/etc/ufw/user.rules\n';
  const live = (fwd = '0', rules = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### limit tcp 2222 0.0.0.0/0 any 10.0.0.0/8 in_wg0\n### tuple ### allow_log any 8080 0.0.0.0/0 any 0.0.0.0/0 in comment=617070\n### tuple ### deny tcp 25 0.0.0.0/0 any 0.0.0.0/0 out\n### tuple ### route:allow tcp 443 10.1.0.0/16 any 0.0.0.0/0 in_lo!out_lo\n') =>
    `${head}@live\n@proc-ipv6 yes\n@sysctl ipv4/ip_forward ${fwd}\n@sysctl ipv6/conf/default/forwarding 0\n@sysctl ipv6/conf/all/forwarding 0\n@rules /etc/ufw/user.rules\n# a comment line\n${rules}@rules /etc/ufw/user6.rules\n### tuple ### allow tcp 22 ::/0 any ::/0 in\n### tuple ### allow tcp 22 ::/0 any ::/0 OpenSSH - in\n`;
  const nf = fixture('netfilter-ufw-deny.txt');

  it('active from the kernel\'s ufw-user chains; rules, defaults and logging as ufw status verbose prints them', () => {
    const u = parseUfw(live(), nf);
    expect(u).toMatchObject({ active: true, statusSource: 'ufw status', logging: 'medium', ipv6: true, note: null, defaults: { incoming: 'deny', outgoing: 'allow', routed: 'disabled' } });
    expect(u.rules!.map((r) => [r.to, r.action, r.direction, r.from, r.v6, r.interface])).toEqual([
      ['22/tcp', 'ALLOW', 'IN', 'Anywhere', false, null],
      ['2222/tcp on wg0', 'LIMIT', 'IN', '10.0.0.0/8', false, 'wg0'],
      ['8080', 'ALLOW', 'IN', 'Anywhere', false, null],
      ['22/tcp', 'ALLOW', 'IN', 'Anywhere', true, null],
      ['22/tcp (OpenSSH)', 'ALLOW', 'IN', 'Anywhere', true, null],
      ['25/tcp', 'DENY', 'OUT', 'Anywhere', false, null],
      ['10.1.0.0/16 443/tcp on lo', 'ALLOW', 'FWD', 'Anywhere on lo', false, 'lo'],
    ]);
    expect(parseUfw(live('1'), nf).defaults.routed).toBe('deny');
  });

  it('no ufw-user chains loaded: inactive, as ufw status says, although ufw.conf says ENABLED=yes', () => {
    const noUfw = nf.split('\n').filter((l) => !l.includes('ufw-user-')).join('\n');
    expect(parseUfw(live(), noUfw)).toMatchObject({ enabled: true, active: false, statusSource: 'ufw status', rules: null });
  });

  it('what ufw status would refuse, or a live state that cannot be read, leaves the config\'s state and says why', () => {
    expect(parseUfw(live(), null)).toMatchObject({ active: true, statusSource: 'ufw.conf', rules: null, note: expect.stringMatching(/netfilter section missing/) });
    expect(parseUfw(live(), '@iptables\n@rc 1\n@nft-absent\n')).toMatchObject({ statusSource: 'ufw.conf', note: expect.stringMatching(/could not be read/) });
    expect(parseUfw(live().replace('DEFAULT_FORWARD_POLICY="DROP"\n', ''), nf)).toMatchObject({ statusSource: 'ufw.conf', note: expect.stringMatching(/Missing policy for 'forward'/) });
    expect(parseUfw(live().replace('@rules /etc/ufw/user.rules\n', '@rules-unreadable /etc/ufw/user.rules\n'), nf)).toMatchObject({ statusSource: 'ufw.conf', note: expect.stringMatching(/Couldn't open/) });
  });

  it('malformed tuples are skipped, as ufw skips them', () => {
    expect(parseUfw(live('0', '### tuple ### allow tcp 22\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 sideways_x\n'), nf).rules!.filter((r) => !r.v6)).toEqual([]);
  });
});

describe('parseNetfilter', () => {
  it('ufw + Docker chains (iptables-nft): policies, kept rules, counts, published ports', () => {
    const nf = parseNetfilter(fixture('netfilter-ufw-docker.txt'), 0);
    const filter = nf.iptables!.tables.filter!;
    expect(filter.INPUT).toMatchObject({ policy: 'ACCEPT', ruleCount: 6 });
    expect(filter.INPUT!.rules[0]).toEqual({ table: 'filter', chain: 'INPUT', spec: '-j ufw-before-logging-input', target: 'ufw-before-logging-input', packets: 998 });
    expect(filter.DOCKER!.rules.map((r) => r.spec)).toEqual(['-d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 5432 -j ACCEPT']);
    expect(filter['ufw-before-input']).toMatchObject({ ruleCount: 13, rules: [] });
    expect(nf.nft!.chains.length).toBeGreaterThan(10);
    const d = dockerChains(nf.iptables);
    expect(d).toMatchObject({ present: true, userFiltering: false });
    expect(d.published).toEqual([
      { hostAddress: null, hostPort: 15432, proto: 'tcp', destination: '172.17.0.2:5432', rule: '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 15432 -j DNAT --to-destination 172.17.0.2:5432' },
    ]);
    // ufw with default allow: INPUT jumps into ufw chains, but nothing drops by default.
    expect(incomingFiltering(nf)).toMatchObject({ filtering: true, defaultDeny: false });
  });

  it('ufw with default deny: INPUT policy DROP', () => {
    const nf = parseNetfilter(fixture('netfilter-ufw-deny.txt'), 0);
    expect(incomingFiltering(nf)).toEqual({ filtering: true, defaultDeny: true, evidence: 'iptables filter INPUT policy DROP' });
    expect(nf.iptables!.tables.filter!['ufw-user-input']!.rules.map((r) => r.spec)).toEqual(['-p tcp -m tcp --dport 22 -j ACCEPT']);
    expect(dockerChains(nf.iptables)).toMatchObject({ present: false, published: [] });
  });

  it('nothing loaded at all', () => {
    const nf = parseNetfilter(fixture('netfilter-empty.txt'), 0);
    expect(nf).toEqual({ iptables: { tables: {} }, nft: { chains: [] }, notes: [] });
    expect(incomingFiltering(nf)).toMatchObject({ filtering: false, evidence: 'no input filtering rules' });
  });

  it('native nftables firewall (no iptables): policy drop on the input hook', () => {
    const nf = parseNetfilter(fixture('netfilter-nft-native.txt'), 0);
    expect(nf.iptables).toBeNull();
    expect(incomingFiltering(nf)).toEqual({ filtering: true, defaultDeny: true, evidence: 'nft inet filter chain input (hook input) policy drop' });
  });

  it('fail2ban chains alone are no firewall', () => {
    const nf = parseNetfilter(fixture('netfilter-iptables-legacy-accept.txt'), 0);
    expect(incomingFiltering(nf)).toMatchObject({ filtering: false });
  });

  it('a final catch-all DROP counts as default deny; DOCKER-USER rules count as filtering', () => {
    const text = `@iptables\n*filter\n:INPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n@r filter 0:0 -A INPUT -i lo -j ACCEPT\n@r filter 0:0 -A INPUT -p tcp --dport 22 -j ACCEPT\n@r filter 0:0 -A INPUT -j DROP\n@r filter 0:0 -A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP\n@r filter 0:0 -A DOCKER-USER -j RETURN\n@count filter INPUT 3\n@count filter DOCKER-USER 2\n*nat\n:DOCKER - [0:0]\n@r nat 0:0 -A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.3:80\n@count nat DOCKER 1\n@rc 0\n@nft-absent\n`;
    const nf = parseNetfilter(text, 0);
    expect(incomingFiltering(nf)).toMatchObject({ filtering: true, defaultDeny: true, evidence: 'iptables filter INPUT ends with "-j DROP"' });
    const d = dockerChains(nf.iptables);
    expect(d.userFiltering).toBe(true);
    expect(d.published).toEqual([{ hostAddress: '127.0.0.1', hostPort: 8080, proto: 'tcp', destination: '172.18.0.3:80', rule: '-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.3:80' }]);
  });

  it('not root: needs root; as root the same refusal is a note', () => {
    expect(() => parseNetfilter(fixture('netfilter-nonroot.txt'), 1000)).toThrow(NeedsRootError);
    expect(parseNetfilter(fixture('netfilter-nonroot.txt'), 0).notes).toHaveLength(2);
  });

  it('a tool failing for another reason is a note; a cut-off block too', () => {
    const nf = parseNetfilter('@iptables\niptables-save v1.8.9: Failed to initialize nft: Protocol not supported\n@rc 1\n@nft\n@chain ip filter INPUT\n', 0);
    expect(nf.iptables).toBeNull();
    expect(nf.notes).toEqual(['iptables failed (exit 1): iptables-save v1.8.9: Failed to initialize nft: Protocol not supported', 'nft: output was cut off']);
  });

  it('garbage throws', () => {
    expect(() => parseNetfilter('random words\n', 0)).toThrow(/unexpected netfilter section output/);
  });
});

describe('parseFail2ban', () => {
  it('read from /proc as root: stopped (no socket), running with the jails of its filter threads', () => {
    expect(parseFail2ban('@crowdsec no\n@installed yes\n@live stopped /run/fail2ban/fail2ban.sock\n', 0)).toEqual({ installed: true, running: false, jails: [], sshJails: [], crowdsec: false, note: 'the fail2ban server is not running (its socket does not answer)' });
    expect(parseFail2ban('@crowdsec no\n@installed yes\n@live running\n@live-jails sshd recidive sshd\n', 0)).toEqual({
      installed: true,
      running: true,
      jails: ['sshd', 'recidive'],
      sshJails: [{ name: 'sshd', currentlyFailed: null, totalFailed: null, currentlyBanned: null, totalBanned: null, files: [] }],
      crowdsec: false,
      note: null,
    });
    expect(parseFail2ban('@crowdsec no\n@installed yes\n@live running\n@live-jails recidive\n', 0)).toMatchObject({ running: true, jails: ['recidive'], sshJails: [] });
  });

  it('running with an sshd jail', () => {
    expect(parseFail2ban(fixture('fail2ban-sshd.txt'), 0)).toEqual({
      installed: true,
      running: true,
      jails: ['sshd'],
      sshJails: [{ name: 'sshd', currentlyFailed: 0, totalFailed: 0, currentlyBanned: 0, totalBanned: 0, files: ['/var/log/auth.log'] }],
      crowdsec: false,
      note: null,
    });
  });

  it('installed, server not running', () => {
    expect(parseFail2ban(fixture('fail2ban-stopped.txt'), 0)).toMatchObject({ installed: true, running: false, note: 'the fail2ban server is not running (its socket does not answer)' });
  });

  it('running without an sshd jail: the jail list is read', () => {
    expect(parseFail2ban(fixture('fail2ban-no-sshd-jail.txt'), 0)).toMatchObject({ running: true, jails: ['nginx-http-auth', 'recidive'], sshJails: [] });
  });

  it('not root: needs root', () => {
    expect(() => parseFail2ban(fixture('fail2ban-nonroot.txt'), 1000)).toThrow(NeedsRootError);
  });

  it('absent, with and without CrowdSec', () => {
    expect(parseFail2ban('@crowdsec no\n@installed no\n', 0)).toMatchObject({ installed: false, crowdsec: false });
    expect(parseFail2ban('@crowdsec yes\n@installed no\n', 1000)).toMatchObject({ installed: false, crowdsec: true });
  });

  it('garbage throws', () => {
    expect(() => parseFail2ban('fail2ban-client: command not found', 0)).toThrow(/unexpected fail2ban section output/);
  });
});

describe('parseSshVersion', () => {
  it('Debian 12: the package version wins over sshd -V', () => {
    expect(parseSshVersion(fixture('ssh-version-debian12.txt'))).toEqual({
      openssh: { major: 9, minor: 2, portable: 1 },
      banner: 'OpenSSH_9.2p1 Debian-2+deb12u10',
      package: { manager: 'dpkg', version: '1:9.2p1-2+deb12u10' },
    });
  });

  it('OpenSSH 9.8+ sshd -V without a package manager', () => {
    expect(parseSshVersion('sshd: OpenSSH_9.9p1, OpenSSL 3.3.2 3 Sep 2024\nssh: OpenSSH_9.9p1, OpenSSL 3.3.2 3 Sep 2024\npkg: none\n')).toEqual({
      openssh: { major: 9, minor: 9, portable: 1 },
      banner: 'OpenSSH_9.9p1',
      package: null,
    });
  });

  it('RHEL (rpm) and Alpine (apk) packages', () => {
    expect(parseSshVersion('sshd: \nssh: OpenSSH_8.7p1, OpenSSL 3.0.7 1 Nov 2022\npkg: rpm 8.7p1-38.el9\n')).toMatchObject({ openssh: { major: 8, minor: 7, portable: 1 }, package: { manager: 'rpm', version: '8.7p1-38.el9' } });
    expect(parseSshVersion('sshd: \nssh: \npkg: apk openssh-server-9.6_p1-r0\n')).toMatchObject({ openssh: { major: 9, minor: 6, portable: 1 }, package: { manager: 'apk', version: '9.6_p1-r0' } });
  });

  it('no OpenSSH at all (e.g. Dropbear): version null', () => {
    expect(parseSshVersion('sshd: \nssh: \npkg: none\n')).toEqual({ openssh: null, banner: null, package: null });
  });

  it('garbage throws', () => {
    expect(() => parseSshVersion('')).toThrow(/unexpected ssh version section output/);
  });

  it.each([
    ['1:9.2p1-2+deb12u2', '1:9.2p1-2+deb12u10', -1],
    ['1:9.2p1-2+deb12u3', '1:9.2p1-2+deb12u3', 0],
    ['1:9.2p1-2', '1:9.2p1-2+deb12u2', -1],
    ['1:8.9p1-3ubuntu0.10', '1:8.9p1-3ubuntu0.5', 1],
    ['1:9.6p1-3ubuntu13', '1:9.6p1-3ubuntu13.3', -1],
    ['1.0~rc1-1', '1.0-1', -1],
    ['2:1.0-1', '1:9.9-1', 1],
  ])('dpkg compare %s vs %s → %i', (a, b, sign) => expect(Math.sign(compareDebVersions(a, b))).toBe(sign));
});
