// Shared by the Authelia checks: not-applicable without an Authelia configuration.
import type { ProxyFacts } from '../../parsers/proxyConfig';
import type { CheckOutcome, FindingDraft } from '../types';
import { autheliaConfigs, isAuthelia, type AutheliaConfig } from './model';

export function withAuthelia(proxy: ProxyFacts, judge: (a: AutheliaConfig) => FindingDraft[]): CheckOutcome {
  const configs = autheliaConfigs(proxy).filter((a) => a.file.status === 'ok');
  if (configs.length === 0) {
    const running = proxy.containers.some(isAuthelia) || proxy.binaries.authelia;
    return { status: 'not-applicable', message: running ? 'Authelia runs here, but its configuration.yml was not found through its mounts, /etc/authelia or the scan roots' : 'no Authelia configuration found' };
  }
  const findings = configs.flatMap(judge);
  return findings.length ? { status: 'fail', findings } : { status: 'pass' };
}

/** "container v-authelia, /srv/authelia/configuration.yml" for evidence. */
export function where(a: AutheliaConfig): string {
  return a.container ? `${a.file.path} (container ${a.container.name})` : a.file.path;
}
