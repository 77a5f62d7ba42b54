// Runs the catalog over collected facts. A missing section turns its checks into error or
// needs-sudo results; an exception in one check is contained to that check.
import { createHash } from 'node:crypto';
import type { CheckResult, Finding } from '../../shared/domain';
import type { HostFacts, SectionName } from './facts';
import { CHECKS } from './checks';
import type { CheckDef, FindingDraft } from './checks/types';

export interface Evaluation {
  checks: CheckResult[];
  findings: Finding[];
}

/** Stable finding identity: (host, checkId, resource). */
export function findingKey(hostKey: string, checkId: string, resource: string): string {
  return createHash('sha256').update(`${hostKey}\0${checkId}\0${resource}`).digest('hex').slice(0, 32);
}

/** What a finding takes from the check that raised it (host checks and mail checks alike). */
export interface FindingSource {
  id: string;
  category: Finding['category'];
  title: string;
  rationale: string;
  remediation: string;
  references: readonly string[];
  cis?: string | undefined;
}

/** A check's finding draft as an open finding of the target `targetKey` (host:port, or a mail domain's key). */
export function toFinding(targetKey: string, check: FindingSource, d: FindingDraft): Finding {
  return {
    id: findingKey(targetKey, check.id, d.resource),
    checkId: check.id,
    category: check.category,
    severity: d.severity,
    title: d.title ?? check.title,
    resource: d.resource,
    evidence: d.evidence,
    rationale: check.rationale,
    remediation: check.remediation,
    references: [...(check.cis ? [check.cis] : []), ...check.references],
    status: 'open',
  };
}

/** Facts not present at all (not collected) make their checks error, like a failed section. */
export function evaluate(facts: Partial<HostFacts>, hostKey: string, catalog: ReadonlyArray<CheckDef<SectionName>> = CHECKS): Evaluation {
  const checks: CheckResult[] = [];
  const findings: Finding[] = [];
  for (const check of catalog) {
    const base = { checkId: check.id, category: check.category, severity: check.severity };
    const sections = check.requires.map((s) => facts[s] ?? ({ ok: false, status: 'error', message: `${s}: not collected` } as const));
    const missing = sections.find((s) => !s.ok);
    if (missing && !missing.ok) {
      checks.push({ ...base, status: missing.status, message: missing.message });
      continue;
    }
    const ready = Object.fromEntries(check.requires.map((s, i) => [s, (sections[i] as { value: unknown }).value]));
    let outcome;
    try {
      outcome = check.evaluate(ready as never);
    } catch (e) {
      checks.push({ ...base, status: 'error', message: `check failed: ${(e as Error).message}` });
      continue;
    }
    if (outcome.status !== 'fail') {
      checks.push({ ...base, status: outcome.status, ...(outcome.status === 'not-applicable' ? { message: outcome.message } : {}) });
      continue;
    }
    checks.push({ ...base, status: 'fail' });
    for (const d of outcome.findings) findings.push(toFinding(hostKey, check, d));
  }
  return { checks, findings };
}
