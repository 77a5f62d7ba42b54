// File fixes: chmod/chown to the mode and owner each check's remediation names, for secret files,
// backups, WireGuard configs, logs and the permission checks. Targets come from freshly collected
// facts (the sections the check requires), never from the finding's evidence text, so a plan only
// names files the collector saw, with their exact paths.
import type { HostFacts } from '../audit/facts';
import { logFamily } from '../audit/checks/permissions/logFiles';
import { othersRead, othersWrite, type FileStat } from '../audit/parsers/records';
import { FixNotApplicable, type FindingRef, type FixDef, type Ownership, type PresentState, type TargetSpec } from './types';

function factOf<K extends keyof HostFacts>(facts: Partial<HostFacts>, k: K): Extract<HostFacts[K], { ok: true }>['value'] {
  const s = facts[k];
  if (!s) throw new FixNotApplicable(`the ${String(k)} facts were not collected`);
  if (!s.ok) throw new FixNotApplicable(`the ${String(k)} facts are missing: ${s.message}`);
  return (s as { value: Extract<HostFacts[K], { ok: true }>['value'] }).value;
}

/** "file:/x" → "/x" (and the other resource prefixes the file checks use). */
export function resourcePath(resource: string, prefix: 'file' | 'backup' | 'wireguard'): string {
  if (!resource.startsWith(`${prefix}:/`)) throw new FixNotApplicable(`resource ${JSON.stringify(resource)} does not name a ${prefix} path`);
  return resource.slice(prefix.length + 1);
}

const exact =
  (mode: number, owner?: { uid?: number; gid?: number }) =>
  (pre: PresentState): Ownership => ({ mode, uid: owner?.uid ?? pre.uid, gid: owner?.gid ?? pre.gid });
const clear =
  (bits: number) =>
  (pre: PresentState): Ownership => ({ mode: pre.mode & ~bits & 0o7777, uid: pre.uid, gid: pre.gid });

const octal = (m: number): string => m.toString(8).padStart(4, '0');

function one(path: string, want: TargetSpec['want'], reason: string): TargetSpec[] {
  return [{ path, want, reason }];
}

function statIn(files: readonly FileStat[], path: string, what: string): FileStat {
  const s = files.find((f) => f.path === path);
  if (!s) throw new FixNotApplicable(`${path} is not among the ${what} the collector found now`);
  return s;
}

function groupGid(facts: Partial<HostFacts>, name: string): number {
  const accounts = facts.accounts?.ok ? facts.accounts.value : null;
  return accounts?.groups.find((g) => g.name === name)?.gid ?? 0;
}

const secretFile = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'file');
  statIn(factOf(facts, 'secretFiles').files.map((x) => x.stat), path, 'secret files');
  return one(path, exact(0o600), 'chmod 0600: only the owner may read or write a secret');
};

const backupDir = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const dir = resourcePath(f.resource, 'backup');
  const loc = factOf(facts, 'backups').locations.find((l) => l.path === dir);
  if (!loc) throw new FixNotApplicable(`${dir} is not among the backup folders the collector found now`);
  const out: TargetSpec[] = [];
  for (const file of loc.files) if (othersRead(file.stat.mode) && file.stat.type === 'f') out.push({ path: file.stat.path, want: exact(0o600), reason: 'chmod 0600: a backup readable by every user' });
  if (loc.stat.mode & 0o005) out.push({ path: loc.path, want: exact(0o700), reason: 'chmod 0700: the backup folder is open to every user' });
  if (!out.length) throw new FixNotApplicable(`nothing in ${dir} is open to other users now`);
  return out;
};

const wireguard = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'wireguard');
  const wg = factOf(facts, 'wireguardConfigs');
  if (path === '/etc/wireguard') {
    if (!wg.dir) throw new FixNotApplicable('/etc/wireguard is absent now');
    return one(path, exact(0o700, { uid: 0, gid: 0 }), 'chown root:root, chmod 0700: only root may replace the configs');
  }
  if (!wg.files.some((x) => x.path === path)) throw new FixNotApplicable(`${path} is not among the WireGuard configs the collector found now`);
  return one(path, exact(0o600, { uid: 0, gid: 0 }), 'chown root:root, chmod 0600: the config holds the interface private key');
};

