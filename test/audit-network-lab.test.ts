// The network, VPN and mail checks against real lab hosts (network namespaces with a real sshd):
// a vulnerable host (ufw on with default allow, Docker-style DOCKER chains, a database and a cache
// on 0.0.0.0, fail2ban installed but stopped, a world-readable WireGuard server config with a
// 0.0.0.0/0 peer, a second config whose interface is down, Postfix as an open relay with a queue
// of 101 messages), a hardened one (ufw deny incoming, listener on 127.0.0.1, fail2ban with an sshd
// jail, a 600 WireGuard config whose interface is up, a loopback-only Postfix), and the WireGuard
// lab's server (sshd only on its tunnel address, nothing else set up) for the VPN-only check.
//
// Each host gets its own /etc/ufw, /etc/default, /etc/fail2ban, /etc/postfix and /etc/wireguard
// (copies under /etc/netns/<name>/, bound over /etc by `ip netns exec`), so nothing here touches
// the machine's own configuration. Postfix only delivers to a deferred transport and fail2ban only
// bans with the dummy action. Network rule: only loopback and lab addresses are used (the
// always-on WireGuard peer's endpoint is the host's own root-namespace veth address).
//
// Needs root and ufw, iptables, nftables, fail2ban, postfix, wireguard-tools, wireguard-go and
// python3; skipped without them unless RAMPART_LAB_REQUIRED=1 (then it fails).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, type LabHost } from '../lab/lab';
import { enableUfw, enableUfwAllowingDockerBypass, fillMailQueue, listenInHost, missingServiceTools, ownServiceEtc, setupWireGuard, startFail2ban, startPostfix, tidyWgPlan, wgKeyPair, type WgKeyPair, type WgPlan } from '../lab/services';
import { createWireGuardLab, wireGuardPrerequisites, type WireGuardLab } from '../lab/topology';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { CHECKS } from '../src/main/audit/checks';
import { checks as sshChecks } from '../src/main/audit/checks/ssh';
import type { CheckDef } from '../src/main/audit/checks/types';
import { buildCollectScript, parseCollectOutput } from '../src/main/audit/collector';
import { evaluate, type Evaluation } from '../src/main/audit/engine';
import type { HostFacts, SectionName } from '../src/main/audit/facts';
import { SECTION_SPECS } from '../src/main/audit/sections';
import { specs as cveSpecs } from '../src/main/audit/sections/cve';
import { specs as mailSpecs } from '../src/main/audit/sections/mail';
import { specs as networkSpecs } from '../src/main/audit/sections/network';
import { specs as vpnSpecs, vpnProfileFrom } from '../src/main/audit/sections/vpn';
import { Store } from '../src/main/store/store';
import type { Finding, RunDetail } from '../src/shared/domain';
import { setNetSysctls } from '../lab/scenario';

const missingTools = missingServiceTools();
const available = (labPrerequisites().ok && wireGuardPrerequisites().ok && missingTools.length === 0) || process.env.RAMPART_LAB_REQUIRED === '1';

/** The checks this suite is about: network, vpn, mail, cve and the SSH checks beyond single sshd settings. */
const extraSshChecks = sshChecks.filter((c) => ['SSH-TERRAPIN', 'SSH-REGRESSHION', 'SSH-NO-ALLOW-USERS', 'SSH-HOSTBASED-AUTH', 'SSH-PERMIT-USER-ENVIRONMENT'].includes(c.id));
const MINE = [...CHECKS.filter((c) => ['network', 'vpn', 'mail', 'cve'].includes(c.category)), ...extraSshChecks] as ReadonlyArray<CheckDef<SectionName>>;
const MY_FACTS = ['listening', 'interfaces', 'ufw', 'netfilter', 'fail2ban', 'sshVersion', 'wireguardConfigs', 'wireguardRuntime', 'postfix', 'trivy'];

function target(host: LabHost): AuditTarget {
  return { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user, identityFile: host.identityFile, sshdConfigPath: host.sshdConfigPath };
}

const MY_SPECS = [...networkSpecs, ...vpnSpecs, ...mailSpecs, ...cveSpecs];

