// Shared helpers of the network checks: well-known risky ports, how ufw treats a port, and
// resource naming for sockets.
import type { Severity } from '../../../../shared/domain';
import { describeSocket, isExternallyBound, type ListeningSocket } from '../../parsers/listening';
import { ufwRulesAllowing, type UfwFacts } from '../../parsers/ufw';

export const UFW_REF = 'https://manpages.debian.org/bookworm/ufw/ufw.8.en.html';
export const SS_REF = 'https://man7.org/linux/man-pages/man8/ss.8.html';

export interface RiskyService {
  name: string;
  proto: 'tcp' | 'udp';
  severity: Severity;
  why: string;
}

/** Databases, caches and search engines that must not face the internet. */
export const DATA_SERVICES: Readonly<Record<number, RiskyService[]>> = {
  3306: [{ name: 'MySQL/MariaDB', proto: 'tcp', severity: 'high', why: 'password brute force and server exploits' }],
  5432: [{ name: 'PostgreSQL', proto: 'tcp', severity: 'high', why: 'password brute force and server exploits' }],
  6432: [{ name: 'PgBouncer', proto: 'tcp', severity: 'high', why: 'a PostgreSQL front end' }],
  1433: [{ name: 'Microsoft SQL Server', proto: 'tcp', severity: 'high', why: 'password brute force and server exploits' }],
  1521: [{ name: 'Oracle', proto: 'tcp', severity: 'high', why: 'password brute force and server exploits' }],
  6379: [{ name: 'Redis', proto: 'tcp', severity: 'critical', why: 'no authentication by default; CONFIG SET leads to code execution' }],
  26379: [{ name: 'Redis Sentinel', proto: 'tcp', severity: 'high', why: 'controls Redis failover' }],
  11211: [
    { name: 'Memcached', proto: 'tcp', severity: 'critical', why: 'no authentication: anyone reads and writes the cache' },
    { name: 'Memcached', proto: 'udp', severity: 'critical', why: 'no authentication, and a UDP amplification source' },
  ],
  27017: [{ name: 'MongoDB', proto: 'tcp', severity: 'critical', why: 'often without authentication; mass-ransomed when exposed' }],
  27018: [{ name: 'MongoDB (shard)', proto: 'tcp', severity: 'critical', why: 'often without authentication' }],
  9200: [{ name: 'Elasticsearch/OpenSearch', proto: 'tcp', severity: 'critical', why: 'HTTP API often without authentication' }],
  9300: [{ name: 'Elasticsearch transport', proto: 'tcp', severity: 'high', why: 'cluster transport protocol' }],
  5984: [{ name: 'CouchDB', proto: 'tcp', severity: 'high', why: 'HTTP API; admin party on old versions' }],
  9042: [{ name: 'Cassandra', proto: 'tcp', severity: 'high', why: 'often without authentication' }],
  8086: [{ name: 'InfluxDB', proto: 'tcp', severity: 'high', why: 'HTTP API, authentication off by default in 1.x' }],
  2379: [{ name: 'etcd', proto: 'tcp', severity: 'critical', why: 'holds cluster secrets; often without client certificates' }],
  7474: [{ name: 'Neo4j (HTTP)', proto: 'tcp', severity: 'high', why: 'database HTTP API' }],
  7687: [{ name: 'Neo4j (Bolt)', proto: 'tcp', severity: 'high', why: 'database protocol' }],
  8123: [{ name: 'ClickHouse (HTTP)', proto: 'tcp', severity: 'high', why: 'default user without password on old installs' }],
  9092: [{ name: 'Kafka', proto: 'tcp', severity: 'high', why: 'often without authentication' }],
  5672: [{ name: 'RabbitMQ (AMQP)', proto: 'tcp', severity: 'medium', why: 'message broker; guest account on old installs' }],
  15672: [{ name: 'RabbitMQ management', proto: 'tcp', severity: 'medium', why: 'web admin interface' }],
  28015: [{ name: 'RethinkDB', proto: 'tcp', severity: 'high', why: 'no authentication by default' }],
};

