// The compose edits on fixtures with comments, anchors elsewhere, flow and block sequences, quoted
// strings, CRLF, version 2.4 / 3.8 / no version: exact expected texts where it matters, and for
// every edit × fixture that everything outside the edited service is byte-identical.
import { inspect } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { RampartError } from '../../../shared/errors';
import {
  appendEnvText,
  COMPOSE_EDITS,
  composePreviewDiff,
  composeEditFor,
  detectLimitForm,
  envAdditionsPreview,
  imageRepository,
  moveSecretToEnv,
  parseComposeResource,
  pinImageDigest,
  redactComposeForPreview,
  scalarText,
  setCapDropAll,
  setNoNewPrivileges,
  setReadOnly,
  setResourceLimits,
  type ComposeEditResult,
} from './edit';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const WEB_SECRET = 's3cr3t-Value#1';

const V24 = `# Production stack — edited by hand, keep the comments
version: "2.4"

x-logging: &logging
  driver: json-file   # rotate!
  options: { max-size: "10m" }

services:
  web:
    image: 'lab/busybox:latest'  # TODO pin
    network_mode: none
    command: ["sleep", "3600"]
    environment:
      APP_NAME: "demo app"
      DB_PASSWORD: "${WEB_SECRET}"
    security_opt: [ "label=type:svirt_apache_t" ]

  # the database
  db:
    image: lab/busybox:1.35
    logging: *logging
    cap_drop:
      - NET_RAW
      - MKNOD   # nothing needs mknod
    environment:
      - POSTGRES_USER=app
      - POSTGRES_PASSWORD=hunter-two-$$-x
`;

const V3 = `version: '3.8'
x-defaults: &defaults
  restart: unless-stopped
  cap_drop: [NET_RAW]

services:
  api:
    image: lab/busybox          # no tag: latest
    deploy:
      replicas: 1
    environment: [ "API_TOKEN=tok-9f8e7d6c5b4a", LOG_LEVEL=debug ]
  worker:
    <<: *defaults
    image: "lab/busybox:1.35"
    command: sleep 3600
`;

const NOVERSION = `services:
  app:
    image: "lab/busybox:latest"
    read_only: false
    security_opt:
      - seccomp=unconfined
      - no-new-privileges:false
    cap_add: [CHOWN]`;

const CRLF = V24.replace(/\n/g, '\r\n');

/** The changed span of `before` (common prefix and suffix removed). */
function changedSpan(before: string, after: string): [number, number] {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return [p, before.length - s];
}

/** [start, end) of a service's block in the text: from its key line to the next line at the same or lower indentation. */
function serviceBlock(text: string, service: string): [number, number] {
  const lines = text.split('\n');
  let offset = 0;
  let start = -1;
  let indent = 0;
  for (const line of lines) {
    const m = /^( *)(\S[^:]*):/.exec(line);
    if (start < 0 && m && m[2] === service && m[1]!.length === 2) {
      start = offset;
      indent = m[1]!.length;
    } else if (start >= 0 && m && m[1]!.length <= indent) return [start, offset];
    offset += line.length + 1;
  }
  return [start, text.length];
}

function expectOnlyServiceChanged(before: string, r: ComposeEditResult, service: string): void {
  expect(r.changed).toBe(true);
  const [s, e] = serviceBlock(before, service);
  expect(s).toBeGreaterThan(0);
  // Byte-identical outside: everything before the service's block and after it survives as it
  // was, and the service's own key line too (the change lies strictly inside the block).
  const keyLineEnd = before.indexOf('\n', s) + 1;
  expect(r.text.length - (before.length - e)).toBeGreaterThanOrEqual(keyLineEnd);
  expect(r.text.slice(0, keyLineEnd)).toBe(before.slice(0, keyLineEnd));
  expect(r.text.slice(r.text.length - (before.length - e))).toBe(before.slice(e));
  const [a] = changedSpan(before, r.text);
  expect(a).toBeGreaterThanOrEqual(keyLineEnd);
}

function refusal(f: () => unknown): RampartError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RampartError);
    return e as RampartError;
  }
  throw new Error('expected a refusal');
}

