// File facts from recorded lab output: critical files, secret files (by name and private-key
// header), world-writable files, logs, data folders; plus edge inputs.
import { describe, expect, it } from 'vitest';
import { classifySecretPath, parseCriticalFiles, parseDataDirs, parseSecretFiles, parseStatList } from './files';
import { rawFixture } from '../../../../test/support/hostFixtures';

const body = (name: string, scenario: string): string => rawFixture(name, scenario).body;

describe('parseCriticalFiles', () => {
  it('vulnerable lab host: roles and modes', () => {
    const c = parseCriticalFiles(body('critical_files', 'vulnerable'));
    const mode = (p: string) => c.files.find((f) => f.stat.path === p)!.stat.mode.toString(8);
    expect(c.files.find((f) => f.stat.path === '/etc/ssh/ssh_host_dsa_key')!.role).toBe('hostkey');
    expect(mode('/etc/ssh/ssh_host_dsa_key')).toBe('644');
    expect(mode('/etc/shadow')).toBe('644');
    expect(mode('/etc/ssh/sshd_config')).toBe('666');
    expect(c.files.filter((f) => f.role === 'sudoers').map((f) => f.stat.path)).toEqual(['/etc/sudoers', '/etc/sudoers.d/90-nopasswd', '/etc/sudoers.d/91-guest']);
  });

  it('unprivileged: sudoers.d cannot be listed, the rest is there', () => {
    const c = parseCriticalFiles(body('critical_files', 'vulnerable-unprivileged'));
    expect(c.files.some((f) => f.stat.path === '/etc/shadow')).toBe(true);
    expect(c.files.filter((f) => f.role === 'sudoers').map((f) => f.stat.path)).toEqual(['/etc/sudoers']);
  });

  it('a stat without a role record is ignored unless it is a fixed path', () => {
    const rec = (p: string) => `F\t644\t0\t0\troot\troot\tf\t1\t1\t${p}\0`;
    expect(parseCriticalFiles(rec('/etc/passwd') + rec('/tmp/x')).files.map((f) => f.role)).toEqual(['passwd']);
  });
});

describe('secret files', () => {
  it('names that hold secrets, and those that do not', () => {
    const cases: Array<[string, string | null]> = [
      ['/srv/app/.env', 'env-file'],
      ['/srv/app/.env.production', 'env-file'],
      ['/srv/app/db.env', 'env-file'],
      ['/srv/app/.env.example', null],
      ['/srv/app/.env.sample', null],
      ['/srv/app/example.env', null],
      ['/srv/app/.env.template', null],
      ['/srv/traefik/acme.json', 'acme-store'],
      ['/srv/vpn/wg0.conf', 'wireguard-config'],
      ['/home/a/.pgpass', 'pgpass'],
      ['/home/a/.my.cnf', 'mysql-credentials'],
      ['/etc/mysql/debian.cnf', 'mysql-credentials'],
      ['/srv/debian.cnf', null],
      ['/srv/nginx/htpasswd', 'htpasswd'],
      ['/srv/nginx/.htpasswd', 'htpasswd'],
      ['/home/a/.netrc', 'netrc'],
      ['/home/a/.git-credentials', 'git-credentials'],
      ['/home/a/.aws/credentials', 'cloud-credentials'],
      ['/srv/credentials', null],
      ['/home/a/.docker/config.json', 'docker-credentials'],
      ['/etc/postfix/sasl_passwd.db', 'sasl-password'],
      ['/srv/stack/secrets/db_password.txt', 'secrets-folder'],
      ['/srv/stack/secrets/README.md', null],
      ['/srv/stack/secrets/.gitkeep', null],
      ['/srv/stack/config.yml', null],
    ];
    for (const [p, kind] of cases) expect(classifySecretPath(p), p).toBe(kind);
  });

  it('vulnerable lab host: every planted secret, no template, no certificate', () => {
    const s = parseSecretFiles(body('secret_files', 'vulnerable'));
    expect(s.files.map((f) => `${f.kind} ${f.stat.path.replace('/srv/lab/', '')} ${f.stat.mode.toString(8)}`).sort()).toEqual([
      'acme-store home/alice/apps/web/acme.json 666',
      'env-file home/alice/apps/web/.env 644',
      'env-file srv/stack/.env 604',
      'htpasswd home/alice/apps/web/htpasswd 644',
      'mysql-credentials home/alice/.my.cnf 644',
      'pgpass home/alice/.pgpass 644',
      'private-key home/alice/apps/web/tls/server.key 644',
      'ssh-private-key home/alice/.ssh/id_ed25519 644',
      'wireguard-config home/alice/apps/web/wg0.conf 640',
    ]);
    expect(s.denied).toEqual([]);
  });

  it('hardened lab host: protected secrets are still listed (the checks judge them)', () => {
    const s = parseSecretFiles(body('secret_files', 'hardened'));
    expect(s.files.map((f) => f.stat.mode.toString(8))).toEqual(['600', '600']);
  });

  it('unprivileged: unreadable roots are denied', () => {
    expect(parseSecretFiles(body('secret_files', 'hardened-unprivileged')).denied.length).toBeGreaterThan(0);
  });

  it('a key-like file the collector could not read is "denied", not a secret or a non-secret', () => {
    const s = parseSecretFiles('U\t600\t1000\t1000\tbob\tbob\tf\t1\t1\t/home/bob/id_rsa\0');
    expect(s.files).toEqual([]);
    expect(s.denied).toEqual(['/home/bob/id_rsa']);
  });

  it('truncated and garbage output', () => {
    const cut = body('secret_files', 'vulnerable').slice(0, 200);
    expect(parseSecretFiles(cut).truncated).toBe(true);
    expect(parseSecretFiles('F\tgarbage\0K\t\0\x00\x01').files).toEqual([]);
  });
});

