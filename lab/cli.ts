// `npm run lab -- <command>`: start, list and stop Rampart lab hosts by hand.
//
//   npm run lab -- up <scenario> [--name rmp-xxx] [--base-dir DIR] [--json]
//   npm run lab -- up jump-chain [--hops N] [--scenario S] [--base-dir DIR] [--json]
//   npm run lab -- up wireguard [--scenario S] [--base-dir DIR] [--json]
//   npm run lab -- down <name>... | --all | --stale
//   npm run lab -- list [--json]
//   npm run lab -- mail-pair [--seeds N] [--json]   (foreground; Ctrl-C stops it)
//
// Exit codes: 0 ok, 1 runtime failure, 2 usage error or missing prerequisites.

import {
  createLabHost,
  destroyAllLabHosts,
  destroyLabHost,
  isLabHostName,
  isLabHostRunning,
  isLabScenario,
  labPrerequisites,
  listLabHosts,
  scenarioNames,
  scenarios,
  type LabHost,
} from './lab';
import { startMailPair } from './mailPair';
import { createJumpChain, createWireGuardLab, wireGuardPrerequisites, type JumpChain, type WireGuardLab } from './topology';

const TOPOLOGIES = ['jump-chain', 'wireguard'] as const;

const USAGE = `Usage:
  npm run lab -- up <scenario> [--name rmp-NAME] [--base-dir DIR] [--json]
      Create a lab host and leave it running. Scenarios: ${scenarioNames.join(', ')}.
  npm run lab -- up jump-chain [--hops N] [--scenario S] [--base-dir DIR] [--json]
      Bastion + hosts reachable only through the previous one (N hosts in all, default 2).
  npm run lab -- up wireguard [--scenario S] [--base-dir DIR] [--json]
      Server whose sshd listens only on its WireGuard address; the tunnel's client side is an
      interface in this (root) namespace. Needs wireguard-go and wireguard-tools.
  npm run lab -- down <name>... | --all | --stale
      Destroy lab hosts (--stale: only hosts whose creator died or whose sshd is gone).
  npm run lab -- list [--json]
      List lab hosts from their state files.
  npm run lab -- mail-pair [--seeds N] [--json]
      The deliverability lab (lab/mailPair.ts): a sender and a receiver mail server with DKIM,
      SPF, DMARC and IMAP seed mailboxes; prints endpoints and per-run passwords, runs until Ctrl-C.

Lab hosts need root, iproute2, openssh-server and sudo (Linux network namespaces).`;

class UsageError extends Error {}

function parseFlags(
  args: readonly string[],
  spec: { values?: readonly string[]; booleans?: readonly string[] },
): { positional: string[]; values: Map<string, string>; booleans: Set<string> } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const booleans = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const flag = eq >= 0 ? a.slice(0, eq) : a;
      if (spec.values?.includes(flag)) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
        values.set(flag, v);
      } else if (spec.booleans?.includes(flag) && eq < 0) {
        booleans.add(flag);
      } else {
        throw new UsageError(`unknown option ${a}`);
      }
    } else if (a.startsWith('-') && a.length > 1) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  return { positional, values, booleans };
}

