// The compose / container-environment secret checks through the engine, on the real vulnerable lab
// project and containers, with planted distinctive secret values that must never show up.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate, type Evaluation } from '../../engine';
import type { HostFacts, SectionName } from '../../facts';
import { parseComposeDump, parseComposeFiles, type ComposeFile, type EnvFile } from '../../parsers/compose';
import { parseDockerInfo, parseDockerInspect, type DockerContainer } from '../../parsers/docker';
import type { ComposeFacts, DockerFacts } from '../../sections/containers';
import { CHECKS } from '../index';
import type { CheckDef } from '../types';
import { checks } from './containerSecrets';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '__fixtures__', 'docker');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const CATALOG = checks as ReadonlyArray<CheckDef<SectionName>>;
const PLANTED = /PLANTED/;

const info = parseDockerInfo(fixture('docker-info-20.10.json'));
const dump = parseComposeDump(fixture('compose-dump-vulnerable.txt'));

function dockerFacts(containers: DockerContainer[]): DockerFacts {
  if (!info.ok) throw new Error('fixture');
  return {
    daemon: info.info,
    containers,
    daemonJson: { present: false, noNewPrivileges: false, usernsRemap: '', icc: null, liveRestore: null, userlandProxy: null },
    limited: null,
    collectedAt: null,
    problems: [],
  };
}

function composeFacts(files: ComposeFile[], envFiles: EnvFile[] = []): ComposeFacts {
  return { tools: { standalone: true, plugin: false }, files, envFiles, projectDirs: [], problems: [] };
}

function run(containers: DockerContainer[], compose: ComposeFacts): Evaluation {
  return evaluate({ docker: { ok: true, value: dockerFacts(containers) }, compose: { ok: true, value: compose } } as unknown as HostFacts, '192.0.2.10:22', CATALOG);
}

const bundle = parseComposeFiles(dump);
const VULNERABLE = run(parseDockerInspect(fixture('inspect-vulnerable.jsonl')).containers, composeFacts(bundle.files, bundle.envFiles));

describe('the catalog', () => {
  it('ids, severities, category', () => {
    expect(Object.fromEntries(CATALOG.map((c) => [c.id, `${c.category} ${c.severity}`]))).toEqual({
      'SECRETS-COMPOSE-LITERAL': 'secrets high',
      'SECRETS-CONTAINER-ENV': 'secrets medium',
      'SECRETS-DEFAULT-COMPOSE': 'secrets critical',
      'SECRETS-DEFAULT-CONTAINER': 'secrets critical',
    });
    for (const c of CATALOG) expect(CHECKS.map((x) => x.id)).toContain(c.id);
  });
});

describe('the vulnerable lab project and containers', () => {
  const lines = (id: string): string[] =>
    VULNERABLE.findings
      .filter((f) => f.checkId === id)
      .map((f) => `${f.severity} ${f.resource}`)
      .sort();

  it('literal secrets in compose environment:', () => {
    expect(lines('SECRETS-COMPOSE-LITERAL')).toEqual([
      'high compose:/srv/lab/compose/vulnproj/docker-compose.yml:web:ADMIN_PASSWORD',
      'high compose:/srv/lab/compose/vulnproj/docker-compose.yml:web:DB_PASSWORD',
    ]);
  });

  it('secrets in container Env (whatever their source)', () => {
    expect(lines('SECRETS-CONTAINER-ENV')).toEqual([
      'medium container:v-secrets:API_TOKEN',
      'medium container:v-secrets:DATABASE_URL',
      'medium container:v-secrets:DB_PASSWORD',
      'medium container:vulnproj_web_1:ADMIN_PASSWORD',
      'medium container:vulnproj_web_1:API_KEY',
      'medium container:vulnproj_web_1:DB_PASSWORD',
      'medium container:vulnproj_web_1:SESSION_SECRET',
      'medium container:vulnproj_web_1:SMTP_PASSWORD',
    ]);
  });

  it('default and placeholder secrets: compose environment, env_file, project .env, containers', () => {
    expect(lines('SECRETS-DEFAULT-COMPOSE')).toEqual([
      'critical compose:/srv/lab/compose/vulnproj/docker-compose.yml:web:ADMIN_PASSWORD',
      'critical envfile:/srv/lab/compose/vulnproj/.env:SESSION_SECRET',
      'critical envfile:/srv/lab/compose/vulnproj/app.env:API_KEY',
    ]);
    expect(lines('SECRETS-DEFAULT-CONTAINER')).toEqual([
      'critical container:v-secrets:API_TOKEN',
      'critical container:vulnproj_web_1:ADMIN_PASSWORD',
      'critical container:vulnproj_web_1:API_KEY',
      'critical container:vulnproj_web_1:SESSION_SECRET',
    ]);
  });

  it('evidence names file, service or container and key, never the value', () => {
    const ev = (id: string, resource: string): string => VULNERABLE.findings.find((f) => f.checkId === id && f.resource === resource)!.evidence;
    expect(ev('SECRETS-COMPOSE-LITERAL', 'compose:/srv/lab/compose/vulnproj/docker-compose.yml:web:DB_PASSWORD')).toBe(
      'DB_PASSWORD in service "web" of /srv/lab/compose/vulnproj/docker-compose.yml is set to a literal value, not ${VAR} or a secret (value not shown)',
    );
    expect(ev('SECRETS-CONTAINER-ENV', 'container:v-secrets:DATABASE_URL')).toBe('container v-secrets has DATABASE_URL (the password in the URL) in its environment (value not shown)');
    expect(ev('SECRETS-DEFAULT-COMPOSE', 'envfile:/srv/lab/compose/vulnproj/.env:SESSION_SECRET')).toBe(
      'SESSION_SECRET in the project .env file /srv/lab/compose/vulnproj/.env is a well-known default or placeholder (value not shown)',
    );
    expect(JSON.stringify(VULNERABLE)).not.toMatch(PLANTED);
    // The weak values are secrets too (the rationale may name common defaults; evidence never shows the host's).
    const seen = JSON.stringify(VULNERABLE.findings.map((f) => [f.resource, f.evidence, f.title]));
    for (const value of ['changeme', 'your_strong_password_here', '=secret']) expect(seen).not.toContain(value);
  });
});

