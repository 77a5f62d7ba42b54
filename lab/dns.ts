// A lab authoritative DNS server: Knot DNS (knotd) inside a lab host's network namespace, serving
// zones given as records, answering on the host's lab address (10.213.x.y:53, UDP and TCP).
// Knot answers NXDOMAIN vs NODATA as a real server does, REFUSED for zones it does not serve and
// SERVFAIL for a zone configured without a loadable file (`brokenZones`), which is how the tests
// get real refused/servfail answers. Teardown is the lab host's: destroyLabHost kills every process
// in the namespace (knotd included) and removes its state dir.
//
// Network rule: the server listens only on the lab address of its own namespace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailResolver } from '../src/main/mail/resolver';
import { createLabHost, destroyLabHost, type LabHost } from './lab';
import { sleep } from './proc';

export const KNOTD = '/usr/sbin/knotd';
const KNOTC = '/usr/sbin/knotc';

export interface LabZone {
  /** e.g. "example.test" or "2.0.192.in-addr.arpa" */
  origin: string;
  /** Zone-file lines relative to the origin, e.g. `@ MX 10 mx`, `mx A 192.0.2.10`, `@ TXT ${txt('…')}`. */
  records: string[];
}

export interface LabDns {
  host: LabHost;
  /** The lab address the server answers on. */
  address: string;
  port: number;
  /** "10.213.x.y:53" as --resolver takes it. */
  resolverSpec: string;
  /** knotd's configuration file (for keymgr, e.g. the DS of a signed zone). */
  confFile: string;
  stop(): Promise<void>;
}

export function labDnsPrerequisites(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(KNOTD)) return { ok: false, reason: `${KNOTD} is missing (apt-get install --no-install-recommends knot)` };
  return { ok: true };
}

/**
 * A TXT value in zone-file form: quoted character-strings of at most 255 bytes each (a longer
 * value is split, as DNS requires and as DKIM keys are published), quotes and backslashes escaped.
 */