/** Clear-text or legacy remote-access services. */
export const INSECURE_SERVICES: Readonly<Record<number, RiskyService[]>> = {
  21: [{ name: 'FTP', proto: 'tcp', severity: 'medium', why: 'passwords and data in clear text' }],
  23: [{ name: 'Telnet', proto: 'tcp', severity: 'high', why: 'logins in clear text' }],
  69: [{ name: 'TFTP', proto: 'udp', severity: 'medium', why: 'no authentication at all' }],
  79: [{ name: 'finger', proto: 'tcp', severity: 'low', why: 'discloses user information' }],
  111: [
    { name: 'rpcbind', proto: 'tcp', severity: 'low', why: 'maps RPC services; amplification and information source' },
    { name: 'rpcbind', proto: 'udp', severity: 'low', why: 'UDP amplification source' },
  ],
  161: [{ name: 'SNMP', proto: 'udp', severity: 'medium', why: 'v1/v2c communities are clear-text passwords' }],
  512: [{ name: 'rexec', proto: 'tcp', severity: 'high', why: 'clear-text remote execution' }],
  513: [{ name: 'rlogin', proto: 'tcp', severity: 'high', why: 'host-based trust, clear text' }],
  514: [{ name: 'rsh', proto: 'tcp', severity: 'high', why: 'host-based trust, clear text' }],
};

export function serviceFor(table: Readonly<Record<number, RiskyService[]>>, s: ListeningSocket): RiskyService | null {
  return table[s.port]?.find((x) => x.proto === s.proto) ?? null;
}

export function socketResource(s: ListeningSocket): string {
  const host = s.address.includes(':') ? `[${s.address}]` : s.address;
  return `listen:${s.proto}:${host}:${s.port}`;
}

/** Sockets reachable from the network (not loopback), deduplicated by proto/address/port. */
export function externalSockets(sockets: readonly ListeningSocket[]): ListeningSocket[] {
  const seen = new Set<string>();
  return sockets.filter((s) => {
    if (!isExternallyBound(s)) return false;
    const k = socketResource(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface UfwVerdict {
  /** How much ufw lowers the exposure: 'none' (not active / allows from anywhere / unknown). */
  protection: 'none' | 'restricted' | 'blocked';
  note: string;
}

/** Whether ufw lets `s` in. Docker-published ports (docker-proxy) are never protected by ufw. */
export function ufwVerdict(ufw: UfwFacts, s: ListeningSocket): UfwVerdict {
  if (!ufw.active) return { protection: 'none', note: ufw.installed ? 'ufw is inactive' : 'no ufw' };
  if (s.processes.includes('docker-proxy')) return { protection: 'none', note: 'published by Docker, which bypasses ufw' };
  const deny = ufw.defaults.incoming === 'deny' || ufw.defaults.incoming === 'reject';
  if (!deny) return { protection: 'none', note: `ufw's default incoming policy is ${ufw.defaults.incoming ?? 'unknown'}` };
  if (ufw.rules === null) return { protection: 'none', note: 'ufw is active, but its rules could not be read (needs root)' };
  const allowing = ufwRulesAllowing(ufw.rules, s.port, s.proto);
  if (!allowing.length) return { protection: 'blocked', note: 'ufw blocks it (default deny, no allow rule for this port)' };
  if (allowing.some((r) => /^Anywhere/.test(r.from))) return { protection: 'none', note: `ufw allows it from anywhere ("${allowing[0]!.to} ${allowing[0]!.action} ${allowing[0]!.from}")` };
  return { protection: 'restricted', note: `ufw allows it only from ${[...new Set(allowing.map((r) => r.from))].join(', ')}` };
}

const LOWER: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'low', info: 'info' };

/** Severity after ufw: blocked → low, restricted → one step lower. */
export function afterUfw(base: Severity, v: UfwVerdict): Severity {
  if (v.protection === 'blocked') return base === 'info' ? 'info' : 'low';
  if (v.protection === 'restricted') return LOWER[base];
  return base;
}

export function scopeText(s: ListeningSocket): string {
  return s.scope === 'any' ? 'every address' : s.scope === 'public' ? 'a public address' : s.scope === 'private' ? 'a private address' : s.scope;
}

export { describeSocket };
