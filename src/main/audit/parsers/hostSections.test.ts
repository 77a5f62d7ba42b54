// The host-audit sections as the collector runs them: what each recorded scenario turns into
// (ok / needs-sudo / error / not-applicable), how a broken section degrades, and the real section
// scripts executed locally on a planted folder tree (no SSH).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCollectScript } from '../collector';
import type { HostFacts } from '../facts';
import { SECTION_SPECS } from '../sections';
import type { CollectContext } from '../sections/types';
import { HOST_FACTS, hostFacts, LAB_CTX, rawScenario } from '../../../../test/support/hostFixtures';
import { parseSections, type RawSection } from './sections';

const HOST_SPECS = SECTION_SPECS.filter((s) => HOST_FACTS.includes(s.fact));

function statuses(facts: HostFacts): Record<string, string> {
  return Object.fromEntries(HOST_FACTS.map((f) => {
    const s = facts[f as keyof HostFacts];
    return [f, s.ok ? 'ok' : s.status];
  }));
}

describe('recorded scenarios → facts', () => {
  it('root on the vulnerable and hardened hosts: every fact is there', () => {
    for (const scenario of ['vulnerable', 'hardened'] as const) {
      const st = statuses(hostFacts(rawScenario(scenario), 0));
      expect(Object.values(st).every((s) => s === 'ok'), `${scenario}: ${JSON.stringify(st)}`).toBe(true);
    }
  });

  it('unprivileged: root-only or unreadable facts are needs-sudo; world-readable ones are read', () => {
    expect(statuses(hostFacts(rawScenario('hardened-unprivileged'), 4100))).toEqual({
      systemInfo: 'ok',
      aptUpdates: 'needs-sudo',
      autoUpgrades: 'ok',
      timeSync: 'ok',
      accounts: 'ok',
      shadow: 'needs-sudo',
      sudoers: 'needs-sudo',
      sshKeys: 'needs-sudo',
      criticalFiles: 'ok',
      secretFiles: 'needs-sudo',
      writableFiles: 'needs-sudo',
      logFiles: 'ok',
      dataDirs: 'needs-sudo',
      backups: 'needs-sudo',
    });
  });

  it('the same denied output read as root is not needs-sudo (root saw everything there is)', () => {
    const facts = hostFacts(rawScenario('hardened-unprivileged'), 0);
    expect(facts.sudoers.ok).toBe(true);
    // /etc/shadow "Permission denied" as root is a real error, not a sudo problem.
    expect(facts.shadow).toMatchObject({ ok: false, status: 'error' });
  });
});

describe('a broken section costs its own fact, never the run', () => {
  const base = rawScenario('vulnerable');
  const parse = (raw: Map<string, RawSection>, uid: number | null = 0): HostFacts => hostFacts(raw, uid);
  const without = (name: string): Map<string, RawSection> => {
    const m = new Map(base);
    m.delete(name);
    return m;
  };
  const replaced = (name: string, s: Partial<RawSection>): Map<string, RawSection> => new Map(base).set(name, { ...base.get(name)!, ...s });

  it('missing output → error', () => {
    expect(parse(without('secret_files')).secretFiles).toMatchObject({ ok: false, status: 'error', message: expect.stringMatching(/no output/) });
    expect(parse(without('group')).accounts).toMatchObject({ ok: false, status: 'error' });
  });

  it('cut off (no END line) → error', () => {
    expect(parse(replaced('backups', { exitCode: null })).backups).toMatchObject({ ok: false, status: 'error', message: expect.stringMatching(/cut off/) });
  });

  it('timed out → error; apt missing → not-applicable; no sudo → not-applicable', () => {
    expect(parse(replaced('ssh_keys', { exitCode: 124 })).sshKeys).toMatchObject({ status: 'error', message: expect.stringMatching(/in time/) });
    expect(parse(replaced('apt_upgradable', { exitCode: 127, body: '' })).aptUpdates).toMatchObject({ status: 'not-applicable' });
    expect(parse(replaced('auto_upgrades', { exitCode: 127, body: '' })).autoUpgrades).toMatchObject({ status: 'not-applicable' });
    expect(parse(replaced('sudoers', { body: '#rampart absent' })).sudoers).toMatchObject({ status: 'not-applicable' });
  });

  it('garbage where a section should be → error or an empty fact, never a throw', () => {
    const garbage = '\x00\x01\x02 not what the collector prints \t\t\n'.repeat(50);
    const raw = new Map([...base].map(([k, v]) => [k, { ...v, body: garbage }]));
    const facts = parse(raw);
    expect(facts.systemInfo).toMatchObject({ ok: false, status: 'error' });
    expect(facts.accounts).toMatchObject({ ok: false, status: 'error' });
    expect(facts.backups).toMatchObject({ ok: false, status: 'error' });
    expect(facts.secretFiles).toMatchObject({ ok: true, value: { files: [] } });
  });
});

