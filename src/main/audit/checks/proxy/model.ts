// What the Traefik and Authelia checks read, built once from the proxy facts: Traefik instances
// (container or system service) with their static options (file, else CLI flags, else TRAEFIK_*
// environment: Traefik takes one source only), routers and middlewares (Docker labels and dynamic
// files), TLS options; Authelia configurations. Pure.
import type { DockerContainer } from '../../parsers/docker';
import { listAt, type ProxyConfigFile, type ProxyFacts } from '../../parsers/proxyConfig';

export const TRAEFIK_DOCS = 'https://doc.traefik.io/traefik/';
export const AUTHELIA_DOCS = 'https://www.authelia.com/configuration/';

/** Host names and service names of admin interfaces (dashboards, DB and container consoles). */
export const ADMIN_NAME =
  /(?:^|[^a-z0-9])(admin|administrator|traefik|dashboard|portainer|pgadmin|phpmyadmin|adminer|grafana|prometheus|alertmanager|kibana|netdata|cockpit|webmin|proxmox|pve|rancher|dozzle|yacht|rspamd|uptime-?kuma|vault|consul|nomad|jenkins|argocd|minio|console|manage|management|mailcow|unifi|pihole|adguard|syncthing|wg-?easy)(?:[^a-z0-9]|$)/i;

const isImage = (image: string, name: string): boolean => new RegExp(`(?:^|/)${name}(?::|@|$)`, 'i').test(image);
export const isTraefikImage = (image: string): boolean => isImage(image, 'traefik');
export const isAutheliaImage = (image: string): boolean => isImage(image, 'authelia');
/** The container runs the program itself (a custom image): its Path. */
const runs = (c: DockerContainer, name: string): boolean => (c.args[0] ?? '').split('/').pop() === name;
export const isTraefik = (c: DockerContainer): boolean => isTraefikImage(c.image) || runs(c, 'traefik');
export const isAuthelia = (c: DockerContainer): boolean => isAutheliaImage(c.image) || runs(c, 'authelia');

export interface TraefikRouter {
  name: string;
  provider: 'docker' | 'file';
  /** Where it is defined: container:NAME or the file. */
  origin: string;
  rule: string;
  service: string;
  middlewares: string[];
  entrypoints: string[];
  tls: boolean;
  container: DockerContainer | null;
}

export interface TraefikMiddleware {
  name: string;
  provider: 'docker' | 'file';
  /** basicauth, forwardauth, headers, chain, redirectscheme, … (lower-case). */
  type: string;
  /** chain.middlewares */
  chain: string[];
}

export interface TraefikInstance {
  /** container:NAME or service:traefik */
  resource: string;
  label: string;
  container: DockerContainer | null;
  /** Lower-cased static option paths → value ('true' for a bare flag). */
  static: Record<string, string>;
  /** Where the static options came from. */
  staticSource: string;
}

export interface TraefikModel {
  instances: TraefikInstance[];
  routers: TraefikRouter[];
  middlewares: TraefikMiddleware[];
  /** tls.options.NAME.minversion per file */
  tlsOptions: Array<{ name: string; minVersion: string; origin: string }>;
}

function under(path: string, dir: string): boolean {
  const d = dir.replace(/\/+$/, '');
  return path === d || path.startsWith(`${d}/`);
}

/** `--api.insecure=true` / `--accesslog` → ['api.insecure', 'true']. */
function flag(arg: string): [string, string] | null {
  const m = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$/.exec(arg);
  if (!m || m[2]?.startsWith('@rampart:')) return null;
  return [m[1]!.toLowerCase(), m[2] ?? 'true'];
}

function staticOf(c: DockerContainer | null, files: ProxyConfigFile[]): { options: Record<string, string>; source: string } {
  const file = files.find((f) => f.status === 'ok');
  if (file) return { options: file.entries, source: file.path };
  const options: Record<string, string> = {};
  if (c) {
    for (const a of c.args) {
      const f = flag(a);
      if (f && !/^configfile$/.test(f[0])) options[f[0]] = f[1];
    }
    if (Object.keys(options).length) return { options, source: 'command-line flags' };
    for (const [k, v] of Object.entries(c.traefikEnv)) options[k.replace(/^TRAEFIK_/, '').toLowerCase().replace(/_/g, '.')] = v;
    if (Object.keys(options).length) return { options, source: 'TRAEFIK_* environment' };
  }
  return { options, source: 'defaults (no configuration found)' };
}