const svc = (text: string, name: string): Record<string, unknown> => (parse(text, { merge: true }) as { services: Record<string, Record<string, unknown>> }).services[name]!;

describe('compose edits: exact results', () => {
  it('cap_drop [ALL] replaces a block list and appends cap_add in the file style, keeping the comment after it', () => {
    const r = setCapDropAll(V24, 'db', ['chown', 'CAP_NET_BIND_SERVICE']);
    expect(r.text).toBe(
      V24.replace('    cap_drop:\n      - NET_RAW\n      - MKNOD   # nothing needs mknod\n', '    cap_drop:\n      - ALL\n').replace(
        '      - POSTGRES_PASSWORD=hunter-two-$$-x\n',
        () => '      - POSTGRES_PASSWORD=hunter-two-$$-x\n    cap_add:\n      - CHOWN\n      - NET_BIND_SERVICE\n',
      ),
    );
    expect(r.summary).toBe('service "db": cap_drop [ALL], cap_add + CHOWN, NET_BIND_SERVICE');
    expectOnlyServiceChanged(V24, r, 'db');
  });

  it('adds keys after the last key of the service, before the blank line and the next comment', () => {
    const r = setResourceLimits(V24, 'web', { memory: '256m', pids: 100, cpus: 0.5 });
    expect(r.text).toBe(V24.replace('"label=type:svirt_apache_t" ]\n', '"label=type:svirt_apache_t" ]\n    mem_limit: 256m\n    cpus: 0.5\n    pids_limit: 100\n'));
    expectOnlyServiceChanged(V24, r, 'web');
  });

  it('appends to a flow sequence inside its brackets', () => {
    const r = setNoNewPrivileges(V24, 'web');
    expect(r.text).toBe(V24.replace('[ "label=type:svirt_apache_t" ]', '[ "label=type:svirt_apache_t", no-new-privileges:true ]'));
  });

  it('replaces no-new-privileges:false in place and leaves the other entries', () => {
    const r = setNoNewPrivileges(NOVERSION, 'app');
    expect(r.text).toBe(NOVERSION.replace('no-new-privileges:false', 'no-new-privileges:true'));
    expect(setNoNewPrivileges(r.text, 'app').changed).toBe(false);
    expect(setNoNewPrivileges(NOVERSION.replace('no-new-privileges:false', 'no-new-privileges'), 'app').changed).toBe(false);
  });

  it('read_only: false becomes true in place; a file without a final newline gets its key on a new line', () => {
    expect(setReadOnly(NOVERSION, 'app').text).toBe(NOVERSION.replace('read_only: false', 'read_only: true'));
    const r = setCapDropAll(NOVERSION, 'app', ['SETUID']);
    expect(r.text).toBe(NOVERSION.replace('cap_add: [CHOWN]', 'cap_add: [CHOWN, SETUID]') + '\n    cap_drop:\n      - ALL');
  });

  it('pins the image keeping its quotes and the comment', () => {
    const r = pinImageDigest(V24, 'web', DIGEST);
    expect(r.text).toBe(V24.replace("image: 'lab/busybox:latest'  # TODO pin", `image: 'lab/busybox@${DIGEST}'  # TODO pin`));
    const u = pinImageDigest(V3, 'api', DIGEST);
    expect(u.text).toBe(V3.replace('image: lab/busybox          #', `image: lab/busybox@${DIGEST}          #`));
    expect(pinImageDigest(u.text, 'api', DIGEST).changed).toBe(false);
    expect(imageRepository('registry.example:5000/team/app:latest')).toBe('registry.example:5000/team/app');
    expect(imageRepository('registry.example:5000/app')).toBe('registry.example:5000/app');
  });

  it('v3: memory and cpus under the existing deploy mapping, pids at service level', () => {
    expect(detectLimitForm(V3, 'api')).toBe('deploy');
    const r = setResourceLimits(V3, 'api', { memory: '512m', cpus: 1, pids: 200 });
    expect(r.text).toBe(
      V3.replace(
        '    deploy:\n      replicas: 1\n',
        '    deploy:\n      replicas: 1\n      resources:\n        limits:\n          memory: 512M\n          cpus: "1"\n',
      ).replace('LOG_LEVEL=debug ]\n', 'LOG_LEVEL=debug ]\n    pids_limit: 200\n'),
    );
    expectOnlyServiceChanged(V3, r, 'api');
    expect(svc(r.text, 'api').deploy).toEqual({ replicas: 1, resources: { limits: { memory: '512M', cpus: '1' } } });
    // Adding a second limit later goes into the limits mapping now present.
    const r2 = setResourceLimits(r.text, 'api', { memory: '1g' });
    expect(r2.text).toBe(r.text.replace('memory: 512M', 'memory: 1G'));
  });

  it('deploy with resources but no limits: limits go beside reservations', () => {
    const t = `version: "3.9"\nservices:\n  s:\n    image: x\n    deploy:\n      resources:\n        reservations:\n          memory: 10M\n    command: y\n`;
    expect(setResourceLimits(t, 's', { memory: '1g' }).text).toBe(t.replace('          memory: 10M\n', '          memory: 10M\n        limits:\n          memory: 1G\n'));
  });

  it('limit form: 2.4 and no version use service keys; no version follows the other services', () => {
    expect(detectLimitForm(V24, 'web')).toBe('service');
    expect(detectLimitForm(NOVERSION, 'app')).toBe('service');
    const mixed = `services:\n  a:\n    image: x\n    deploy:\n      resources:\n        limits:\n          memory: 1G\n  b:\n    image: y\n`;
    expect(detectLimitForm(mixed, 'b')).toBe('deploy');
    const r = setResourceLimits(mixed, 'b', { memory: '64m' });
    expect(r.text).toBe(`${mixed}    deploy:\n      resources:\n        limits:\n          memory: 64M\n`);
  });

  it('CRLF files keep CRLF in the added lines and everywhere else', () => {
    const r = setCapDropAll(CRLF, 'web', ['NET_BIND_SERVICE']);
    expect(r.text).toBe(CRLF.replace('"label=type:svirt_apache_t" ]\r\n', '"label=type:svirt_apache_t" ]\r\n    cap_drop:\r\n      - ALL\r\n    cap_add:\r\n      - NET_BIND_SERVICE\r\n'));
    expect(r.text.replace(/\r\n/g, '')).not.toContain('\n');
    expectOnlyServiceChanged(CRLF, r, 'web');
  });

  it('an empty value (`key:` with nothing) is filled in', () => {
    const t = `services:\n  s:\n    image: x\n    security_opt:\n    read_only:\n`;
    expect(setNoNewPrivileges(t, 's').text).toBe(`services:\n  s:\n    image: x\n    security_opt:\n      - no-new-privileges:true\n    read_only:\n`);
    expect(setReadOnly(t, 's').text).toBe(`services:\n  s:\n    image: x\n    security_opt:\n    read_only: true\n`);
  });
});

