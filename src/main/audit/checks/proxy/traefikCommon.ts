// Shared by the Traefik checks: not-applicable without Traefik, and the fail/pass outcome.
import type { ProxyFacts } from '../../parsers/proxyConfig';
import type { CheckOutcome, FindingDraft } from '../types';
import { traefikModel, type TraefikModel } from './model';

export function withTraefik(proxy: ProxyFacts, judge: (m: TraefikModel) => FindingDraft[] | CheckOutcome): CheckOutcome {
  const m = traefikModel(proxy);
  if (m.instances.length === 0 && m.routers.length === 0) return { status: 'not-applicable', message: 'no Traefik container, service or configuration found' };
  const r = judge(m);
  if (!Array.isArray(r)) return r;
  return r.length ? { status: 'fail', findings: r } : { status: 'pass' };
}

export function withTraefikInstances(proxy: ProxyFacts, judge: (m: TraefikModel) => FindingDraft[] | CheckOutcome): CheckOutcome {
  return withTraefik(proxy, (m) => (m.instances.length ? judge(m) : { status: 'not-applicable', message: 'Traefik routing labels found, but no Traefik container or static configuration' }));
}
