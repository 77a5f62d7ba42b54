import { defineCheck } from '../types';
import { isDatabase, OWASP_SEG_REF, SEG_REF } from './roles';

export default defineCheck({
  id: 'SEG-DB-DEFAULT-BRIDGE',
  title: 'Database container on Docker’s default bridge network',
  category: 'network',
  severity: 'medium',
  cis: 'CIS Docker Benchmark v1.6.0 2.2 (restrict network traffic between containers on the default bridge)',
  references: [`${SEG_REF}drivers/bridge/#differences-between-user-defined-bridges-and-the-default-bridge`, OWASP_SEG_REF],
  rationale:
    'Every container started without a network joins the default bridge, where (unless icc is off) all of them reach each other on every port. A database there is reachable from any unrelated container on the host, including ones started later for a quick test.',
  remediation: 'Put the database on a user-defined network shared only with its application (compose does this per project; `internal: true` for the back end), and set `"icc": false` in daemon.json.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) => {
    const dbs = docker.containers.filter(isDatabase);
    if (!dbs.length) return { status: 'not-applicable', message: 'no database container on this host' };
    const icc = docker.daemonJson.icc;
    const hits = dbs.filter((c) => c.networks.includes('bridge') || ((c.networkMode === 'default' || c.networkMode === 'bridge') && c.networks.length === 0));
    if (!hits.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: hits.map((c) => ({
        severity: icc === false ? ('low' as const) : ('medium' as const),
        resource: `container:${c.name}`,
        evidence: `${c.name} (${c.image}) is on the default bridge network${icc === false ? ' (icc is off in daemon.json: other containers cannot reach it directly)' : ' with inter-container traffic allowed'}`,
      })),
    };
  },
});