describe('compose edits: every edit on every fixture changes only its service', () => {
  const fixtures: Array<[string, string, string[]]> = [
    ['2.4', V24, ['web', 'db']],
    ['3.8', V3, ['api', 'worker']],
    ['no version', NOVERSION, ['app']],
    ['CRLF', CRLF, ['web', 'db']],
  ];
  const edits: Array<[string, (t: string, s: string) => ComposeEditResult]> = [
    ['cap_drop', (t, s) => setCapDropAll(t, s, ['NET_BIND_SERVICE'])],
    ['no-new-privileges', (t, s) => setNoNewPrivileges(t, s)],
    ['limits', (t, s) => setResourceLimits(t, s, { memory: '128m', pids: 64, cpus: 0.25 })],
    ['read_only', (t, s) => setReadOnly(t, s)],
    ['pin', (t, s) => pinImageDigest(t, s, DIGEST)],
  ];
  for (const [fname, text, services] of fixtures)
    for (const service of services)
      for (const [ename, edit] of edits)
        it(`${ename} on ${fname} ${service}`, () => {
          let r: ComposeEditResult;
          try {
            r = edit(text, service);
          } catch (e) {
            // The only refusal in this matrix: worker's cap_drop comes from the <<: *defaults merge.
            expect(`${fname} ${service} ${ename}`).toBe('3.8 worker cap_drop');
            expect((e as RampartError).details?.reason).toBe('merge-key');
            return;
          }
          expectOnlyServiceChanged(text, r, service);
          // Idempotent: a second run finds nothing to change.
          const again = edit(r.text, service);
          expect(again.changed).toBe(false);
          expect(again.text).toBe(r.text);
        });
});

