// Shared helpers of the container checks: resource naming, CIS references, and the usual
// "evaluate every container" loop.
import type { DockerContainer } from '../../parsers/docker';
import type { DockerFacts } from '../../sections/containers';
import type { CheckOutcome, FindingDraft } from '../types';

/** CIS Docker Benchmark v1.6.0 item. */
export function cisDocker(item: string): string {
  return `CIS Docker Benchmark v1.6.0 ${item}`;
}

export const DOCKER_RUN_REF = 'https://docs.docker.com/engine/reference/run/';
export const DOCKER_SECURITY_REF = 'https://docs.docker.com/engine/security/';
export const OWASP_DOCKER_REF = 'https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html';

/** Resource naming for containers: stable across re-creation (compose keeps names). */
export function containerResource(c: Pick<DockerContainer, 'name'>): string {
  return `container:${c.name}`;
}

/** "running", "created (not running)", "exited", … for evidence. */
export function stateText(c: DockerContainer): string {
  const s = c.state.status || (c.state.running ? 'running' : 'unknown');
  return s === 'running' ? 'running' : `${s}, not running`;
}

/** Image and state, appended to evidence so a finding says which container it is. */
export function about(c: DockerContainer): string {
  return `image ${c.image || '(unknown)'}, ${stateText(c)}`;
}

/**
 * Runs `judge` on every container: not-applicable without containers, fail with the drafts it
 * returns, pass otherwise.
 */
export function eachContainer(docker: DockerFacts, judge: (c: DockerContainer) => FindingDraft | FindingDraft[] | null): CheckOutcome {
  if (docker.containers.length === 0) return { status: 'not-applicable', message: 'no containers on this host' };
  const findings: FindingDraft[] = [];
  for (const c of docker.containers) {
    const r = judge(c);
    if (r) findings.push(...(Array.isArray(r) ? r : [r]));
  }
  return findings.length ? { status: 'fail', findings } : { status: 'pass' };
}

/** Capability names as Docker accepts them: upper-case, with or without CAP_. */
export function normCap(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, '');
}

/** A security option, normalized: `no-new-privileges:true` / `seccomp=unconfined` → [name, value]. */
export function securityOpts(c: DockerContainer): Array<[string, string]> {
  return c.securityOpt.map((o) => {
    const m = /^([^:=]+)[:=]?(.*)$/.exec(o.trim());
    return [(m?.[1] ?? o).toLowerCase(), m?.[2] ?? ''];
  });
}
