// Shared by the compose / container-environment secret checks: references, resource naming and
// evidence wording. Evidence names the file, service or container and the key, never the value.
import type { EnvEntry } from '../../parsers/dockerSecrets';
import type { DockerFacts } from '../../sections/containers';
import type { CheckOutcome, FindingDraft } from '../types';

export const COMPOSE_SECRETS_REF = 'https://docs.docker.com/compose/how-tos/use-secrets/';
export const COMPOSE_INTERPOLATION_REF = 'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/';
export const OWASP_SECRETS_REF = 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html';

export function composeResource(file: string, service: string, key: string): string {
  return `compose:${file}:${service}:${key}`;
}

export function envFileResource(file: string, key: string): string {
  return `envfile:${file}:${key}`;
}

export function containerEnvResource(container: string, key: string): string {
  return `container:${container}:${key}`;
}

/** "DB_PASSWORD" or "DATABASE_URL (the password in the URL)". */
export function keyText(e: EnvEntry): string {
  return e.via === 'url-password' ? `${e.key} (the password in the URL)` : e.key;
}

/** One entry per key (the last assignment wins, as in compose and Docker). */
export function lastPerKey(entries: readonly EnvEntry[]): EnvEntry[] {
  const m = new Map<string, EnvEntry>();
  for (const e of entries) m.set(e.key, e);
  return [...m.values()];
}

/**
 * One finding per container environment variable (the last value of each key) that `matches`;
 * not applicable without containers.
 */
export function perContainerEnv(docker: DockerFacts, matches: (e: EnvEntry) => boolean, finding: (containerName: string, e: EnvEntry) => Omit<FindingDraft, 'resource'>): CheckOutcome {
  if (docker.containers.length === 0) return { status: 'not-applicable', message: 'no containers on this host' };
  const findings: FindingDraft[] = docker.containers.flatMap((c) =>
    lastPerKey(c.env)
      .filter(matches)
      .map((e) => ({ ...finding(c.name, e), resource: containerEnvResource(c.name, e.key) })),
  );
  return findings.length ? { status: 'fail', findings } : { status: 'pass' };
}