function requirePrerequisites(): void {
  const pre = labPrerequisites();
  if (!pre.ok) {
    process.stderr.write(`lab: cannot manage lab hosts here: ${pre.reason}\n`);
    process.exit(2);
  }
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function describeHost(h: LabHost): string {
  const kh = `${h.stateDir}/known_hosts`;
  const fps = Object.entries(h.hostKeyFingerprints)
    .map(([type, fp]) => `  ${type.padEnd(22)} ${fp}`)
    .join('\n');
  const q = shellQuote;
  return `Lab host ${h.name} (${h.scenario}) is up: sshd pid ${h.pid} listening on ${h.address}:${h.port}.

Connect by hand (known_hosts already holds the host keys):
  ssh -i ${q(h.identityFile)} -p ${h.port} -o UserKnownHostsFile=${q(kh)} ${h.user}@${h.address}

Host key fingerprints (compare with what your client shows):
${fps}

Audit it with Rampart:
  npx rampart audit --host ${h.user}@${h.address}:${h.port} --identity ${q(h.identityFile)} --accept-new-host-key --format json

Shell inside the host's namespace:  ip netns exec ${h.name} bash
sshd log:                           ${h.logFile}
Tear down:                          npm run lab -- down ${h.name}
`;
}

function describeJumpChain(chain: JumpChain): string {
  const q = shellQuote;
  const hops = chain.hops
    .map((h, i) => `  ${String(i).padEnd(3)} ${h.name.padEnd(14)} ${`${h.address}:${h.port}`.padEnd(21)} ${i === 0 ? 'reachable from here' : `only from ${chain.hops[i - 1]?.name}`}`)
    .join('\n');
  const t = chain.target;
  return `Jump chain is up (${chain.hops.length} hosts):
${hops}

Connect by hand (the config holds identities, known_hosts and the ProxyJump chain):
  ssh -F ${q(chain.sshConfigFile)} ${t.name}
  ssh -F ${q(chain.sshConfigFile)} -J ${chain.jumpSpec()} ${t.user}@${t.address}
(-J alone does not pass -i/-o on to the jump host; -F does.)

Identity of each hop: its own key, e.g. target ${q(t.identityFile)}
Tear down:  npm run lab -- down ${chain.hops.map((h) => h.name).join(' ')}
`;
}

function describeWireGuard(wg: WireGuardLab): string {
  const q = shellQuote;
  const s = wg.server;
  return `WireGuard lab is up: ${wg.clientInterface} (${wg.clientAddress}, this namespace) <-> ${s.name} (${s.address}, endpoint ${wg.serverEndpoint}).
The server's sshd listens only on ${s.address}:${s.port}.

Connect by hand:
  ssh -i ${q(s.identityFile)} -p ${s.port} -o UserKnownHostsFile=${q(`${s.stateDir}/known_hosts`)} ${s.user}@${s.address}
Audit it with Rampart:
  npx rampart audit --host ${s.user}@${s.address}:${s.port} --identity ${q(s.identityFile)} --accept-new-host-key --format json

Tunnel state:    wg show ${wg.clientInterface}
VPN off / on:    ip link set dev ${wg.clientInterface} down   /   ip link set dev ${wg.clientInterface} up
                 (while down, connecting fails at once: "No route to host")
wireguard-go:    pid ${wg.clientPid} (here), pid ${wg.serverPid} (in ${s.name}); logs in ${q(`${s.stateDir}/wireguard`)}
Tear down:       npm run lab -- down ${s.name}
`;
}

async function cmdUpTopology(kind: (typeof TOPOLOGIES)[number], args: readonly string[]): Promise<number> {
  const { positional, values, booleans } = parseFlags(args, {
    values: kind === 'jump-chain' ? ['--hops', '--scenario', '--base-dir'] : ['--scenario', '--base-dir'],
    booleans: ['--json'],
  });
  if (positional.length > 0) throw new UsageError(`up ${kind}: unexpected argument ${positional[0]}`);
  const scenario = values.get('--scenario') ?? 'hardened';
  if (!isLabScenario(scenario)) {
    throw new UsageError(`up ${kind}: unknown scenario ${JSON.stringify(scenario)} (known: ${scenarioNames.join(', ')})`);
  }
  const baseDir = values.get('--base-dir');
  if (kind === 'jump-chain') {
    const hopsText = values.get('--hops') ?? '2';
    const hops = Number(hopsText);
    if (!/^\d+$/.test(hopsText) || hops < 1 || hops > 8) throw new UsageError(`up jump-chain: --hops must be 1..8, got ${hopsText}`);
    requirePrerequisites();
    const chain = await createJumpChain({ hops, scenario, baseDir, persistent: true });
    const { hops: hosts, sshConfigFile, knownHostsFile } = chain;
    process.stdout.write(booleans.has('--json') ? `${JSON.stringify({ hops: hosts, sshConfigFile, knownHostsFile }, null, 2)}\n` : describeJumpChain(chain));
    return 0;
  }
  const pre = wireGuardPrerequisites();
  if (!pre.ok) {
    process.stderr.write(`lab: cannot create the WireGuard lab here: ${pre.reason}\n`);
    return 2;
  }
  const wg = await createWireGuardLab({ scenario, baseDir, persistent: true });
  if (booleans.has('--json')) {
    const { server, clientInterface, clientAddress, serverInterface, tunnelSubnet, serverEndpoint, clientPid, serverPid } = wg;
    const facts = { server, clientInterface, clientAddress, serverInterface, tunnelSubnet, serverEndpoint, clientPid, serverPid };
    process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
  } else {
    process.stdout.write(describeWireGuard(wg));
  }
  return 0;
}

async function cmdUp(args: readonly string[]): Promise<number> {
  const topology = TOPOLOGIES.find((t) => t === args[0]);
  if (topology) return cmdUpTopology(topology, args.slice(1));
  const { positional, values, booleans } = parseFlags(args, { values: ['--name', '--base-dir'], booleans: ['--json'] });
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length === 0 ? 'up: missing <scenario>' : `up: expected one scenario, got ${positional.join(' ')}`,
    );
  }
  const scenario = positional[0] ?? '';
  if (!isLabScenario(scenario)) {
    throw new UsageError(
      `up: unknown scenario ${JSON.stringify(scenario)} (known: ${scenarioNames.join(', ')}); topologies: ${TOPOLOGIES.join(', ')}`,
    );
  }
  const name = values.get('--name');
  if (name !== undefined && !isLabHostName(name)) {
    throw new UsageError(`up: --name must look like rmp-NAME (lower-case letters, digits, '-'; at most 28 chars), got ${name}`);
  }
  requirePrerequisites();
  const host = await createLabHost({ scenario, name, baseDir: values.get('--base-dir'), persistent: true });
  if (booleans.has('--json')) process.stdout.write(`${JSON.stringify(host, null, 2)}\n`);
  else process.stdout.write(`${describeHost(host)}\n${scenarios[scenario].description}\n`);
  return 0;
}

