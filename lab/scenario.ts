// The two whole-server lab scenarios of the host audit, every part of the catalog on one host:
//   - hardened: a careful admin's server (lab/plant.ts 'hardened' files, accounts, apt, chrony and
//     backups; ufw deny incoming with SSH allowed; fail2ban with an sshd jail; a database on
//     127.0.0.1; a 600 WireGuard config whose interface is up with one /32 peer; a loopback-only
//     Postfix; hardened containers on its own dockerd). It must grade A or better with no open
//     high or critical finding.
//   - vulnerable: each must-have misconfiguration of the catalog at once (plant.ts 'vulnerable',
//     weak sshd, ufw with default allow and Docker's DNAT bypass, database and cache on 0.0.0.0,
//     fail2ban installed but stopped, world-readable WireGuard configs with a 0.0.0.0/0 peer and a
//     down interface, Postfix as an open relay with a large queue, the vulnerable container set on
//     its own dockerd, docker group members, weak network sysctls in its namespace).
// Both get their own login.defs, /etc/security, /etc/systemd and cron folders, strict or weak
// (lab/hostHardening.ts): hardened adds nodev,nosuid,noexec temporary mounts and a restore-test
// record, vulnerable a planted SUID copy, an unowned listener, old keys and a uid-sharing container.
// Each scenario host gets a dockerd of its own (DOCKER_HOST set by sshd_config SetEnv), so the two
// hosts' container sets do not mix. Network rule: loopback and lab addresses only.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createHardenedProxySet, createHardenedSet, createProxySet, createVulnerableSet, type PlantedContainerSecrets } from './containerSets';
import { startLabDocker, stopLabDocker, type LabDocker } from './docker';
import { plantHostConfig, plantHostHardening } from './hostHardening';
import { canary, createAuditLabHost, destroyAuditLabHost, type AuditLabHost } from './plant';
import { enableUfw, enableUfwAllowingDockerBypass, fillMailQueue, listenInHost, ownServiceEtc, setupWireGuard, startFail2ban, startPostfix, tidyWgPlan, wgKeyPair, type WgKeyPair, type WgPlan } from './services';

export type ScenarioKind = 'hardened' | 'vulnerable';

export interface ScenarioHost extends AuditLabHost {
  scenario: ScenarioKind;
  docker: LabDocker;
  /** Folder for the services' state (Postfix queue, fail2ban socket); removed by destroyScenarioHost. */
  serviceDir: string;
  /** The WireGuard interface name (its config is /etc/wireguard/<name>.conf). */
  wgInterface: string;
  /** Private keys written into the host's WireGuard configs (must never leave it). */
  wgPrivateKeys: string[];
  /** A Trivy report (JSON) for the scenario's images: clean for hardened, a fixable critical for vulnerable. */
  trivyReport: string;
}

function trivyReport(image: string, vulns: ReadonlyArray<Record<string, string>>): string {
  return JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: image,
    ArtifactType: 'container_image',
    Results: [{ Target: `${image} (alpine 3.20)`, Class: 'os-pkgs', Type: 'alpine', ...(vulns.length ? { Vulnerabilities: vulns } : {}) }],
  });
}

/** A world-readable server config with a full-tunnel peer and a silent always-on peer. */
function sloppyWgPlan(ifname: string, serverKey: WgKeyPair, peerAll: WgKeyPair, peerAlways: WgKeyPair): WgPlan {
  return {
    ifname,
    serverKey,
    peers: (t, root) => ['peer', peerAll.pub, 'allowed-ips', '0.0.0.0/0', 'peer', peerAlways.pub, 'endpoint', `${root}:51999`, 'persistent-keepalive', '25', 'allowed-ips', `${t.second}/32`],
    config: (t, root) =>
      `[Interface]\nAddress = ${t.first}/30\nListenPort = 51820\nPrivateKey = ${serverKey.priv}\nSaveConfig = true\n\n[Peer]\nPublicKey = ${peerAll.pub}\nAllowedIPs = 0.0.0.0/0\n\n[Peer]\nPublicKey = ${peerAlways.pub}\nEndpoint = ${root}:51999\nPersistentKeepalive = 25\nAllowedIPs = ${t.second}/32\n`,
  };
}

