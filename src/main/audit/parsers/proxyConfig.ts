// Parser of the proxy_configs section (sections/proxy.ts): Traefik and Authelia configuration files
// flattened on the host to `K path TAB value` lines (values the checks read as they are, every
// other value as a class token), plus the containers of the docker_containers section (parsed again
// here, so the Traefik and Authelia checks also work for a system service on a host without Docker).
import { parseEnvToken, type HostEnvClass } from './dockerSecrets';
import { parseDockerInspect, type DockerContainer } from './docker';
import type { RawSection } from './sections';

export type ProxyFileKind = 'traefik-static' | 'traefik-dynamic' | 'authelia' | 'other';

export interface ProxyConfigFile {
  path: string;
  /** Permission bits (octal digits as stat printed them, e.g. 644). */
  mode: number;
  uid: number;
  size: number;
  status: 'ok' | 'too-big' | 'budget' | 'unreadable';
  kind: ProxyFileKind;
  /** Flattened keys, lower-cased ("access_control.rules[0].policy") → value ('' for a block or table). */
  entries: Record<string, string>;
}

export interface ProxyFacts {
  files: ProxyConfigFile[];
  /** Images of the Traefik and Authelia containers the collector looked at. */
  images: string[];
  /** A traefik / authelia binary is on the host's PATH (a system service). */
  binaries: { traefik: boolean; authelia: boolean };
  /** Every container (from the docker_containers section), empty without Docker. */
  containers: DockerContainer[];
  /** More configuration files than the collector reads (it read the first ones). */
  limited: number | null;
}

const KIND_STATUS = new Set(['ok', 'too-big', 'budget', 'unreadable']);

/** What a file is, from its keys. */
export function fileKind(keys: readonly string[]): ProxyFileKind {
  const has = (re: RegExp): boolean => keys.some((k) => re.test(k));
  if (has(/^(access_control|authentication_backend|identity_validation|identity_providers|totp|webauthn)(\.|\[|$)/)) return 'authelia';
  if (has(/^(session|storage|notifier)\./) && has(/^(jwt_secret|server|log|theme|default_2fa_method|default_redirection_url)(\.|$)/)) return 'authelia';
  if (has(/^(entrypoints|providers|api|certificatesresolvers|accesslog|serverstransport)(\.|$)/)) return 'traefik-static';
  if (has(/^(http|tcp|udp)\.(routers|middlewares|services)(\.|$)/) || has(/^tls\.(options|certificates|stores)(\.|\[|$)/)) return 'traefik-dynamic';
  return 'other';
}

/** The proxy_configs section's body. */
export function parseProxyDump(body: string, containers: DockerContainer[] = []): ProxyFacts {
  const files: ProxyConfigFile[] = [];
  const images: string[] = [];
  const binaries = { traefik: false, authelia: false };
  let limited: number | null = null;
  let cur: ProxyConfigFile | null = null;
  const close = (): void => {
    if (!cur) return;
    cur.kind = fileKind(Object.keys(cur.entries));
    files.push(cur);
    cur = null;
  };
  for (const line of body.split('\n')) {
    if (line.startsWith('K ') && cur) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const key = line.slice(2, tab).toLowerCase();
      if (Object.keys(cur.entries).length < 5000 && !(key in cur.entries)) cur.entries[key] = line.slice(tab + 1);
      continue;
    }
    const f = /^@F ([0-7]{1,4}) (\d+) (\d+) (\S+) (\/.*)$/.exec(line);
    if (f) {
      close();
      const status = KIND_STATUS.has(f[4]!) ? (f[4] as ProxyConfigFile['status']) : 'unreadable';
      cur = { path: f[5]!, mode: parseInt(f[1]!, 8), uid: Number(f[2]), size: Number(f[3]), status, kind: 'other', entries: {} };
      continue;
    }
    if (line === '@E') {
      close();
      continue;
    }
    const c = /^@C (\S+)$/.exec(line);
    if (c) {
      if (!images.includes(c[1]!)) images.push(c[1]!);
      continue;
    }
    if (line === '@S traefik') binaries.traefik = true;
    else if (line === '@S authelia') binaries.authelia = true;
    const l = /^@L (\d+)$/.exec(line);
    if (l) limited = Number(l[1]);
  }
  close();
  return { files, images, binaries, containers, limited };
}

/** The containers of the docker_containers section, when it succeeded (none otherwise). */
export function containersOf(raw: RawSection | undefined): DockerContainer[] {
  if (!raw || raw.exitCode !== 0) return [];
  return parseDockerInspect(raw.body).containers;
}

/** A value the host replaced by its class token: that class; null for a value sent as is. */
export function tokenOf(value: string | undefined): HostEnvClass | null {
  return value && value.startsWith('@rampart:') ? parseEnvToken(value) : null;
}

/** `[a, b]`, `a,b`, `["a","b"]` → ['a', 'b']. */
export function listValue(v: string | undefined): string[] {
  if (!v) return [];
  return v
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((x) => x.trim().replace(/^["']|["']$/g, ''))
    .filter(Boolean);
}

/** Items of a flattened list (`key[0]`, `key[1]`, …) or a one-line list value. */
export function listAt(entries: Record<string, string>, key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const v = entries[`${key}[${i}]`];
    if (v === undefined) break;
    out.push(v);
  }
  return out.length ? out : listValue(entries[key]);
}
