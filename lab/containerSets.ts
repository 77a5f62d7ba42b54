// Container sets for the audit tests, on a lab dockerd (lab/docker.ts): a hardened set (every
// container check passes) and a vulnerable set (each container misconfiguration of the catalog on
// a container of its own, plus secrets in compose files, env files and container environments).
import fs from 'node:fs';
import path from 'node:path';
import { composeUp, createLabContainer, createLabNetwork, docker, type LabDocker } from './docker';

/** `docker run` flags of a container every container check passes. */
export const HARDENED_FLAGS: readonly string[] = [
  '--cap-drop', 'ALL', '--read-only', '--user', '1000:1000', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '64',
  '--security-opt', 'no-new-privileges', '--health-cmd', 'true', '--health-interval', '2s', '-p', '127.0.0.1:18081:80',
  '-e', 'DB_PASSWORD_FILE=/run/secrets/db', '-e', 'APP_MODE=production',
];

export const HARDENED_COMPOSE = `version: "2.4"
services:
  api:
    image: lab/busybox:1.35
    command: ["sleep", "3600"]
    network_mode: none
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 64m
    cpus: 0.5
    pids_limit: 64
    ports: ["127.0.0.1:18091:8080"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 2s
    environment:
      DB_PASSWORD_FILE: /run/secrets/db
      APP_ENV: \${APP_ENV}
    env_file: ./api.env
`;

/** The hardened set: container h-app and compose project hardproj (service api). */
export async function createHardenedSet(d: LabDocker): Promise<void> {
  await Promise.all([
    createLabContainer(d, { name: 'h-app', args: [...HARDENED_FLAGS] }),
    composeUp(d, { project: 'hardproj', files: { 'docker-compose.yml': HARDENED_COMPOSE, 'api.env': 'API_BASE=/api\n', '.env': 'APP_ENV=production\n' } }),
  ]);
}

/** Distinctive values planted by the vulnerable set (none may leave the host). */
export interface PlantedContainerSecrets {
  env: string;
  url: string;
  compose: string;
  envFile: string;
  dotenv: string;
}

/** Names of the vulnerable set's containers (the compose service runs as vulnproj_web_1). */
export const VULNERABLE_CONTAINERS = ['v-privileged', 'v-socket', 'v-caps', 'v-hostns', 'v-hostnet', 'v-mounts', 'v-unconfined', 'v-ports', 'v-secrets', 'v-unhealthy', 'v-restarting', 'vulnproj_web_1'] as const;

function vulnerableCompose(p: PlantedContainerSecrets): string {
  return `version: "2.4"
services:
  web:
    image: lab/busybox:1.35
    command: ["sleep", "3600"]
    network_mode: none
    env_file:
      - ./app.env
    environment:
      DB_PASSWORD: ${p.compose}
      ADMIN_PASSWORD: your_strong_password_here
      SESSION_TOKEN: \${SESSION_TOKEN}
      APP_NAME: demo
`;
}

