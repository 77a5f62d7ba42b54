import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer, securityOpts } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-APPARMOR-UNCONFINED',
  title: 'Container runs without AppArmor confinement',
  category: 'containers',
  severity: 'high',
  cis: cisDocker('5.2'),
  references: [`${DOCKER_RUN_REF}#security-configuration`, 'https://docs.docker.com/engine/security/apparmor/'],
  rationale: "`apparmor=unconfined` removes the docker-default profile, which blocks writes to /proc and /sys and mounts: a container escape gets easier.",
  remediation: 'Remove `apparmor=unconfined` from `security_opt`; if the default profile blocks the service, write a profile for it instead of disabling AppArmor.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      if (c.privileged) return null; // privileged is unconfined by design and has its own check
      const opt = securityOpts(c).some(([k, v]) => k === 'apparmor' && v.toLowerCase() === 'unconfined');
      if (!opt && c.appArmorProfile !== 'unconfined') return null;
      return { severity: 'high', resource: containerResource(c), evidence: `AppArmor profile unconfined (${about(c)})` };
    }),
});