describe('moving a literal secret into .env', () => {
  it('mapping form: ${VAR} in the file, the value only in the SecretValue', () => {
    const r = moveSecretToEnv(V24, 'web', 'DB_PASSWORD');
    expect(r.text).toBe(V24.replace(`DB_PASSWORD: "${WEB_SECRET}"`, 'DB_PASSWORD: "${DB_PASSWORD}"'));
    expect(r.envAdditions.map((a) => a.key)).toEqual(['DB_PASSWORD']);
    expect(r.envAdditions[0]!.value.reveal()).toBe(WEB_SECRET);
    const shown = [r.summary, JSON.stringify(r), String(r.envAdditions[0]!.value), inspect(r, { depth: 10 }), envAdditionsPreview(r.envAdditions).join('\n')].join('\n');
    expect(shown).not.toContain(WEB_SECRET);
    expect(envAdditionsPreview(r.envAdditions)).toEqual(['DB_PASSWORD=<redacted>']);
    expectOnlyServiceChanged(V24, r, 'web');
  });

  it('list form: undoes $$, avoids a key the .env already has', () => {
    const r = moveSecretToEnv(V24, 'db', 'POSTGRES_PASSWORD', { existingEnvKeys: ['POSTGRES_PASSWORD'] });
    expect(r.text).toBe(V24.replace('- POSTGRES_PASSWORD=hunter-two-$$-x', () => '- POSTGRES_PASSWORD=${DB_POSTGRES_PASSWORD}'));
    expect(r.envAdditions[0]!.key).toBe('DB_POSTGRES_PASSWORD');
    expect(r.envAdditions[0]!.value.reveal()).toBe('hunter-two-$-x');
  });

  it('flow list form keeps the quotes; a name the file already interpolates is not reused', () => {
    const t = V3.replace('LOG_LEVEL=debug', () => '"LOG_LEVEL=${API_TOKEN:-x}"');
    const r = moveSecretToEnv(t, 'api', 'API_TOKEN');
    expect(r.text).toBe(t.replace('"API_TOKEN=tok-9f8e7d6c5b4a"', () => '"API_TOKEN=${API_API_TOKEN}"'));
    expect(r.envAdditions[0]!.value.reveal()).toBe('tok-9f8e7d6c5b4a');
  });

  it('CRLF file', () => {
    const r = moveSecretToEnv(CRLF, 'web', 'DB_PASSWORD');
    expect(r.text).toBe(CRLF.replace(`"${WEB_SECRET}"`, '"${DB_PASSWORD}"'));
  });

  it('refuses what it cannot move faithfully', () => {
    expect(refusal(() => moveSecretToEnv(V24, 'web', 'NOPE')).details?.reason).toBe('key-missing');
    const interp = `services:\n  s:\n    image: x\n    environment:\n      PASSWORD: "pre-\${OTHER}"\n`;
    expect(refusal(() => moveSecretToEnv(interp, 's', 'PASSWORD')).details?.reason).toBe('not-literal');
    const quote = `services:\n  s:\n    image: x\n    environment:\n      PASSWORD: "it's"\n`;
    expect(refusal(() => moveSecretToEnv(quote, 's', 'PASSWORD')).details?.reason).toBe('unsupported-value');
    const twice = `services:\n  s:\n    image: x\n    environment:\n      - PASSWORD=a1b2c3d4\n      - PASSWORD=e5f6g7h8\n`;
    expect(refusal(() => moveSecretToEnv(twice, 's', 'PASSWORD')).details?.reason).toBe('unsupported-style');
  });

  it('appendEnvText writes single-quoted values after what is there, keeping its line endings', () => {
    const r = moveSecretToEnv(V24, 'web', 'DB_PASSWORD');
    expect(appendEnvText('', r.envAdditions)).toBe(`DB_PASSWORD='${WEB_SECRET}'\n`);
    expect(appendEnvText('A=1', r.envAdditions)).toBe(`A=1\nDB_PASSWORD='${WEB_SECRET}'\n`);
    expect(appendEnvText('A=1\r\n', r.envAdditions)).toBe(`A=1\r\nDB_PASSWORD='${WEB_SECRET}'\r\n`);
  });

  it('the preview diff shows ${VAR} and never the value, not even in context lines', () => {
    const r = moveSecretToEnv(V24, 'db', 'POSTGRES_PASSWORD');
    const diff = composePreviewDiff(V24, r.text, '/srv/app/docker-compose.yml');
    expect(diff).toBe(
      [
        '--- /srv/app/docker-compose.yml',
        '+++ /srv/app/docker-compose.yml',
        '@@ -24,4 +24,4 @@',
        '       - MKNOD   # nothing needs mknod',
        '     environment:',
        '       - POSTGRES_USER=app',
        '-      - POSTGRES_PASSWORD=<redacted>',
        '+      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}',
        '',
      ].join('\n'),
    );
    // The web service's secret sits in the context of an edit next to it: redacted too.
    const near = composePreviewDiff(V24, setNoNewPrivileges(V24, 'web').text, 'f');
    expect(near).toContain(' DB_PASSWORD: <redacted>');
    expect(near).not.toContain(WEB_SECRET);
  });

  it('plain scalars are only written when YAML 1.2 and 1.1 (docker-compose 1.x) read them as the same string', () => {
    expect(scalarText('ALL')).toBe('ALL');
    expect(scalarText('no-new-privileges:true')).toBe('no-new-privileges:true');
    expect(scalarText('${DB_PASSWORD}')).toBe('${DB_PASSWORD}');
    expect(scalarText('${DB_PASSWORD}', 'PLAIN', true)).toBe('"${DB_PASSWORD}"');
    // Strings in YAML 1.2 but not in 1.1: a boolean and a sexagesimal integer for PyYAML.
    expect(scalarText('no')).toBe('"no"');
    expect(scalarText('on', 'PLAIN', true)).toBe('"on"');
    expect(scalarText('1:20')).toBe('"1:20"');
    expect(scalarText('0.5')).toBe('"0.5"');
    expect(scalarText('a # b')).toBe('"a # b"');
    expect(scalarText("it's", 'QUOTE_SINGLE')).toBe("'it''s'");
    expect(scalarText('x', 'QUOTE_DOUBLE')).toBe('"x"');
    expect(scalarText(0.5)).toBe('0.5');
  });

  it('redactComposeForPreview hides every literal secret, and nothing else', () => {
    const red = redactComposeForPreview(V24);
    expect(red).not.toContain(WEB_SECRET);
    expect(red).not.toContain('hunter-two');
    expect(red).toBe(V24.replace(`"${WEB_SECRET}"`, '<redacted>').replace('POSTGRES_PASSWORD=hunter-two-$$-x', 'POSTGRES_PASSWORD=<redacted>'));
    expect(redactComposeForPreview(V3)).not.toContain('tok-9f8e7d6c5b4a');
    expect(redactComposeForPreview('services: [\n  PASSWORD: hunter2-zz\n')).not.toContain('hunter2-zz');
  });
});

