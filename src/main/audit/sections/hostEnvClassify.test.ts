// The host-side classifier against the TypeScript one it is generated from: every awk on this
// machine (mawk/gawk as `awk`, busybox awk) runs the generated programs over a table of values —
// hostile ones included — and must print exactly envToken()'s class; compose files, env files and
// docker inspect lines classified on the host must give the same verdicts as the laptop parsers
// reading the raw files, and their output must hold none of the values.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as yamlStringify, type ToStringOptions } from 'yaml';
import { parseComposeYaml, parseEnvFile } from '../parsers/compose';
import { parseDockerInspect, type DockerContainer } from '../parsers/docker';
import { DEFAULT_VALUES, envToken, PLACEHOLDER_PATTERNS, type EnvEntry } from '../parsers/dockerSecrets';
import { composeBatchAwk, envAwkLib, inspectAwk, jsRegexToEre } from './hostEnvClassify';

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return p.startsWith('/') ? p : null;
}

/** Every distinct awk here: [label, argv prefix]. */
const AWKS: Array<[string, string[]]> = (() => {
  const out: Array<[string, string[]]> = [];
  const seen = new Set<string>();
  for (const name of ['awk', 'mawk', 'gawk', 'original-awk', 'nawk']) {
    const p = which(name);
    if (!p) continue;
    const real = fs.realpathSync(p);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push([`${name} (${path.basename(real)})`, [p]]);
  }
  const bb = which('busybox');
  if (bb && spawnSync(bb, ['awk', 'BEGIN{}']).status === 0) out.push(['busybox awk', [bb, 'awk']]);
  return out;
})();