/**
 * The host's network parameters (CIS Debian 12 3.3). Network sysctls belong to a network namespace,
 * so these change the scenario host only; kernel-wide ones (ASLR, Yama, fs.protected_*…) are the
 * machine's and are left alone (fixture-tested in src/main/audit/checks/kernel). Forwarding is on in
 * the vulnerable host: its WireGuard configuration explains it, which KRNL-IP-FORWARD must say.
 */
const NET_SYSCTLS: Record<ScenarioKind, Record<string, number>> = {
  hardened: {
    'net.ipv4.conf.all.accept_redirects': 0, 'net.ipv4.conf.default.accept_redirects': 0,
    'net.ipv4.conf.all.secure_redirects': 0, 'net.ipv4.conf.default.secure_redirects': 0,
    'net.ipv4.conf.all.send_redirects': 0, 'net.ipv4.conf.default.send_redirects': 0,
    'net.ipv4.conf.all.accept_source_route': 0, 'net.ipv4.conf.default.accept_source_route': 0,
    'net.ipv4.conf.all.rp_filter': 1, 'net.ipv4.conf.default.rp_filter': 1,
    'net.ipv4.conf.all.log_martians': 1, 'net.ipv4.conf.default.log_martians': 1,
    'net.ipv4.tcp_syncookies': 1, 'net.ipv4.icmp_echo_ignore_broadcasts': 1, 'net.ipv4.icmp_ignore_bogus_error_responses': 1,
    'net.ipv6.conf.all.accept_ra': 0, 'net.ipv6.conf.default.accept_ra': 0,
    'net.ipv6.conf.all.accept_redirects': 0, 'net.ipv6.conf.default.accept_redirects': 0,
  },
  vulnerable: {
    'net.ipv4.ip_forward': 1,
    'net.ipv4.conf.all.accept_redirects': 1, 'net.ipv4.conf.default.accept_redirects': 1,
    'net.ipv4.conf.all.send_redirects': 1,
    'net.ipv4.conf.all.accept_source_route': 1, 'net.ipv4.conf.default.accept_source_route': 1,
    'net.ipv4.conf.all.rp_filter': 0, 'net.ipv4.conf.default.rp_filter': 0,
    'net.ipv4.conf.all.log_martians': 0,
    'net.ipv4.tcp_syncookies': 0, 'net.ipv4.icmp_echo_ignore_broadcasts': 0,
    'net.ipv6.conf.all.accept_ra': 1, 'net.ipv6.conf.all.accept_redirects': 1,
  },
};

