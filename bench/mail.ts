// Bench for the mail domain audit (issue 12): the whole audit of one lab domain (every check, two
// DKIM selectors, one DNSBL zone) through a real Knot DNS in a lab namespace (lab/dns.ts), stored
// in a temporary database as `rampart mail --db` does; then the same with the SMTP/TLS probes:
// a domain whose MX is a real Postfix with TLS (lab/mailServer.ts: 25/465/587, s_server on 993,
// 995 closed), named again with --smtp-host and the open relay test, so every probe runs.
// Prints one JSON object: wall time per run (median, min, max), DNS questions issued, questions
// repeated within a run (must be 0), packets sent (UDP datagrams + TCP exchanges), evaluation
// passes; for the probe runs also the ports probed and the slowest port. Each run uses a fresh
// resolver (an empty per-run cache); the TLS client contexts are built once per process, so the
// first probe run is reported on its own.
// Needs root, knotd, postfix and openssl. Usage: npm run bench:mail [-- --iterations 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLabDns } from '../lab/dns';
import { MAIL_LAB, mailLabZones } from '../lab/dnsMail';
import { SMTP_LAB, startMailTlsLab } from '../lab/mailServer';
import { runMailAudit } from '../src/main/mail/audit';
import { MailResolver } from '../src/main/mail/resolver';
import { Store } from '../src/main/store/store';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '10' } } });
const iterations = Math.max(1, Number(values.iterations) || 10);

const z = mailLabZones();
const dns = await startLabDns(z.zones, { brokenZones: z.brokenZones });
const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-mail-'));
try {
  const store = new Store(join(dir, 'bench.sqlite3'));
  const runs: Array<{ wallMs: number; queries: number; repeated: number; packets: number; passes: number; status: string; findings: number }> = [];
  for (let i = 0; i < iterations; i++) {
    const resolver = new MailResolver({ server: { address: dns.address, port: dns.port } });
    const t0 = performance.now();
    const run = await runMailAudit(store, { domain: MAIL_LAB.good, selectors: ['sel1', 'ed'], dnsblZones: [MAIL_LAB.dnsbl], resolver });
    const wallMs = performance.now() - t0;
    const keys = resolver.log.map((q) => `${q.name}|${q.type}`);
    const detail = store.db.prepare('SELECT timings_json FROM audit_runs WHERE id = ?').get(run.id) as { timings_json: string };
    runs.push({
      wallMs,
      queries: resolver.queryCount,
      repeated: keys.length - new Set(keys).size,
      packets: resolver.packetsSent,
      passes: (JSON.parse(detail.timings_json) as { evaluationPasses: number }).evaluationPasses,
      status: run.status,
      findings: run.findings.length,
    });
  }
  // The same audit with the SMTP/TLS probes against real mail servers.
  const smtpLab = await startMailTlsLab();
  const probeRuns: Array<{ wallMs: number; queries: number; repeated: number; ports: number; slowestPortMs: number; relay: string; status: string }> = [];
  try {
    for (let i = 0; i < iterations + 1; i++) {
      const resolver = new MailResolver({ server: { address: smtpLab.dns.address, port: smtpLab.dns.port } });
      const t0 = performance.now();
      const run = await runMailAudit(store, {
        domain: SMTP_LAB.good,
        dnsblZones: [],
        resolver,
        smtp: { extraCaPem: smtpLab.ca.pem },
        smtpHosts: [{ host: SMTP_LAB.goodMx, port: null }],
        openRelayTest: true,
      });
      const wallMs = performance.now() - t0;
      const smtp = (run.details as { smtp?: { ports: Array<{ ms: number }>; relay: Array<{ verdict: string }> } }).smtp;
      const keys = resolver.log.map((q) => `${q.name}|${q.type}`);
      probeRuns.push({
        wallMs,
        queries: resolver.queryCount,
        repeated: keys.length - new Set(keys).size,
        ports: smtp?.ports.length ?? 0,
        slowestPortMs: Math.max(0, ...(smtp?.ports.map((p) => p.ms) ?? [])),
        relay: smtp?.relay.map((r) => r.verdict).join(',') ?? '',
        status: run.status,
      });
    }
  } finally {
    await smtpLab.stop();
  }
  store.close();
  const wall = runs.map((r) => r.wallMs).sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  const [firstProbe, ...warmProbes] = probeRuns;
  const probeWall = warmProbes.map((r) => r.wallMs).sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify(
      {
        bench: 'mail-dns',
        domain: MAIL_LAB.good,
        resolver: `${dns.resolverSpec} (Knot DNS in a lab namespace)`,
        iterations,
        wallMs: { median: round(wall[Math.floor(wall.length / 2)]!), min: round(wall[0]!), max: round(wall[wall.length - 1]!) },
        dnsQueries: runs[0]!.queries,
        repeatedQueries: Math.max(...runs.map((r) => r.repeated)),
        packetsSent: runs[0]!.packets,
        evaluationPasses: runs[0]!.passes,
        status: runs[0]!.status,
        findings: runs[0]!.findings,
        withProbes: {
          domain: SMTP_LAB.good,
          what: 'DNS checks + TLS probes of 5 ports of the MX (also named with --smtp-host): handshake, TLS 1.0, TLS 1.1 and aNULL/eNULL handshakes per open port, DANE, greeting, relay test',
          iterations,
          wallMs: { median: round(probeWall[Math.floor(probeWall.length / 2)]!), min: round(probeWall[0]!), max: round(probeWall[probeWall.length - 1]!) },
          firstRunWallMs: round(firstProbe!.wallMs),
          dnsQueries: firstProbe!.queries,
          repeatedQueries: Math.max(...probeRuns.map((r) => r.repeated)),
          portsProbed: firstProbe!.ports,
          slowestPortMs: Math.max(...warmProbes.map((r) => r.slowestPortMs)),
          relay: firstProbe!.relay,
          status: firstProbe!.status,
        },
        goalWallMs: 2000,
        note: 'goal: <= 2 s wall per domain with local DNS and TLS probes (withProbes); firstRunWallMs includes building the TLS client contexts (trusted CAs parsed once per process)',
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  await dns.stop();
  rmSync(dir, { recursive: true, force: true });
}
