// Channel names without their schemas, so the sandboxed preload can build `window.rampart`
// without bundling zod. contract.ts checks at compile time that this table and the contract agree
// in both directions, and the handler tests check the names at run time.
export const CHANNEL_METHODS = {
  app: ['info'],
  hosts: ['list', 'add', 'update', 'remove', 'importKey', 'setSudoPassword', 'testConnection', 'vpnState', 'probeKey', 'trustKey'],
  hostKeys: ['importKnownHosts'],
  inventory: ['preview', 'import'],
  audit: ['run', 'cancel', 'chooseTrivyReport'],
  runs: ['list', 'get', 'diff'],
  findings: ['triage', 'history'],
  remediation: ['catalog', 'plan', 'apply', 'rollback', 'resume', 'history', 'unfinished', 'job', 'exportAnsible'],
  mail: ['listDomains', 'saveDomain', 'deleteDomain', 'run', 'cancel', 'runs', 'getRun', 'diff'],
  probe: ['listProfiles', 'saveProfile', 'deleteProfile', 'run', 'cancel', 'history', 'rate'],
  reports: ['save', 'preview', 'saveAs'],
  settings: ['get', 'update', 'retentionPreview', 'retentionApply', 'backup', 'restore', 'exportBundle', 'importBundle'],
  dashboard: ['fleet', 'trend', 'priority'],
  checklists: ['templates', 'list', 'get', 'create', 'remove', 'addItem', 'updateItem', 'removeItem', 'exportMarkdown'],
  workbench: ['query', 'finding', 'bulkPreview', 'bulkApply', 'views', 'saveView', 'deleteView'],
} as const;

export type ChannelDomain = keyof typeof CHANNEL_METHODS;

/** Every channel name is `<domain>:<method>`. */
export function channelName(domain: string, method: string): string {
  return `${domain}:${method}`;
}

export function allChannelNames(): string[] {
  return Object.entries(CHANNEL_METHODS).flatMap(([domain, methods]) => methods.map((m) => channelName(domain, m)));
}

/** Main → renderer notifications. One IPC channel carries all of them, discriminated by `type`. */
export const EVENT_CHANNEL = 'rampart:event';