describe('section scripts', () => {
  const hostile: CollectContext = { sshdConfigPath: "/etc/ssh/sshd_config'; touch /tmp/pwned; '", scanRoots: ["/srv/it's $(reboot) `x`", '/srv/a b'], sectionTimeoutS: 5 };

  it('use only sec/secsh lines with unique raw section names', () => {
    const names = HOST_SPECS.flatMap((s) => s.script(LAB_CTX).split('\n').filter((l) => /^sec(sh)? /.test(l)).map((l) => l.split(' ')[1]!));
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(['apt_upgradable', 'auto_upgrades', 'backups', 'critical_files', 'data_dirs', 'group', 'log_files', 'passwd', 'secret_files', 'shadow', 'ssh_keys', 'sudoers', 'sys_info', 'time_sync', 'writable_files']);
  });

  it('are valid POSIX sh, also with hostile scan roots and config paths (quoted, never run)', () => {
    const { scripts } = buildCollectScript({ sshdConfigPath: hostile.sshdConfigPath, scanRoots: hostile.scanRoots });
    for (const script of scripts) execFileSync('sh', ['-n'], { input: script });
    for (const spec of HOST_SPECS) {
      const line = spec.script(hostile);
      // every section's code is one shQuoted argument: extract and syntax-check it on its own
      const m = /^secsh \S+ '([\s\S]*)'$/.exec(line);
      if (m) execFileSync('sh', ['-n', '-c', m[1]!.replace(/'\\''/g, "'")]);
    }
  });

  it('never print a password field, a file\'s content or a key (by construction of the awk/find programs)', () => {
    const all = HOST_SPECS.map((s) => s.script(LAB_CTX)).join('\n');
    // shadow and passwd: only awk programs that compare $2, never print it
    expect(all).not.toMatch(/\bcat\b/);
    for (const awk of all.match(/awk -F: [^\n]*\/etc\/(passwd|shadow|group)/g) ?? []) expect(awk, awk).not.toMatch(/printf? "[^"]*",[^}]*\$2\b/);
    // file contents: the only reads are grep -q (a yes/no) and od into a variable that a case turns into a label
    for (const line of all.split('\n').filter((l) => /\bod\b/.test(l))) expect(line).toMatch(/h=\$\(od /);
    for (const line of all.split('\n').filter((l) => /\bgrep\b/.test(l) && /PRIVATE KEY/.test(l))) expect(line).toMatch(/grep -qs/);
  });
});

describe('section scripts run locally on a planted tree', () => {
  let dir: string;
  let facts: HostFacts;
  const secretValue = `rmp-canary-local-${process.pid}`;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rampart sections it's $(x) "));
    const w = (rel: string, content: string | Buffer, mode: number, mtime?: number): void => {
      const p = path.join(dir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      fs.chmodSync(p, mode);
      if (mtime) fs.utimesSync(p, mtime, mtime);
    };
    w('stack/.env', `TOKEN=${secretValue}\n`, 0o644);
    w('stack/.env.example', 'TOKEN=changeme\n', 0o644);
    w('stack/docker-compose.yml', 'services: {}\n', 0o666);
    w("stack/it's $(x)/secrets/db_password", `${secretValue}\n`, 0o640);
    w('stack/tls/key.pem', `-----BEGIN PRIVATE KEY-----\n${Buffer.from(secretValue).toString('base64')}\n-----END PRIVATE KEY-----\n`, 0o604);
    w('stack/tls/cert.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 0o644);
    w('stack/node_modules/x/.env', 'IGNORED=1\n', 0o644);
    w('db/data/PG_VERSION', '16\n', 0o600);
    fs.chmodSync(path.join(dir, 'db/data'), 0o750);
    const old = Date.now() / 1000 - 5 * 86400;
    w('backups/db.sql.gz', Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, ...Buffer.from(secretValue)]), 0o644, old);
    w('backups/db.sql.age', Buffer.concat([Buffer.from('age-encryption.org/v1\n'), Buffer.from(secretValue)]), 0o600, old);
    // A backup folder with quotes, $( ) and spaces in its name: found as a scan-root location
    // (its source kind and its stats travel in separate records, joined by path).
    w("stack/it's $(x) db-backup/dump.pgdump", Buffer.concat([Buffer.from('PGDMP'), Buffer.from(secretValue)]), 0o600, old);
    const ctx: CollectContext = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [dir], sectionTimeoutS: 20 };
    // The collector's own lanes (walks grouped as in an audit), the scan root's name hostile.
    const { marker, scripts } = buildCollectScript({ ...ctx, only: HOST_FACTS as never[] });
    const out = scripts.map((script) => execFileSync('sh', ['-s'], { input: script, encoding: 'utf8', maxBuffer: 64 << 20 })).join('\n');
    expect(scripts.join('\n')).toContain('rampart_walk_t=');
    expect(out).not.toContain(secretValue);
    const raw = parseSections(out, marker);
    const uid = Number(raw.get('id')!.body.trim());
    facts = hostFacts(raw, uid);
  }, 120_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the secrets by name and header (templates, certificates and dependencies left out)', () => {
    expect(facts.secretFiles.ok).toBe(true);
    if (!facts.secretFiles.ok) return;
    const got = facts.secretFiles.value.files.filter((f) => f.stat.path.startsWith(dir)).map((f) => `${f.kind} ${path.relative(dir, f.stat.path)}`);
    expect(got.sort()).toEqual(['env-file stack/.env', 'private-key stack/tls/key.pem', "secrets-folder stack/it's $(x)/secrets/db_password"]);
  });

  it('finds world-writable files, the data folder and the backups with their signatures', () => {
    if (!facts.writableFiles.ok || !facts.dataDirs.ok || !facts.backups.ok) throw new Error(JSON.stringify([facts.writableFiles, facts.dataDirs, facts.backups]));
    expect(facts.writableFiles.value.files.filter((f) => f.path.startsWith(dir)).map((f) => path.relative(dir, f.path))).toEqual(['stack/docker-compose.yml']);
    expect(facts.dataDirs.value.dirs.filter((d) => d.stat.path.startsWith(dir)).map((d) => [path.relative(dir, d.stat.path), d.engine, d.stat.mode])).toEqual([['db/data', 'postgresql', 0o750]]);
    const loc = facts.backups.value.locations.find((l) => l.path === path.join(dir, 'backups'))!;
    expect(loc.source).toBe('scan-root');
    expect(loc.files.map((f) => `${path.basename(f.stat.path)} ${f.magic} ${f.encryption}`).sort()).toEqual(['db.sql.age age encrypted', 'db.sql.gz gzip unencrypted']);
    const hostile = facts.backups.value.locations.find((l) => l.path === path.join(dir, "stack/it's $(x) db-backup"));
    expect(hostile?.source).toBe('scan-root');
    expect(hostile?.files.map((f) => `${path.basename(f.stat.path)} ${f.magic}`)).toEqual(['dump.pgdump pgdump']);
  });

  it('system and account facts of this machine parse', () => {
    expect(facts.systemInfo.ok).toBe(true);
    expect(facts.accounts.ok).toBe(true);
    expect(facts.criticalFiles.ok).toBe(true);
  });
});
