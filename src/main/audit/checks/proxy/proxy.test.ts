// The Traefik, Authelia and segmentation checks on fixtures: (1) the proxy_configs collector script
// (real sh, every awk on this machine) over a planted tree of Traefik and Authelia files — the
// planted secrets never appear in its output, the checks find what is wrong; (2) the docker inspect
// awk keeps the Traefik labels and flags the checks read and nothing secret; (3) each check's
// edges on synthetic containers and files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import { parseContainer, parseDockerInspect, type DockerContainer, type DockerNetwork } from '../../parsers/docker';
import { parseIptablesSummary } from '../../parsers/netfilter';
import { parseProxyDump, type ProxyConfigFile, type ProxyFacts } from '../../parsers/proxyConfig';
import { inspectAwk } from '../../sections/hostEnvClassify';
import { proxyScript } from '../../sections/proxy';
import type { CheckDef } from '../types';
import type { SectionName } from '../../facts';
import { checks as segChecks } from '../segmentation';
import { checks } from './index';
import { durationSeconds } from './model';

const CATALOG = [...checks, ...segChecks] as ReadonlyArray<CheckDef<SectionName>>;

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return p.startsWith('/') ? p : null;
}
/** awk variants as a PATH folder holding an `awk` that runs it. */
const AWKS: Array<[string, string]> = [];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmp-proxy-'));
  for (const [name, cmd] of [['mawk', 'mawk'], ['gawk', 'gawk'], ['busybox', 'busybox awk']] as const) {
    const bin = which(cmd.split(' ')[0]!);
    if (!bin) continue;
    const dir = path.join(tmp, `bin-${name}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'awk'), `#!/bin/sh\nexec ${bin}${cmd.includes(' ') ? ' awk' : ''} "$@"\n`, { mode: 0o755 });
    AWKS.push([name, dir]);
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const AUTHELIA_YML = `# Authelia
jwt_secret: Qz7-jwt-secret-abcdefghijklmnopqrstuvwxyz
default_redirection_url: https://home.lab.test
session:
  name: authelia_session
  domain: test
  secret: 'Qz7-session'   # inline
  expiration: 30d
  inactivity: 12h
storage:
  encryption_key: Qz7-short
  postgres:
    host: db
    password: "{{ secret \\"/run/secrets/pg\\" }}"
notifier:
  filesystem:
    filename: /config/notification.txt
access_control:
  default_policy: bypass
  rules:
    - domain: 'traefik.lab.test'
      policy: bypass
    - domain:
        - "portainer.lab.test"
        - app.lab.test
      policy: one_factor
    - domain: app.lab.test
      policy: two_factor
identity_providers:
  oidc:
    jwks:
      - key: |
          -----BEGIN PRIVATE KEY-----
          Qz7-pk
          -----END PRIVATE KEY-----
`;

const TRAEFIK_TOML = `[api]
  insecure = true
  dashboard = true
[entryPoints.web]
  address = ":80"
[entryPoints.websecure]
  address = ":443"
  [entryPoints.websecure.http.tls]
[providers.docker]
  endpoint = "tcp://u:Qz7-pw@h:2375"
[providers.file]
  directory = "/etc/traefik/dyn"
`;

const DYNAMIC_YML = `http:
  routers:
    dash:
      rule: "Host(\`traefik.lab.test\`) && PathPrefix(\`/api\`)"
      service: api@internal
      middlewares: [secured]
    grafana:
      rule: "Host(\`grafana.lab.test\`)"
      service: grafana
  middlewares:
    secured:
      chain:
        middlewares: [auth]
    auth:
      basicAuth:
        users:
          - "admin:$apr1$Qz7hash"
tls:
  options:
    default:
      minVersion: VersionTLS10
`;

function plantTree(): string {
  const root = fs.mkdtempSync(path.join(tmp, 'srv-'));
  fs.mkdirSync(path.join(root, 'authelia'));
  fs.mkdirSync(path.join(root, 'traefik', 'dyn'), { recursive: true });
  fs.writeFileSync(path.join(root, 'authelia', 'configuration.yml'), AUTHELIA_YML, { mode: 0o644 });
  fs.chmodSync(path.join(root, 'authelia', 'configuration.yml'), 0o644);
  fs.writeFileSync(path.join(root, 'traefik', 'traefik.toml'), TRAEFIK_TOML);
  fs.writeFileSync(path.join(root, 'traefik', 'dyn', 'dynamic.yml'), DYNAMIC_YML);
  fs.writeFileSync(path.join(root, 'traefik', 'acme.json'), '{"Qz7":"not read"}');
  return root;
}

/** The section's script as the lane's shell runs it (here as a script: its exits end it); mounts as the docker section hands them over. */
function collect(awkDir: string, root: string, mounts: string[] = []): string {
  const r = spawnSync('sh', ['-c', proxyScript([root, '/nonexistent root'])], { env: { PATH: `${awkDir}:/usr/bin:/bin`, HOME: tmp, T: '', rampart_proxy_mounts: mounts.join('\n') }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const proxyFacts = (over: Partial<ProxyFacts> = {}): ProxyFacts => ({ files: [], images: [], binaries: { traefik: false, authelia: false }, containers: [], limited: null, ...over });

function run(proxy: ProxyFacts, docker?: { containers: DockerContainer[]; networks?: DockerNetwork[] | null }): Record<string, string[]> {
  const facts = {
    proxy: { ok: true, value: proxy },
    docker: { ok: true, value: { containers: docker?.containers ?? proxy.containers, networks: docker?.networks ?? null, daemonJson: { icc: null } } },
    ufw: { ok: true, value: { active: true } },
    netfilter: { ok: true, value: { iptables: null } },
  } as unknown as HostFacts;
  const ev = evaluate(facts, '192.0.2.1:22', CATALOG);
  const out: Record<string, string[]> = {};
  for (const c of ev.checks) if (c.status === 'error') throw new Error(`${c.checkId}: ${c.message}`);
  for (const f of ev.findings) (out[f.checkId] ??= []).push(`${f.severity} ${f.resource}`);
  return out;
}

function container(name: string, over: Record<string, unknown> = {}): DockerContainer {
  return parseContainer({ Id: name.padEnd(64, '0'), Name: `/${name}`, Config: { Image: 'lab/busybox:1.35' }, State: { Status: 'running', Running: true }, ...over })!;
}

describe('the proxy_configs collector script', () => {
  it('there is an awk to test with', () => expect(AWKS.length).toBeGreaterThan(0));

  it('reads Traefik (TOML + dynamic YAML) and Authelia files under a scan root with every awk; no planted secret in its output', () => {
    const root = plantTree();
    const outputs = AWKS.map(([name, dir]) => [name, collect(dir, root)] as const);
    for (const [name, out] of outputs) {
      expect(out, name).not.toMatch(/Qz7/);
      expect(out, name).toBe(outputs[0]![1]);
    }
    const facts = parseProxyDump(outputs[0]![1]);
    expect(facts.files.map((f) => `${path.relative(root, f.path)} ${f.kind} ${f.status}`).sort()).toEqual([
      'authelia/configuration.yml authelia ok',
      'traefik/dyn/dynamic.yml traefik-dynamic ok',
      'traefik/traefik.toml traefik-static ok',
    ]);
    const a = facts.files.find((f) => f.kind === 'authelia')!;
    expect(a.mode).toBe(0o644);
    expect(a.entries['access_control.default_policy']).toBe('bypass');
    expect(a.entries['access_control.rules[1].domain[0]']).toBe('portainer.lab.test');
    expect(a.entries['storage.encryption_key']).toMatch(/^@rampart:literal:9:/);
    expect(a.entries['storage.postgres.password']).toBe('@rampart-template');
    expect(a.entries['identity_providers.oidc.jwks[0].key']).toBe('@rampart-block');
    const t = facts.files.find((f) => f.kind === 'traefik-static')!;
    expect(t.entries['providers.docker.endpoint']).toMatch(/^@rampart:/); // a URL with a password: never kept

    // A system service (no container): the static file stands for it.
    const found = run({ ...facts, binaries: { traefik: true, authelia: false } });
    expect(found).toEqual({
      'TRAEFIK-API-INSECURE': ['high traefik:service:traefik'],
      'TRAEFIK-ADMIN-ROUTER-NO-AUTH': ['high traefik-router:grafana@file'],
      'TRAEFIK-EXPOSED-BY-DEFAULT': ['medium traefik:service:traefik'],
      'TRAEFIK-ENTRYPOINT-NO-TLS': ['medium traefik-entrypoint:service:traefik:web'],
      'TRAEFIK-TLS-MIN-VERSION': [`medium traefik-tls-options:default@${root}/traefik/dyn/dynamic.yml`],
      'TRAEFIK-NO-SECURITY-HEADERS': ['low traefik:headers'],
      'TRAEFIK-ACCESS-LOG-OFF': ['low traefik:service:traefik'],
      'AUTHELIA-DEFAULT-POLICY': [`high authelia:${a.path}`],
      'AUTHELIA-ADMIN-BYPASS': [`high authelia:${a.path}:rules[0]`],
      'AUTHELIA-ADMIN-ONE-FACTOR': [`medium authelia:${a.path}:rules[1]`],
      'AUTHELIA-INLINE-SECRET': [`medium authelia:${a.path}:inline-secrets`],
      'AUTHELIA-SESSION-WEAK': [`low authelia:${a.path}:session:lifetime`, `medium authelia:${a.path}:session:domain`],
      'AUTHELIA-CONFIG-READABLE': [`medium file:${a.path}`],
      'AUTHELIA-NOTIFIER-FILESYSTEM': [`low authelia:${a.path}:notifier`],
      'AUTHELIA-STORAGE-KEY-SHORT': [`medium authelia:${a.path}:storage.encryption_key`],
    });
    // The dashboard router is protected through a chain holding basicAuth: no finding for it.
  });

  it('hostile names (scan root, folder, file, mount source) are data, never code; limits are reported', () => {
    const root = fs.mkdtempSync(path.join(tmp, "it's $(touch PWNED) `id` "));
    const dir = path.join(root, 'traefik $(touch PWNED2)');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "a'b $(touch PWNED3).yml"), 'api:\n  insecure: true\n');
    fs.writeFileSync(path.join(dir, 'big.yml'), `entryPoints:\n  web:\n    address: ":80"\n${'#'.repeat(300 * 1024)}\n`);
    const out = collect(AWKS[0]![1], root, [`${root}/$(touch PWNED4)`]);
    for (const f of ['PWNED', 'PWNED2', 'PWNED3', 'PWNED4']) expect(fs.existsSync(path.join(process.cwd(), f)) || fs.existsSync(path.join(tmp, f))).toBe(false);
    const facts = parseProxyDump(out);
    expect(facts.files.map((f) => `${path.basename(f.path)} ${f.status} ${f.kind}`).sort()).toEqual(["a'b $(touch PWNED3).yml ok traefik-static", 'big.yml too-big other']);
    expect(facts.files.find((f) => f.status === 'ok')!.entries['api.insecure']).toBe('true');
  });

  it('a configuration folder known only as a container mount is read', () => {
    const root = plantTree();
    const facts = parseProxyDump(collect(AWKS[0]![1], '/nonexistent', [path.join(root, 'authelia'), '/var/run/docker.sock', 'relative/x']));
    expect(facts.files.map((f) => `${path.relative(root, f.path)} ${f.kind}`)).toEqual(['authelia/configuration.yml authelia']);
  });

  it('Authelia split configuration files in its mount are judged too', () => {
    const root = fs.mkdtempSync(path.join(tmp, 'split-'));
    fs.writeFileSync(path.join(root, 'storage.yml'), 'storage:\n  encryption_key: Qz7-0123456789\n', { mode: 0o600 });
    fs.chmodSync(path.join(root, 'storage.yml'), 0o600);
    const facts = parseProxyDump(collect(AWKS[0]![1], '/nonexistent', [root]));
    expect(facts.files.map((f) => f.kind)).toEqual(['other']);
    const authelia = container('authelia', { Config: { Image: 'authelia/authelia:4.38' }, Mounts: [{ Type: 'bind', Source: root, Destination: '/config', RW: false }] });
    expect(run({ ...facts, containers: [authelia] })).toEqual({
      'AUTHELIA-INLINE-SECRET': [`medium authelia:${root}/storage.yml:inline-secrets`],
      'AUTHELIA-STORAGE-KEY-SHORT': [`medium authelia:${root}/storage.yml:storage.encryption_key`],
    });
    // Without the Authelia container, an unknown storage.yml is nobody's configuration.
    expect(run(facts)).toEqual({});
  });

  it('a hardened pair passes every check', () => {
    const root = fs.mkdtempSync(path.join(tmp, 'hard-'));
    fs.mkdirSync(path.join(root, 'authelia'));
    fs.mkdirSync(path.join(root, 'traefik'));
    const cfg = path.join(root, 'authelia', 'configuration.yml');
    fs.writeFileSync(cfg, `session:\n  cookies:\n    - domain: example.com\n      authelia_url: https://auth.example.com\n      expiration: 1h\n      inactivity: 5m\nstorage:\n  postgres:\n    host: db\nnotifier:\n  smtp:\n    address: submission://mail.example.com:587\naccess_control:\n  default_policy: deny\n  rules:\n    - domain: traefik.example.com\n      policy: two_factor\n`, { mode: 0o600 });
    fs.chmodSync(cfg, 0o600);
    fs.writeFileSync(
      path.join(root, 'traefik', 'traefik.yml'),
      `api:\n  dashboard: true\nentryPoints:\n  web:\n    address: ":80"\n    http:\n      redirections:\n        entryPoint:\n          to: websecure\n          scheme: https\n  websecure:\n    address: ":443"\n    http:\n      tls:\n        certResolver: le\n      middlewares:\n        - secure-headers@file\nproviders:\n  docker:\n    exposedByDefault: false\naccessLog:\n  filePath: /var/log/traefik/access.log\n`,
    );
    fs.writeFileSync(path.join(root, 'traefik', 'dynamic.yml'), `http:\n  middlewares:\n    secure-headers:\n      headers:\n        stsSeconds: 31536000\n`);
    const facts = parseProxyDump(collect(AWKS[0]![1], root));
    const traefik = container('traefik', { Config: { Image: 'traefik:v3.1', Labels: { 'traefik.enable': 'true', 'traefik.http.routers.dash.rule': 'Host(`traefik.example.com`)', 'traefik.http.routers.dash.service': 'api@internal', 'traefik.http.routers.dash.middlewares': 'authelia@docker', 'traefik.http.middlewares.authelia.forwardauth.address': '@rampart:literal:40:-:-' } }, Mounts: [{ Type: 'bind', Source: path.join(root, 'traefik'), Destination: '/etc/traefik', RW: false }] });
    expect(run({ ...facts, containers: [traefik] })).toEqual({});
  });
});

describe('docker inspect on the host: what the Traefik checks read stays, secrets do not', () => {
  const traefik = {
    Id: 'a'.repeat(64),
    Name: '/traefik',
    Path: 'traefik',
    Args: ['--api.insecure=true', '--providers.docker.endpoint=tcp://u:Qz7-ep@h:2375', '--certificatesresolvers.le.acme.email=Qz7@x.org', '--entrypoints.web.address=:80', '--accesslog', '--pilot.token=Qz7-tok'],
    Config: {
      Image: 'traefik:v3.1',
      Env: ['TRAEFIK_API_INSECURE=true', 'TRAEFIK_PILOT_TOKEN=Qz7tokentrue', 'TRAEFIK_ENTRYPOINTS_WEB_ADDRESS=:80', 'TRAEFIK_PROVIDERS_DOCKER_ENDPOINT=tcp://Qz7-h:2375', 'TRAEFIK_LOG_LEVEL="Qz7"', 'DB_PASSWORD=Qz7-pw'],
      Labels: {
        'traefik.http.routers.dash.rule': 'Host(`traefik.lab.test`) && PathPrefix(`/api`)',
        'traefik.http.routers.dash.service': 'api@internal',
        'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$Qz7-label-hash',
        'traefik.http.routers.x.rule': 'Headers(`X-Key`, `Qz7-hdr`)',
        'other.label': 'Qz7-other',
      },
    },
    NetworkSettings: { Networks: { proxy: {}, backend: {} } },
    Mounts: [{ Type: 'bind', Source: '/srv/traefik', Destination: '/etc/traefik', RW: false }, { Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: true }],
  };
  const other = { Id: 'c'.repeat(64), Name: '/app', Config: { Image: 'ghost:5' }, Mounts: [{ Type: 'bind', Source: '/srv/ghost', Destination: '/data', RW: true }] };
  const goJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

  it('with every awk', () => {
    for (const [name, dir] of AWKS) {
      const r = spawnSync('sh', ['-c', 'awk "$1"', 'sh', inspectAwk()], { input: `${goJson(traefik)}\n${goJson(other)}\n`, env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      // stderr: the Traefik container's mount sources (for the proxy section), no other container's;
      // beside them the "@"-records for the compose and mail stack sections (hostEnvClassify.test.ts).
      expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('@')), name).toEqual(['/srv/traefik', '/var/run/docker.sock']);
      expect(r.stdout, name).not.toMatch(/Qz7/);
      const c = parseDockerInspect(`${r.stdout}\nRAMPART-NETWORKS\nRAMPART-NET ${'b'.repeat(64)}\tbackend\tbridge\ttrue\n`);
      const t = c.containers[0]!;
      expect(t.args.slice(0, 2), name).toEqual(['traefik', '--api.insecure=true']);
      expect(t.args.filter((a) => !a.startsWith('@rampart:')), name).toEqual(['traefik', '--api.insecure=true', '--entrypoints.web.address=:80', '--accesslog']);
      expect(t.labels['traefik.http.routers.dash.rule'], name).toBe('Host(`traefik.lab.test`) && PathPrefix(`/api`)');
      expect(t.labels['traefik.http.routers.dash.service'], name).toBe('api@internal');
      expect(t.labels['traefik.http.routers.x.rule'], name).toMatch(/^@rampart:/);
      expect(t.traefikEnv, name).toEqual({ TRAEFIK_API_INSECURE: 'true', TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':80' });
      expect(t.networks, name).toEqual(['backend', 'proxy']);
      expect(c.networks, name).toEqual([{ id: 'b'.repeat(64), name: 'backend', driver: 'bridge', internal: true }]);
    }
  });
});

describe('checks on synthetic containers', () => {
  const traefikOf = (args: string[], labels: Record<string, string> = {}, mounts: unknown[] = []): DockerContainer =>
    container('traefik', { Path: 'traefik', Args: args, Config: { Image: 'docker.io/library/traefik:v3.1', Labels: labels }, Mounts: mounts });

  it('Traefik from its command-line flags: insecure API, exposed by default, no TLS, socket read-write, dashboard without auth', () => {
    const t = traefikOf(
      ['--api.insecure=true', '--providers.docker=true', '--entrypoints.web.address=:80'],
      { 'traefik.http.routers.dash.rule': 'Host(`traefik.lab.test`)', 'traefik.http.routers.dash.service': 'api@internal', 'traefik.http.routers.dash.middlewares': 'compress@docker', 'traefik.http.middlewares.compress.compress': 'true' },
      [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: true }],
    );
    expect(run(proxyFacts({ containers: [t] }))).toEqual({
      'TRAEFIK-API-INSECURE': ['high traefik:container:traefik'],
      'TRAEFIK-DASHBOARD-NO-AUTH': ['high traefik-router:dash@docker'],
      'TRAEFIK-EXPOSED-BY-DEFAULT': ['medium traefik:container:traefik'],
      'TRAEFIK-ENTRYPOINT-NO-TLS': ['medium traefik-entrypoint:container:traefik:web'],
      'TRAEFIK-NO-SECURITY-HEADERS': ['low traefik:headers'],
      'TRAEFIK-ACCESS-LOG-OFF': ['low traefik:container:traefik'],
      'TRAEFIK-DOCKER-SOCKET-RW': ['medium traefik:container:traefik'],
    });
  });

  it('the TRAEFIK_* environment is read when there are no flags; a read-only socket and exposedByDefault=false pass', () => {
    // A custom image that runs traefik itself (its Path) is a Traefik too.
    const t = container('edge', { Path: '/usr/local/bin/traefik', Config: { Image: 'registry.example/edge:7', Env: ['TRAEFIK_API_INSECURE=false', 'TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT=false', 'TRAEFIK_ENTRYPOINTS_WEB_ADDRESS=:80'] }, Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: false }] });
    const r = run(proxyFacts({ containers: [t] }));
    expect(r['TRAEFIK-API-INSECURE']).toBeUndefined();
    expect(r['TRAEFIK-EXPOSED-BY-DEFAULT']).toBeUndefined();
    expect(r['TRAEFIK-DOCKER-SOCKET-RW']).toBeUndefined();
    expect(r['TRAEFIK-ACCESS-LOG-OFF']).toEqual(['low traefik:container:edge']);
    expect(r['TRAEFIK-ENTRYPOINT-NO-TLS']).toEqual(['medium traefik-entrypoint:container:edge:web']);
  });

  it('admin routers: an Authelia forwardAuth (or an unreadable middleware named like one) passes; a plain app is not an admin router', () => {
    const t = traefikOf(['--entrypoints.websecure.address=:443', '--entrypoints.websecure.http.tls=true', '--accesslog=true', '--providers.docker.exposedbydefault=false']);
    const portainer = container('portainer', { Config: { Image: 'portainer/portainer-ce:2.21', Labels: { 'traefik.http.routers.portainer.rule': 'Host(`portainer.lab.test`)' } } });
    const pgadmin = container('pgadmin', { Config: { Image: 'dpage/pgadmin4:8', Labels: { 'traefik.http.routers.db.rule': 'Host(`db.lab.test`)', 'traefik.http.routers.db.middlewares': 'authelia@file' } } });
    const app = container('app', { Config: { Image: 'ghost:5', Labels: { 'traefik.http.routers.blog.rule': 'Host(`blog.lab.test`)' } } });
    const grafana = container('grafana', { Config: { Image: 'grafana/grafana:11', Labels: { 'traefik.http.routers.grafana.rule': 'Host(`grafana.lab.test`)' } } });
    // exposedByDefault=false: only containers with traefik.enable=true are routed (grafana is not).
    const enabled = (c: DockerContainer): DockerContainer => ({ ...c, labels: { ...c.labels, 'traefik.enable': 'true' } });
    expect(run(proxyFacts({ containers: [t, enabled(portainer), enabled(pgadmin), enabled(app), grafana] }))['TRAEFIK-ADMIN-ROUTER-NO-AUTH']).toEqual(['high traefik-router:portainer@docker']);
    // With the default (exposed), grafana's router is live too; traefik.enable=false still opts out.
    const exposing = traefikOf(['--entrypoints.websecure.address=:443', '--providers.docker=true']);
    const off = { ...portainer, labels: { ...portainer.labels, 'traefik.enable': 'false' } };
    expect(run(proxyFacts({ containers: [exposing, off, grafana] }))['TRAEFIK-ADMIN-ROUTER-NO-AUTH']).toEqual(['high traefik-router:grafana@docker']);
  });

  it('no Traefik, no Authelia: not applicable', () => {
    const ev = evaluate({ proxy: { ok: true, value: proxyFacts({ containers: [container('app')] }) } } as unknown as HostFacts, 'h', checks as ReadonlyArray<CheckDef<SectionName>>);
    expect(new Set(ev.checks.map((c) => c.status))).toEqual(new Set(['not-applicable']));
  });

  it('Authelia durations', () => {
    expect([durationSeconds('1h'), durationSeconds('5m'), durationSeconds('1M'), durationSeconds('2 days'), durationSeconds('3600'), durationSeconds('soon')]).toEqual([3600, 300, 2592000, 172800, 3600, null]);
  });
});