describe('refusals', () => {
  it('a missing service, a missing services mapping, invalid YAML, several documents', () => {
    const e = refusal(() => setReadOnly(V24, 'nope'));
    expect([e.code, e.details?.reason]).toEqual(['NOT_FOUND', 'service-missing']);
    expect(refusal(() => setReadOnly('web:\n  image: x\n', 'web')).code).toBe('NOT_FOUND');
    const bad = refusal(() => setReadOnly('services:\n  web:\n    image: [unclosed\n', 'web'));
    expect([bad.code, bad.details?.reason]).toEqual(['VALIDATION', 'yaml-invalid']);
    expect(refusal(() => setReadOnly('services: {}\n---\nservices: {}\n', 'web')).code).toBe('VALIDATION');
  });

  it('the message of invalid YAML never quotes the file', () => {
    const e = refusal(() => setReadOnly('services:\n  web:\n    environment:\n      PASSWORD: "Qz7-SECRET\n', 'web'));
    expect(e.message).not.toContain('Qz7');
  });

  it('anchors and merge keys on the edited key', () => {
    expect(refusal(() => setCapDropAll(V3, 'worker', [])).details?.reason).toBe('merge-key');
    // …while a key the merge does not define is edited normally.
    expectOnlyServiceChanged(V3, setReadOnly(V3, 'worker'), 'worker');
    const alias = `x-caps: &caps [NET_RAW]\nservices:\n  s:\n    image: x\n    cap_drop: *caps\n`;
    expect(refusal(() => setCapDropAll(alias, 's', [])).details?.reason).toBe('anchor');
    const anchored = `services:\n  s:\n    image: x\n    cap_drop: &caps [NET_RAW]\n  t:\n    image: y\n    cap_drop: *caps\n`;
    expect(refusal(() => setCapDropAll(anchored, 's', [])).details?.reason).toBe('anchor');
    const reused = `services:\n  s: &s\n    image: x\n  t:\n    <<: *s\n    command: y\n`;
    expect(refusal(() => setReadOnly(reused, 's')).details?.reason).toBe('anchor');
    expect(refusal(() => setReadOnly(`x: &x {image: y}\nservices:\n  s: *x\n`, 's')).details?.reason).toBe('anchor');
    expect(refusal(() => setReadOnly(`services:\n  s: {image: x}\n`, 's')).details?.reason).toBe('unsupported-style');
  });

  it('a service that sets a key twice', () => {
    expect(refusal(() => setReadOnly(`services:\n  s:\n    image: x\n    read_only: false\n    read_only: false\n`, 's')).details?.reason).toBe('unsupported-style');
  });

  it('bad parameters', () => {
    expect(refusal(() => pinImageDigest(V24, 'web', 'sha256:short')).code).toBe('VALIDATION');
    expect(refusal(() => setCapDropAll(V24, 'web', ['NET_RAW; rm -rf /'])).code).toBe('VALIDATION');
    expect(refusal(() => setResourceLimits(V24, 'web', { memory: '1 GB' })).code).toBe('VALIDATION');
    expect(refusal(() => pinImageDigest(`services:\n  s:\n    build: .\n`, 's', DIGEST)).details?.reason).toBe('no-image');
    expect(refusal(() => pinImageDigest(`services:\n  s:\n    image: \${IMG}\n`, 's', DIGEST)).details?.reason).toBe('not-literal');
  });
});