async function cmdDown(args: readonly string[]): Promise<number> {
  const { positional, booleans } = parseFlags(args, { booleans: ['--all', '--stale'] });
  const all = booleans.has('--all');
  const stale = booleans.has('--stale');
  if ((all || stale) && positional.length > 0) throw new UsageError('down: give host names or --all/--stale, not both');
  if (all && stale) throw new UsageError('down: --all and --stale are exclusive');
  if (!all && !stale && positional.length === 0) throw new UsageError('down: missing <name> (or --all)');
  for (const n of positional) {
    if (!isLabHostName(n)) throw new UsageError(`down: not a lab host name: ${n}`);
  }
  requirePrerequisites();
  if (all || stale) {
    const before = (await listLabHosts()).map((h) => h.name);
    await destroyAllLabHosts({ staleOnly: stale });
    const after = new Set((await listLabHosts()).map((h) => h.name));
    const gone = before.filter((n) => !after.has(n));
    process.stdout.write(gone.length ? `destroyed: ${gone.join(', ')}\n` : 'no lab hosts to destroy\n');
    return 0;
  }
  for (const n of positional) {
    await destroyLabHost(n);
    process.stdout.write(`destroyed ${n}\n`);
  }
  return 0;
}

async function cmdList(args: readonly string[]): Promise<number> {
  const { positional, booleans } = parseFlags(args, { booleans: ['--json'] });
  if (positional.length > 0) throw new UsageError(`list: unexpected argument ${positional[0]}`);
  const hosts = await listLabHosts();
  const rows = hosts.map((h) => ({ ...h, running: isLabHostRunning(h) }));
  if (booleans.has('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write('no lab hosts\n');
    return 0;
  }
  const table = [
    ['NAME', 'SCENARIO', 'ADDRESS', 'PID', 'STATE', 'IDENTITY'],
    ...rows.map((r) => [r.name, r.scenario, `${r.address}:${r.port}`, String(r.pid), r.running ? 'running' : 'DOWN', r.identityFile]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  for (const row of table) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
  return 0;
}

async function cmdMailPair(args: readonly string[]): Promise<number> {
  const { positional, values, booleans } = parseFlags(args, { values: ['--seeds'], booleans: ['--json'] });
  if (positional.length > 0) throw new UsageError(`mail-pair: unexpected argument ${positional[0]}`);
  const seedsText = values.get('--seeds') ?? '1';
  if (!/^\d+$/.test(seedsText) || Number(seedsText) < 1 || Number(seedsText) > 20) throw new UsageError(`mail-pair: --seeds must be 1..20, got ${seedsText}`);
  requirePrerequisites();
  const pair = await startMailPair({ seeds: Number(seedsText) });
  const { submission, seeds, caFile, dns, domains, authservId, dkimSelector } = pair;
  if (booleans.has('--json')) {
    process.stdout.write(`${JSON.stringify({ submission, seeds, caFile, dns, domains, authservId, dkimSelector }, null, 2)}\n`);
  } else {
    const s = submission;
    process.stdout.write(`Mail pair is up (lab-only passwords, new each run):
  submission  ${s.host}:${s.port} STARTTLS, name ${s.servername}, user ${s.user}, password ${s.password}
${seeds.map((m) => `  seed        ${m.host}:${m.port} TLS (or ${m.starttlsPort} STARTTLS), name ${m.servername}, user ${m.user}, password ${m.password}`).join('\n')}
  CA          ${caFile}   (trust it, e.g. NODE_EXTRA_CA_CERTS=${caFile})
  DNS         ${dns.address}:${dns.port} (${domains.sender}, ${domains.receiver}); verdicts in Authentication-Results: ${authservId}
Ctrl-C stops and removes it.
`);
  }
  // A pending promise alone does not keep Node running: the timer does, until a signal comes.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  clearInterval(keepAlive);
  await pair.close();
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      return cmdUp(rest);
    case 'down':
      return cmdDown(rest);
    case 'list':
    case 'ls':
      return cmdList(rest);
    case 'mail-pair':
      return cmdMailPair(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
      throw new UsageError('missing command');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(cmd)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`lab: ${err.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`lab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
