// A store filled through the Store API for the report tests and bench: a host profile with two
// runs (trend), a second target without a profile (fleet), triage (an accepted risk, a false
// positive), and findings whose text is hostile to every output format.
import { CHECKS } from '../../src/main/audit/checks';
import { computeScore } from '../../src/main/audit/grading';
import { Store } from '../../src/main/store/store';
import type { CheckResult, Finding, Severity } from '../../src/shared/domain';

/** Strings that would break out of HTML, Markdown, CSV or a spreadsheet if not escaped. */
export const HOSTILE = {
  script: '<script>alert("x")</script>',
  style: '</style><img src=x onerror=alert(1)>',
  attr: '"><img onerror=alert(2) src=y>',
  formula: '=HYPERLINK("http://evil.example/","click")',
  csv: 'a,b "quoted"\r\nsecond line\nthird',
  markdown: '# heading | pipe [link](javascript:alert(3)) `tick` *bold* <b>x</b>',
} as const;

const checkOf = (id: string) => {
  const c = CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown check ${id}`);
  return c;
};

export function finding(checkId: string, resource: string, over: Partial<Finding> = {}, target = 'web-1'): Finding {
  const c = checkOf(checkId);
  return {
    id: `${target}|${checkId}|${resource}`,
    checkId,
    category: c.category,
    severity: c.severity,
    title: c.title,
    resource,
    evidence: `observed on ${resource}`,
    rationale: c.rationale,
    remediation: c.remediation,
    references: [...c.references],
    status: 'open',
    ...over,
  };
}

function checksFor(findings: readonly Finding[], passing: readonly string[]): CheckResult[] {
  const failing = [...new Set(findings.map((f) => f.checkId))];
  return [
    ...failing.map((id): CheckResult => ({ checkId: id, category: checkOf(id).category, severity: checkOf(id).severity, status: 'fail' })),
    ...passing.filter((id) => !failing.includes(id)).map((id): CheckResult => ({ checkId: id, category: checkOf(id).category, severity: checkOf(id).severity, status: 'pass' })),
  ];
}

export function saveRun(store: Store, o: { id: string; hostId: number | null; name: string; address: string; startedAt: string; findings: Finding[]; passing?: string[]; os?: string }): string {
  const checks = checksFor(o.findings, o.passing ?? ['SSH-WEAK-KEX', 'NET-FIREWALL-INACTIVE', 'BACKUP-NONE']);
  const findings = store.applyTriage(o.findings, new Date(o.startedAt));
  return store.saveRun({
    id: o.id,
    hostId: o.hostId,
    hostName: o.name,
    address: o.address,
    port: 22,
    startedAt: o.startedAt,
    finishedAt: new Date(Date.parse(o.startedAt) + 9_000).toISOString(),
    status: 'complete',
    os: o.os ?? 'Debian GNU/Linux 12 (bookworm)',
    score: computeScore(checks, findings),
    errors: [],
    execCount: 3,
    durationMs: 9_000,
    checks,
    findings,
  });
}

export interface FilledStore {
  store: Store;
  hostName: string;
  latestRunId: string;
  previousRunId: string;
  otherRunId: string;
  acceptedId: string;
  falsePositiveId: string;
  hostileId: string;
}

/** NOW is after every run and before the acceptance's expiry. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');

export function fillStore(file = ':memory:'): FilledStore {
  const store = new Store(file);
  const h = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
  const base = [
    finding('SSH-PERMIT-ROOT-LOGIN', 'sshd:/etc/ssh/sshd_config:PermitRootLogin'),
    finding('SECRETS-COMPOSE-LITERAL', '/srv/app/compose.yml:DB_PASSWORD', { evidence: 'literal of 24 bytes' }),
    finding('CVE-IMAGE-FIXABLE', 'image:nginx:1.25', { evidence: '3 fixable critical CVEs (CVE-2024-0001, …)' }),
    finding('BACKUP-STALE', '/var/backups/restic', { evidence: 'last snapshot 12 days ago' }),
  ];
  const previousRunId = saveRun(store, { id: 'run-prev', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-02-20T09:00:00.000Z', findings: base.slice(0, 3) });
  const hostile = finding('DOCKER-PRIVILEGED', `container:${HOSTILE.script}`, {
    title: `Privileged ${HOSTILE.style}`,
    evidence: `${HOSTILE.attr}\n${HOSTILE.csv}\n${HOSTILE.markdown}`,
  });
  const formula = finding('PERM-WORLD-WRITABLE', HOSTILE.formula, { evidence: '-rwxrwxrwx root root' });
  const accepted = finding('NET-FAIL2BAN-MISSING', 'fail2ban');
  const falsePos = finding('SYS-REBOOT-REQUIRED', '/var/run/reboot-required');
  const latest = [...base, hostile, formula, accepted, falsePos];
  // Triage before the run is saved, as the app does: decided after the previous run.
  saveRun(store, { id: 'run-mid', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-02-21T09:00:00.000Z', findings: [accepted, falsePos] });
  store.setTriage({ findingKey: accepted.id, status: 'accepted', reason: 'VPN-only host; fail2ban adds nothing', expiresAt: '2099-01-01T00:00:00.000Z' }, new Date('2026-02-22T00:00:00.000Z'));
  store.setTriage({ findingKey: falsePos.id, status: 'false-positive', reason: `kernel live-patched ${HOSTILE.script}` }, new Date('2026-02-22T00:00:00.000Z'));
  const latestRunId = saveRun(store, { id: 'run-latest', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-02-28T09:00:00.000Z', findings: latest });
  const otherRunId = saveRun(store, {
    id: 'run-other',
    hostId: null,
    name: '10.9.0.3',
    address: '10.9.0.3',
    startedAt: '2026-02-27T09:00:00.000Z',
    os: 'Ubuntu 24.04 LTS',
    findings: [finding('SSH-PASSWORD-AUTH', 'sshd:/etc/ssh/sshd_config:PasswordAuthentication', {}, '10.9.0.3')],
  });
  return { store, hostName: 'web-1', latestRunId, previousRunId, otherRunId, acceptedId: accepted.id, falsePositiveId: falsePos.id, hostileId: hostile.id };
}

/** A run of `n` findings spread over the catalog's checks (the bench's 100-finding run). */
export function storeWithRun(n: number, file = ':memory:'): { store: Store; runId: string } {
  const store = new Store(file);
  const checks = CHECKS.filter((c) => c.category !== 'mail');
  const findings = Array.from({ length: n }, (_, i) => {
    const c = checks[i % checks.length]!;
    return finding(c.id, `/srv/resource-${i}`, { evidence: `evidence line ${i}\nsecond line of ${i}`, severity: c.severity as Severity });
  });
  const runId = saveRun(store, { id: 'bench-run', hostId: null, name: 'bench-host', address: '10.9.0.9', startedAt: '2026-02-28T09:00:00.000Z', findings });
  return { store, runId };
}