describe('world-writable files and logs', () => {
  it('vulnerable lab host: world-writable entries under /etc, homes and scan roots', () => {
    const w = parseStatList(body('writable_files', 'vulnerable'), 'W');
    expect(w.files.map((f) => f.path.replace('/srv/lab/', '')).sort()).toEqual([
      '/etc/ssh/authorized_keys_alice',
      '/etc/ssh/sshd_config',
      'home/alice/.ssh',
      'home/alice/apps/web/acme.json',
      'home/alice/apps/web/docker-compose.yml',
      'srv/stack/docker-compose.yml',
    ]);
  });

  it('hardened lab host: none', () => {
    expect(parseStatList(body('writable_files', 'hardened'), 'W')).toEqual({ files: [], denied: [], truncated: false });
  });

  it('logs of the vulnerable host', () => {
    const l = parseStatList(body('log_files', 'vulnerable'), 'F');
    expect(l.files.map((f) => `${f.path} ${f.mode.toString(8)}`).sort()).toEqual([
      '/var/log/auth.log 644',
      '/var/log/auth.log.1 644',
      '/var/log/kern.log 666',
      '/var/log/wtmp 664',
    ]);
  });
});

describe('parseDataDirs', () => {
  it('vulnerable: an open PostgreSQL folder in a home, the machine\'s private one', () => {
    const d = parseDataDirs(body('data_dirs', 'vulnerable'));
    expect(d.dirs.map((x) => `${x.engine} ${x.stat.path} ${x.stat.mode.toString(8)}`).sort()).toEqual([
      'postgresql /srv/lab/home/alice/apps/pg/data 755',
      'postgresql /var/lib/postgresql/15/main 700',
    ]);
  });

  it('per-database PG_VERSION folders (base/OID) are not data folders', () => {
    const rec = (p: string) => `M\tPG_VERSION\t700\t999\t999\tpg\tpg\td\t1\t1\t${p}\0`;
    expect(parseDataDirs(rec('/srv/pg/data') + rec('/srv/pg/data/base/16384')).dirs.map((x) => x.stat.path)).toEqual(['/srv/pg/data']);
  });

  it('unprivileged: the machine\'s 0700 data folder is denied', () => {
    expect(parseDataDirs(body('data_dirs', 'hardened-unprivileged')).denied).toContain('/var/lib/postgresql/15/main');
  });

  it('E (marker, folder) + S (one stat per folder) records, as the collector prints them since one find stats all folders', () => {
    const st = (p: string, mode = '700') => `S\t${mode}\t999\t999\tpg\tpg\td\t1\t1\t${p}\0`;
    const e = (m: string, p: string) => `E\t${m}\t${p}\0`;
    const body =
      e('PG_VERSION', '/srv/pg/data') + e('PG_VERSION', '/srv/pg/data/base/16384') + e('dump.rdb', '/srv/cache') + e('appendonly.aof.1.base.rdb', '/srv/cache') +
      e('ibdata1', '/srv/gone') + e('README', '/srv/other') + st('/srv/pg/data') + st('/srv/pg/data/base/16384') + st('/srv/cache', '755') + st('/srv/other');
    const d = parseDataDirs(body);
    // The first marker of a folder wins; a folder whose stat is missing (removed meanwhile) is skipped.
    expect(d.dirs.map((x) => `${x.engine} ${x.stat.path} ${x.stat.mode.toString(8)}`)).toEqual(['postgresql /srv/pg/data 700', 'redis /srv/cache 755']);
    // Same result as the older one-M-record-per-marker form.
    const m = (mk: string, p: string, mode = '700') => `M\t${mk}\t${mode}\t999\t999\tpg\tpg\td\t1\t1\t${p}\0`;
    expect(parseDataDirs(m('PG_VERSION', '/srv/pg/data') + m('dump.rdb', '/srv/cache', '755')).dirs).toEqual(d.dirs);
  });

  it('unknown markers and files are ignored', () => {
    expect(parseDataDirs('M\tREADME\t755\t0\t0\troot\troot\td\t1\t1\t/srv\0M\tPG_VERSION\t755\t0\t0\troot\troot\tf\t1\t1\t/srv/x\0').dirs).toEqual([]);
  });
});
