// Roles of containers for the segmentation checks, from their image names.
import type { DockerContainer } from '../../parsers/docker';
import { addressScope } from '../../parsers/addresses';

const last = (image: string): string => (image.replace(/@.*$/, '').replace(/:[^/]*$/, '').split('/').pop() ?? '').toLowerCase();

const DB = /^(postgres|postgis|timescaledb|mysql|mariadb|mongo|mongodb|redis|valkey|keydb|memcached|couchdb|elasticsearch|opensearch|influxdb|cassandra|clickhouse(-server)?|neo4j|rabbitmq|etcd|percona|cockroach)(?:$|[-_])/;
const ADMIN = /^(portainer|portainer-ce|pgadmin4?|phpmyadmin|adminer|mongo-express|redis-commander|dozzle|yacht|netdata|cockpit|webmin|rancher)(?:$|[-_])/;
const PROXY = /^(traefik|nginx|nginx-proxy|nginx-proxy-manager|caddy|haproxy|envoy|apache|httpd|swag|openresty)(?:$|[-_])/;

export const isDatabase = (c: DockerContainer): boolean => DB.test(last(c.image));
export const isAdminUi = (c: DockerContainer): boolean => ADMIN.test(last(c.image));
export const isProxy = (c: DockerContainer): boolean => PROXY.test(last(c.image));

/** Ports published on an address beyond loopback. */
export function publicPorts(c: DockerContainer): string[] {
  return c.ports.filter((p) => p.hostIp === '' || addressScope(p.hostIp) !== 'loopback').map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}->${p.containerPort}`);
}

/** A published service: a proxy or web front with ports beyond loopback. */
export const isPublished = (c: DockerContainer): boolean => publicPorts(c).length > 0;

/** Networks that are not user-defined (segmentation is about the user-defined ones). */
export const PREDEFINED = new Set(['bridge', 'host', 'none', 'default']);

export const SEG_REF = 'https://docs.docker.com/engine/network/';
export const OWASP_SEG_REF = 'https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html#rule-5-restrict-container-networking';