/** Static option value, or undefined. Keys are lower-cased. */
export function opt(i: TraefikInstance, key: string): string | undefined {
  return i.static[key.toLowerCase()];
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^(true|)$/i.test(v.trim());

export function isOn(i: TraefikInstance, key: string): boolean {
  return truthy(opt(i, key));
}

/** Whether any static key starts with prefix (a section given at all, e.g. accesslog). */
export function hasSection(i: TraefikInstance, prefix: string): boolean {
  const p = prefix.toLowerCase();
  return Object.keys(i.static).some((k) => k === p || k.startsWith(`${p}.`));
}

export function traefikModel(proxy: ProxyFacts): TraefikModel {
  const staticFiles = proxy.files.filter((f) => f.kind === 'traefik-static');
  const dynFiles = proxy.files.filter((f) => f.kind === 'traefik-dynamic' && f.status === 'ok');
  const instances: TraefikInstance[] = [];
  const used = new Set<ProxyConfigFile>();
  for (const c of proxy.containers.filter(isTraefik)) {
    const mine = staticFiles.filter((f) => c.mounts.some((m) => m.source && under(f.path, m.source)));
    mine.forEach((f) => used.add(f));
    const s = staticOf(c, mine);
    instances.push({ resource: `container:${c.name}`, label: `Traefik container ${c.name}`, container: c, static: s.options, staticSource: s.source });
  }
  const rest = staticFiles.filter((f) => !used.has(f));
  if (rest.length && (proxy.binaries.traefik || instances.length === 0)) {
    const s = staticOf(null, rest);
    instances.push({ resource: 'service:traefik', label: 'Traefik service', container: null, static: s.options, staticSource: s.source });
  }
  const routers: TraefikRouter[] = [];
  const middlewares: TraefikMiddleware[] = [];
  // The Docker provider takes a container's labels when it says traefik.enable=true, or when it
  // does not say and exposedByDefault is on (the default) in a Traefik here (or none was found).
  const byDefault = instances.length === 0 || instances.some((i) => hasSection(i, 'providers.docker') && !/^false$/i.test(opt(i, 'providers.docker.exposedbydefault') ?? ''));
  for (const c of proxy.containers) {
    const labels = Object.entries(c.labels).filter(([k]) => k.toLowerCase().startsWith('traefik.'));
    if (!labels.length) continue;
    const l = Object.fromEntries(labels.map(([k, v]) => [k.toLowerCase(), v]));
    const enable = l['traefik.enable'];
    if (enable !== undefined ? !/^true$/i.test(enable) : !byDefault) continue;
    addHttp(l, 'traefik.http.', 'docker', `container:${c.name}`, c, routers, middlewares);
  }
  for (const f of dynFiles) addHttp(f.entries, 'http.', 'file', f.path, null, routers, middlewares);
  const tlsOptions: TraefikModel['tlsOptions'] = [];
  for (const f of dynFiles)
    for (const [k, v] of Object.entries(f.entries)) {
      const m = /^tls\.options\.([^.]+)\.minversion$/.exec(k);
      if (m) tlsOptions.push({ name: m[1]!, minVersion: v, origin: f.path });
    }
  return { instances, routers, middlewares, tlsOptions };
}

function addHttp(
  e: Record<string, string>,
  prefix: string,
  provider: 'docker' | 'file',
  origin: string,
  c: DockerContainer | null,
  routers: TraefikRouter[],
  middlewares: TraefikMiddleware[],
): void {
  const rNames = new Set<string>();
  const mTypes = new Map<string, string>();
  for (const k of Object.keys(e)) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    const r = /^routers\.([^.]+)(\.|$)/.exec(rest);
    if (r) rNames.add(r[1]!);
    const m = /^middlewares\.([^.]+)\.([^.[]+)/.exec(rest);
    if (m && !mTypes.has(m[1]!)) mTypes.set(m[1]!, m[2]!);
  }
  for (const name of rNames) {
    const at = `${prefix}routers.${name}`;
    const tls = e[`${at}.tls`];
    routers.push({
      name,
      provider,
      origin,
      rule: e[`${at}.rule`] ?? '',
      service: e[`${at}.service`] ?? '',
      middlewares: listAt(e, `${at}.middlewares`),
      entrypoints: listAt(e, `${at}.entrypoints`),
      tls: tls !== undefined && !/^false$/i.test(tls) || Object.keys(e).some((k) => k.startsWith(`${at}.tls.`)),
      container: c,
    });
  }
  for (const [name, type] of mTypes) middlewares.push({ name, provider, type: type.toLowerCase(), chain: listAt(e, `${prefix}middlewares.${name}.chain.middlewares`) });
}

const AUTH_TYPES = new Set(['basicauth', 'digestauth', 'forwardauth']);
const AUTH_NAME = /auth|authelia|authentik|sso|oauth|oidc|keycloak|login|pomerium/i;

/**
 * Whether a middleware reference (`name` or `name@provider`) authenticates: its type when its
 * definition is known (chains followed), else a name that says so (a definition Rampart could not read).
 */
export function authMiddleware(model: TraefikModel, ref: string, from: 'docker' | 'file', depth = 0): { auth: boolean; known: boolean } {
  const [name = '', provider = from] = ref.toLowerCase().split('@');
  const def = model.middlewares.find((m) => m.name === name && m.provider === provider);
  if (!def) return { auth: AUTH_NAME.test(name), known: false };
  if (AUTH_TYPES.has(def.type)) return { auth: true, known: true };
  if (def.type === 'chain' && depth < 5) return { auth: def.chain.some((x) => authMiddleware(model, x, def.provider, depth + 1).auth), known: true };
  return { auth: false, known: true };
}

/** The middlewares a router runs: its own and those of its entry points (static config). */
export function routerMiddlewares(model: TraefikModel, r: TraefikRouter): string[] {
  const out = [...r.middlewares];
  for (const i of model.instances) {
    const eps = r.entrypoints.length ? r.entrypoints : entrypointNames(i);
    for (const ep of eps) out.push(...listAt(i.static, `entrypoints.${ep.toLowerCase()}.http.middlewares`).map((m) => (m.includes('@') ? m : `${m}@file`)));
  }
  return out;
}

export function routerHasAuth(model: TraefikModel, r: TraefikRouter): boolean {
  return routerMiddlewares(model, r).some((m) => authMiddleware(model, m, r.provider).auth);
}

export function entrypointNames(i: TraefikInstance): string[] {
  const names = new Set<string>();
  for (const k of Object.keys(i.static)) {
    const m = /^entrypoints\.([^.]+)\./.exec(k);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/** Host names a rule matches: Host(`a`, `b`), HostRegexp, HostSNI. */
export function ruleHosts(rule: string): string[] {
  const out: string[] = [];
  for (const m of rule.matchAll(/Host(?:SNI|Regexp)?\(([^)]*)\)/gi)) for (const h of m[1]!.matchAll(/[`'"]([^`'"]+)[`'"]/g)) out.push(h[1]!);
  return out;
}

/** Whether a router fronts an admin interface: the dashboard, or an admin-looking host/router/container. */
export function adminReason(r: TraefikRouter): string | null {
  if (/^api@internal$/i.test(r.service)) return 'it serves the Traefik dashboard/API (api@internal)';
  const host = ruleHosts(r.rule).find((h) => ADMIN_NAME.test(h.split('.')[0] ?? ''));
  if (host) return `its rule matches the admin host ${host}`;
  if (ADMIN_NAME.test(r.name)) return `the router is named ${r.name}`;
  if (r.container && ADMIN_NAME.test(r.container.image.replace(/:.*$/, '').split('/').pop() ?? '')) return `it routes to ${r.container.name} (${r.container.image})`;
  return null;
}



// ---------------------------------------------------------------------------------------------
// Authelia

export interface AutheliaConfig {
  file: ProxyConfigFile;
  /** container:NAME of the Authelia container that mounts it, or the file. */
  resource: string;
  entries: Record<string, string>;
  container: DockerContainer | null;
}

export function autheliaConfigs(proxy: ProxyFacts): AutheliaConfig[] {
  const authelias = proxy.containers.filter(isAuthelia);
  // Authelia also reads split configuration files (several --config files or a folder): a YAML
  // file in an Authelia container's mount with Authelia's top-level keys counts too.
  const split = (f: ProxyConfigFile): boolean =>
    f.kind === 'other' && authelias.some((c) => c.mounts.some((m) => m.source && under(f.path, m.source))) && Object.keys(f.entries).some((k) => /^(session|storage|notifier|access_control|jwt_secret)(\.|$)/.test(k));
  return proxy.files
    .filter((f) => f.kind === 'authelia' || split(f))
    .map((file) => {
      const c = authelias.find((x) => x.mounts.some((m) => m.source && under(file.path, m.source))) ?? null;
      return { file, resource: `authelia:${file.path}`, entries: file.entries, container: c };
    });
}

export interface AutheliaRule {
  index: number;
  domains: string[];
  policy: string;
}

export function autheliaRules(a: AutheliaConfig): AutheliaRule[] {
  const out: AutheliaRule[] = [];
  for (let i = 0; i < 500; i++) {
    const p = `access_control.rules[${i}]`;
    if (!Object.keys(a.entries).some((k) => k.startsWith(`${p}.`))) break;
    out.push({ index: i, domains: [...listAt(a.entries, `${p}.domain`), ...listAt(a.entries, `${p}.domain_regex`)], policy: (a.entries[`${p}.policy`] ?? '').toLowerCase() });
  }
  return out;
}

export const adminDomain = (d: string): boolean => ADMIN_NAME.test(d.replace(/^\*\./, '').split('.')[0] ?? '');

/** Authelia durations: 1h, 30m, 2d, 1w, 1M, 1y, a number of seconds, or "1 hour". → seconds; null if unknown. */
export function durationSeconds(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000, second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };
  let total = 0;
  let matched = false;
  for (const m of t.matchAll(/(\d+)\s*([a-z]+?)s?(?=\d|\s|$)/g)) {
    let u = m[2]!;
    if (u === 'm' && /M/.test(v.slice(m.index, m.index + m[0].length))) u = 'month';
    const f = units[u] ?? (u === 'mo' ? 2592000 : undefined);
    if (f === undefined) return null;
    total += Number(m[1]) * f;
    matched = true;
  }
  return matched ? total : null;
}
