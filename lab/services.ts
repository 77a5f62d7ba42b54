// Services a real server runs, started inside a lab host for the audit tests: ufw, fail2ban,
// Postfix, a WireGuard interface (wireguard-go), plain TCP listeners. Each host gets its own copies
// of /etc/ufw, /etc/default, /etc/fail2ban, /etc/postfix and an /etc/wireguard (under
// /etc/netns/<name>/, bound over /etc by `ip netns exec`), so nothing here touches the machine's
// own configuration. Postfix only delivers to a deferred transport; fail2ban only bans with the
// dummy action. Network rule: only loopback and lab addresses are used.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { labExec, type LabHost, type LabNetworkContext } from './lab';

/** The machine's tools these services need (apt-get install ufw iptables nftables fail2ban postfix wireguard-tools wireguard-go python3 util-linux). */
export const SERVICE_TOOLS = ['/usr/sbin/ufw', '/usr/sbin/iptables-save', '/usr/sbin/nft', '/usr/bin/fail2ban-client', '/usr/sbin/postfix', '/usr/bin/wg', '/usr/bin/wireguard-go', '/usr/bin/python3', '/usr/bin/setpriv'];

export function missingServiceTools(): string[] {
  return SERVICE_TOOLS.filter((t) => !fs.existsSync(t));
}