describe('segmentation', () => {
  const pg = (nets: Record<string, unknown>, name = 'db'): DockerContainer => container(name, { Config: { Image: 'postgres:16' }, NetworkSettings: { Networks: nets } });
  const proxyC = (nets: Record<string, unknown>, hostIp = ''): DockerContainer =>
    container('proxy', { Config: { Image: 'traefik:v3.1' }, HostConfig: { PortBindings: { '443/tcp': [{ HostIp: hostIp, HostPort: '443' }] } }, NetworkSettings: { Networks: nets } });
  const app = (nets: Record<string, unknown>): DockerContainer => container('app', { Config: { Image: 'ghost:5' }, NetworkSettings: { Networks: nets } });
  const net = (name: string, internal: boolean): DockerNetwork => ({ id: name, name, driver: 'bridge', internal });

  it('a published proxy on the database network, the database network not internal', () => {
    const cs = [proxyC({ web: {} }), app({ web: {}, back: {} }), pg({ web: {}, back: {} })];
    const r = run(proxyFacts(), { containers: cs, networks: [net('web', false), net('back', false)] });
    expect(r['SEG-PUBLISHED-SHARES-BACKEND']).toEqual(['medium docker-network:web:proxy']);
    expect(r['SEG-BACKEND-NOT-INTERNAL']).toEqual(['low docker-network:back']);
    expect(r['SEG-DB-DEFAULT-BRIDGE']).toBeUndefined();
  });

  it('split networks with an internal back end pass; a proxy published on loopback only is not published', () => {
    const cs = [proxyC({ web: {} }), app({ web: {}, back: {} }), pg({ back: {} })];
    expect(run(proxyFacts(), { containers: cs, networks: [net('web', false), net('back', true)] })).toEqual({});
    expect(run(proxyFacts(), { containers: [proxyC({ back: {} }, '127.0.0.1'), pg({ back: {} })], networks: [net('back', true)] })).toEqual({});
  });

  it('host-network containers: no firewall → medium; ufw on but containers filtered in DOCKER-USER → low; ufw alone → pass', () => {
    const hostNet = container('metrics', { Config: { Image: 'prom/node-exporter:1.8' }, HostConfig: { NetworkMode: 'host' } });
    const evalWith = (ufwActive: boolean, iptables: string[] | null): string[] => {
      const facts = {
        docker: { ok: true, value: { containers: [hostNet], networks: [], daemonJson: { icc: null } } },
        ufw: { ok: true, value: { active: ufwActive } },
        netfilter: { ok: true, value: { iptables: iptables && parseIptablesSummary(iptables), nft: null, notes: [] } },
      } as unknown as HostFacts;
      const ev = evaluate(facts, 'h', segChecks.filter((c) => c.id === 'SEG-HOST-NETWORK-UNFILTERED') as ReadonlyArray<CheckDef<SectionName>>);
      return [ev.checks[0]!.status, ...ev.findings.map((f) => `${f.severity} ${f.resource}`)];
    };
    expect(evalWith(false, ['*filter', ':INPUT ACCEPT [0:0]', 'COMMIT'])).toEqual(['fail', 'medium container:metrics']);
    expect(evalWith(true, ['*filter', ':INPUT ACCEPT [0:0]', 'COMMIT'])).toEqual(['pass']);
    expect(evalWith(true, ['*filter', ':INPUT ACCEPT [0:0]', ':DOCKER-USER - [0:0]', '@r filter 0:0 -A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP', '@r filter 0:0 -A DOCKER-USER -j RETURN', 'COMMIT'])).toEqual(['fail', 'low container:metrics']);
  });

  it('a database on the default bridge', () => {
    expect(run(proxyFacts(), { containers: [pg({ bridge: {} })], networks: [] })['SEG-DB-DEFAULT-BRIDGE']).toEqual(['medium container:db']);
  });
});

// Keeps the fixture type honest (a file as the parser builds it).
export type { ProxyConfigFile };
