// A lab validating resolver: unbound inside the lab DNS server's namespace (lab/dns.ts), on the
// same lab address at another port, sending the test zones' questions to knotd (stub zones) and
// validating them against trust anchors read from knotd (the DS of each signed zone, `keymgr
// ZONE ds`). So a signed zone's answers come back with the AD bit and an unsigned zone's without,
// as from a real validating resolver. No root trust anchor is configured and the namespace has no
// route out: unbound can reach only knotd. Teardown is the DNS host's (destroyLabHost kills every
// process in the namespace).
//
// Network rule: listens only on the lab address of the DNS server's namespace; asks only knotd.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MailResolver } from '../src/main/mail/resolver';
import type { LabDns } from './dns';
import { sleep } from './proc';

export const UNBOUND = '/usr/sbin/unbound';
const KEYMGR = '/usr/sbin/keymgr';

export interface LabValidatingResolver {
  address: string;
  port: number;
  /** "10.213.x.y:5353" as --resolver takes it. */
  resolverSpec: string;
  /** The DS records configured as trust anchors. */
  trustAnchors: string[];
}

export function validatingResolverPrerequisites(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(UNBOUND)) return { ok: false, reason: `${UNBOUND} is missing (apt-get install --no-install-recommends unbound)` };
  if (!existsSync(KEYMGR)) return { ok: false, reason: `${KEYMGR} is missing (it comes with knot)` };
  return { ok: true };
}

/** The DS records of a zone knotd signs (waits for its first keys). */
async function dsOf(dns: LabDns, zone: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    let out = '';
    try {
      out = execFileSync(KEYMGR, ['-c', dns.confFile, zone, 'ds'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    } catch {
      /* keys not generated yet */
    }
    const ds = out.split('\n').filter((l) => /\sDS\s/.test(l));
    if (ds.length) return ds;
    if (Date.now() > deadline) throw new Error(`knotd made no DNSSEC key for ${zone} within 15 s`);
    await sleep(200);
  }
}

/**
 * Starts unbound in `dns`'s namespace, forwarding `zones` to knotd and trusting the DS of each of
 * `signedZones` (which knotd must sign: startLabDns's signedZones).
 */
export async function startValidatingResolver(dns: LabDns, zones: readonly string[], signedZones: readonly string[], port = 5353): Promise<LabValidatingResolver> {
  const pre = validatingResolverPrerequisites();
  if (!pre.ok) throw new Error(`validating resolver unavailable: ${pre.reason}`);
  const dir = join(dns.host.stateDir, 'unbound');
  mkdirSync(dir, { recursive: true });
  const trustAnchors = (await Promise.all(signedZones.map((z) => dsOf(dns, z)))).flat();
  const anchorFile = join(dir, 'anchors');
  writeFileSync(anchorFile, trustAnchors.join('\n') + '\n');
  const conf = [
    'server:',
    `    interface: ${dns.address}@${port}`,
    `    port: ${port}`,
    '    do-daemonize: no',
    '    username: ""',
    '    chroot: ""',
    `    directory: "${dir}"`,
    `    pidfile: "${join(dir, 'unbound.pid')}"`,
    '    use-syslog: no',
    `    logfile: "${join(dir, 'unbound.log')}"`,
    '    verbosity: 1',
    '    val-log-level: 2',
    '    num-threads: 1',
    '    access-control: 0.0.0.0/0 allow',
    '    module-config: "validator iterator"',
    `    trust-anchor-file: "${anchorFile}"`,
    // .test is one of unbound's default local zones (RFC 6761); the lab serves real zones in it.
    '    local-zone: "test." nodefault',
    '    do-not-query-localhost: no',
    '    cache-max-ttl: 5',
    ...zones.flatMap((z) => ['stub-zone:', `    name: "${z}"`, `    stub-addr: ${dns.address}@${dns.port}`]),
    '',
  ].join('\n');
  const confFile = join(dir, 'unbound.conf');
  writeFileSync(confFile, conf);
  execFileSync(UNBOUND + '-checkconf', [confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const child = spawn('ip', ['netns', 'exec', dns.host.name, UNBOUND, '-d', '-c', confFile], { stdio: 'ignore', detached: true });
  child.unref();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = new MailResolver({ server: { address: dns.address, port }, timeoutMs: 300, attempts: 1 });
    const res = await r.query(zones[0]!, 'SOA');
    if (res.kind === 'answer') break;
    if (Date.now() > deadline) {
      const log = existsSync(join(dir, 'unbound.log')) ? readFileSync(join(dir, 'unbound.log'), 'utf8').slice(-800) : '';
      throw new Error(`unbound in ${dns.host.name} did not answer for ${zones[0]} within 15 s (last: ${JSON.stringify(res)}): ${log}`);
    }
    await sleep(100);
  }
  return { address: dns.address, port, resolverSpec: `${dns.address}:${port}`, trustAnchors };
}
