import { defineCheck } from '../types';
import { hasSection, opt, TRAEFIK_DOCS } from './model';
import { withTraefikInstances } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-EXPOSED-BY-DEFAULT',
  title: 'Traefik publishes every container by default (providers.docker.exposedByDefault)',
  category: 'network',
  severity: 'medium',
  references: [`${TRAEFIK_DOCS}providers/docker/#exposedbydefault`],
  rationale:
    'With the Docker provider exposedByDefault is true unless set otherwise: every container gets a router, so a new database UI or internal API started on the proxy network is published the moment it starts, without anyone deciding so.',
  remediation: 'Set `providers.docker.exposedByDefault=false` (`--providers.docker.exposedbydefault=false`) and add `traefik.enable=true` only to the containers meant to be public.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefikInstances(proxy, (m) =>
      m.instances
        .filter((i) => hasSection(i, 'providers.docker') && !/^false$/i.test(opt(i, 'providers.docker.exposedbydefault') ?? ''))
        .map((i) => ({
          severity: 'medium' as const,
          resource: `traefik:${i.resource}`,
          evidence: `${i.label}: the Docker provider is on and exposedByDefault is ${opt(i, 'providers.docker.exposedbydefault') ?? 'not set (default true)'} (from ${i.staticSource})`,
        })),
    ),
});