/** Runs argv in the host; throws with its output when it fails. */
export async function mustInHost(host: LabHost, argv: string[], input?: string): Promise<string> {
  // ufw enable runs ~100 iptables commands; on a busy machine that takes a while.
  const r = await labExec(host, argv, { timeoutMs: 90_000, ...(input !== undefined ? { input } : {}) });
  if (r.code !== 0) throw new Error(`${argv.join(' ')} in ${host.name} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export interface WgKeyPair {
  priv: string;
  pub: string;
}

export function wgKeyPair(): WgKeyPair {
  const priv = execFileSync('wg', ['genkey'], { encoding: 'utf8' }).trim();
  const pub = execFileSync('wg', ['pubkey'], { input: `${priv}\n`, encoding: 'utf8' }).trim();
  return { priv, pub };
}

/** Own copies of the configuration ufw, fail2ban and Postfix use, and an /etc/wireguard of `wgMode`. Call from network.setup (before sshd starts). */
export function ownServiceEtc(name: string, wgMode: number): string {
  const etc = `/etc/netns/${name}`;
  for (const d of ['ufw', 'default', 'fail2ban', 'postfix']) fs.cpSync(`/etc/${d}`, path.join(etc, d), { recursive: true });
  const wg = path.join(etc, 'wireguard');
  fs.mkdirSync(wg, { recursive: true });
  fs.chmodSync(wg, wgMode);
  return etc;
}

export interface WgPlan {
  ifname: string;
  serverKey: WgKeyPair;
  config: (tunnel: { first: string; second: string }, rootAddress: string) => string;
  /** `wg set` peer arguments. */
  peers: (tunnel: { first: string; second: string }, rootAddress: string) => string[];
}

/**
 * For network.setup: a wireguard-go interface inside the namespace, configured as `wg` says, with
 * its config (and `extraConfigs`) written to the host's /etc/wireguard in `configMode`.
 */
export async function setupWireGuard(ctx: LabNetworkContext, etc: string, wg: WgPlan, extraConfigs: Record<string, string> = {}, configMode = 0o600): Promise<void> {
  const tunnel = await ctx.reserveSubnet('tunnel');
  const rootAddress = ctx.rootLink!.rootAddress;
  ctx.attach({ wireguardInterfaces: [wg.ifname] }); // its /run/wireguard socket goes with the host
  // wireguard-go daemonizes; it runs inside the namespace, so it is stopped with the host.
  const r = spawnSync('ip', ['netns', 'exec', ctx.name, 'wireguard-go', wg.ifname], { stdio: 'ignore', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`wireguard-go ${wg.ifname} failed (${r.status})`);
  const sock = `/run/wireguard/${wg.ifname}.sock`;
  for (let i = 0; i < 250 && !fs.existsSync(sock); i++) await new Promise((res) => setTimeout(res, 20));
  const keyFile = path.join(ctx.stateDir, `${wg.ifname}.key`);
  fs.writeFileSync(keyFile, `${wg.serverKey.priv}\n`, { mode: 0o600 });
  execFileSync('ip', ['netns', 'exec', ctx.name, 'wg', 'set', wg.ifname, 'private-key', keyFile, 'listen-port', '51820', ...wg.peers(tunnel, rootAddress)]);
  execFileSync('ip', ['-n', ctx.name, 'addr', 'add', `${tunnel.first}/30`, 'dev', wg.ifname]);
  execFileSync('ip', ['-n', ctx.name, 'link', 'set', wg.ifname, 'up']);
  const files = { [`${wg.ifname}.conf`]: wg.config(tunnel, rootAddress), ...extraConfigs };
  for (const [file, text] of Object.entries(files)) {
    const p = path.join(etc, 'wireguard', file);
    fs.writeFileSync(p, text);
    fs.chmodSync(p, configMode);
  }
}

/** A server config with one /32 peer: what a careful admin writes. */
export function tidyWgPlan(ifname: string, serverKey: WgKeyPair, peer: WgKeyPair): WgPlan {
  return {
    ifname,
    serverKey,
    peers: (t) => ['peer', peer.pub, 'allowed-ips', `${t.second}/32`],
    config: (t) => `[Interface]\nAddress = ${t.first}/30\nListenPort = 51820\nPrivateKey = ${serverKey.priv}\n\n[Peer]\nPublicKey = ${peer.pub}\nAllowedIPs = ${t.second}/32\n`,
  };
}

/** A TCP listener (python3) on addr:port inside the host, left running in the namespace. */
export async function listenInHost(host: LabHost, addr: string, port: number): Promise<void> {
  const code = `import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((${JSON.stringify(addr)},${port}))\ns.listen()\ntime.sleep(3600)`;
  await mustInHost(host, ['sh', '-c', `/usr/bin/python3 -c "$1" >/dev/null 2>&1 </dev/null &`, 'sh', code]);
  for (let i = 0; i < 100; i++) {
    if ((await mustInHost(host, ['ss', '-tlnH'])).includes(`${addr}:${port} `)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`listener ${addr}:${port} in ${host.name} did not come up`);
}

/** Postfix with its own main.cf (etc copy), queue and data dirs under `dir` (must be reachable by postfix), logging to a file. */
export async function startPostfix(
  host: LabHost,
  dir: string,
  settings: string,
  opts: { hostname?: string; masterExtra?: string; copyEtc?: boolean } = {},
): Promise<string> {
  const base = path.join(dir, `postfix-${host.name}`);
  fs.mkdirSync(path.join(base, 'queue'), { recursive: true, mode: 0o755 });
  fs.mkdirSync(path.join(base, 'data'), { recursive: true, mode: 0o755 });
  execFileSync('chown', ['postfix', path.join(base, 'data')]);
  const etc = `/etc/netns/${host.name}/postfix`;
  // Hosts made without ownServiceEtc() get their own copy of /etc/postfix here.
  if (opts.copyEtc) fs.cpSync('/etc/postfix', etc, { recursive: true });
  // chroot column "n": the queue lives outside /var/spool/postfix.
  const master = fs.readFileSync('/etc/postfix/master.cf.proto', 'utf8').replace(/^(\S+\s+(?:inet|unix|fifo|pass|unix-dgram)\s+[-yn]\s+[-yn]\s+)[-yn]/gm, '$1n');
  fs.writeFileSync(path.join(etc, 'master.cf'), opts.masterExtra ? `${master}\n${opts.masterExtra}` : master);
  fs.writeFileSync(
    path.join(etc, 'main.cf'),
    `compatibility_level = 3.6
queue_directory = ${base}/queue
data_directory = ${base}/data
maillog_file = ${base}/maillog
maillog_file_prefixes = ${base}
myhostname = ${opts.hostname ?? 'lab.invalid'}
mydestination =
alias_maps =
alias_database =
inet_protocols = ipv4
default_transport = smtp
defer_transports = smtp
disable_dns_lookups = yes
smtp_dns_support_level = disabled
${settings}
`,
  );
  await mustInHost(host, ['postfix', 'start']);
  return base;
}

/** `count` messages in one SMTP session (sendmail per message is ~50x slower); all stay deferred. */
export async function fillMailQueue(host: LabHost, count: number): Promise<void> {
  const code = `import smtplib,sys,time
for i in range(100):
    try:
        s = smtplib.SMTP('127.0.0.1', 25, local_hostname='lab.invalid', timeout=10); break
    except OSError: time.sleep(0.05)
for i in range(${count}):
    s.sendmail('sender@lab.invalid', ['rcpt@relay-target.invalid'], 'Subject: t%d\\r\\n\\r\\nqueued\\r\\n' % i)
s.quit()`;
  await mustInHost(host, ['/usr/bin/python3', '-c', code]);
  for (let i = 0; i < 100; i++) {
    const n = (await mustInHost(host, ['postqueue', '-j'])).split('\n').filter((l) => l.startsWith('{')).length;
    if (n >= count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the queue did not fill');
}

/** fail2ban with its socket, pid and log under `dir`, a jail on an empty log, the dummy ban action. */
export async function startFail2ban(host: LabHost, dir: string, jail: string): Promise<void> {
  const base = path.join(dir, `f2b-${host.name}`);
  fs.mkdirSync(base, { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(base, 'auth.log'), '');
  const etc = `/etc/netns/${host.name}/fail2ban`;
  fs.writeFileSync(path.join(etc, 'fail2ban.local'), `[DEFAULT]\nlogtarget = ${base}/fail2ban.log\nsocket = ${base}/fail2ban.sock\npidfile = ${base}/fail2ban.pid\ndbfile = :memory:\n`);
  fs.writeFileSync(path.join(etc, 'jail.local'), `[DEFAULT]\nbackend = polling\nbanaction = dummy\n\n[${jail}]\nenabled = true\nfilter = sshd\nlogpath = ${base}/auth.log\n`);
  // Debian's jail.d enables [sshd] too: keep only ours.
  fs.rmSync(path.join(etc, 'jail.d'), { recursive: true, force: true });
  await mustInHost(host, ['fail2ban-client', '-x', 'start']);
  for (let i = 0; i < 100; i++) {
    if ((await labExec(host, ['fail2ban-client', 'ping'])).code === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('fail2ban did not start');
}

/** ufw on with default deny incoming and SSH allowed. */
export async function enableUfw(host: LabHost): Promise<void> {
  await mustInHost(host, ['ufw', 'allow', '22/tcp']);
  await mustInHost(host, ['ufw', '--force', 'enable']);
}

/** Docker's nat/filter rules for `-p 15432:5432` (the lab dockerd runs with --iptables=false). */
export const DOCKER_DNAT_RULES = `*nat
:DOCKER - [0:0]
-A PREROUTING -j DOCKER
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 15432 -j DNAT --to-destination 172.17.0.2:5432
COMMIT
*filter
:DOCKER - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -o docker0 -j DOCKER
-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 5432 -j ACCEPT
-A DOCKER-USER -j RETURN
COMMIT
`;

/** ufw on with default incoming "allow", plus Docker's DNAT for a published port (which bypasses ufw). */
export async function enableUfwAllowingDockerBypass(host: LabHost): Promise<void> {
  // `ufw default allow incoming` while ufw is off only edits this file; one python start less.
  const defaults = `/etc/netns/${host.name}/default/ufw`;
  fs.writeFileSync(defaults, fs.readFileSync(defaults, 'utf8').replace(/^DEFAULT_INPUT_POLICY=.*$/m, 'DEFAULT_INPUT_POLICY="ACCEPT"'));
  await mustInHost(host, ['ufw', '--force', 'enable']);
  await mustInHost(host, ['iptables-restore', '--noflush'], DOCKER_DNAT_RULES);
}