/**
 * The collector run inside the host (as root, or as `nobody` with setpriv), parsed. Only this
 * module's sections (plus id, os-release and sshd -T) run: the script is the real one with the
 * other modules' sections taken out, which keeps these runs fast. (runAudit above runs them all.)
 */
async function collect(host: LabHost, asNobody = false): Promise<{ facts: HostFacts; stdout: string }> {
  const built = buildCollectScript({ sshdConfigPath: host.sshdConfigPath });
  const ctx = { sshdConfigPath: host.sshdConfigPath, scanRoots: [], sectionTimeoutS: 20 };
  // Every lane of the collector, one after the other.
  let script = built.scripts.join('\n');
  for (const spec of SECTION_SPECS) if (!MY_SPECS.includes(spec)) script = script.replace(spec.script(ctx), '');
  const marker = built.marker;
  const argv = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-s'] : ['sh', '-s'];
  const r = await labExec(host, argv, { input: script, timeoutMs: 60_000 });
  return { facts: parseCollectOutput(r.stdout, marker, host.sshdConfigPath).facts, stdout: r.stdout };
}

const checkOf = (run: RunDetail | Evaluation, id: string) => {
  const c = run.checks.find((x) => x.checkId === id);
  if (!c) throw new Error(`no result for ${id}`);
  return c;
};
const findingsOf = (run: RunDetail | Evaluation, id: string): Finding[] => run.findings.filter((f) => f.checkId === id);
const summary = (run: RunDetail | Evaluation, id: string): string[] => findingsOf(run, id).map((f) => `${f.severity}: ${f.evidence}`);

