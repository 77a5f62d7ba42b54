// Facts gathered from one host, each section either a parsed value or the reason it is missing.
// Domain modules under sections/ add their facts to HostFacts by module augmentation
// (`declare module '../facts' { interface HostFacts { docker: Section<DockerFacts> } }`).
import type { OsRelease } from './parsers/osRelease';
import type { SshdConfig } from './parsers/sshd';

export type Section<T> =
  | { ok: true; value: T }
  | { ok: false; status: 'error' | 'needs-sudo' | 'not-applicable'; message: string };

export interface SshdFacts {
  /** The sshd_config path audited (as configured for the host). */
  path: string;
  config: SshdConfig;
}

export interface HostFacts {
  os: Section<OsRelease>;
  sshd: Section<SshdFacts>;
}

export type SectionName = keyof HostFacts;
