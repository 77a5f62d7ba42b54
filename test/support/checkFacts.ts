// Test helpers for the network, VPN, mail and CVE checks: facts built the way an audit builds
// them, by running the collector's parsers over raw sections (fixture bodies), so the section
// wiring (status lines, needs-sudo, not-applicable) is tested too.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult, Finding } from '../../src/shared/domain';
import { parseCollectOutput } from '../../src/main/audit/collector';
import { evaluate, type Evaluation } from '../../src/main/audit/engine';
import type { HostFacts, SectionName } from '../../src/main/audit/facts';
import type { CheckDef } from '../../src/main/audit/checks/types';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'main', 'audit', '__fixtures__');
export const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const MARKER = '@@RAMPART-0123456789abcdef01234567';

/** Raw collector sections: name → body (exit 0), or { body, exit } (exit null = cut off). */
export type RawSpec = Record<string, string | { body: string; exit: number | null }>;

/** Facts as parseCollectOutput makes them from these raw sections (uid from `id`, default 0). */
export function factsFrom(sections: RawSpec, uid = 0): HostFacts {
  let out = `${MARKER} BEGIN id\n${uid}\n${MARKER} END id 0\n`;
  // A cut-off section can only be the last one (a BEGIN ends any unterminated section before it).
  const entries = Object.entries(sections).sort(([, a], [, b]) => Number(typeof a !== 'string' && a.exit === null) - Number(typeof b !== 'string' && b.exit === null));
  for (const [name, spec] of entries) {
    const { body, exit } = typeof spec === 'string' ? { body: spec, exit: 0 } : spec;
    out += `${MARKER} BEGIN ${name}\n${body.replace(/\n$/, '')}\n`;
    if (exit !== null) out += `${MARKER} END ${name} ${exit}\n`;
  }
  return parseCollectOutput(out, MARKER, '/etc/ssh/sshd_config').facts;
}

export interface Outcome {
  status: CheckResult['status'];
  message: string | undefined;
  findings: Finding[];
  /** "severity: evidence" of each finding, sorted. */
  lines: string[];
}

export function run(facts: HostFacts, checks: ReadonlyArray<CheckDef<SectionName>>): Evaluation {
  return evaluate(facts, '192.0.2.10:22', checks);
}

export function outcome(ev: Evaluation, id: string): Outcome {
  const c = ev.checks.find((x) => x.checkId === id);
  if (!c) throw new Error(`no result for ${id}`);
  const findings = ev.findings.filter((f) => f.checkId === id);
  return { status: c.status, message: c.message, findings, lines: findings.map((f) => `${f.severity}: ${f.evidence}`).sort() };
}