async function waitFor(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The vulnerable set; returns once v-unhealthy is unhealthy and v-restarting has crash-looped, so
 * an audit right after sees both states.
 */
export async function createVulnerableSet(lab: LabDocker, p: PlantedContainerSecrets): Promise<void> {
  await Promise.all([
    createLabContainer(lab, { name: 'v-privileged', start: false, args: ['--privileged'] }),
    createLabContainer(lab, { name: 'v-socket', args: ['-v', `${lab.socket}:/var/run/docker.sock`] }),
    createLabContainer(lab, { name: 'v-caps', image: lab.images.latest, args: ['--cap-add', 'SYS_ADMIN', '--cap-add', 'NET_ADMIN'] }),
    createLabContainer(lab, { name: 'v-hostns', args: ['--pid', 'host', '--ipc', 'host', '--uts', 'host'] }),
    createLabContainer(lab, { name: 'v-hostnet', start: false, args: ['--network', 'host'] }),
    createLabContainer(lab, { name: 'v-mounts', args: ['-v', '/etc:/host-etc:ro', '-v', '/root:/host-root'] }),
    createLabContainer(lab, { name: 'v-unconfined', image: lab.images.untagged, args: ['--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined'] }),
    createLabContainer(lab, { name: 'v-ports', image: 'lab/busybox', args: ['-p', '18080:80', '-p', '0.0.0.0:18443:443'] }),
    createLabContainer(lab, { name: 'v-secrets', args: ['-e', `DB_PASSWORD=${p.env}`, '-e', 'API_TOKEN=changeme', '-e', `DATABASE_URL=postgres://app:${p.url}@db/app`] }),
    createLabContainer(lab, { name: 'v-unhealthy', args: ['--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1'] }),
    createLabContainer(lab, { name: 'v-restarting', args: ['--restart', 'always'], cmd: ['false'] }),
    composeUp(lab, {
      project: 'vulnproj',
      files: { 'docker-compose.yml': vulnerableCompose(p), 'app.env': `API_KEY=changeme\nSMTP_PASSWORD=${p.envFile}\n`, '.env': `SESSION_TOKEN=${p.dotenv}\n` },
    }),
  ]);
  const state = async (name: string, fmt: string): Promise<string> => (await docker(lab, ['inspect', '--format', fmt, name])).trim();
  await waitFor('v-unhealthy to turn unhealthy', 20_000, async () => (await state('v-unhealthy', '{{.State.Health.Status}}')) === 'unhealthy');
  // A crash loop: restarted at least 3 times (between restarts it may look "running" for an instant).
  await waitFor('v-restarting to crash-loop', 20_000, async () => Number(await state('v-restarting', '{{.RestartCount}}')) >= 3);
}

// ---------------------------------------------------------------------------------------------
// The reverse-proxy set (issue 16 items 4–6), for the vulnerable scenario: a Traefik with an
// insecure dashboard, an Authelia whose configuration.yml (mounted from the host) bypasses by
// default and holds an inline secret, and a database on the proxy's network. The images are the
// lab busybox tagged like the real ones; the containers run `sleep` with Traefik's flags as
// arguments. Networks live in the engine's private network namespace (createLabNetwork).

/** Names of the proxy set's containers and networks. */
export const PROXY_SET = { traefik: 'v-traefik', authelia: 'v-authelia', db: 'v-db', front: 'lab-vfront', back: 'lab-vback' } as const;

export const TRAEFIK_IMAGE = 'lab/traefik:v3.1';
export const AUTHELIA_IMAGE = 'lab/authelia:4.38';
export const POSTGRES_IMAGE = 'lab/postgres:16';

export function vulnerableAutheliaConfig(jwtSecret: string): string {
  return `# Authelia, as a hurried admin leaves it
jwt_secret: ${jwtSecret}
session:
  domain: lab.test
  expiration: 7d
  inactivity: 1d
storage:
  encryption_key: tooshort
  local:
    path: /config/db.sqlite3
notifier:
  filesystem:
    filename: /config/notification.txt
access_control:
  default_policy: bypass
  rules:
    - domain: traefik.lab.test
      policy: bypass
    - domain: portainer.lab.test
      policy: one_factor
`;
}

/**
 * Creates the proxy set; returns the secret values it planted (none may leave the host). The
 * Authelia configuration is <engine dir>/authelia/configuration.yml, mode 0644.
 */
export async function createProxySet(lab: LabDocker, jwtSecret: string): Promise<{ autheliaConfig: string }> {
  await Promise.all([docker(lab, ['tag', lab.images.pinned, TRAEFIK_IMAGE]), docker(lab, ['tag', lab.images.pinned, AUTHELIA_IMAGE]), docker(lab, ['tag', lab.images.pinned, POSTGRES_IMAGE])]);
  await Promise.all([createLabNetwork(lab, PROXY_SET.front), createLabNetwork(lab, PROXY_SET.back)]);
  const dir = path.join(lab.dir, 'authelia');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const autheliaConfig = path.join(dir, 'configuration.yml');
  fs.writeFileSync(autheliaConfig, vulnerableAutheliaConfig(jwtSecret), { mode: 0o644 });
  fs.chmodSync(autheliaConfig, 0o644);
  await Promise.all([
    createLabContainer(lab, {
      name: PROXY_SET.traefik,
      image: TRAEFIK_IMAGE,
      networks: [PROXY_SET.front],
      args: [
        '-p', '18088:80',
        '-v', `${lab.socket}:/var/run/docker.sock`,
        '--label', 'traefik.enable=true',
        '--label', 'traefik.http.routers.dashboard.rule=Host(`traefik.lab.test`)',
        '--label', 'traefik.http.routers.dashboard.service=api@internal',
        '--label', 'traefik.http.routers.dashboard.entrypoints=web',
      ],
      cmd: ['sh', '-c', 'exec sleep 3600', 'traefik', '--api.insecure=true', '--api.dashboard=true', '--providers.docker=true', '--entrypoints.web.address=:80'],
    }),
    createLabContainer(lab, { name: PROXY_SET.authelia, image: AUTHELIA_IMAGE, networks: [PROXY_SET.front], args: ['-v', `${dir}:/config:ro`] }),
    createLabContainer(lab, { name: PROXY_SET.db, image: POSTGRES_IMAGE, networks: [PROXY_SET.front, PROXY_SET.back] }),
  ]);
  return { autheliaConfig };
}

/** Names of the hardened proxy set's containers and networks. */
export const HARDENED_PROXY_SET = { traefik: 'h-traefik', authelia: 'h-authelia', db: 'h-db', front: 'lab-hfront', back: 'lab-hback' } as const;

export const HARDENED_AUTHELIA_CONFIG = `# Secrets come from files (AUTHELIA_*_FILE): none is written here.
server:
  address: tcp://:9091
session:
  cookies:
    - domain: lab.test
      authelia_url: https://auth.lab.test
      expiration: 1h
      inactivity: 5m
storage:
  postgres:
    address: tcp://h-db:5432
    database: authelia
notifier:
  smtp:
    address: submission://mail.lab.test:587
    sender: Authelia <auth@lab.test>
access_control:
  default_policy: deny
  rules:
    - domain: traefik.lab.test
      policy: two_factor
      subject: group:admins
    - domain: app.lab.test
      policy: one_factor
`;

/**
 * The hardened counterpart, for the hardened scenario: every container hardened like HARDENED_FLAGS
 * (published on loopback only), Traefik without the Docker socket (a socket proxy's endpoint),
 * HTTP redirected to a TLS entry point with a headers middleware, the dashboard behind Authelia's
 * forwardAuth, exposedByDefault off, an access log; Authelia denying by default with its secrets in
 * files and its configuration.yml mode 0600; the database alone on an internal network.
 */
export async function createHardenedProxySet(lab: LabDocker): Promise<{ autheliaConfig: string }> {
  await Promise.all([docker(lab, ['tag', lab.images.pinned, TRAEFIK_IMAGE]), docker(lab, ['tag', lab.images.pinned, AUTHELIA_IMAGE]), docker(lab, ['tag', lab.images.pinned, POSTGRES_IMAGE])]);
  await Promise.all([createLabNetwork(lab, HARDENED_PROXY_SET.front), createLabNetwork(lab, HARDENED_PROXY_SET.back, { internal: true })]);
  const dir = path.join(lab.dir, 'authelia-hardened');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const autheliaConfig = path.join(dir, 'configuration.yml');
  fs.writeFileSync(autheliaConfig, HARDENED_AUTHELIA_CONFIG, { mode: 0o600 });
  fs.chmodSync(autheliaConfig, 0o600);
  // HARDENED_FLAGS without its port: each container publishes its own, on loopback.
  const base = HARDENED_FLAGS.filter((f, i, a) => f !== '-p' && a[i - 1] !== '-p');
  await Promise.all([
    createLabContainer(lab, {
      name: HARDENED_PROXY_SET.traefik,
      image: TRAEFIK_IMAGE,
      networks: [HARDENED_PROXY_SET.front],
      args: [
        ...base,
        '-p', '127.0.0.1:18443:443',
        '--label', 'traefik.enable=true',
        '--label', 'traefik.http.routers.dashboard.rule=Host(`traefik.lab.test`)',
        '--label', 'traefik.http.routers.dashboard.service=api@internal',
        '--label', 'traefik.http.routers.dashboard.entrypoints=websecure',
        '--label', 'traefik.http.routers.dashboard.tls=true',
        '--label', 'traefik.http.routers.dashboard.middlewares=authelia@docker',
        '--label', 'traefik.http.middlewares.authelia.forwardauth.address=http://h-authelia:9091/api/authz/forward-auth',
        '--label', 'traefik.http.middlewares.secure-headers.headers.stsseconds=31536000',
        '--label', 'traefik.http.middlewares.secure-headers.headers.contenttypenosniff=true',
      ],
      cmd: [
        'sh', '-c', 'exec sleep 3600', 'traefik',
        '--api.dashboard=true',
        '--entrypoints.web.address=:80',
        '--entrypoints.web.http.redirections.entrypoint.to=websecure',
        '--entrypoints.web.http.redirections.entrypoint.scheme=https',
        '--entrypoints.websecure.address=:443',
        '--entrypoints.websecure.http.tls=true',
        '--entrypoints.websecure.http.middlewares=secure-headers@docker',
        '--providers.docker.endpoint=tcp://h-socket-proxy:2375',
        '--providers.docker.exposedbydefault=false',
        '--accesslog=true',
      ],
    }),
    createLabContainer(lab, {
      name: HARDENED_PROXY_SET.authelia,
      image: AUTHELIA_IMAGE,
      networks: [HARDENED_PROXY_SET.front, HARDENED_PROXY_SET.back],
      args: [...base, '-p', '127.0.0.1:19091:9091', '-v', `${dir}:/config:ro`, '-e', 'AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE=/run/secrets/storage_key', '-e', 'AUTHELIA_SESSION_SECRET_FILE=/run/secrets/session'],
    }),
    createLabContainer(lab, { name: HARDENED_PROXY_SET.db, image: POSTGRES_IMAGE, networks: [HARDENED_PROXY_SET.back], args: [...base] }),
  ]);
  return { autheliaConfig };
}
