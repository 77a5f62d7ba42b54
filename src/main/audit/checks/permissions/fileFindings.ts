// Shared bits of the permission checks (and the file-based secret and backup checks).
import type { Severity } from '../../../../shared/domain';
import { SEVERITIES } from '../../../../shared/domain';
import { describeAccess, type FileStat } from '../../parsers/records';
import type { FindingDraft } from '../types';

export const PERM_REFS = ['https://manpages.debian.org/bookworm/coreutils/chmod.1.en.html'];

/** Stable resource of a file or folder. */
export function fileResource(path: string): string {
  return `file:${path}`;
}

/** "/etc/shadow 0644 (rw-r--r--) root:shadow" */
export function statEvidence(s: FileStat): string {
  return `${s.path} ${describeAccess(s)}`;
}

export function worst(severities: readonly Severity[]): Severity {
  return severities.reduce((a, b) => (SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b) ? a : b), 'info');
}

/** Something wrong with a file's mode or owner, and how bad it is. */
export interface ModeProblem {
  severity: Severity;
  reason: string;
}

/** One finding for a file: the worst problem's severity, every problem in the evidence. */
export function problemsToFinding(s: FileStat, problems: readonly ModeProblem[], title?: string): FindingDraft {
  return {
    severity: worst(problems.map((p) => p.severity)),
    resource: fileResource(s.path),
    evidence: `${statEvidence(s)}: ${problems.map((p) => p.reason).join('; ')}`,
    ...(title ? { title } : {}),
  };
}