describe('the check → edit table', () => {
  it('keys every compose fix to a check id the audit has', async () => {
    const { checks } = await import('../../audit/checks/containers');
    const { checks: secretChecks } = await import('../../audit/checks/secrets/containerSecrets');
    const known = new Set([...checks, ...secretChecks].map((c) => c.id));
    for (const id of Object.keys(COMPOSE_EDITS)) expect(known.has(id), id).toBe(true);
    expect(composeEditFor('DOCKER-NO-MEMORY-LIMIT')!.edit(V24, 'web', {}).text).toContain('mem_limit: 512m');
    expect(composeEditFor('DOCKER-NO-PIDS-LIMIT')!.edit(V24, 'web', { limits: { pids: 50 } }).text).toContain('pids_limit: 50');
    expect(() => composeEditFor('DOCKER-IMAGE-LATEST')!.edit(V24, 'web', {})).toThrow(/digest/);
    expect(composeEditFor('NOPE')).toBeUndefined();
  });

  it('parses the compose secret resource', () => {
    expect(parseComposeResource('compose:/srv/a:b/docker-compose.yml:web:DB_PASSWORD')).toEqual({ file: '/srv/a:b/docker-compose.yml', service: 'web', key: 'DB_PASSWORD' });
    expect(parseComposeResource('container:web')).toBeNull();
  });
});
