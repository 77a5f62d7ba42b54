import type { Category, Severity } from '../../../shared/domain';
import type { HostFacts, SectionName } from '../facts';

export interface FindingDraft {
  severity: Severity;
  /** What is wrong, e.g. "sshd:/etc/ssh/sshd_config:PermitRootLogin". Part of the finding's identity. */
  resource: string;
  /** What was observed. Never a secret value. */
  evidence: string;
  /** Overrides the check title when one check can say different things. */
  title?: string;
}

export type CheckOutcome =
  | { status: 'pass' }
  | { status: 'fail'; findings: FindingDraft[] }
  | { status: 'not-applicable'; message: string };

type Ready<S extends SectionName> = { [K in S]: Extract<HostFacts[K], { ok: true }>['value'] };

export interface CheckDef<S extends SectionName = SectionName> {
  /** Stable forever: findings, triage and history key on it. */
  id: string;
  title: string;
  category: Category;
  /** The worst severity this check can raise; its weight in grading. */
  severity: Severity;
  /** CIS benchmark item, where one exists. */
  cis?: string;
  references: string[];
  rationale: string;
  remediation: string;
  /** How the remediation issue will fix it (config-edit, file-mode, …); informative for now. */
  fixKind?: 'sshd-config' | 'file-mode' | 'manual';
  /**
   * The admin's effort to fix it by hand (priority matrix), when the check knows better than the
   * default (src/main/priority/matrix.ts effortFor). A guided fix's own effort wins over this.
   */
  effort?: 'low' | 'medium' | 'high';
  /** Sections the check reads; if any is missing the check is error/needs-sudo, never evaluated. */
  requires: readonly S[];
  evaluate(facts: Ready<S>): CheckOutcome;
}

export function defineCheck<S extends SectionName>(def: CheckDef<S>): CheckDef<S> {
  return def;
}