/** Sets the scenario's network sysctls inside the host's own namespace (never the machine's). */
export function setNetSysctls(netns: string, kind: ScenarioKind): void {
  const pairs = Object.entries(NET_SYSCTLS[kind]);
  if (pairs.some(([k]) => !k.startsWith('net.'))) throw new Error('only network (per-namespace) sysctls may be set in a lab host');
  execFileSync('ip', ['netns', 'exec', netns, 'sysctl', '-q', '-w', ...pairs.map(([k, v]) => `${k}=${v}`)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Creates a whole-server scenario host. `serviceParent` must be reachable by the postfix user
 * (mode 0755 up to it): the Postfix queue and the fail2ban socket live under it.
 */
export async function createScenarioHost(kind: ScenarioKind, serviceParent: string): Promise<ScenarioHost> {
  const serviceDir = fs.mkdtempSync(path.join(serviceParent, `scenario-${kind}-`));
  fs.chmodSync(serviceDir, 0o755);
  const docker = await startLabDocker();
  const wgInterface = `rmp${kind === 'hardened' ? 'h' : 'v'}${randomBytes(3).toString('hex')}`;
  const downInterface = `rmpd${randomBytes(3).toString('hex')}`;
  const serverKey = wgKeyPair();
  const [peerA, peerB, downKey] = [wgKeyPair(), wgKeyPair(), wgKeyPair()];
  let audit: AuditLabHost | undefined;
  try {
    audit = await createAuditLabHost(kind, {
      sshdExtraConfig: `SetEnv DOCKER_HOST=${docker.dockerHost}`,
      setup: async (ctx) => {
        plantHostConfig(ctx, kind);
        if (kind === 'hardened') {
          await setupWireGuard(ctx, ownServiceEtc(ctx.name, 0o700), tidyWgPlan(wgInterface, serverKey, peerA));
          return;
        }
        const down = `[Interface]\nAddress = 10.216.255.253/30\nPrivateKey = ${downKey.priv}\n\n[Peer]\nPublicKey = ${peerA.pub}\nAllowedIPs = 10.216.255.254/32\n`;
        await setupWireGuard(ctx, ownServiceEtc(ctx.name, 0o755), sloppyWgPlan(wgInterface, serverKey, peerA, peerB), { [`${downInterface}.conf`]: down }, 0o644);
        // Two users who may run any container (= root on the host).
        const groupFile = path.join('/etc/netns', ctx.name, 'group');
        const lines = fs.readFileSync(groupFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('docker:'));
        fs.writeFileSync(groupFile, `${[...lines, 'docker:x:4242:rampart-alice,rampart-ci'].join('\n')}\n`);
      },
    });
    const host = audit.host;
    let trivy: string;
    if (kind === 'hardened') {
      await Promise.all([
        listenInHost(host, '127.0.0.1', 5432),
        enableUfw(host),
        startFail2ban(host, serviceDir, 'sshd'),
        startPostfix(host, serviceDir, 'inet_interfaces = loopback-only\nmynetworks = 127.0.0.0/8\ndisable_vrfy_command = yes'),
        createHardenedSet(docker),
        // Traefik behind TLS with the dashboard behind Authelia's forwardAuth; Authelia denying by default; the database on an internal network.
        createHardenedProxySet(docker),
      ]);
      trivy = trivyReport(docker.images.pinned, []);
    } else {
      const planted: PlantedContainerSecrets = { env: canary('c-env'), url: canary('c-url'), compose: canary('c-compose'), envFile: canary('c-envfile'), dotenv: canary('c-dotenv') };
      audit.canaries.push(...Object.values(planted));
      await Promise.all([
        listenInHost(host, '0.0.0.0', 5432),
        listenInHost(host, '0.0.0.0', 6379),
        enableUfwAllowingDockerBypass(host),
        (async () => {
          await startPostfix(
            host,
            serviceDir,
            'inet_interfaces = all\nmynetworks = 0.0.0.0/0\nsmtpd_relay_restrictions = permit_mynetworks, check_client_access static:OK, reject_unauth_destination\nsmtpd_banner = $myhostname ESMTP $mail_name ($mail_version)',
          );
          await fillMailQueue(host, 101);
        })(),
        createVulnerableSet(docker, planted),
        // Traefik with an insecure dashboard, Authelia bypassing by default, a database on the proxy's network.
        createProxySet(docker, planted.env),
      ]);
      trivy = trivyReport(docker.images.latest, [
        { VulnerabilityID: 'CVE-2024-58251', PkgName: 'busybox', InstalledVersion: '1.35.0-r0', FixedVersion: '1.36.1-r7', Severity: 'CRITICAL' },
        { VulnerabilityID: 'CVE-2023-42366', PkgName: 'busybox', InstalledVersion: '1.35.0-r0', FixedVersion: '', Severity: 'MEDIUM' },
      ]);
    }
    // After ufw: starting it applies /etc/ufw/sysctl.conf (log_martians=0, icmp_echo_ignore_broadcasts=1…).
    setNetSysctls(host.name, kind);
    audit.canaries.push(...(await plantHostHardening(audit, kind, serviceDir, docker)));
    return {
      ...audit,
      scenario: kind,
      docker,
      serviceDir,
      wgInterface,
      wgPrivateKeys: [serverKey.priv, downKey.priv],
      trivyReport: trivy,
    };
  } catch (e) {
    await Promise.allSettled([audit ? destroyAuditLabHost(audit) : Promise.resolve(), stopLabDocker(docker)]);
    fs.rmSync(serviceDir, { recursive: true, force: true });
    throw e;
  }
}

export async function destroyScenarioHost(s: ScenarioHost): Promise<void> {
  await Promise.allSettled([destroyAuditLabHost(s), stopLabDocker(s.docker)]);
  fs.rmSync(s.serviceDir, { recursive: true, force: true });
}
