import type { SshdFacts } from '../../facts';
import { first } from '../../parsers/sshd';

export const SSHD_REFS = ['https://man.openbsd.org/sshd_config'];

/** Resource naming for sshd settings: one finding per setting per config file. */
export function sshdResource(facts: SshdFacts, keyword: string): string {
  return `sshd:${facts.path}:${keyword}`;
}

export function value(facts: SshdFacts, key: string): string {
  return first(facts.config, key.toLowerCase()) ?? '';
}
