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

/**
 * The collector runs `sshd -T` without `-C`, so the values are the global ones: Match blocks
 * (per user, group or address) are not applied. Evidence of the CIS 5.1 checks says so.
 */
export const GLOBAL_CONTEXT = 'global value: sshd -T without -C, Match blocks not applied';

/** `keyword value (global value: …)` — evidence for one sshd setting. */
export function globalEvidence(keyword: string, v: string, note?: string): string {
  return `${keyword} ${v}${note ? ` — ${note}` : ''} (${GLOBAL_CONTEXT})`;
}

/** A non-negative integer setting, or NaN. */
export function intValue(facts: SshdFacts, key: string): number {
  const raw = value(facts, key).trim();
  return /^\d+$/.test(raw) ? Number(raw) : NaN;
}

/** True when DisableForwarding yes turns every forwarding feature off. */
export function forwardingDisabled(facts: SshdFacts): boolean {
  return value(facts, 'DisableForwarding') === 'yes';
}

export const CIS_DEBIAN12 = (item: string): string => `CIS Debian Linux 12 v1.1.0 ${item}`;
