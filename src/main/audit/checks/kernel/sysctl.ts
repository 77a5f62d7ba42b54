// Shared evaluation for the kernel-parameter checks: each check names its sysctl keys, the values
// that pass and what to set. Keys the host does not have (no IPv6, no Yama) are not findings; a
// check whose keys are all absent does not apply, and one whose keys are hidden from the audit's
// user says it needs root.
import type { Severity } from '../../../../shared/domain';
import { hasAny, offending, type KernelParams } from '../../parsers/kernel';
import type { CheckOutcome } from '../types';

export interface SysctlRule {
  keys: readonly string[];
  ok: (v: number) => boolean;
  /** The setting to write, e.g. "0" (shown in the evidence). */
  want: string;
  /** Severity of a finding; may depend on the worst value seen. */
  severity: Severity | ((values: number[]) => Severity);
  /** The finding's resource, e.g. "sysctl:net.ipv4.conf.*.accept_redirects". */
  resource: string;
  /** Added to the evidence (why the value matters here). */
  note?: string;
}

export function evaluateSysctl(k: KernelParams, rule: SysctlRule): CheckOutcome {
  if (!hasAny(k, rule.keys)) {
    const hidden = rule.keys.filter((key) => k.denied.includes(key));
    if (hidden.length) return { status: 'not-applicable', message: `${hidden.join(', ')} cannot be read by the audit's user; audit with sudo to check them` };
    return { status: 'not-applicable', message: `this kernel has none of ${rule.keys.join(', ')}` };
  }
  const bad = offending(k, rule.keys, rule.ok);
  if (!bad.length) return { status: 'pass' };
  const values = rule.keys.filter((key) => key in k.values && !rule.ok(k.values[key]!)).map((key) => k.values[key]!);
  const severity = typeof rule.severity === 'function' ? rule.severity(values) : rule.severity;
  return {
    status: 'fail',
    findings: [{ severity, resource: rule.resource, evidence: `${bad.join(', ')} (want ${rule.want})${rule.note ? `; ${rule.note}` : ''}` }],
  };
}

/** The sysctl.d line(s) that fix a rule, for remediation texts. */
export function sysctlFix(lines: readonly string[]): string {
  return `Put ${lines.map((l) => `\`${l}\``).join(', ')} in /etc/sysctl.d/60-hardening.conf and load it with \`sysctl --system\` (a value set only with \`sysctl -w\` is lost at the next boot).`;
}
