// The whole IPC contract: every channel, declared once. Preload, the Electron wiring, the e2e
// bridge and the handler table are all derived from this object.
import type { Result } from '../errors';
import type { AppEvent } from './events';
import { appChannels } from './app';
import { auditChannels, runsChannels } from './audit';
import { checklistsChannels } from './checklists';
import { dashboardChannels } from './dashboard';
import type { Channel, RequestOf, ResponseOf } from './channel';
import { findingsChannels } from './findings';
import { hostKeysChannels } from './hostKeys';
import { hostsChannels } from './hosts';
import { inventoryChannels } from './inventory';
import { mailChannels } from './mail';
import { probeChannels } from './probe';
import { remediationChannels } from './remediation';
import { reportsChannels } from './reports';
import { settingsChannels } from './settings';
import { workbenchChannels } from './workbench';
import { type CHANNEL_METHODS, channelName } from './names';

export const contract = {
  app: appChannels,
  hosts: hostsChannels,
  hostKeys: hostKeysChannels,
  inventory: inventoryChannels,
  audit: auditChannels,
  runs: runsChannels,
  findings: findingsChannels,
  remediation: remediationChannels,
  mail: mailChannels,
  probe: probeChannels,
  reports: reportsChannels,
  settings: settingsChannels,
  dashboard: dashboardChannels,
  checklists: checklistsChannels,
  workbench: workbenchChannels,
} as const;

export type Contract = typeof contract;

// Compile-time proof that names.ts lists exactly the contract's methods (a missing or extra
// name makes one of these types non-`true` and fails typecheck).
type Methods = typeof CHANNEL_METHODS;
type SameKeys<A, B> = [Exclude<A, B>] extends [never] ? ([Exclude<B, A>] extends [never] ? true : false) : false;
type DomainsMatch = SameKeys<keyof Contract, keyof Methods>;
type MethodsMatch = { [D in keyof Contract & keyof Methods]: SameKeys<keyof Contract[D], Methods[D][number]> }[keyof Contract & keyof Methods];
type AssertTrue<T extends true> = T;
export type ContractMatchesNames = AssertTrue<DomainsMatch> | AssertTrue<MethodsMatch>;

/** `window.rampart`: one async function per channel, grouped by domain, plus event subscription. */
export type RampartApi = {
  [D in keyof Contract]: {
    [M in keyof Contract[D]]: (request: RequestOf<Contract[D][M]>) => Promise<Result<ResponseOf<Contract[D][M]>>>;
  };
} & {
  onEvent(listener: (event: AppEvent) => void): () => void;
};

export interface ChannelEntry {
  domain: string;
  method: string;
  channel: Channel;
}

export function channelEntries(): ChannelEntry[] {
  const out: ChannelEntry[] = [];
  for (const [domain, methods] of Object.entries(contract)) {
    for (const [method, ch] of Object.entries(methods as Record<string, Channel>)) {
      if (ch.name !== channelName(domain, method)) throw new Error(`channel ${domain}.${method} is named ${ch.name}; expected ${channelName(domain, method)}`);
      out.push({ domain, method, channel: ch });
    }
  }
  return out;
}

export const CHANNEL_NAMES: readonly string[] = channelEntries().map((e) => e.channel.name);