describe('clean and missing inputs', () => {
  it('references, secrets files and *_FILE variables pass; the hardened container passes', () => {
    const files = parseComposeFiles(
      parseComposeDump(
        [
          '@F compose scan ok 1',
          '@P /srv/ok/compose.yml',
          ...['services:', '  db:', '    image: postgres:17.2', '    environment:', '      POSTGRES_PASSWORD_FILE: /run/secrets/pg', '      POSTGRES_USER: app', '      API_TOKEN: ${API_TOKEN:?}', '    secrets: [pg]'].map((l) => `|${l}`),
          '@E',
          '@F dotenv dotenv ok 1',
          '@P /srv/ok/.env',
          '|API_TOKEN=Zq9vR2kPx7Lm',
          '@E',
        ].join('\n'),
      ),
    );
    const ev = run(parseDockerInspect(fixture('inspect-hardened.jsonl')).containers, composeFacts(files.files, files.envFiles));
    for (const c of ev.checks) expect(c.status, c.checkId).toBe('pass');
  });

  it('no compose files / none readable / no containers: not-applicable; missing sections: their status', () => {
    const none = run([], composeFacts([]));
    for (const c of none.checks) expect(c.status, c.checkId).toBe('not-applicable');
    const unreadable = run([], composeFacts([{ path: '/x/compose.yml', source: 'scan', services: [], error: 'the file is not readable by the audit user (run the audit with sudo)' }]));
    expect(unreadable.checks.find((c) => c.checkId === 'SECRETS-COMPOSE-LITERAL')).toMatchObject({ status: 'not-applicable', message: expect.stringMatching(/sudo/) });
    const ev = evaluate(
      { docker: { ok: false, status: 'needs-sudo', message: 'socket' }, compose: { ok: false, status: 'error', message: 'timeout' } } as unknown as HostFacts,
      'h',
      CATALOG,
    );
    expect(Object.fromEntries(ev.checks.map((c) => [c.checkId, c.status]))).toEqual({
      'SECRETS-COMPOSE-LITERAL': 'error',
      'SECRETS-CONTAINER-ENV': 'needs-sudo',
      'SECRETS-DEFAULT-COMPOSE': 'error',
      'SECRETS-DEFAULT-CONTAINER': 'needs-sudo',
    });
  });

  it('a key set twice counts once (the last assignment wins)', () => {
    const files = parseComposeFiles(
      parseComposeDump(['@F compose scan ok 1', '@P /a/compose.yml', ...['services:', '  s:', '    image: a:1', '    environment:', '      - DB_PASSWORD=changeme', '      - DB_PASSWORD=${DB_PASSWORD}'].map((l) => `|${l}`), '@E'].join('\n')),
    );
    const ev = run([], composeFacts(files.files));
    expect(ev.findings).toEqual([]);
  });
});