function runAwk(argv: string[], program: string, opts: { input?: string | Buffer; env?: Record<string, string>; args?: string[] } = {}): { stdout: string; stderr: string } {
  const r = spawnSync(argv[0]!, [...argv.slice(1), program, ...(opts.args ?? [])], {
    input: opts.input ?? '',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...(opts.env ?? {}) },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

const LONG = `Qz7-LONG-${'a1B2c3D4'.repeat(12_500)}`; // 100 KB

/** Values: ordinary, defaults and placeholders, references, URLs, switches, token shapes, hostile bytes. */
const VALUES: string[] = [
  '', ' ', '""', "''", '"  "', 'hunter2', 'Hunter2', ' changeme ', 'CHANGEME', '"changeme"', "'changeme'", '"changeme', 'changeme!', 'p@ssw0rd',
  'admin', 'Admin123', 'postgres', '123456', '0000', 'your_strong_password_here', 'YOUR_STRONG_PASSWORD_HERE', '<your-password>', '<>', '[password]',
  '{{ .Values.pw }}', '***', '*', 'xxx', 'XXXXXXXX', 'xx', '...', '..', 'change-me-now', 'change it', 'replace_with_real', 'replaceme',
  'insert_your_token_here', 'set-password', 'enter your key', 'your-db-password', 'my_api_key', 'the_secret', 'something_here', 'put-it-here',
  'generate-a-secret', 'generated_later', 'test_password1', 'example', 'example_value', 'demo-token42', 'default', 'defaultsecret', 'sample_key',
  '${DB_PASSWORD}', '$DB_PASSWORD', '${DB_PASSWORD:?set it}', '${DB_PASSWORD?}', '${DB_PASSWORD:-changeme}', '${DB_PASSWORD-s3cr3t-Qz7}',
  '${DB_PASSWORD:=}', '${A:-$B}', '${A:-"changeme"}', 'pre-${VAR}-post', 'a$$b', '$$VAR', '$${VAR}', '$(id)', '`id`', '$((1+1))', '$', '${', '${}', '$1',
  '/run/secrets/db', ' /run/secrets/db', '/run/secretsx', 'postgres://app:Qz7-url-pw@db/app', 'postgres://app:changeme@db/app', 'postgres://app:@db/app',
  'postgres://app:${PW}@db/app', 'redis://:hunter2@redis:6379', 'http://user@host', 'mongodb+srv://u:p%40ss@h/x', 'https://x.example/a:b@c', '"http://u:admin@h"',
  'true', 'FALSE', 'Yes', 'no', 'on', 'OFF', '0', '1', 'enabled', 'Disable', 'enable', '2',
  'ghp_0123456789abcdefABCDEF0123456789abcd', 'AKIAIOSFODNN7EXAMPLE', 'sk-live-abc', 'xoxb-123-456', '-----BEGIN OPENSSH PRIVATE KEY-----',
  'dGhpc2lzYWJhc2U2NGtleTEyMzQ1Njc4OTA=', 'abcdefghijklmnopqrstuvwxyz', '12345678901234567890123', 'a1b2c3d4e5f6a7b8c9d0',
  'a "quoted" word', "it's", 'back\\slash', 'trailing\\', '\\"', 'a=b=c', '=', '==x', 'x # not a comment here', '#hash', 'tab\there', ' \tpadded\t ',
  'crlf\r', 'cr\rin', 'multi\nline', 'nul?', 'Qz7-ünïcødé-ß', '🙂🔑', '\u00a0changeme\u00a0', '\u2028changeme\u2029', '\ufeffadmin', '\u3000x\u3000',
  'ÅDMIN', 'changemé', LONG,
];

const TS_OK = (v: string, interp: boolean): string => envToken(v, interp);

describe('jsRegexToEre', () => {
  it('converts every pattern the classifier uses, and refuses what POSIX ERE cannot say', () => {
    expect(jsRegexToEre(/^x{3,}$/i)).toBe('^xxxx*$');
    expect(jsRegexToEre(/^a{2}b{1,3}$/)).toBe('^aabb?b?$');
    expect(jsRegexToEre(/^(?:a|b)\d*\.$/)).toBe('^(a|b)[0-9]*[.]$');
    expect(jsRegexToEre(/^\[[^\]]*\]$/)).toBe('^[[][^]]*[]]$');
    expect(jsRegexToEre(/^[-_ ]x[a-]$/)).toBe('^[_ -]x[a-]$');
    for (const bad of [/(?=a)/, /a*?/, /\bword/, /(a)\1/, /[\\]/, /A/i, /x/g]) expect(() => jsRegexToEre(bad), String(bad)).toThrow();
    for (const re of PLACEHOLDER_PATTERNS) expect(() => jsRegexToEre(re)).not.toThrow();
  });

  it('the generated ERE matches what the RegExp matches (each awk, the placeholder patterns)', () => {
    const samples = [...VALUES, ...DEFAULT_VALUES].map((v) => v.trim().toLowerCase()).filter((v) => !/[\n\r]/.test(v));
    for (const [label, argv] of AWKS) {
      const prog = `${envAwkLib()}\nBEGIN { r_init() }\n{ print r_ph_bits($0) }`;
      const got = runAwk(argv, prog, { input: `${samples.join('\n')}\n` }).stdout.split('\n').slice(0, -1);
      const want = samples.map((v) => PLACEHOLDER_PATTERNS.map((re) => (re.test(v) ? '1' : '0')).join(''));
      expect(got, label).toEqual(want);
    }
  });
});

describe.each(AWKS)('the generated classifier under %s', (_label, argv) => {
  // Values travel percent-encoded (%, controls and blanks as %XX: they may hold newlines and any
  // byte) and are decoded in awk.
  const driver = `${envAwkLib()}
function unpct(t,   out, k) { out = ""; while ((k = index(t, "%")) > 0) { out = out substr(t, 1, k - 1) sprintf("%c", r_hex(substr(t, k + 1, 2))); t = substr(t, k + 3) } return out t }
BEGIN { r_init() }
{ print r_token(unpct($2), $1 + 0) }`;
  const enc = (v: string): string => [...Buffer.from(v, 'utf8')].map((b) => (b <= 0x20 || b === 0x25 || b === 0x7f ? `%${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('');

  it('prints envToken() for every value, interpolated (compose, env files) or not (container Env)', () => {
    const rows = VALUES.flatMap((v) => [1, 0].map((interp) => ({ v, interp })));
    const input = Buffer.from(rows.map(({ v, interp }) => `${interp} ${enc(v)}`).join('\n') + '\n', 'latin1');
    const got = runAwk(argv, driver, { input }).stdout.split('\n').slice(0, -1);
    expect(got).toHaveLength(rows.length);
    rows.forEach(({ v, interp }, k) => expect(got[k], `${JSON.stringify(v.slice(0, 60))} interpolated=${interp}`).toBe(TS_OK(v, interp === 1)));
    // Every well-known default is a default, whatever its case.
    const defaults = [...DEFAULT_VALUES].flatMap((v) => [v, v.toUpperCase()]);
    const out = runAwk(argv, driver, { input: Buffer.from(defaults.map((v) => `1 ${enc(v)}`).join('\n') + '\n', 'latin1') }).stdout.split('\n').slice(0, -1);
    defaults.forEach((v, k) => expect(out[k], v).toBe(TS_OK(v, true)));
  });
});

// ---------------------------------------------------------------------------------------------
// Whole files through the batch program.

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-host-env-'));
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

interface Frame {
  kind: string;
  status: string;
  path: string;
  content: string;
}

function batch(argv: string[], files: Array<{ kind: 'compose' | 'env' | 'dotenv'; name: string; text: string }>): { frames: Frame[]; stdout: string; stderr: string } {
  const meta: string[] = [];
  const sizes: string[] = [];
  for (const f of files) {
    const p = path.join(tmp, f.name);
    fs.writeFileSync(p, f.text);
    meta.push(`${f.kind}\tscan\tok\t${p}`);
    sizes.push(`${Buffer.byteLength(f.text)} ${p}`);
  }
  const { stdout, stderr } = runAwk(argv, composeBatchAwk(), {
    env: { RMP_META: meta.join('\n'), RMP_SIZES: sizes.join('\n'), RMP_USED: '0', RMP_MAX_COMPOSE: String(1 << 20), RMP_MAX_ENV: String(1 << 20), RMP_BUDGET: String(8 << 20) },
  });
  const frames: Frame[] = [];
  let cur: Frame | null = null;
  const lines: string[] = [];
  for (const l of stdout.split('\n')) {
    const h = /^@F (\S+) \S+ (\S+) \d+$/.exec(l);
    if (h) cur = { kind: h[1]!, status: h[2]!, path: '', content: '' };
    else if (l.startsWith('@P ') && cur) cur.path = l.slice(3);
    else if (l.startsWith('|')) lines.push(l.slice(1));
    else if (l === '@E' && cur) {
      cur.content = lines.splice(0).join('\n');
      frames.push(cur);
      cur = null;
    }
  }
  return { frames, stdout, stderr };
}

/** The verdicts (what checks read), without the host-only details. */
const verdicts = (es: EnvEntry[]): EnvEntry[] => es.map(({ key, kind, secret, via }) => ({ key, kind, secret, ...(via ? { via } : {}) }));

const SECRET_COMPOSE = `version: "3.9"
# DB_PASSWORD: Qz7-in-a-comment
x-common-env: &common-env
  SHARED_TOKEN: Qz7-anchor-token
  SHARED_MODE: "production"
x-list: &list-env
  - LIST_SECRET=Qz7-anchor-list
services:
  web:
    image: "nginx:1.27"   # Qz7-trailing-comment
    command: ["sh", "-c", "echo hi"]
    cap_drop: [ALL]
    ports:
      - "127.0.0.1:8080:80"
    volumes:
      - ./data:/data:ro
    env_file: [ ./a.env, "./b.env" ]
    environment:
      <<: *common-env
      DB_PASSWORD: Qz7-map-literal
      "QUOTED_KEY_PASSWORD": 'Qz7-single ''quoted'''
      DQ_SECRET: "Qz7-dq \\"esc\\" \\u00e9"
      ADMIN_PASSWORD: changeme
      REF_PASSWORD: \${REF_PASSWORD}
      DEF_PASSWORD: \${DEF_PASSWORD:-admin}
      DEF2_PASSWORD: \${DEF2:-Qz7-inline-default}
      EMPTY_PASSWORD: ""
      NULL_PASSWORD:
      TILDE_TOKEN: ~
      FILE_PASSWORD: /run/secrets/db
      REQUIRE_PASSWORD: "true"
      NUM_SECRET: 12345678
      DATABASE_URL: postgres://app:Qz7-url-pass@db:5432/app
      HASH_TOKEN: Qz7-hash#kept # a comment
      ANCHORED_SECRET: &anch Qz7-anchored
      MULTI_SECRET: "Qz7-multi
        line"
      PLAIN_SECRET: Qz7-plain
        Qz7-continued
      BLOCK_SECRET: |
        Qz7-block-one
        Qz7-block-two

      FOLDED_SECRET: >-
        Qz7-folded
      APP_NAME: demo
  api:
    image: api:2
    environment:
      - API_KEY=Qz7-list-literal
      - "TOKEN=changeme"
      - 'QUOTED_PASSWORD=Qz7-list-quoted'
      - EQ_SECRET=Qz7=with=equals
      - PASSTHROUGH_TOKEN
      - EMPTY_SECRET=
    build:
      args:
        - BUILD_TOKEN=Qz7-build-arg
    healthcheck:
      test: ["CMD", "curl", "-f", "http://admin:Qz7-healthcheck@localhost/"]
  flowmap:
    image: f:1
    environment: {FLOW_PASSWORD: Qz7-flow-map, "FLOW_B": 'Qz7-flow,comma', FLOW_C, FLOW_D: changeme}
  flowseq:
    image: f:1
    environment: [FLOW_TOKEN=Qz7-flow-seq, "FLOW_X=1"]
  multiflow:
    image: f:1
    environment: {
      ML_PASSWORD: Qz7-multiline-flow,
      ML_OTHER: "x"
    }
  aliased:
    image: f:1
    environment: *common-env
  listalias:
    image: f:1
    environment: *list-env
  token-service:
    image: t:1
  secretsvc:
    image: f:1
    environment:
      CRLF_PASSWORD: Qz7-crlf\r
      UNICODE_SECRET: Qz7-ünïcødé-🔑
      SHELL_SECRET: $(cat /etc/shadow)Qz7-shell
`;

describe.each(AWKS)('compose, env and inspect classified on the host under %s', (_label, argv) => {
  it('a compose file: same services, images and env verdicts as the raw file; no value on the wire', () => {
    const { frames } = batch(argv, [{ kind: 'compose', name: 'docker-compose.yml', text: SECRET_COMPOSE }]);
    expect(frames).toHaveLength(1);
    const wire = frames[0]!.content;
    expect(wire).not.toMatch(/Qz7/);
    const raw = parseComposeYaml(SECRET_COMPOSE, '/srv/app/docker-compose.yml');
    const host = parseComposeYaml(wire, '/srv/app/docker-compose.yml');
    expect(host.map((s) => [s.name, s.image, s.envFiles])).toEqual(raw.map((s) => [s.name, s.image, s.envFiles]));
    for (let k = 0; k < raw.length; k++) expect(verdicts(host[k]!.environment), raw[k]!.name).toEqual(verdicts(raw[k]!.environment));
    // Structure the container checks may read stays as written.
    expect(wire).toContain('cap_drop: [ALL]');
    expect(wire).toContain('- "127.0.0.1:8080:80"');
    expect(wire).toContain('- ./data:/data:ro');
    // Commands, labels and healthcheck tests carry passwords and nothing reads them: replaced too.
    expect(wire).toMatch(/command: \["@rampart:literal:2:-:-", "@rampart:literal:2:-:-", "@rampart:literal:7:-:-"\]/);
    expect(wire).toMatch(/test: \["CMD", "@rampart:literal:4:-:-", "@rampart:literal:2:-:-", "@rampart:literal:\d+:literal:-"\]/);
    // Host-only details for secret literals: their length, whether they look like a token.
    const web = host.find((s) => s.name === 'web')!.environment;
    expect(web.find((e) => e.key === 'DB_PASSWORD')).toEqual({ key: 'DB_PASSWORD', kind: 'literal', secret: true, length: 'Qz7-map-literal'.length });
  });

  it('compose files in flow or JSON style, merge lists, services named like secrets: same verdicts, no value', () => {
    const json = JSON.stringify(
      {
        services: {
          web: { image: 'nginx:1.27', cap_drop: ['ALL'], ports: ['80:80'], environment: { DB_PASSWORD: 'Qz7-json-map', MODE: 'prod' }, command: ['redis-server', '--requirepass', 'Qz7-json-cmd'] },
          'token-service': { image: 't:1', environment: ['A_TOKEN=Qz7-json-list', 'PLAIN=x'] },
        },
        'x-env': { K_SECRET: 'Qz7-json-x' },
      },
      null,
      1,
    );
    const flow = [
      'x-a: &a {A_PASSWORD: Qz7-merge-a}',
      'x-b: &b',
      '  B_TOKEN: Qz7-merge-b',
      'services:',
      '  web: {image: "nginx:1", environment: {DB_PASSWORD: Qz7-flow-svc, LEVEL: debug}, ports: ["80:80"]}',
      '  secret-store: {image: "vault:1", environment: [VAULT_TOKEN=Qz7-flow-svc2]}',
      '  merged:',
      '    image: m:1',
      '    ports: [',
      '      "80:80",',
      '      "443:443" ]',
      '    environment:',
      '      <<: [*a, *b]',
      '      C_SECRET: Qz7-merge-c',
      '',
    ].join('\n');
    for (const [name, text] of [['json', json], ['flow', flow]] as const) {
      const wire = batch(argv, [{ kind: 'compose', name: `${name}.yml`, text }]).frames[0]!.content;
      expect(wire, name).not.toMatch(/Qz7/);
      const raw = parseComposeYaml(text, '/srv/app/docker-compose.yml');
      const host = parseComposeYaml(wire, '/srv/app/docker-compose.yml');
      expect(host.map((s) => [s.name, s.image, verdicts(s.environment)]), name).toEqual(raw.map((s) => [s.name, s.image, verdicts(s.environment)]));
      expect(raw.flatMap((s) => s.environment).filter((e) => e.secret).length, name).toBeGreaterThanOrEqual(2);
    }
  });

  it('compose files as the yaml library writes them in every style: same verdicts, no value (one awk for all)', () => {
    // A deterministic sweep: documents built from hostile values, written block/flow, plain/quoted/
    // literal, with anchors for shared environments; all files go through one awk run.
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pieces = ['', 'changeme', ' padded ', 'a "q" b', "it's", 'x: y', '- item', '# hash', 'a #b', '[x, y]', '{a: b}', '${REF}', '$$lit', 'multi\nline', 'tab\tx', '🔑ü', '*star', '&amp', '!tag', '|pipe', '>gt', '@at', '`tick`', '%pct', 'true', '123'];
    const styles: ToStringOptions[] = [
      {},
      { collectionStyle: 'flow' },
      { defaultStringType: 'QUOTE_DOUBLE' },
      { defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' },
      { defaultStringType: 'BLOCK_LITERAL' },
      { defaultStringType: 'BLOCK_FOLDED', lineWidth: 20 },
      { indentSeq: false, indent: 4 },
      { lineWidth: 24, minContentWidth: 8 },
      { collectionStyle: 'flow', lineWidth: 30 }, // multi-line flow collections
      { collectionStyle: 'flow', defaultStringType: 'QUOTE_SINGLE', lineWidth: 40 },
      { defaultStringType: 'QUOTE_DOUBLE', doubleQuotedAsJSON: true, lineWidth: 20, doubleQuotedMinMultiLineLength: 10 },
      { defaultStringType: 'QUOTE_SINGLE', lineWidth: 20, minContentWidth: 5 },
    ];
    const docs: Array<{ text: string; canaries: string[] }> = [];
    for (let n = 0; n < 96; n++) {
      const canaries: string[] = [];
      const value = (): string => {
        const c = `Qz7c${n}x${canaries.length}`;
        canaries.push(c);
        const a = pieces[rand(pieces.length)]!;
        const b = pieces[rand(pieces.length)]!;
        return rand(3) === 0 ? `${a}${c}${b}` : rand(2) ? `${c}${b}` : `${a}${c}`;
      };
      const services: Record<string, unknown> = {};
      for (let k = 0; k < 3; k++) {
        const env: Record<string, string> = { DB_PASSWORD: value(), API_TOKEN: value(), DATABASE_URL: `postgres://u:${value()}@h/db`, PLAIN_SETTING: value() };
        services[`svc${k}`] = {
          image: `img${k}:1`,
          ports: ['127.0.0.1:80:80'],
          command: ['run', value()],
          environment: k === 1 ? Object.entries(env).map(([kk, vv]) => `${kk}=${vv}`) : env,
        };
      }
      const text = yamlStringify({ services }, styles[n % styles.length]);
      docs.push({ text, canaries });
    }
    const { frames } = batch(
      argv,
      docs.map((d, n) => ({ kind: 'compose' as const, name: `sweep-${n}.yml`, text: d.text })),
    );
    expect(frames).toHaveLength(docs.length);
    docs.forEach((d, n) => {
      const wire = frames[n]!.content;
      for (const c of d.canaries) expect(wire.includes(c), `doc ${n} (${JSON.stringify(styles[n % styles.length])}) leaks ${c}:\n${d.text}\n---\n${wire}`).toBe(false);
      const raw = parseComposeYaml(d.text, '/srv/a/docker-compose.yml');
      let host: ReturnType<typeof parseComposeYaml>;
      try {
        host = parseComposeYaml(wire, '/srv/a/docker-compose.yml');
      } catch (e) {
        throw new Error(`doc ${n}: ${(e as Error).message}\n${d.text}\n---\n${wire}`, { cause: e });
      }
      expect(host.map((s) => [s.name, s.image, verdicts(s.environment)]), `doc ${n}:\n${d.text}\n---\n${wire}`).toEqual(raw.map((s) => [s.name, s.image, verdicts(s.environment)]));
    });
  });

  it('env files: KEY=TOKEN lines only, the verdicts of parseEnvFile on the raw file', () => {
    const text = [
      '# SECRET=Qz7-comment',
      'API_KEY=changeme',
      'export SMTP_PASSWORD="Qz7-envfile quoted" # trailing',
      "SINGLE_TOKEN='Qz7-single'",
      'UNTERMINATED_SECRET="Qz7-unterminated',
      'SPACED_PASSWORD = Qz7-spaced # comment',
      'HASH_SECRET=Qz7#nospace',
      'EQ_PASSWORD=Qz7=a=b',
      'REF_PASSWORD=${OTHER}',
      'EMPTY_SECRET=',
      'URL=mysql://root:Qz7-envurl@db/x',
      'CRLF_TOKEN=Qz7-crlf\r',
      'SHELL_SECRET=$(Qz7-subshell)',
      'not an assignment Qz7-garbage',
      '  indented.key-name=Qz7-indented',
      'BACKSLASH_SECRET=Qz7\\\\x\\',
      `LONG_SECRET=${LONG}`,
      'PLAIN=hello',
      '',
    ].join('\n');
    const { frames } = batch(argv, [{ kind: 'env', name: 'app.env', text }]);
    const wire = frames[0]!.content;
    expect(wire).not.toMatch(/Qz7/);
    expect(wire.split('\n').every((l) => /^[A-Za-z_][A-Za-z0-9_.-]*=@rampart:[a-z]+:\d+:[a-z-]+:[fk-]+$/.test(l)), wire).toBe(true);
    expect(verdicts(parseEnvFile(wire))).toEqual(verdicts(parseEnvFile(text)));
    expect(parseEnvFile(wire).find((e) => e.key === 'LONG_SECRET')).toMatchObject({ kind: 'literal', secret: true, length: LONG.length, tokenLike: true });
  });

  it('frames in order; empty files; env_file targets and the .env reported on stderr', () => {
    const c1 = 'services:\n  a:\n    image: a:1\n    env_file:\n      - ./one.env\n      - path: /abs/two.env\n';
    const { frames, stderr } = batch(argv, [
      { kind: 'compose', name: 'c1.yml', text: c1 },
      { kind: 'env', name: 'empty.env', text: '' },
      { kind: 'compose', name: 'c2.yml', text: '' },
    ]);
    expect(frames.map((f) => [path.basename(f.path), f.kind, f.status, f.content])).toEqual([
      ['c1.yml', 'compose', 'ok', 'services:\n  a:\n    image: a:1\n    env_file:\n      - ./one.env\n      - path: /abs/two.env'],
      ['empty.env', 'env', 'ok', ''],
      ['c2.yml', 'compose', 'ok', ''],
    ]);
    expect(stderr.split('\n').filter(Boolean)).toEqual([`env\t${tmp}/one.env`, 'env\t/abs/two.env', `dotenv\t${tmp}/.env`, `@U\t${c1.length}`]);
  });

  it('limits: a file over its size limit, over the budget, or that wc did not size is not read', () => {
    const a = path.join(tmp, 'limit-a.yml');
    const b = path.join(tmp, 'limit-b.yml');
    const e = path.join(tmp, 'limit.env');
    const gone = path.join(tmp, 'gone.yml');
    fs.writeFileSync(a, `services:\n  a:\n    image: a:1 # ${'x'.repeat(40)}\n`);
    fs.writeFileSync(b, 'services:\n  b:\n    image: b:1\n');
    fs.writeFileSync(e, 'BIG_SECRET=Qz7-too-big\n');
    const size = (p: string): number => fs.statSync(p).size;
    const { stdout, stderr } = runAwk(argv, composeBatchAwk(), {
      env: {
        RMP_META: [`compose\tscan\tok\t${a}`, `compose\tscan\tok\t${b}`, `env\tenv_file\tok\t${e}`, `compose\tlabel\tok\t${gone}`, `compose\tscan\tmissing\t${gone}`].join('\n'),
        RMP_SIZES: [`  ${size(a)} ${a}`, `${size(b)} ${b}`, `${size(e)} ${e}`, `${size(a) + size(b) + size(e)} total`].join('\n'),
        RMP_USED: '10',
        RMP_MAX_COMPOSE: '1000',
        RMP_MAX_ENV: '5',
        RMP_BUDGET: String(10 + size(a) + 5),
      },
    });
    expect(stdout.split('\n').filter((l) => l.startsWith('@F'))).toEqual([
      `@F compose scan ok ${size(a)}`,
      `@F compose scan budget ${size(b)}`,
      `@F env env_file too-big ${size(e)}`,
      '@F compose label unreadable 0',
      '@F compose scan missing 0',
    ]);
    expect(stdout).not.toMatch(/Qz7|image: b:1/);
    expect(stderr.trim().split('\n').pop()).toBe(`@U\t${10 + size(a)}`);
  });

  it('docker inspect lines: Env values become tokens, the rest is untouched; verdicts as from the raw lines', () => {
    const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '__fixtures__', 'docker');
    const hostile = {
      Id: 'f'.repeat(64),
      Name: '/hostile',
      Config: {
        Image: 'x:1',
        Cmd: ['redis-server', '--requirepass', 'Qz7-inspect-cmd'],
        Entrypoint: ['/bin/sh', '-c', 'echo Qz7-inspect-ep'],
        Healthcheck: { Test: ['CMD-SHELL', 'redis-cli -a Qz7-inspect-hc ping'] },
        Labels: { Env: '"Env":["not=an array"]', 'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$Qz7-label-hash', 'com.docker.compose.project': 'hostile', 'com.docker.compose.service': 'app' },
        Env: [
          'DB_PASSWORD=Qz7-inspect "quoted" \\ back',
          'API_TOKEN=changeme',
          'URL=postgres://u:Qz7-inspect-url@h/db',
          'HTML_SECRET=<Qz7&>',
          'NL_PASSWORD=Qz7\nnewline',
          'UNI_SECRET=Qz7-ü-\u2028-🔑',
          'EQ_SECRET=Qz7=a=b',
          'NOVALUE',
          'EMPTY_TOKEN=',
          `LONG_SECRET=${LONG}`,
        ],
      },
      HostConfig: { CapDrop: ['ALL'] },
      Args: ['--requirepass', 'Qz7-inspect-arg'],
    };
    // Go's encoding/json escapes <, > and & (and U+2028): as docker prints them.
    const goJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028');
    const input = [fs.readFileSync(path.join(fixtures, 'inspect-vulnerable.jsonl'), 'utf8').trim(), goJson(hostile), 'RAMPART-NOW 1700000000', 'Error: No such object: abc', '{"Id":"x","Config":{"Env":["A=Qz7-cut'].join('\n') + '\n';
    const { stdout } = runAwk(argv, inspectAwk(), { input });
    expect(stdout).not.toMatch(/Qz7/);
    expect(stdout).toContain('RAMPART-ENV-UNPARSABLE'); // the cut-off line is dropped, not passed through
    const raw = parseDockerInspect(input);
    const host = parseDockerInspect(stdout);
    expect(host.now).toBe(raw.now);
    // Healthcheck tests keep their first word (CMD, CMD-SHELL, NONE: what the check reads), the rest is classes.
    // Labels and args: the values the host does not keep are class tokens (checks/proxy/proxy.test.ts tests which stay).
    const same = (c: DockerContainer): unknown => ({ ...c, env: verdicts(c.env), healthcheck: c.healthcheck && [c.healthcheck[0], c.healthcheck.length], labels: Object.keys(c.labels).sort(), args: c.args.length });
    expect(host.containers.map(same)).toEqual(raw.containers.map(same));
    expect(host.containers.flatMap((c) => c.healthcheck?.slice(1) ?? []).every((t) => t.startsWith('@rampart:'))).toBe(true);
    const h = host.containers.find((c) => c.name === 'hostile')!;
    expect(h.compose).toMatchObject({ project: 'hostile', service: 'app' }); // the compose labels the parser reads stay
    expect(h.env.find((e) => e.key === 'LONG_SECRET')).toMatchObject({ length: LONG.length, tokenLike: true });
    expect(h.env.find((e) => e.key === 'UNI_SECRET')).toMatchObject({ length: Buffer.byteLength('Qz7-ü-\u2028-🔑') });
  });

  it('stderr: every container for the mail stack pick and the compose labels, as docker ps printed them (id, Config.Image, name, project)', () => {
    const input = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '__fixtures__', 'docker', 'inspect-vulnerable.jsonl'), 'utf8');
    const { stderr } = runAwk(argv, inspectAwk(), { input });
    const lines = stderr.split('\n');
    const raw = parseDockerInspect(input).containers;
    expect(lines.filter((l) => l.startsWith('@P\t'))).toEqual(raw.map((c) => `@P\t${c.id}\t${c.image}\t${c.name}\t${c.compose?.project ?? ''}`));
    expect(lines.filter((l) => l.startsWith('@C\t'))).toEqual(raw.filter((c) => c.compose).map((c) => `@C\t${c.labels['com.docker.compose.project.working_dir']}\t${c.labels['com.docker.compose.project.config_files']}`));
    expect(lines.filter(Boolean).pop()).toBe('@C-DONE');
  });

  it('rampart_now=1 (the collector): the clock line first, from the awk itself; without it, no clock line', () => {
    const input = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '__fixtures__', 'docker', 'inspect-vulnerable.jsonl'), 'utf8');
    const withClock = runAwk([...argv, '-v', 'rampart_now=1'], inspectAwk(), { input }).stdout;
    const first = withClock.split('\n')[0]!;
    expect(first).toMatch(/^RAMPART-NOW \d{10}$/);
    expect(Math.abs(Number(first.slice(12)) - Date.now() / 1000)).toBeLessThan(600);
    const host = parseDockerInspect(withClock);
    expect(host.now).toBe(Number(first.slice(12)));
    expect(host.containers.length).toBe(parseDockerInspect(input).containers.length);
    expect(runAwk(argv, inspectAwk(), { input }).stdout).not.toMatch(/RAMPART-NOW/);
  });
});

it('there is an awk to test with', () => {
  expect(AWKS.length).toBeGreaterThan(0);
});