const logFiles = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const family = resourcePath(f.resource, 'file');
  const files = factOf(facts, 'logFiles').files.filter((x) => x.type === 'f' && logFamily(x.path) === family && (othersRead(x.mode) || othersWrite(x.mode)));
  if (!files.length) throw new FixNotApplicable(`no log file of ${family} is open to other users now`);
  // 0640 at most: o-rwx and g-w, the rest (owner, group read) kept for the logger and adm.
  return files.map((x) => ({ path: x.path, want: clear(0o027), reason: 'chmod o-rwx,g-w (0640 at most): logs are for root and the adm group' }));
};

const sshDir = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'file');
  const u = factOf(facts, 'sshKeys').users.find((x) => x.sshDir?.path === path);
  if (!u?.sshDir) throw new FixNotApplicable(`${path} is not a ~/.ssh folder the collector found now`);
  const chown = u.sshDir.uid !== u.uid && u.sshDir.uid !== 0;
  return one(path, exact(0o700, chown ? { uid: u.uid } : undefined), `${chown ? `chown ${u.user}, ` : ''}chmod 0700: ~/.ssh is private to its user`);
};

const authorizedKeys = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'file');
  for (const u of factOf(facts, 'sshKeys').users) {
    const file = u.files.find((x) => x.stat.path === path);
    if (!file) continue;
    // sshd reads the file with the user's privileges: a root-owned one (/etc/ssh/authorized_keys_%u)
    // at 0600 would lock the user out, and handing it to the user undoes why it is root's.
    if (file.stat.uid === 0) throw new FixNotApplicable(`${path} is root's and sshd reads it as ${u.user}: 0600 would lock ${u.user} out; fix it by hand (chmod go-w, or a group only ${u.user} is in)`);
    const chown = file.stat.uid !== u.uid;
    return one(path, exact(0o600, chown ? { uid: u.uid } : undefined), `${chown ? `chown ${u.user}, ` : ''}chmod 0600: only its user may change which keys log in`);
  }
  throw new FixNotApplicable(`${path} is not an authorized keys file the collector found now`);
};

const critical = (role: string, mode: number, owner: (facts: Partial<HostFacts>) => { uid: number; gid: number }, reason: string) => (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'file');
  const entry = factOf(facts, 'criticalFiles').files.find((x) => x.stat.path === path && x.role === role);
  if (!entry) throw new FixNotApplicable(`${path} is not a ${role} file the collector found now`);
  return one(path, exact(mode, owner(facts)), reason);
};

const dataDir = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'file');
  if (!factOf(facts, 'dataDirs').dirs.some((d) => d.stat.path === path)) throw new FixNotApplicable(`${path} is not a data folder the collector found now`);
  return one(path, exact(0o700), 'chmod 0700: only the database user may enter its data folder');
};

const worldWritable = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'file');
  const files = factOf(facts, 'writableFiles').files;
  const hits = path.endsWith('/*') ? files.filter((x) => x.path.slice(0, x.path.lastIndexOf('/')) === path.slice(0, -2)) : files.filter((x) => x.path === path);
  if (!hits.length) throw new FixNotApplicable(`${path} is not world-writable now`);
  return hits.map((x) => ({ path: x.path, want: clear(0o002), reason: 'chmod o-w: no one else may change it' }));
};

const root = { uid: 0, gid: 0 };

const hostPubKey = (f: FindingRef, facts: Partial<HostFacts>): TargetSpec[] => {
  const path = resourcePath(f.resource, 'file');
  if (!factOf(facts, 'hostHardening').keys.some((k) => k.role === 'ssh-host-pubkey' && k.stat.path === path))
    throw new FixNotApplicable(`${path} is not an SSH host public key the collector found now`);
  return one(path, exact(0o644, root), 'chown root:root, chmod 0644 (CIS 5.1.3): everyone may read a public key, only root may change it');
};

