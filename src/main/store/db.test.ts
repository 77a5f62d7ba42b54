// Migration runner and database opening, against real SQLite files in a temporary directory.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RampartError } from '../../shared/errors';
import { openDatabase, schemaVersion, type Db } from './db';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

let dir: string;
let file: string;
const open: Db[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-db-test-'));
  file = path.join(dir, 'rampart.db');
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function track(db: Db): Db {
  open.push(db);
  return db;
}

function tables(db: Db): string[] {
  return (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map(
    (r) => r.name,
  );
}

function indexes(db: Db): string[] {
  return (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map(
    (r) => r.name,
  );
}

/** Captures an error thrown synchronously, failing the test if nothing is thrown. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

function snapshot(f: string): { bytes: Buffer; mtimeMs: number; size: number } {
  const st = fs.statSync(f);
  return { bytes: fs.readFileSync(f), mtimeMs: st.mtimeMs, size: st.size };
}

describe('openDatabase: a fresh database', () => {
  it('is migrated to SCHEMA_VERSION with every table', () => {
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(tables(db)).toEqual(['app_settings', 'audit_runs', 'check_results', 'checklist_items', 'checklists', 'finding_triage', 'findings', 'host_keys', 'hosts', 'mail_domains', 'probe_profiles', 'probe_results', 'probe_runs', 'probe_seeds', 'remediation_fixes', 'remediation_jobs', 'remediation_steps', 'saved_views', 'triage_log']);
    expect(indexes(db)).toEqual(expect.arrayContaining(['audit_runs_host', 'findings_key']));
  });

  it('uses WAL journal mode and enforces foreign keys', () => {
    const db = track(openDatabase(file));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // WAL mode is persistent: a plain connection sees it too.
    db.close();
    const raw = track(new Database(file));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('creates the parent directory when it does not exist', () => {
    const nested = path.join(dir, 'a', 'b', 'c', 'rampart.db');
    const db = track(openDatabase(nested));
    expect(fs.existsSync(nested)).toBe(true);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
  });

  it('has STRICT tables: a TEXT value in an INTEGER column is rejected', () => {
    const db = track(openDatabase(file));
    const strict = (db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'").all() as Array<{
      name: string;
      strict: number;
    }>).sort((a, b) => a.name.localeCompare(b.name));
    expect(strict).toEqual([
      { name: 'app_settings', strict: 1 },
      { name: 'audit_runs', strict: 1 },
      { name: 'check_results', strict: 1 },
      { name: 'checklist_items', strict: 1 },
      { name: 'checklists', strict: 1 },
      { name: 'finding_triage', strict: 1 },
      { name: 'findings', strict: 1 },
      { name: 'host_keys', strict: 1 },
      { name: 'hosts', strict: 1 },
      { name: 'mail_domains', strict: 1 },
      { name: 'probe_profiles', strict: 1 },
      { name: 'probe_results', strict: 1 },
      { name: 'probe_runs', strict: 1 },
      { name: 'probe_seeds', strict: 1 },
      { name: 'remediation_fixes', strict: 1 },
      { name: 'remediation_jobs', strict: 1 },
      { name: 'remediation_steps', strict: 1 },
      { name: 'saved_views', strict: 1 },
      { name: 'triage_log', strict: 1 },
    ]);
    expect(() =>
      db
        .prepare('INSERT INTO hosts (name, address, port, username, created_at) VALUES (?, ?, ?, ?, ?)')
        .run('web', '10.0.0.1', 'twenty-two', 'root', new Date().toISOString()),
    ).toThrow(/cannot store TEXT value in INTEGER column/i);
    expect(() =>
      db
        .prepare(`INSERT INTO audit_runs (id, host_name, address, port, started_at, status, exec_count) VALUES ('r', 'h', 'a', 22, 'now', 'complete', 'many')`)
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/i);
    expect(db.prepare('SELECT COUNT(*) AS n FROM hosts').get()).toEqual({ n: 0 });
  });

  it('enforces the CHECK constraints of the schema', () => {
    const db = track(openDatabase(file));
    expect(() =>
      db.prepare('INSERT INTO hosts (name, address, port, username, created_at) VALUES (?, ?, ?, ?, ?)').run('web', '10.0.0.1', 70000, 'root', 'now'),
    ).toThrow(/CHECK constraint failed/);
    expect(() =>
      db.prepare(`INSERT INTO audit_runs (id, host_name, address, port, started_at, status) VALUES ('r', 'h', 'a', 22, 'now', 'exploded')`).run(),
    ).toThrow(/CHECK constraint failed/);
  });

  it('reopening an up-to-date database changes nothing and makes no backup', () => {
    track(openDatabase(file)).close();
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });
});

describe('openDatabase: upgrading a v1 database', () => {
  it('migrates to the latest version, keeps hosts and pinned keys, and leaves a valid v1 backup', () => {
    const v1 = track(openDatabase(file, { targetVersion: 1 }));
    expect(schemaVersion(v1)).toBe(1);
    expect(tables(v1)).toEqual(['host_keys', 'hosts']);
    v1.prepare('INSERT INTO hosts (name, address, port, username, created_at) VALUES (?, ?, ?, ?, ?)').run(
      'web-1',
      '192.0.2.10',
      2222,
      'admin',
      '2025-01-01T00:00:00.000Z',
    );
    v1.prepare('INSERT INTO host_keys (address, port, key_type, fingerprint, pinned_at) VALUES (?, ?, ?, ?, ?)').run(
      '192.0.2.10',
      2222,
      'ssh-ed25519',
      'SHA256:' + 'A'.repeat(43),
      '2025-01-02T00:00:00.000Z',
    );
    v1.close();

    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(16);
    expect(tables(db)).toEqual(['app_settings', 'audit_runs', 'check_results', 'checklist_items', 'checklists', 'finding_triage', 'findings', 'host_keys', 'hosts', 'mail_domains', 'probe_profiles', 'probe_results', 'probe_runs', 'probe_seeds', 'remediation_fixes', 'remediation_jobs', 'remediation_steps', 'saved_views', 'triage_log']);
    expect(db.prepare('SELECT name, address, port, username, sshd_config_path FROM hosts').all()).toEqual([
      { name: 'web-1', address: '192.0.2.10', port: 2222, username: 'admin', sshd_config_path: '/etc/ssh/sshd_config' },
    ]);
    // v3 profile columns get their defaults for hosts that existed before.
    expect(db.prepare('SELECT auth, vpn_only, sudo, tags_json, scan_roots_json, jump_host_id FROM hosts').get()).toEqual({
      auth: 'key-file',
      vpn_only: 0,
      sudo: 'none',
      tags_json: '[]',
      scan_roots_json: '[]',
      jump_host_id: null,
    });
    expect(db.prepare('SELECT address, port, key_type, fingerprint FROM host_keys').all()).toEqual([
      { address: '192.0.2.10', port: 2222, key_type: 'ssh-ed25519', fingerprint: 'SHA256:' + 'A'.repeat(43) },
    ]);

    const backup = `${file}.pre-v${SCHEMA_VERSION}.bak`;
    expect(fs.existsSync(backup)).toBe(true);
    const bak = track(new Database(backup, { readonly: true, fileMustExist: true }));
    expect(bak.pragma('quick_check', { simple: true })).toBe('ok');
    expect(bak.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(bak)).toEqual(['host_keys', 'hosts']);
    expect(bak.prepare('SELECT name, address, port FROM hosts').all()).toEqual([{ name: 'web-1', address: '192.0.2.10', port: 2222 }]);
    expect(bak.prepare('SELECT COUNT(*) AS n FROM host_keys').get()).toEqual({ n: 1 });
  });

  it('a fresh database (version 0) gets no backup', () => {
    track(openDatabase(file)).close();
    expect(fs.existsSync(`${file}.pre-v1.bak`)).toBe(false);
    expect(fs.existsSync(`${file}.pre-v2.bak`)).toBe(false);
  });
});

describe('openDatabase: a database from a newer Rampart', () => {
  function makeV99(): void {
    const raw = new Database(file);
    raw.exec('CREATE TABLE future_things (id INTEGER PRIMARY KEY, what TEXT) STRICT');
    raw.prepare('INSERT INTO future_things (what) VALUES (?)').run('from the future');
    raw.pragma('user_version = 99');
    raw.close();
  }

  it('throws DB_TOO_NEW with a clear message', () => {
    makeV99();
    const e = thrown(() => openDatabase(file));
    expect(e).toBeInstanceOf(RampartError);
    const err = e as RampartError;
    expect(err.code).toBe('DB_TOO_NEW');
    expect(err.message).toContain('99');
    expect(err.message).toContain(String(SCHEMA_VERSION));
    expect(err.message).toMatch(/newer Rampart/);
    expect(err.message).toContain(file);
    expect(err.details).toEqual({ databaseVersion: 99, supportedVersion: SCHEMA_VERSION });
  });

  it('leaves user_version and the data alone and makes no backup', () => {
    makeV99();
    expect(() => openDatabase(file)).toThrow(RampartError);
    const raw = track(new Database(file, { readonly: true }));
    expect(raw.pragma('user_version', { simple: true })).toBe(99);
    expect(tables(raw)).toEqual(['future_things']);
    expect(raw.prepare('SELECT what FROM future_things').all()).toEqual([{ what: 'from the future' }]);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('leaves the file byte-for-byte unchanged ("it was not modified")', async () => {
    makeV99();
    const before = snapshot(file);
    await new Promise((r) => setTimeout(r, 20)); // so a write would show in mtime
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'DB_TOO_NEW' }));
    const after = snapshot(file);
    // Header bytes 18/19 are the read/write format versions: 1 = rollback journal, 2 = WAL.
    // Switching a refused database to WAL rewrites them.
    expect({ read: after.bytes[18], write: after.bytes[19] }).toEqual({ read: before.bytes[18], write: before.bytes[19] });
    expect(after.size).toBe(before.size);
    expect(after.bytes.equals(before.bytes)).toBe(true);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('a WAL-mode database from a newer Rampart is also left unchanged', async () => {
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE future_things (id INTEGER PRIMARY KEY)');
    raw.pragma('user_version = 99');
    raw.close();
    const before = snapshot(file);
    await new Promise((r) => setTimeout(r, 20));
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'DB_TOO_NEW' }));
    const after = snapshot(file);
    expect(after.bytes.equals(before.bytes)).toBe(true);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });
});

describe('openDatabase: a file that is not a database', () => {
  it('random bytes → DB_CORRUPT, file unchanged', () => {
    const garbage = randomBytes(16 * 1024);
    garbage.write('definitely not SQLite', 0, 'latin1'); // never starts with the SQLite magic
    fs.writeFileSync(file, garbage);
    const before = snapshot(file);
    const e = thrown(() => openDatabase(file));
    expect(e).toBeInstanceOf(RampartError);
    expect((e as RampartError).code).toBe('DB_CORRUPT');
    expect((e as RampartError).message).toContain(file);
    expect((e as RampartError).message).toMatch(/not modified/);
    const after = snapshot(file);
    expect(after.bytes.equals(garbage)).toBe(true);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('a text file → DB_CORRUPT', () => {
    fs.writeFileSync(file, 'host web-1\naddress 10.0.0.1\n'.repeat(200));
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ name: 'RampartError', code: 'DB_CORRUPT' }));
    expect(fs.readFileSync(file, 'utf8')).toBe('host web-1\naddress 10.0.0.1\n'.repeat(200));
  });

  it('a database whose pages were overwritten → DB_CORRUPT (quick_check), file unchanged', () => {
    const raw = new Database(file);
    raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const ins = raw.prepare('INSERT INTO t (v) VALUES (?)');
    raw.transaction(() => {
      for (let i = 0; i < 2000; i++) ins.run('x'.repeat(100) + i);
    })();
    raw.close();
    // Keep the 100-byte header and page 1 (schema) intact; scribble over a data page.
    const fd = fs.openSync(file, 'r+');
    const pageSize = 4096;
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, pageSize * 3);
    fs.closeSync(fd);
    const before = snapshot(file);
    const e = thrown(() => openDatabase(file));
    expect(e).toBeInstanceOf(RampartError);
    expect((e as RampartError).code).toBe('DB_CORRUPT');
    expect(snapshot(file).bytes.equals(before.bytes)).toBe(true);
  });
});

describe('migrate: a failing migration rolls back entirely', () => {
  function v1WithHost(): void {
    const db = openDatabase(file, { targetVersion: 1 });
    db.prepare('INSERT INTO hosts (name, address, port, username, created_at) VALUES (?, ?, ?, ?, ?)').run('web-1', '10.0.0.1', 22, 'root', 'now');
    db.close();
  }

  it('v2 fails on its first statement (audit_runs already exists): still v1, no new tables', () => {
    v1WithHost();
    const raw = new Database(file);
    raw.exec('CREATE TABLE audit_runs (legacy TEXT)');
    raw.close();

    expect(() => openDatabase(file)).toThrow(/audit_runs already exists/);
    const db = track(new Database(file, { readonly: true }));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['audit_runs', 'host_keys', 'hosts']);
    expect(db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').get('audit_runs')).toEqual({ sql: 'CREATE TABLE audit_runs (legacy TEXT)' });
    expect(db.prepare('SELECT name FROM hosts').all()).toEqual([{ name: 'web-1' }]);
  });

  it('v2 fails on a late statement (findings already exists): earlier CREATEs are rolled back too', () => {
    v1WithHost();
    const raw = new Database(file);
    raw.exec("CREATE TABLE findings (note TEXT); INSERT INTO findings VALUES ('keep me')");
    raw.close();

    expect(() => openDatabase(file)).toThrow(/findings already exists/);
    const db = track(new Database(file, { readonly: true }));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    // audit_runs, its index and check_results were created before the failure; none may remain.
    expect(tables(db)).toEqual(['findings', 'host_keys', 'hosts']);
    expect(indexes(db)).toEqual([]);
    expect(db.prepare('SELECT note FROM findings').all()).toEqual([{ note: 'keep me' }]);
    expect(db.prepare('SELECT name FROM hosts').all()).toEqual([{ name: 'web-1' }]);
  });

  it('after the obstacle is removed, the same file migrates normally', () => {
    v1WithHost();
    const raw = new Database(file);
    raw.exec('CREATE TABLE findings (note TEXT)');
    raw.close();
    expect(() => openDatabase(file)).toThrow();
    const fix = new Database(file);
    fix.exec('DROP TABLE findings');
    fix.close();
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT name FROM hosts').all()).toEqual([{ name: 'web-1' }]);
  });
});
