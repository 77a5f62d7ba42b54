// Hostile host output, generated (issue 15, item 6): every parser of what a host prints is fed
// random text and mutations of real recorded outputs. Properties:
//   - a section parser never throws (the collector's try/catch is a safety net, not a design:
//     a throw there is a bug that costs the section its checks) and returns a typed Section;
//   - it returns in bounded time (no regex that backtracks for seconds on a crafted line);
//   - every check evaluates the facts without throwing ("check failed: …" is a bug);
//   - a secret value planted where values live (env files, compose environment, container Env,
//     WireGuard keys) never reaches a finding's title, resource or evidence, nor a section message.
// Plus the standalone parsers named by the issue: known_hosts, ssh_config, Ansible inventories,
// Trivy JSON, os-release, sshd -T.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../src/main/audit/checks';
import { evaluate } from '../src/main/audit/engine';
import type { HostFacts } from '../src/main/audit/facts';
import { FIXTURES, LAB_CTX } from './support/hostFixtures';
import { parseOsRelease } from '../src/main/audit/parsers/osRelease';
import type { RawSection } from '../src/main/audit/parsers/sections';
import { parseSshdT } from '../src/main/audit/parsers/sshd';
import { parseCollectOutput } from '../src/main/audit/collector';
import { SECTION_SPECS } from '../src/main/audit/sections';
import type { CollectContext } from '../src/main/audit/sections/types';
import { ingestTrivyReport } from '../src/main/audit/cve/trivy';
import { parseKnownHosts } from '../src/main/hostKeys/knownHosts';
import { importAnsibleInventory } from '../src/main/inventory/ansible';
import { importSshConfig } from '../src/main/inventory/sshConfig';

// Generous: two shared cores under a parallel suite. A backtracking regex takes seconds, not this.
const MAX_PARSE_MS = 750;
const RUNS = Number(process.env.RAMPART_FUZZ_RUNS ?? 150);

const CTX: CollectContext = { ...LAB_CTX, vpn: { only: true, interface: 'wg0', subnet: '10.99.0.0/24' } };

/** The raw section names each spec reads, from its own script (`sec NAME …` / `secsh NAME …`). */
function rawNames(script: string): string[] {
  return [...script.matchAll(/(?:^|[\n;&|(]\s*)sec(?:sh)?\s+"?([A-Za-z0-9_]+)/g)].map((m) => m[1]!.replace(/_$/, '_0'));
}
const SPEC_NAMES = SECTION_SPECS.map((s) => ({ spec: s, names: rawNames(s.script(CTX)) }));
const ALL_NAMES = [...new Set(SPEC_NAMES.flatMap((s) => s.names)), 'sshd_t', 'os', 'id'];

// Recorded outputs as seeds, by the raw section they came from (file-name prefix → section).
const PREFIX_TO_SECTION: Array<[RegExp, string]> = [
  [/^ufw-/, 'net_ufw'],
  [/^netfilter-/, 'net_netfilter'],
  [/^ss-/, 'net_listening'],
  [/^ip-/, 'net_interfaces'],
  [/^fail2ban-/, 'net_fail2ban'],
  [/^ssh-version-/, 'net_ssh_version'],
  [/^wg-conf-/, 'vpn_wg_conf'],
  [/^wg-dump-/, 'vpn_wg_dump'],
  [/^postfix-/, 'mail_postfix'],
  [/^stack-/, 'mail_stack'],
  [/^compose-dump-/, 'compose_files'],
  [/^docker-info-/, 'docker_info'],
  [/^inspect-/, 'docker_containers'],
  [/^sshd-T-/, 'sshd_t'],
  [/^os-release-/, 'os'],
];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const SEEDS = new Map<string, string[]>();
for (const file of walk(FIXTURES)) {
  const base = path.basename(file);
  const section = ALL_NAMES.find((n) => base.startsWith(`${n}-`)) ?? PREFIX_TO_SECTION.find(([re]) => re.test(base))?.[1];
  if (!section) continue;
  const text = fs.readFileSync(file, 'utf8').replace(/\n@exit \d+\n?$/, '');
  SEEDS.set(section, [...(SEEDS.get(section) ?? []), text]);
}
const ANY_SEED = [...SEEDS.values()].flat();

const HOSTILE = [
  '', ' ', '\t', '\r', '\0', '-1', '-0', '99999999999999999999999', 'NaN', '1e309', '0x1f', '4294967296',
  '$(touch /tmp/rampart-fuzz)', '`id`', "'", '"', '\\', '%s%n%x', '../../etc/passwd', '/', '//', '~root',
  'é', '\u202e', '\ufeff', '\ud800', '😀', 'a'.repeat(20_000), ' '.repeat(5_000) + 'x', '='.repeat(3000),
  '@rc', '@rc x', '@rc -1', '@exit 1', '@', '@installed no', '@P', '@F', '@E', '@D', '@T', '|', '=', ':', ',', ';', '#',
  '{', '}', '[', ']', '{}', '[]', 'null', 'true', '{"Id":', '[{"Id":null}]', '{"Config":{"Env":[1,null,{}]}}',
  '0.0.0.0:*', '[::]:', '*:*', '::', '300.1.1.1', '10.0.0.0/99', 'ALLOW IN', 'Status: active', 'ALL', 'NOPASSWD: ALL',
  'root ALL=(ALL) NOPASSWD: ALL', 'Include', 'Match all', '-A INPUT', '*filter', 'COMMIT', 'table inet filter {',
  'port 22', 'permitrootlogin', 'ciphers', '(hidden)', '(none)', 'off', '0', '1700000000',
];

const hostileToken = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

/** A mutation of one recorded output: lines dropped, duplicated, swapped, cut, or hostile tokens in. */
function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: hostileToken }),
    fc.record({ kind: fc.constant('token' as const), at: fc.nat(), word: fc.nat(), text: hostileToken }),
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.array(op, { minLength: 1, maxLength: 12 })).map(([seed, ops]) => {
    let lines = seed.split('\n');
    for (const o of ops) {
      const n = Math.max(lines.length, 1);
      const i = o.at % n;
      if (o.kind === 'drop') lines.splice(i, 1);
      else if (o.kind === 'dup') lines.splice(i, 0, lines[i] ?? '');
      else if (o.kind === 'swap') [lines[i], lines[o.to % n]] = [lines[o.to % n] ?? '', lines[i] ?? ''];
      else if (o.kind === 'cut') lines = lines.join('\n').slice(0, o.at % (lines.join('\n').length + 1)).split('\n');
      else if (o.kind === 'insert') lines.splice(i, 0, o.text);
      else {
        const words = (lines[i] ?? '').split(/(\s+)/);
        words[(o.word % Math.max(words.length, 1)) & ~1] = o.text;
        lines[i] = words.join('');
      }
    }
    return lines.join('\n');
  });
}