/** The file fixes, one per check. */
export const FILE_FIXES: readonly FixDef[] = [
  {
    id: 'secret-file-private',
    checkIds: ['SECRET-FILE-READABLE', 'SECRET-FILE-WRITABLE'],
    title: 'Make the secret file private to its owner',
    changes: 'chmod 0600 on the file (.env/env_file, key, credential store, WireGuard config in a project); the owner is kept',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: secretFile,
  },
  {
    id: 'backup-private',
    checkIds: ['BACKUP-READABLE'],
    title: 'Make the backups private',
    changes: 'chmod 0600 on each backup file others can read, chmod 0700 on the backup folder when others can enter it',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: backupDir,
  },
  {
    id: 'wireguard-config-root-only',
    checkIds: ['VPN-WG-CONFIG-READABLE', 'VPN-WG-CONFIG-OWNER'],
    title: 'Make the WireGuard config root-only',
    changes: 'chown root:root and chmod 0600 on the config (0700 on /etc/wireguard itself)',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: wireguard,
  },
  {
    id: 'log-files-private',
    checkIds: ['PERM-LOG-FILES'],
    title: 'Close the log files to other users',
    changes: 'chmod o-rwx,g-w on each file of the log family (0640 at most); owner and group kept',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: logFiles,
  },
  {
    id: 'ssh-dir-private',
    checkIds: ['PERM-SSH-DIR'],
    title: 'Make ~/.ssh private to its user',
    changes: 'chmod 0700 on the folder (and chown to its user when someone else owns it)',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: sshDir,
  },
  {
    id: 'authorized-keys-private',
    checkIds: ['PERM-AUTHORIZED-KEYS'],
    title: 'Make the authorized keys file writable by its user only',
    changes: 'chmod 0600 on the file (chown to its user when someone other than root owns it); a root-owned file is left to the admin',
    risk: 'medium',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: authorizedKeys,
  },
  {
    id: 'ssh-host-key-root-only',
    checkIds: ['PERM-SSH-HOST-KEYS'],
    title: 'Make the SSH host key root-only',
    changes: 'chown root:root and chmod 0600 on the host private key',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: critical('hostkey', 0o600, () => root, 'chown root:root, chmod 0600: only sshd (root) reads the host key'),
  },
  {
    id: 'ssh-host-pubkey-root-writable',
    checkIds: ['PERM-SSH-HOST-PUBKEYS'],
    title: 'Make the SSH host public key writable by root only',
    changes: 'chown root:root and chmod 0644 on the host public key',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: hostPubKey,
  },
  {
    id: 'sshd-config-root-only',
    checkIds: ['PERM-SSHD-CONFIG'],
    title: 'Make sshd_config root-only',
    changes: 'chown root:root and chmod 0600 on the sshd config file',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: critical('sshd_config', 0o600, () => root, 'chown root:root, chmod 0600 (CIS 5.1.1)'),
  },
  {
    id: 'shadow-files-root-only',
    checkIds: ['PERM-SHADOW-FILES'],
    title: 'Restore the modes of /etc/shadow and /etc/gshadow',
    changes: 'chown root:shadow and chmod 0640',
    risk: 'medium',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: (f, facts) => {
      const path = resourcePath(f.resource, 'file');
      const role = /gshadow-?$/.test(path) ? 'gshadow' : 'shadow';
      return critical(role, 0o640, (x) => ({ uid: 0, gid: groupGid(x, 'shadow') }), 'chown root:shadow, chmod 0640 (CIS 7.1.5-7.1.8)')(f, facts);
    },
  },
  {
    id: 'passwd-files-root-only',
    checkIds: ['PERM-PASSWD-FILES'],
    title: 'Restore the modes of /etc/passwd and /etc/group',
    changes: 'chown root:root and chmod 0644',
    risk: 'medium',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: (f, facts) => {
      const path = resourcePath(f.resource, 'file');
      return critical(/\/group-?$/.test(path) ? 'group' : 'passwd', 0o644, () => root, 'chown root:root, chmod 0644 (CIS 7.1.1-7.1.4)')(f, facts);
    },
  },
  {
    id: 'sudoers-files-root-only',
    checkIds: ['PERM-SUDOERS-FILES'],
    title: 'Restore the mode of the sudoers file',
    changes: 'chown root:root and chmod 0440',
    risk: 'medium',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: critical('sudoers', 0o440, () => root, 'chown root:root, chmod 0440 (what sudo requires)'),
  },
  {
    id: 'data-dir-private',
    checkIds: ['PERM-DATA-DIRS'],
    title: 'Close the database data folder',
    changes: 'chmod 0700 on the data folder (owner kept)',
    risk: 'medium',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: dataDir,
  },
  {
    id: 'world-writable-off',
    checkIds: ['PERM-WORLD-WRITABLE'],
    title: 'Remove the write bit for others',
    changes: 'chmod o-w on each world-writable file or folder of the finding',
    risk: 'low',
    reversible: true,
    needsRoot: true,
    effort: 'low',
    targets: worldWritable,
  },
];

export { octal as modeText };
