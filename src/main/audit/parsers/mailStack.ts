// Parser of the mail_stack section (sections/mailStack.ts): host mail services, the mail stack's
// containers (state, health, restarts, memory, mounts), ClamAV signature files, Rspamd's ping and
// config, OpenDKIM's config and tables, disk use of the mail volumes. Pure.
import { parseCerts, type PostfixCert } from './postfixHealth';
import { NotApplicableError } from './sectionResult';

export type MailRole =
  | 'postfix' | 'dovecot' | 'rspamd' | 'clamav' | 'redis' | 'unbound' | 'sogo' | 'mysql' | 'nginx' | 'php-fpm' | 'acme' | 'netfilter'
  | 'watchdog' | 'memcached' | 'olefy' | 'dockerapi' | 'ofelia' | 'solr' | 'opendkim' | 'exim' | 'all-in-one' | 'other';

/** Roles without which mail is not received, filtered, stored or delivered. */
export const CORE_ROLES: readonly MailRole[] = ['postfix', 'dovecot', 'rspamd', 'redis', 'mysql', 'unbound', 'opendkim', 'exim', 'all-in-one'];

export interface StackContainer {
  id: string;
  name: string;
  image: string;
  project: string;
  service: string;
  role: MailRole;
  state: string;
  /** Docker healthcheck status, null without a healthcheck. */
  health: string | null;
  restartCount: number;
  /** Unix seconds; null if never started. */
  startedAt: number | null;
  /** HostConfig.Memory in bytes, 0 = no limit. */
  memoryLimit: number;
  /** From `docker stats` (running containers only). */
  memUsageBytes: number | null;
  memLimitBytes: number | null;
  memPercent: number | null;
  /** The container's IP addresses on its networks. */
  addresses: string[];
  mounts: Array<{ destination: string; source: string }>;
}

export interface HostService {
  unit: string;
  /** systemd is-active (active, inactive, failed, …) or, without systemd, running / stale-pid / no-pid-file. */
  state: string;
  /** systemd is-enabled (enabled, disabled, masked, …); null without systemd. */
  enabled: string | null;
}

export interface ClamSigFile {
  path: string;
  /** Unix seconds. */
  mtime: number;
  size: number;
  /** Build time from the CVD header, Unix seconds. */
  built: number | null;
  version: number | null;
}

export interface DiskUse {
  path: string;
  filesystem: string;
  sizeKb: number;
  usedKb: number;
  availKb: number;
  usePercent: number;
  mountedOn: string;
}

export type StackKind = 'mailcow' | 'docker-mailserver' | 'compose' | 'containers' | 'host';

export interface MailStackFacts {
  now: number | null;
  systemd: boolean;
  services: HostService[];
  containers: StackContainer[];
  kind: StackKind;
  /** The compose project(s) of the stack's containers. */
  projects: string[];
  /** A running Rspamd container's controller: its address and the answer to /ping, by container name. */
  containerPings: Record<string, { address: string; answer: string }>;
  /** The host Rspamd controller's answer to /ping ("pong"), the error text, or null (no Rspamd on the host). */
  rspamdPing: string | null;
  /** Config files read (comments and key-like lines removed on the host). */
  configs: Array<{ path: string; text: string }>;
  sigs: ClamSigFile[];
  disks: DiskUse[];
  /** The stack's own certificate files (Mailcow's data/assets/ssl/cert.pem, mounted at /etc/ssl/mail). */
  certs: PostfixCert[];
  /** Why the containers could not be listed (docker ps failed, docker info timed out); null when they were or Docker is absent. */
  dockerError: string | null;
  problems: string[];
}

const ROLE_PATTERNS: Array<[MailRole, RegExp]> = [
  ['all-in-one', /docker-mailserver|mailserver\/|mailu\/(?!.*(?:postfix|dovecot|rspamd))/],
  ['postfix', /postfix/],
  ['dovecot', /dovecot/],
  ['rspamd', /rspamd/],
  ['clamav', /clamd|clamav/],
  ['redis', /redis/],
  ['unbound', /unbound/],
  ['sogo', /sogo/],
  ['mysql', /mysql|mariadb/],
  ['nginx', /nginx/],
  ['php-fpm', /php-?fpm/],
  ['acme', /acme/],
  ['netfilter', /netfilter/],
  ['watchdog', /watchdog/],
  ['memcached', /memcached/],
  ['olefy', /olefy/],
  ['dockerapi', /dockerapi/],
  ['ofelia', /ofelia/],
  ['solr', /solr/],
  ['opendkim', /opendkim/],
  ['exim', /exim/],
];