function bodyFor(name: string): fc.Arbitrary<string> {
  const seeds = SEEDS.get(name);
  return fc.oneof(
    { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
    { weight: 1, arbitrary: fc.array(hostileToken, { maxLength: 20 }).map((a) => a.join('\n')) },
    { weight: 4, arbitrary: mutated(seeds?.length ? seeds : ANY_SEED) },
  );
}

const exitCode = fc.constantFrom<number | null>(0, 0, 0, 0, 1, 2, 124, 127, 143, null);

const rawSections = fc.record(Object.fromEntries(ALL_NAMES.map((n) => [n, fc.record({ body: bodyFor(n), exitCode })]))).map((rec) => {
  const m = new Map<string, RawSection>();
  for (const [name, r] of Object.entries(rec)) m.set(name, { name, ...r });
  return m;
});

const uidArb = fc.constantFrom<number | null>(0, 1000, null);

function timed<T>(what: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  if (ms > MAX_PARSE_MS) throw new Error(`${what} took ${ms.toFixed(0)} ms on one input (limit ${MAX_PARSE_MS} ms)`);
  return out;
}

function expectSection(what: string, s: unknown): void {
  const v = s as { ok?: unknown; status?: unknown; message?: unknown };
  if (v.ok === true) return;
  if (v.ok !== false || !['error', 'needs-sudo', 'not-applicable'].includes(String(v.status)) || typeof v.message !== 'string')
    throw new Error(`${what}: not a typed Section: ${JSON.stringify(s).slice(0, 200)}`);
}

/** Every spec's fact from these raw sections, each parser called bare (no safety net). */
function parseAll(raw: Map<string, RawSection>, uid: number | null): Partial<HostFacts> {
  const facts: Record<string, unknown> = {};
  for (const { spec } of SPEC_NAMES) {
    let s: unknown;
    try {
      s = timed(spec.fact, () => spec.parse({ uid, raw, ctx: CTX }));
    } catch (e) {
      throw new Error(`section parser ${spec.fact} threw: ${(e as Error).stack ?? String(e)}`, { cause: e });
    }
    expectSection(spec.fact, s);
    facts[spec.fact] = s;
  }
  return facts as Partial<HostFacts>;
}

/** The whole collector stream as the host would print it, run through the real splitter. */
function stream(raw: Map<string, RawSection>, marker: string): string {
  return [...raw.values()].map((r) => `${marker} BEGIN ${r.name}\n${r.body}\n${r.exitCode === null ? '' : `${marker} END ${r.name} ${r.exitCode}\n`}`).join('');
}

function expectNoCheckCrash(facts: Partial<HostFacts>): ReturnType<typeof evaluate> {
  const ev = timed('evaluate', () => evaluate(facts, 'fuzz-host'));
  const crashed = ev.checks.filter((c) => c.status === 'error' && 'message' in c && /^check failed:/.test(String(c.message)));
  if (crashed.length) throw new Error(`checks threw: ${crashed.map((c) => `${c.checkId}: ${'message' in c ? c.message : ''}`).join('; ')}`);
  return ev;
}

describe('section parsers and checks on hostile host output', () => {
  it('knows a seed for most sections (the mutations start from real outputs)', () => {
    const seeded = ALL_NAMES.filter((n) => SEEDS.has(n));
    // Guards the generator itself: without seeds the test would only ever see noise.
    expect(seeded.length).toBeGreaterThanOrEqual(20);
    expect(SPEC_NAMES.filter((s) => s.names.length === 0).map((s) => s.spec.fact)).toEqual(['vpnProfile']);
  });

  it('every section parser returns a typed Section in bounded time, and no check throws', () => {
    fc.assert(
      fc.property(rawSections, uidArb, (raw, uid) => {
        const facts = parseAll(raw, uid);
        facts.os = { ok: true, value: timed('os-release', () => parseOsRelease(raw.get('os')!.body)) } as HostFacts['os'];
        try {
          facts.sshd = { ok: true, value: { path: '/etc/ssh/sshd_config', config: timed('sshd -T', () => parseSshdT(raw.get('sshd_t')!.body)) } } as HostFacts['sshd'];
        } catch (e) {
          // sshd -T's parser refuses non-dumps with a typed error; anything else is a bug.
          if (!(e instanceof Error) || e.name === 'TypeError' || e.name === 'RangeError') throw e;
        }
        expectNoCheckCrash(facts);
      }),
      { numRuns: RUNS },
    );
  });

  it('the collector stream splitter and parseCollectOutput take any interleaving without a parser bug', () => {
    fc.assert(
      fc.property(rawSections, fc.constantFrom('@@RMP-fuzz-1', '=====x'), (raw, marker) => {
        const { facts } = timed('parseCollectOutput', () => parseCollectOutput(stream(raw, marker), marker, '/etc/ssh/sshd_config', { scanRoots: CTX.scanRoots }));
        for (const [fact, s] of Object.entries(facts)) expectSection(fact, s);
        expectNoCheckCrash(facts);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Secret values planted where values live never reach a finding or a message

const SECRET = 'Zq9PLANTEDfuzzSecretValue7741';

function withSecrets(raw: Map<string, RawSection>, where: readonly number[]): Map<string, RawSection> {
  const out = new Map(raw);
  const add = (name: string, lines: string[]): void => {
    const r = out.get(name)!;
    out.set(name, { ...r, body: `${r.body}\n${lines.join('\n')}` });
  };
  for (const w of where) {
    if (w === 0) add('compose_files', ['@F dotenv dotenv ok 40', '@P /srv/lab/compose/fz/.env', `|API_TOKEN=${SECRET}`, `|DB_PASSWORD="${SECRET}"`, '@E']);
    if (w === 1)
      add('compose_files', ['@F compose label ok 99', '@P /srv/lab/compose/fz/docker-compose.yml', '|services:', '|  app:', '|    image: x:1', '|    environment:', `|      SECRET_KEY: ${SECRET}`, `|      - DATABASE_URL=postgres://u:${SECRET}@db/x`, '@E']);
    if (w === 2) add('docker_containers', [JSON.stringify({ Id: 'f'.repeat(64), Name: '/fz', Config: { Image: 'x:1', Env: [`MYSQL_ROOT_PASSWORD=${SECRET}`, `URL=https://a:${SECRET}@h/`] }, HostConfig: {}, State: { Running: true } })]);
    if (w === 3) add('vpn_wg_conf', ['@file /etc/wireguard/wg9.conf 600 0 0', '[Interface]', `PrivateKey = ${SECRET}=`, `PresharedKey = ${SECRET}=`]);
    if (w === 4) add('secret_files', [`/srv/lab/srv/.env 644 0 0 ${SECRET}`]);
  }
  return out;
}

describe('planted secret values', () => {
  it('never appear in a finding or a section message', () => {
    fc.assert(
      fc.property(rawSections, uidArb, fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), (raw0, uid, where) => {
        const raw = withSecrets(raw0, where);
        for (const n of ['compose_files', 'docker_containers', 'vpn_wg_conf']) raw.set(n, { ...raw.get(n)!, exitCode: 0 });
        const facts = parseAll(raw, uid);
        const ev = expectNoCheckCrash(facts);
        for (const f of ev.findings) expect(`${f.title}\n${f.resource}\n${f.evidence}`).not.toContain(SECRET);
        for (const c of ev.checks) if ('message' in c) expect(String(c.message)).not.toContain(SECRET);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('the generator really plants: the compose parser sees the key with a secret value', () => {
    const raw = withSecrets(new Map(ALL_NAMES.map((n) => [n, { name: n, body: '', exitCode: 0 }])), [0]);
    raw.set('compose_files', { name: 'compose_files', body: `@T standalone=1 plugin=0\n@D /srv/lab/compose/fz${raw.get('compose_files')!.body}`, exitCode: 0 });
    const facts = parseAll(raw, 0);
    expect(JSON.stringify(facts.compose)).toContain('API_TOKEN');
    expect(JSON.stringify(facts.compose)).not.toContain(SECRET);
  });
});

// ---------------------------------------------------------------------------------------------
// The parsers of files the user imports

function noBugThrow(what: string, fn: () => unknown): void {
  try {
    timed(what, fn);
  } catch (e) {
    // Import parsers refuse bad files with a plain Error (RampartError) message; a TypeError or
    // RangeError is a bug.
    if (!(e instanceof Error) || ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'].includes(e.name) && !/JSON/.test(e.message)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
  }
}

const KNOWN_HOSTS_SEED = [
  'lab-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
  '|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ',
  '@cert-authority *.lab ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
  '[10.0.0.1]:2222,10.0.0.2 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=',
  '@revoked * ssh-rsa AAAA',
].join('\n');
const SSH_CONFIG_SEED = ['Host web-*', '  User admin', '  Port 2222', '  ProxyJump bastion', 'Host bastion', '  HostName 10.1.1.1', '  IdentityFile ~/.ssh/id_ed25519', 'Match host x exec "true"', 'Include ~/.ssh/conf.d/*'].join('\n');
const ANSIBLE_INI_SEED = ['[web]', 'web[01:03].lab ansible_user=admin ansible_port=2222', '[db:children]', 'web', '[all:vars]', "ansible_ssh_common_args='-o ProxyJump=bastion'"].join('\n');
const ANSIBLE_YAML_SEED = ['all:', '  hosts:', '    a.lab:', '      ansible_host: 10.0.0.1', '  children:', '    web:', '      hosts:', '        w[1:2].lab:'].join('\n');

describe('import parsers on hostile files', () => {
  const file = (seed: string): fc.Arbitrary<string> => fc.oneof(fc.string({ maxLength: 300 }), mutated([seed]), mutated([seed]));
  it('known_hosts', () => fc.assert(fc.property(file(KNOWN_HOSTS_SEED), (t) => noBugThrow('known_hosts', () => parseKnownHosts(t))), { numRuns: RUNS }));
  it('ssh_config', () => fc.assert(fc.property(file(SSH_CONFIG_SEED), (t) => noBugThrow('ssh_config', () => importSshConfig(t))), { numRuns: RUNS }));
  it('Ansible inventory (INI and YAML)', () =>
    fc.assert(fc.property(fc.oneof(file(ANSIBLE_INI_SEED), file(ANSIBLE_YAML_SEED)), (t) => noBugThrow('ansible', () => importAnsibleInventory(t))), { numRuns: RUNS }));
  it('Trivy JSON', () => {
    const seeds = fs.readdirSync(path.join(FIXTURES, 'cve')).map((f) => fs.readFileSync(path.join(FIXTURES, 'cve', f), 'utf8'));
    const json = fc.oneof(fc.json(), fc.jsonValue().map((v) => JSON.stringify({ SchemaVersion: 2, ArtifactName: 'x', Results: [v] })), mutated(seeds));
    fc.assert(fc.property(json, (t) => noBugThrow('trivy', () => ingestTrivyReport(t))), { numRuns: RUNS });
  });
  it('os-release and sshd -T', () =>
    fc.assert(
      fc.property(bodyFor('os'), bodyFor('sshd_t'), (os, sshd) => {
        noBugThrow('os-release', () => parseOsRelease(os));
        noBugThrow('sshd -T', () => parseSshdT(sshd));
      }),
      { numRuns: RUNS },
    ));
});

it('the fuzzed catalog is the whole catalog', () => {
  // New checks join the properties above without an edit here.
  expect(CHECKS.length).toBeGreaterThan(80);
});