export function txt(value: string | string[]): string {
  const parts = Array.isArray(value) ? value : splitTxt(value);
  return parts.map((p) => `"${p.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ');
}

export function splitTxt(value: string, max = 255): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += max) out.push(value.slice(i, i + max));
  return out.length ? out : [''];
}

function zoneFile(z: LabZone, serial = 1): string {
  return [
    `$ORIGIN ${z.origin}.`,
    '$TTL 60',
    `@ SOA ns.${z.origin}. hostmaster.${z.origin}. ${serial} 3600 600 86400 60`,
    `@ NS ns.${z.origin}.`,
    ...z.records,
    '',
  ].join('\n');
}

export interface KnotOptions {
  /** Addresses inside the host to answer on (port 53). */
  listen: readonly string[];
  /** Configured without a zone file: knotd answers SERVFAIL for every name in them. */
  brokenZones?: readonly string[];
  /** knotd signs them itself (automatic keys, default policy) when it loads them. */
  signedZones?: readonly string[];
}

export interface KnotServer {
  confFile: string;
  /** Rewrites the given zones' files (serial + 1) and has knotd reload them; resolves once they are reloaded. */
  reload(zones: readonly LabZone[]): Promise<void>;
  /** Removes the temp run folder (knotd itself dies with the lab host's namespace). */
  cleanup(): void;
}

/** knotd serving `zones` inside an existing lab host; its files live under `dir`. Ready when the first zone's SOA answers. */
export async function startKnotIn(host: LabHost, dir: string, zones: readonly LabZone[], opts: KnotOptions): Promise<KnotServer> {
  mkdirSync(join(dir, 'zones'), { recursive: true });
  mkdirSync(join(dir, 'db'), { recursive: true });
  for (const z of zones) writeFileSync(join(dir, 'zones', `${z.origin}.zone`), zoneFile(z));
  // The control socket (and pid file) go in a short folder: a unix socket path must fit 107
  // bytes, and the state dir lives wherever the repository was cloned.
  const run = mkdtempSync(join(tmpdir(), 'rmpk-'));
  try {
    const conf = [
      'server:',
      `    rundir: "${run}"`,
      ...opts.listen.map((a) => `    listen: ${a}@53`),
      '    udp-workers: 1',
      '    tcp-workers: 1',
      '    background-workers: 1',
      'control:',
      `    listen: "${join(run, 'knot.sock')}"`,
      'log:',
      `  - target: "${join(dir, 'knot.log')}"`,
      '    any: info',
      'database:',
      `    storage: "${join(dir, 'db')}"`,
      'template:',
      '  - id: default',
      `    storage: "${join(dir, 'zones')}"`,
      '    file: "%s.zone"',
      '    zonefile-sync: -1',
      '    zonefile-load: whole',
      '    journal-content: none',
      'zone:',
      ...[...zones.map((z) => z.origin), ...(opts.brokenZones ?? [])].flatMap((o) => [`  - domain: ${o}`, ...(opts.signedZones?.includes(o) ? ['    dnssec-signing: on'] : [])]),
      '',
    ].join('\n');
    const confFile = join(dir, 'knot.conf');
    writeFileSync(confFile, conf);
    const child = spawn('ip', ['netns', 'exec', host.name, KNOTD, '-c', confFile], { stdio: 'ignore', detached: true });
    child.unref();
    // Ready when it answers the first zone's SOA (knotd loads zones after it starts listening).
    const probeZone = zones[0]?.origin;
    // Asked from the root namespace: the host's root-link address when knotd listens there.
    const probeAddress = opts.listen.includes(host.address) ? host.address : (opts.listen[0] ?? host.address);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = new MailResolver({ server: { address: probeAddress, port: 53 }, timeoutMs: 300, attempts: 1 });
      const res = probeZone ? await r.query(probeZone, 'SOA') : { kind: 'answer' as const };
      if (res.kind === 'answer') break;
      if (Date.now() > deadline) throw new Error(`knotd in ${host.name} did not serve ${probeZone} within 15 s (last: ${JSON.stringify(res)}; see ${join(dir, 'knot.log')})`);
      await sleep(100);
    }
    let serial = 1;
    return {
      confFile,
      reload: async (changed) => {
        serial += 1;
        for (const z of changed) writeFileSync(join(dir, 'zones', `${z.origin}.zone`), zoneFile(z, serial));
        for (const z of changed) {
          // -b: returns once the zone is reloaded, so the next query sees the new records.
          const r = spawnSync(KNOTC, ['-c', confFile, '-b', 'zone-reload', z.origin], { encoding: 'utf8', timeout: 15_000 });
          if (r.status !== 0) throw new Error(`knotc zone-reload ${z.origin} failed: ${r.stderr || r.stdout}`);
        }
      },
      cleanup: () => rmSync(run, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(run, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Starts knotd in a fresh lab host serving `zones`; `brokenZones` are configured without a zone
 * file, so knotd answers SERVFAIL for every name in them.
 */
export async function startLabDns(zones: readonly LabZone[], opts: { brokenZones?: readonly string[]; signedZones?: readonly string[] } = {}): Promise<LabDns> {
  const pre = labDnsPrerequisites();
  if (!pre.ok) throw new Error(`lab DNS unavailable: ${pre.reason}`);
  const host = await createLabHost({ scenario: 'hardened' });
  try {
    const knot = await startKnotIn(host, join(host.stateDir, 'knot'), zones, { listen: [host.address], ...opts });
    return {
      host,
      address: host.address,
      port: 53,
      resolverSpec: `${host.address}:53`,
      confFile: knot.confFile,
      stop: async () => {
        await destroyLabHost(host);
        knot.cleanup();
      },
    };
  } catch (e) {
    await destroyLabHost(host);
    throw e;
  }
}
