// Compose parsers: the collector's framed dump, compose YAML in all its environment spellings, env
// files; empty, truncated, garbage and huge inputs. Values are classified, never kept.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseComposeDump, parseComposeFiles, parseComposeYaml, parseEnvFile, resolveEnvFile } from './compose';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'docker');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const PLANTED = /PLANTED-/;

describe('parseComposeDump', () => {
  it('the real dump of the vulnerable lab project', () => {
    const dump = parseComposeDump(fixture('compose-dump-vulnerable.txt'));
    expect(dump.tools).toEqual({ standalone: true, plugin: false });
    expect(dump.projectDirs).toEqual(['/srv/lab/compose/vulnproj']);
    expect(dump.problems).toEqual([]);
    expect(dump.files.map((f) => [f.kind, f.source, f.status, f.path])).toEqual([
      ['compose', 'label', 'ok', '/srv/lab/compose/vulnproj/docker-compose.yml'],
      ['env', 'env_file', 'ok', '/srv/lab/compose/vulnproj/app.env'],
      ['dotenv', 'dotenv', 'ok', '/srv/lab/compose/vulnproj/.env'],
    ]);
    const { files, envFiles } = parseComposeFiles(dump);
    expect(files).toEqual([
      {
        path: '/srv/lab/compose/vulnproj/docker-compose.yml',
        source: 'label',
        services: [
          {
            name: 'web',
            image: 'lab/busybox:1.35',
            environment: [
              { key: 'DB_PASSWORD', kind: 'literal', secret: true },
              { key: 'ADMIN_PASSWORD', kind: 'default', secret: true },
              { key: 'SESSION_SECRET', kind: 'reference', secret: true },
              { key: 'APP_NAME', kind: 'literal', secret: false },
            ],
            envFiles: ['/srv/lab/compose/vulnproj/app.env'],
          },
        ],
      },
    ]);
    expect(envFiles).toEqual([
      { path: '/srv/lab/compose/vulnproj/app.env', kind: 'env', entries: [{ key: 'API_KEY', kind: 'default', secret: true }, { key: 'SMTP_PASSWORD', kind: 'literal', secret: true }] },
      { path: '/srv/lab/compose/vulnproj/.env', kind: 'dotenv', entries: [{ key: 'SESSION_SECRET', kind: 'default', secret: true }] },
    ]);
    expect(JSON.stringify({ files, envFiles })).not.toMatch(PLANTED);
  });

  it('content cannot forge framing: every content line starts with |', () => {
    const dump = parseComposeDump(['@F compose scan ok 30', '@P /a/compose.yml', '|@E', '|@F env x ok 1', '|@P /etc/shadow', '@E'].join('\n'));
    expect(dump.files).toHaveLength(1);
    expect(dump.files[0]!.content).toBe('@E\n@F env x ok 1\n@P /etc/shadow');
  });

  it('statuses other than ok carry no content; relative or missing paths are dropped; paths are normalized', () => {
    const dump = parseComposeDump(
      [
        '@F compose scan too-big 999999', '@P /big/compose.yml', '@E',
        '@F env env_file unreadable 0', '@P /x/./y/../secret.env', '@E',
        '@F compose label missing 0', '@P relative/compose.yml', '@E',
        '@F compose label weird-status 0', '@P /w/compose.yml', '@E',
        '@F compose label ok 5', '@E',
      ].join('\n'),
    );
    expect(dump.files.map((f) => [f.status, f.path, f.content])).toEqual([
      ['too-big', '/big/compose.yml', undefined],
      ['unreadable', '/x/secret.env', undefined],
      ['unreadable', '/w/compose.yml', undefined],
    ]);
    const { files, envFiles } = parseComposeFiles(dump);
    expect(files[0]!.error).toMatch(/larger than/);
    expect(envFiles[0]!.error).toMatch(/sudo/);
  });

  it('truncated mid-file: the cut file is marked cut-off, the whole ones kept', () => {
    const text = fixture('compose-dump-vulnerable.txt');
    const cut = text.slice(0, text.indexOf('SMTP_PASSWORD'));
    const dump = parseComposeDump(cut);
    expect(dump.files.map((f) => [f.kind, f.status])).toEqual([
      ['compose', 'ok'],
      ['env', 'cut-off'],
    ]);
    expect(parseComposeFiles(dump).envFiles[0]!.error).toMatch(/cut off/);
  });

  it.each([
    ['empty', ''],
    ['garbage', '\u0000\u0001binary\nrandom words\n@F\n@P\n|orphan content'],
  ])('%s → no files, no throw', (_n, body) => {
    const dump = parseComposeDump(body);
    expect(dump.files).toEqual([]);
    expect(parseComposeFiles(dump)).toEqual({ files: [], envFiles: [] });
  });

  it('huge: the whole 2 MiB budget in 256 KiB files', () => {
    const env = Array.from({ length: 4000 }, (_, i) => `      VAR_${i}_PASSWORD: PLANTED-${i}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`).join('\n');
    const yaml = `services:\n  s:\n    image: a:1\n    environment:\n${env}\n`;
    const body = Array.from({ length: 8 }, (_, i) => [`@F compose scan ok ${yaml.length}`, `@P /p${i}/compose.yml`, ...yaml.split('\n').map((l) => `|${l}`), '@E'].join('\n')).join('\n');
    const t = Date.now();
    const { files } = parseComposeFiles(parseComposeDump(body));
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(files).toHaveLength(8);
    expect(files[7]!.services[0]!.environment).toHaveLength(4000);
    expect(JSON.stringify(files).match(PLANTED)).toBeNull();
  });
});

