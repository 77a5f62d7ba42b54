import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer, securityOpts } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-NO-NEW-PRIVILEGES',
  title: 'Container may gain privileges (no-new-privileges not set)',
  category: 'containers',
  severity: 'medium',
  cis: cisDocker('5.26'),
  references: [`${DOCKER_RUN_REF}#security-configuration`, 'https://docs.kernel.org/userspace-api/no_new_privs.html'],
  rationale: 'Without no-new-privileges, a setuid binary inside the container can raise a compromised process back to root inside it.',
  remediation:
    'Add `security_opt: ["no-new-privileges:true"]` (`--security-opt no-new-privileges`) to the service, or set `"no-new-privileges": true` in /etc/docker/daemon.json for every container.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const opt = securityOpts(c).find(([k]) => k === 'no-new-privileges');
      const explicit = opt ? !/^(?:false|0|no)$/i.test(opt[1]) : null;
      if (explicit === true || (explicit === null && docker.daemonJson.noNewPrivileges)) return null;
      const why = explicit === false ? 'security_opt sets no-new-privileges:false' : 'no no-new-privileges in security_opt and none in daemon.json';
      return { severity: 'medium', resource: containerResource(c), evidence: `${why} (${about(c)})` };
    }),
});