describe.skipIf(!available)('network, VPN and mail checks on lab hosts', () => {
  const hosts: LabHost[] = [];
  let wgLab: WireGuardLab | undefined;
  let vulnerable: LabHost;
  let hardened: LabHost;
  let dir: string;
  let store: Store;
  let dbFile: string;
  let vulnRun: RunDetail;
  let hardRun: RunDetail;
  let wgRun: RunDetail;
  /** This module's sections collected in the hosts directly (as root; hardened also as nobody). */
  let vulnFacts: { facts: HostFacts; stdout: string };
  let hardFacts: { facts: HostFacts; stdout: string };
  let wgFacts: { facts: HostFacts; stdout: string };
  let hardNobody: { facts: HostFacts; stdout: string };
  const hex = randomBytes(3).toString('hex');
  const vulnIf = `rmpv${hex}`;
  const hardIf = `rmph${hex}`;
  const downIf = `rmpd${hex}`;
  // Generated in beforeAll (wg may be missing where this suite is skipped).
  let vulnKey: WgKeyPair;
  let hardKey: WgKeyPair;
  let peerAll: WgKeyPair;
  let peerAlways: WgKeyPair;
  let peerHard: WgKeyPair;
  let downKey: WgKeyPair;

  beforeAll(async () => {
    if (missingTools.length) throw new Error(`missing: ${missingTools.join(', ')} (apt-get install --no-install-recommends ufw iptables nftables fail2ban postfix wireguard-tools wireguard-go python3)`);
    [vulnKey, hardKey, peerAll, peerAlways, peerHard, downKey] = [wgKeyPair(), wgKeyPair(), wgKeyPair(), wgKeyPair(), wgKeyPair(), wgKeyPair()];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-netlab-'));
    fs.chmodSync(dir, 0o755); // postfix and an unprivileged fail2ban-client must reach their files
    dbFile = path.join(dir, 'rampart.db');
    store = new Store(dbFile);

    const vulnWg: WgPlan = {
      ifname: vulnIf,
      serverKey: vulnKey,
      peers: (t, root) => ['peer', peerAll.pub, 'allowed-ips', '0.0.0.0/0', 'peer', peerAlways.pub, 'endpoint', `${root}:51999`, 'persistent-keepalive', '25', 'allowed-ips', `${t.second}/32`],
      config: (t, root) => `[Interface]
Address = ${t.first}/30
ListenPort = 51820
PrivateKey = ${vulnKey.priv}
SaveConfig = true
PostUp = iptables -A FORWARD -i %i -j ACCEPT

[Peer]
# road warrior, full tunnel by mistake
PublicKey = ${peerAll.pub}
AllowedIPs = 0.0.0.0/0

[Peer]
PublicKey = ${peerAlways.pub}
Endpoint = ${root}:51999
PersistentKeepalive = 25
AllowedIPs = ${t.second}/32
`,
    };
    const downConfig = `[Interface]\nAddress = 10.216.255.253/30\nPrivateKey = ${downKey.priv}\n\n[Peer]\nPublicKey = ${peerHard.pub}\nAllowedIPs = 10.216.255.254/32\n`;
    const hardWg = tidyWgPlan(hardIf, hardKey, peerHard);
    const results = await Promise.allSettled([
      createLabHost({ scenario: 'weak-ssh', network: { setup: async (ctx) => setupWireGuard(ctx, ownServiceEtc(ctx.name, 0o755), vulnWg, { [`${downIf}.conf`]: downConfig }, 0o644) } }),
      createLabHost({ scenario: 'hardened', network: { setup: async (ctx) => setupWireGuard(ctx, ownServiceEtc(ctx.name, 0o700), hardWg) } }),
      createWireGuardLab(),
    ]);
    for (const r of results.slice(0, 2)) if (r.status === 'fulfilled') hosts.push(r.value as LabHost);
    if (results[2].status === 'fulfilled') wgLab = results[2].value;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [vulnerable, hardened] = hosts as [LabHost, LabHost];

    await Promise.all([
      listenInHost(vulnerable, '0.0.0.0', 5432),
      listenInHost(vulnerable, '0.0.0.0', 6379),
      enableUfwAllowingDockerBypass(vulnerable),
      (async () => {
        await startPostfix(
          vulnerable,
          dir,
          `inet_interfaces = all\nmynetworks = 0.0.0.0/0\nsmtpd_relay_restrictions = permit_mynetworks, check_client_access static:OK, reject_unauth_destination\nsmtpd_banner = $myhostname ESMTP $mail_name ($mail_version)`,
        );
        await fillMailQueue(vulnerable, 101);
      })(),
      listenInHost(hardened, '127.0.0.1', 5432),
      enableUfw(hardened),
      startFail2ban(hardened, dir, 'sshd'),
      startPostfix(hardened, dir, 'inet_interfaces = loopback-only\nmynetworks = 127.0.0.0/8\ndisable_vrfy_command = yes'),
    ]);
    // The hardened host's network parameters (CIS 3.3) in its own namespace, after ufw (starting
    // it applies /etc/ufw/sysctl.conf), as the whole-server scenario does.
    setNetSysctls(hardened.name, 'hardened');

    [vulnRun, hardRun, wgRun] = await Promise.all([
      runAudit(store, target(vulnerable), { acceptNewHostKey: true }),
      runAudit(store, target(hardened), { acceptNewHostKey: true }),
      runAudit(store, target(wgLab!.server), { acceptNewHostKey: true }),
    ]);
    [vulnFacts, hardFacts, wgFacts, hardNobody] = await Promise.all([collect(vulnerable), collect(hardened), collect(wgLab!.server), collect(hardened, true)]);
  }, 120_000);

  afterAll(async () => {
    store?.close();
    await Promise.allSettled([...hosts.map((h) => destroyLabHost(h)), ...(wgLab ? [wgLab.destroy()] : [])]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every fact of this module was collected on every host (no section errors)', () => {
    for (const run of [vulnRun, hardRun, wgRun]) {
      expect(run.errors.filter((e) => MY_FACTS.includes(e.section)), run.hostName).toEqual([]);
      for (const c of MINE) {
        const r = run.checks.find((x) => x.checkId === c.id);
        if (!r) throw new Error(`${run.hostName}: ${c.id} is not in the run`);
        expect(r.status, `${run.hostName} ${c.id}: ${'message' in r ? r.message : ''}`).not.toMatch(/error|needs-sudo/);
      }
    }
  });

  it('vulnerable: firewall with default allow, and Docker’s published port bypassing it', () => {
    expect(checkOf(vulnRun, 'NET-FIREWALL-INACTIVE').status).toBe('pass'); // ufw is on …
    expect(summary(vulnRun, 'NET-FIREWALL-DEFAULT-INCOMING')).toEqual(['high: ufw is active with default incoming policy "allow" (ufw status verbose)']);
    expect(summary(vulnRun, 'NET-DOCKER-BYPASSES-UFW')).toEqual([
      'high: ufw is active, but Docker publishes tcp 0.0.0.0:15432 → 172.17.0.2:5432 (-A DOCKER ! -i docker0 -p tcp -m tcp --dport 15432 -j DNAT --to-destination 172.17.0.2:5432) and DOCKER-USER has no filtering rules',
    ]);
  });

  it('vulnerable: the database and the cache on 0.0.0.0 are found, with their severities', () => {
    const f = findingsOf(vulnRun, 'NET-DB-PORT-PUBLIC').sort((a, b) => a.resource.localeCompare(b.resource));
    expect(f.map((x) => [x.resource, x.severity, x.title])).toEqual([
      ['listen:tcp:0.0.0.0:5432', 'high', 'PostgreSQL listens on every address'],
      ['listen:tcp:0.0.0.0:6379', 'critical', 'Redis listens on every address'],
    ]);
    expect(f[0]!.evidence).toBe('tcp 0.0.0.0:5432 (python3): PostgreSQL on every address (password brute force and server exploits); ufw\'s default incoming policy is allow');
  });

  it('vulnerable: fail2ban is installed but not running', () => {
    expect(checkOf(vulnRun, 'NET-FAIL2BAN-MISSING').status).toBe('pass');
    expect(summary(vulnRun, 'NET-FAIL2BAN-INACTIVE')).toEqual(['medium: the fail2ban server is not running (its socket does not answer)']);
    expect(checkOf(vulnRun, 'NET-FAIL2BAN-NO-SSHD-JAIL').status).toBe('not-applicable');
  });

  it('vulnerable: WireGuard config world-readable, a server peer with 0.0.0.0/0, a config whose interface is down, a silent always-on peer, SaveConfig', () => {
    const conf = `/etc/wireguard/${vulnIf}.conf`;
    expect(summary(vulnRun, 'VPN-WG-CONFIG-READABLE').sort()).toEqual(
      [
        `critical: ${conf} mode 644 root:root (world-readable; holds the interface’s PrivateKey)`,
        `critical: /etc/wireguard/${downIf}.conf mode 644 root:root (world-readable; holds the interface’s PrivateKey)`,
      ].sort(),
    );
    expect(checkOf(vulnRun, 'VPN-WG-CONFIG-OWNER').status).toBe('pass');
    expect(summary(vulnRun, 'VPN-WG-INTERFACE-DOWN')).toEqual([`medium: /etc/wireguard/${downIf}.conf: no interface ${downIf} (wg show does not list it)`]);
    const broad = findingsOf(vulnRun, 'VPN-WG-BROAD-ALLOWEDIPS');
    expect(broad).toHaveLength(1); // the same peer in the config and in `wg show`: one finding
    expect(broad[0]!.severity).toBe('high');
    expect(broad[0]!.evidence).toBe(`${conf}: peer ${peerAll.pub.slice(0, 8)}… AllowedIPs 0.0.0.0/0 on a server (ListenPort 51820, 2 peer(s))`);
    const silent = findingsOf(vulnRun, 'VPN-WG-NO-HANDSHAKE');
    expect(silent.map((f) => f.severity)).toEqual(['medium']);
    expect(silent[0]!.evidence).toMatch(new RegExp(`^${vulnIf}: peer ${peerAlways.pub.slice(0, 8).replace(/[+/]/g, '\\$&')}… \\(endpoint 10\\.213\\.\\d+\\.\\d+:51999, keepalive 25 s\\) never completed a handshake$`));
    expect(summary(vulnRun, 'VPN-WG-SAVECONFIG')).toEqual([`low: ${conf}: SaveConfig = true`]);
  });

  it('vulnerable: Postfix open relay (mynetworks and relay restrictions), 101 queued messages, no STARTTLS, VRFY, version banner', () => {
    expect(summary(vulnRun, 'MAIL-OPEN-RELAY-MYNETWORKS')).toEqual(['critical: mynetworks = 0.0.0.0/0: 0.0.0.0/0 (every address on the internet); smtpd listens on inet_interfaces = all']);
    expect(summary(vulnRun, 'MAIL-RELAY-RESTRICTIONS')).toEqual([
      'critical: smtpd_relay_restrictions = permit_mynetworks, check_client_access static:OK, reject_unauth_destination; smtpd_recipient_restrictions = (empty): neither rejects unauthorized destinations; smtpd listens on inet_interfaces = all',
    ]);
    const q = findingsOf(vulnRun, 'MAIL-QUEUE-LARGE');
    expect(q.map((f) => f.severity)).toEqual(['medium']);
    expect(q[0]!.evidence).toMatch(/^101 messages in the queue \(\d+ deferred; more than 100\); oldest arrived at \d{4}-/);
    expect(q[0]!.evidence).not.toContain('relay-target.invalid'); // no addresses leave the host
    expect(summary(vulnRun, 'MAIL-SMTPD-NO-TLS')).toEqual(['medium: smtpd_tls_security_level is empty; smtpd listens on inet_interfaces = all']);
    expect(summary(vulnRun, 'MAIL-VRFY-ENABLED')).toEqual(['low: disable_vrfy_command = no']);
    expect(summary(vulnRun, 'MAIL-BANNER-VERSION')).toEqual(['low: smtpd_banner = $myhostname ESMTP $mail_name ($mail_version)']);
  });

  it('vulnerable: no CVE scan possible is an info finding, not a silent pass', () => {
    expect(summary(vulnRun, 'CVE-SCAN-UNAVAILABLE')).toEqual([
      expect.stringMatching(/^info: No CVE scan was possible: Trivy is not installed on the host and no Trivy report was given \(--trivy-report\)/),
    ]);
    expect(checkOf(vulnRun, 'CVE-IMAGE-FIXABLE').status).toBe('not-applicable');
  });

  it('no WireGuard private key reaches the store or the collector output', () => {
    const stored = ['', '-wal', '-shm'].map((s) => (fs.existsSync(dbFile + s) ? fs.readFileSync(dbFile + s).toString('latin1') : '')).join('\n');
    const { stdout } = vulnFacts;
    for (const k of [vulnKey.priv, hardKey.priv, downKey.priv]) {
      expect(stored).not.toContain(k);
      expect(stdout).not.toContain(k);
    }
    expect(stdout).toContain('PrivateKey = (set)');
    expect(stdout).toContain('PostUp = (omitted)');
    expect(stdout).toContain(`${vulnIf}\t(hidden)\t${vulnKey.pub}\t51820`);
  });

  it('hardened: every network, VPN and mail check passes or does not apply', () => {
    const mine = hardRun.checks.filter((c) => ['network', 'vpn', 'mail'].includes(c.category));
    expect(mine.length).toBeGreaterThanOrEqual(20);
    expect(mine.filter((c) => c.status !== 'pass' && c.status !== 'not-applicable').map((c) => `${c.checkId}: ${c.status}`)).toEqual([]);
    expect(hardRun.findings.filter((f) => ['network', 'vpn', 'mail'].includes(f.category))).toEqual([]);
    for (const id of ['NET-FIREWALL-INACTIVE', 'NET-FIREWALL-DEFAULT-INCOMING', 'NET-DB-PORT-PUBLIC', 'NET-FAIL2BAN-MISSING', 'NET-FAIL2BAN-INACTIVE', 'NET-FAIL2BAN-NO-SSHD-JAIL', 'VPN-WG-CONFIG-READABLE', 'VPN-WG-CONFIG-OWNER', 'VPN-WG-INTERFACE-DOWN', 'VPN-WG-BROAD-ALLOWEDIPS', 'MAIL-OPEN-RELAY-MYNETWORKS', 'MAIL-RELAY-RESTRICTIONS', 'MAIL-QUEUE-LARGE'])
      expect(checkOf(hardRun, id).status, id).toBe('pass');
    // Docker is not there: nothing to bypass.
    expect(checkOf(hardRun, 'NET-DOCKER-BYPASSES-UFW').status).toBe('not-applicable');
  });

  it('a host with neither ufw on nor any rule: firewall inactive; Postfix without main.cf does not apply', () => {
    expect(summary(wgRun, 'NET-FIREWALL-INACTIVE')).toEqual(['high: ufw is installed but inactive (ufw.conf); no input filtering rules']);
    expect(checkOf(wgRun, 'MAIL-QUEUE-LARGE')).toMatchObject({ status: 'not-applicable', message: 'Postfix is installed but has no main.cf (not configured)' });
  });

  it('SSH beyond the VPN: a VPN-only profile flags sshd on 0.0.0.0, and passes sshd bound to the tunnel address', () => {
    const check = MINE.filter((c) => c.id === 'NET-SSH-BEYOND-VPN');
    const withProfile = (facts: HostFacts, vpnInterface: string): HostFacts => ({
      ...facts,
      vpnProfile: vpnProfileFrom({ sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [], sectionTimeoutS: 20, vpn: { only: true, interface: vpnInterface } } as never),
    });
    const [v, w] = [vulnFacts, wgFacts];
    const bad = evaluate(withProfile(v.facts, vulnIf), 'x', check);
    expect(bad.findings.map((f) => `${f.severity}: ${f.evidence}`).sort()).toEqual(
      [
        expect.stringMatching(new RegExp(`^high: tcp 0\\.0\\.0\\.0:22 \\(sshd\\) \\(every address\\); the host is VPN-only: VPN ${vulnIf} \\(10\\.216\\.`)),
        expect.stringMatching(/^high: tcp \[::\]:22 \(sshd\) \(every address\)/),
      ].sort(),
    );
    const good = evaluate(withProfile(w.facts, wgLab!.serverInterface), 'x', check);
    expect(good.checks[0]).toMatchObject({ checkId: 'NET-SSH-BEYOND-VPN', status: 'pass' });
    // Without a VPN-only profile the check does not apply.
    expect(evaluate(v.facts, 'x', check).checks[0]!.status).toBe('not-applicable');
  });

  it('SSH version and access checks on the real sshd: Terrapin mitigated by Debian’s strict-KEX backport, regreSSHion fixed, AllowUsers missing on weak-ssh only', () => {
    const [v, h] = [vulnFacts, hardFacts];
    const ev = evaluate(v.facts, 'x', extraSshChecks);
    expect(v.facts.sshVersion.ok && v.facts.sshVersion.value.package?.manager).toBe('dpkg');
    // weak-ssh offers chacha20-poly1305 and CBC + etm MACs; Debian 12's OpenSSH has strict KEX.
    expect(checkOf(ev, 'SSH-TERRAPIN').status).toBe('pass');
    expect(checkOf(ev, 'SSH-REGRESSHION').status).toBe('pass');
    expect(summary(ev, 'SSH-NO-ALLOW-USERS')).toEqual(['low: neither AllowUsers nor AllowGroups is set']);
    const evh = evaluate(h.facts, 'x', extraSshChecks);
    expect(evh.findings).toEqual([]);
  });

  it('unprivileged collector: the root-only sections come out needs-sudo, the rest still works', () => {
    const { facts } = hardNobody;
    const status = (k: keyof HostFacts): string => (facts[k].ok ? 'ok' : (facts[k] as { status: string }).status);
    expect(status('netfilter')).toBe('needs-sudo');
    expect(status('fail2ban')).toBe('needs-sudo');
    expect(status('wireguardConfigs')).toBe('needs-sudo');
    expect(status('wireguardRuntime')).toBe('needs-sudo');
    expect(status('listening')).toBe('ok');
    expect(status('postfix')).toBe('ok');
    expect(status('sshVersion')).toBe('ok');
    // ufw's state and defaults come from its config files, which need no root; its rules do.
    expect(facts.ufw).toMatchObject({ ok: true, value: { active: true, statusSource: 'ufw.conf', defaults: { incoming: 'deny' }, rules: null } });
    const ev = evaluate(facts, 'x', MINE);
    expect(checkOf(ev, 'NET-FIREWALL-INACTIVE').status).toBe('needs-sudo');
    expect(checkOf(ev, 'NET-FAIL2BAN-MISSING').status).toBe('needs-sudo');
    expect(checkOf(ev, 'VPN-WG-CONFIG-READABLE').status).toBe('needs-sudo');
    expect(checkOf(ev, 'NET-DB-PORT-PUBLIC').status).toBe('pass');
    expect(checkOf(ev, 'MAIL-RELAY-RESTRICTIONS').status).toBe('pass');
  });
});