describe('parseComposeYaml', () => {
  it('map and list environments, anchors and merge keys, interpolation, env_file forms', () => {
    const services = parseComposeYaml(fixture('compose-forms.yml'), '/srv/app/docker-compose.yml');
    const by = Object.fromEntries(services.map((s) => [s.name, s]));
    expect(Object.keys(by)).toEqual(['api', 'worker', 'db', 'proxy']);
    const env = (svc: string): Record<string, string> =>
      Object.fromEntries(by[svc]!.environment.map((e) => [e.key, `${e.kind}${e.secret ? '+secret' : ''}${e.via ? `+${e.via}` : ''}`]));
    expect(env('api')).toEqual({
      LOG_LEVEL: 'literal',
      SHARED_SECRET: 'literal+secret',
      DB_PASSWORD: 'reference+secret',
      REDIS_PASSWORD: 'reference+secret',
      JWT_SECRET: 'default+secret',
      SENTRY_TOKEN: 'literal+secret',
      POSTGRES_PASSWORD_FILE: 'reference',
      PORT: 'literal',
      DEBUG: 'literal',
      EMPTY_PASSWORD: 'empty+secret',
      FORWARD_TOKEN: 'passthrough+secret',
      DATABASE_URL: 'literal+secret+url-password',
    });
    expect(env('worker')).toEqual({
      QUEUE: 'literal',
      WORKER_TOKEN: 'literal+secret',
      ADMIN_PASSWORD: 'default+secret',
      FORWARDED_SECRET: 'passthrough+secret',
      QUOTED_KEY: 'literal+secret',
    });
    expect(env('db')).toEqual({ POSTGRES_PASSWORD: 'default+secret' });
    expect(by.api!.envFiles).toEqual(['/srv/app/.env.api']);
    expect(by.worker!.envFiles).toEqual(['/srv/app/common.env', '/srv/app/worker.env']);
    expect(by.proxy!.image).toMatch(/@sha256:/);
    expect(JSON.stringify(services)).not.toMatch(PLANTED);
  });

  it('invalid YAML: the error names the position, never the offending text', () => {
    const text = 'services:\n  db:\n    environment:\n      DB_PASSWORD: "PLANTED-fx-broken-Qm7Zr2\n';
    let message = '';
    try {
      parseComposeYaml(text, '/x/compose.yml');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^invalid YAML \(\w+\) at line \d+$/);
    expect(message).not.toMatch(PLANTED);
    const files = parseComposeFiles(parseComposeDump(['@F compose scan ok 10', '@P /x/compose.yml', ...text.split('\n').map((l) => `|${l}`), '@E'].join('\n'))).files;
    expect(files[0]!.error).toMatch(/^invalid YAML/);
    expect(JSON.stringify(files)).not.toMatch(PLANTED);
  });

  it('not compose: scalars, lists, no services → empty or a clear error', () => {
    expect(parseComposeYaml('', '/a')).toEqual([]);
    expect(parseComposeYaml('# only a comment', '/a')).toEqual([]);
    expect(parseComposeYaml('version: "3"', '/a')).toEqual([]);
    expect(() => parseComposeYaml('- a\n- b', '/a')).toThrow(/top level is not a mapping/);
    expect(() => parseComposeYaml('services: [a, b]', '/a')).toThrow(/services/);
  });

  it('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'services: {}'].join('\n');
    const t = Date.now();
    expect(() => parseComposeYaml(bomb, '/a')).toThrow(/invalid YAML/);
    expect(Date.now() - t).toBeLessThan(2_000);
  });

  it('resolveEnvFile', () => {
    expect(resolveEnvFile('/srv/a/docker-compose.yml', './x.env')).toBe('/srv/a/x.env');
    expect(resolveEnvFile('/srv/a/docker-compose.yml', '../shared/x.env')).toBe('/srv/shared/x.env');
    expect(resolveEnvFile('/srv/a/docker-compose.yml', '/etc/x.env')).toBe('/etc/x.env');
    expect(resolveEnvFile('/srv/a/docker-compose.yml', '${DIR}/x.env')).toBeNull();
  });
});

describe('parseEnvFile', () => {
  it('comments, export, quotes, inline comments, CRLF, garbage lines', () => {
    const entries = parseEnvFile(
      [
        '# a comment',
        'export DB_PASSWORD=PLANTED-fx-a-Qm7Zr2',
        'API_KEY="changeme"   ',
        "SECRET_KEY='your_secret_key_here' # set me",
        'TOKEN=PLANTED-fx-b-Qm7Zr2 # inline comment',
        'EMPTY_PASSWORD=',
        'REF_PASSWORD=${OTHER}',
        'NOT AN ASSIGNMENT',
        '=novalue',
        'WIN_PASSWORD=admin\r',
      ].join('\n'),
    );
    expect(entries.map((e) => `${e.key}:${e.kind}:${e.secret}`)).toEqual([
      'DB_PASSWORD:literal:true',
      'API_KEY:default:true',
      'SECRET_KEY:default:true',
      'TOKEN:literal:true',
      'EMPTY_PASSWORD:empty:true',
      'REF_PASSWORD:reference:true',
      'WIN_PASSWORD:default:true',
    ]);
    expect(JSON.stringify(entries)).not.toMatch(PLANTED);
  });
});