/** The role of a container from its compose service, name and image (service first: mailcow's are "postfix-mailcow" …). */
export function roleOf(service: string, name: string, image: string): MailRole {
  for (const text of [service, name, image.replace(/:[^/]*$/, '')]) {
    const t = text.toLowerCase();
    if (!t) continue;
    for (const [role, re] of ROLE_PATTERNS) if (re.test(t)) return role;
  }
  return 'other';
}

const UNITS: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

/** "1.5MiB" → bytes; null when not a size. */
export function parseSize(s: string): number | null {
  const m = /^([\d.]+)\s*([kmgt]?i?b)$/i.exec(s.trim());
  if (!m) return null;
  const u = UNITS[m[2]!.toLowerCase()];
  return u === undefined ? null : Math.round(Number(m[1]) * u);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A CVD header "ClamAV-VDB:06 Dec 2026 08-25 +0000:27480:…" → build time and version. */
export function parseCvdHeader(header: string): { built: number | null; version: number | null } {
  const m = /^ClamAV-VDB:(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2})-(\d{2}) ([+-])(\d{2})(\d{2}):(\d+):/.exec(header.trim());
  if (!m) return { built: null, version: null };
  const mon = MONTHS.indexOf(m[2]!.toLowerCase());
  if (mon < 0) return { built: null, version: Number(m[9]) };
  const offsetMin = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
  const utc = Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5])) / 1000 - offsetMin * 60;
  return { built: utc, version: Number(m[9]) };
}

function dockerTime(s: string): number | null {
  if (!s || s.startsWith('0001-')) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}

const MARK = /^@(now|systemd|installed|pid|active|enabled|end|rspamd-ping|containers|stats|sigs|sighead|conf|df|dfpath|certs|docker-error|rspamd-cping)(?: (.*))?$/;

