// Test support: raw collector sections recorded from the lab hosts (test/audit-host-lab.test.ts
// scenarios, state-dir paths shortened to /srv/lab) under __fixtures__/{system,access,files,
// backups}/NAME-SCENARIO.txt. Each file is the section body followed by a last line "@exit CODE".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostFacts } from '../../src/main/audit/facts';
import { SECTION_SPECS } from '../../src/main/audit/sections';
import type { CollectContext } from '../../src/main/audit/sections/types';
import type { RawSection } from '../../src/main/audit/parsers/sections';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'main', 'audit', '__fixtures__');

/** Which fixture folder each raw section of the host audit lives in. */
export const HOST_SECTIONS: Readonly<Record<string, 'system' | 'access' | 'files' | 'backups'>> = {
  sys_info: 'system',
  apt_upgradable: 'system',
  auto_upgrades: 'system',
  time_sync: 'system',
  passwd: 'access',
  group: 'access',
  shadow: 'access',
  sudoers: 'access',
  ssh_keys: 'access',
  critical_files: 'files',
  secret_files: 'files',
  writable_files: 'files',
  log_files: 'files',
  data_dirs: 'files',
  backups: 'backups',
};

export type Scenario = 'vulnerable' | 'hardened' | 'vulnerable-unprivileged' | 'hardened-unprivileged';

export function fixtureText(dir: string, file: string): string {
  return fs.readFileSync(path.join(FIXTURES, dir, file), 'utf8');
}

/** A recorded section: body and exit code. */
export function rawFixture(name: string, scenario: string): RawSection {
  const text = fixtureText(HOST_SECTIONS[name] ?? 'system', `${name}-${scenario}.txt`);
  const m = /\n@exit (\d+)\n?$/.exec(text);
  if (!m) throw new Error(`fixture ${name}-${scenario} has no @exit line`);
  return { name, body: text.slice(0, m.index), exitCode: Number(m[1]) };
}

/**
 * The raw sections of one recorded scenario. Unprivileged recordings only exist where they differ
 * from the privileged ones; the rest falls back to the root recording of the same host.
 */
export function rawScenario(scenario: Scenario): Map<string, RawSection> {
  const base = scenario.replace('-unprivileged', '');
  const out = new Map<string, RawSection>();
  for (const name of Object.keys(HOST_SECTIONS)) {
    const file = (s: string): string => path.join(FIXTURES, HOST_SECTIONS[name]!, `${name}-${s}.txt`);
    out.set(name, rawFixture(name, fs.existsSync(file(scenario)) ? scenario : base));
  }
  return out;
}

export const LAB_CTX: CollectContext = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: ['/srv/lab/srv'], sectionTimeoutS: 20 };

/** The facts the host-audit sections produce. */
export const HOST_FACTS: readonly string[] = ['systemInfo', 'aptUpdates', 'autoUpgrades', 'timeSync', 'accounts', 'shadow', 'sudoers', 'sshKeys', 'criticalFiles', 'secretFiles', 'writableFiles', 'logFiles', 'dataDirs', 'backups'];

/** Facts of the host-audit sections parsed from raw sections (other sections' facts absent). */
export function hostFacts(raw: ReadonlyMap<string, RawSection>, uid: number | null, extra: Partial<HostFacts> = {}): HostFacts {
  const facts: Record<string, unknown> = {
    os: { ok: true, value: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' } },
  };
  for (const spec of SECTION_SPECS) {
    if (!HOST_FACTS.includes(spec.fact)) continue;
    facts[spec.fact] = spec.parse({ uid, raw, ctx: LAB_CTX });
  }
  return { ...facts, ...extra } as HostFacts;
}
