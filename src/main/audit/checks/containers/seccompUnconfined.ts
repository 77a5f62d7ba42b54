import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_SECURITY_REF, eachContainer, securityOpts } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-SECCOMP-UNCONFINED',
  title: 'Container runs without a seccomp profile',
  category: 'containers',
  severity: 'high',
  cis: cisDocker('5.22'),
  references: [`${DOCKER_SECURITY_REF}seccomp/`],
  rationale:
    "Docker's default seccomp profile blocks about 44 dangerous system calls (keyctl, kexec_load, open_by_handle_at, …); `seccomp=unconfined` lets a compromised process use all of them against the host kernel.",
  remediation: 'Remove `seccomp=unconfined` from `security_opt`; if a call is really needed, use a custom profile that allows just that one.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) => {
    const outcome = eachContainer(docker, (c) => {
      if (c.privileged) return null; // privileged disables seccomp by design and has its own check
      if (!securityOpts(c).some(([k, v]) => k === 'seccomp' && v.toLowerCase() === 'unconfined')) return null;
      return { severity: 'high', resource: containerResource(c), evidence: `security_opt seccomp=unconfined (${about(c)})` };
    });
    // A daemon without seccomp support leaves every container unconfined.
    if (outcome.status !== 'not-applicable' && !docker.daemon.securityOptions.includes('seccomp')) {
      const daemon: FindingDraft = {
        severity: 'medium',
        resource: 'docker:daemon',
        evidence: `the Docker daemon reports no seccomp support (security options: ${docker.daemon.securityOptions.join(', ') || 'none'})`,
      };
      return { status: 'fail', findings: [...(outcome.status === 'fail' ? outcome.findings : []), daemon] };
    }
    return outcome;
  },
});