export function parseMailStack(text: string): MailStackFacts {
  const f: MailStackFacts = { now: null, systemd: false, services: [], containers: [], kind: 'host', projects: [], rspamdPing: null, configs: [], sigs: [], disks: [], certs: [], dockerError: null, containerPings: {}, problems: [] };
  const installed: string[] = [];
  const pidState = new Map<string, string>();
  let block: string | null = null;
  let blockUnits: string[] = [];
  const active: string[] = [];
  const enabled: string[] = [];
  const stats = new Map<string, { usage: number | null; limit: number | null; percent: number | null }>();
  const sigStat: Array<{ path: string; mtime: number; size: number }> = [];
  const heads = new Map<string, string>();
  let headPath: string | null = null;
  let conf: { path: string; lines: string[] } | null = null;
  const dfPaths: string[] = [];
  const certLines: string[] = [];
  const dfRows: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (conf && line.startsWith('|')) {
      f.configs[f.configs.length - 1]!.text += `${line.slice(1)}\n`;
      continue;
    }
    const m = MARK.exec(line);
    if (m) {
      const [, tag, arg = ''] = m;
      if (conf && tag !== 'conf') conf = null;
      switch (tag) {
        case 'now': if (/^\d+$/.test(arg)) f.now = Number(arg); break;
        case 'systemd': f.systemd = arg === '1'; break;
        case 'installed': installed.push(arg); break;
        case 'pid': { const [u, st] = arg.split(' '); if (u && st) pidState.set(u, st); break; }
        case 'active': case 'enabled': block = tag; blockUnits = arg.trim().split(/\s+/); break;
        case 'rspamd-ping': f.rspamdPing = arg.trim(); break;
        case 'rspamd-cping': {
          const [cname, address, ...answer] = arg.split(' ');
          if (cname && address) f.containerPings[cname] = { address, answer: answer.join(' ').trim() };
          break;
        }
        case 'docker-error': f.dockerError = arg.trim() || 'docker ps failed'; break;
        case 'containers': case 'stats': case 'sigs': case 'sighead': case 'df': case 'certs': block = tag; break;
        case 'dfpath': dfPaths.push(arg); break;
        case 'conf': block = null; conf = { path: arg, lines: [] }; f.configs.push({ path: arg, text: '' }); break;
        case 'end': block = null; break;
      }
      continue;
    }
    conf = null;
    if (!block || !line.trim()) continue;
    if (block === 'active') {
      if (active.length < blockUnits.length) active.push(line.trim());
      else if (enabled.length < blockUnits.length) enabled.push(line.trim());
    } else if (block === 'enabled') enabled.push(line.trim());
    else if (block === 'containers') {
      const c = line.split('\t');
      if (c.length < 11 || !/^[0-9a-f]{12,64}$/.test(c[0]!)) {
        f.problems.push(`unexpected inspect line: ${line.slice(0, 80)}`);
        continue;
      }
      const [id, name, image, project, service, state, health, restarts, started, memory, addresses, ...mounts] = c as [string, string, string, string, string, string, string, string, string, string, string, ...string[]];
      f.containers.push({
        id,
        name: name.replace(/^\//, ''),
        image,
        project,
        service,
        role: roleOf(service, name.replace(/^\//, ''), image),
        state,
        health: health || null,
        restartCount: Number(restarts) || 0,
        startedAt: dockerTime(started),
        memoryLimit: Number(memory) || 0,
        memUsageBytes: null,
        memLimitBytes: null,
        memPercent: null,
        addresses: addresses.split(' ').filter(Boolean),
        mounts: mounts.map((mt) => ({ destination: mt.slice(0, mt.indexOf('=')), source: mt.slice(mt.indexOf('=') + 1) })).filter((mt) => mt.destination),
      });
    } else if (block === 'stats') {
      const [id, usage, perc] = line.split('\t');
      const [u, l] = (usage ?? '').split('/');
      if (id && /^[0-9a-f]{12,64}$/.test(id)) stats.set(id, { usage: parseSize(u ?? ''), limit: parseSize(l ?? ''), percent: perc && /^[\d.]+%$/.test(perc.trim()) ? Number(perc.trim().slice(0, -1)) : null });
    } else if (block === 'sigs') {
      const s = /^(\d+) (\d+) (\/.*)$/.exec(line);
      if (s) sigStat.push({ mtime: Number(s[1]), size: Number(s[2]), path: s[3]! });
    } else if (block === 'sighead') {
      const h = /^==> (.*) <==$/.exec(line);
      if (h) headPath = h[1]!;
      else if (headPath && !heads.has(headPath)) heads.set(headPath, line);
    } else if (block === 'certs') {
      certLines.push(line);
    } else if (block === 'df') {
      if (/^\S+\s+\d+\s+\d+\s+\d+\s+\d+%\s+\//.test(line)) dfRows.push(line);
    }
  }
  // Services: systemd's words for each unit, or the pid-file state.
  for (const unit of installed) {
    const i = blockUnits.indexOf(unit);
    f.services.push(f.systemd ? { unit, state: active[i] ?? 'unknown', enabled: enabled[i] ?? null } : { unit, state: pidState.get(unit) ?? 'unknown', enabled: null });
  }
  for (const c of f.containers) {
    const s = stats.get(c.id) ?? [...stats].find(([k]) => c.id.startsWith(k))?.[1];
    if (s) [c.memUsageBytes, c.memLimitBytes, c.memPercent] = [s.usage, s.limit, s.percent];
  }
  f.sigs = sigStat.map((s) => ({ ...s, ...parseCvdHeader(heads.get(s.path) ?? '') }));
  // Each path's row: the longest mount point above it (df prints one row per path, but a path it
  // could not read has no row, so rows are not matched by position).
  const rows = dfRows.map((row) => {
    const p = row.trim().split(/\s+/);
    return { filesystem: p[0]!, sizeKb: Number(p[1]), usedKb: Number(p[2]), availKb: Number(p[3]), usePercent: Number(p[4]!.replace('%', '')), mountedOn: p.slice(5).join(' ') };
  });
  const under = (p: string, m: string): boolean => m === '/' || p === m || p.startsWith(`${m}/`);
  for (const p of dfPaths) {
    const row = rows.filter((r) => under(p, r.mountedOn)).sort((a, b) => b.mountedOn.length - a.mountedOn.length)[0];
    if (row) f.disks.push({ path: p, ...row });
  }
  f.certs = parseCerts(certLines);
  f.projects = [...new Set(f.containers.map((c) => c.project).filter(Boolean))].sort();
  const hay = f.containers.map((c) => `${c.project} ${c.image}`.toLowerCase()).join(' ');
  f.kind = /mailcow/.test(hay) ? 'mailcow' : f.containers.some((c) => c.role === 'all-in-one') ? 'docker-mailserver' : f.projects.length ? 'compose' : f.containers.length ? 'containers' : 'host';
  if (!f.containers.length && !f.services.length && !f.configs.length && !f.sigs.length && f.rspamdPing === null && f.dockerError === null)
    throw new NotApplicableError('no mail services or mail containers on this host');
  return f;
}
