// Who besides a secret file's owner can reach it through its group, and the findings of the secret-file checks.
import type { Severity } from '../../../../shared/domain';
import type { Accounts } from '../../parsers/accounts';
import { closedAncestor, SECRET_KIND_LABELS, type SecretFiles } from '../../parsers/files';
import { describeAccess, listSome, type FileStat } from '../../parsers/records';
import { fileResource } from '../permissions/fileFindings';
import type { FindingDraft } from '../types';

/** Groups that mean "many people" whatever their member list says. */
const BROAD_GROUPS = new Set(['users', 'staff', 'adm', 'sudo', 'wheel', 'admin', 'docker', 'www-data', 'nogroup', 'everyone']);
/** Groups made for reading keys (Debian's ssl-cert for TLS keys, shadow, RHEL's ssh_keys). */
const KEY_GROUPS = new Set(['ssl-cert', 'shadow', 'ssh_keys']);

/** Accounts besides the owner in the file's group (explicit members and primary-group users). */
export function otherGroupMembers(s: FileStat, accounts: Accounts): string[] {
  const group = accounts.groups.find((g) => g.gid === s.gid);
  const names = new Set<string>(group?.members ?? []);
  for (const u of accounts.users) if (u.gid === s.gid) names.add(u.name);
  for (const u of accounts.users) if (u.uid === s.uid) names.delete(u.name);
  names.delete(s.owner);
  return [...names].sort();
}

/**
 * Whether group access to a secret reaches other people: a broad group, or any group with members
 * besides the owner — except root's group and dedicated key-reading groups.
 */
export function groupReachesOthers(s: FileStat, accounts: Accounts): { reaches: boolean; members: string[] } {
  if (s.gid === 0 || KEY_GROUPS.has(s.group)) return { reaches: false, members: [] };
  const members = otherGroupMembers(s, accounts);
  return { reaches: BROAD_GROUPS.has(s.group) || members.length > 0, members };
}

export const SECRET_FILE_REFS = ['https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html'];

/**
 * One finding per secret file that others can read (or write): every user → `worst` (medium
 * when a closed folder above keeps them out for now), a group shared with other users → medium.
 */
export function secretAccessFindings(
  secretFiles: SecretFiles,
  accounts: Accounts,
  access: { verb: 'readable' | 'writable'; others: (mode: number) => boolean; group: (mode: number) => boolean; worst: Severity; groupTitle?: string },
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const f of secretFiles.files) {
    const s = f.stat;
    const label = SECRET_KIND_LABELS[f.kind];
    if (access.others(s.mode)) {
      const closed = closedAncestor(s.path, secretFiles.closedDirs);
      findings.push({
        severity: closed ? 'medium' : access.worst,
        resource: fileResource(s.path),
        evidence: `${s.path} (${label}) ${describeAccess(s)}: ${access.verb} by every user${closed ? `, but ${closed} keeps other users out for now` : ''}`,
      });
      continue;
    }
    if (!access.group(s.mode)) continue;
    const g = groupReachesOthers(s, accounts);
    if (!g.reaches) continue;
    findings.push({
      severity: 'medium',
      resource: fileResource(s.path),
      ...(access.groupTitle ? { title: access.groupTitle } : {}),
      evidence: `${s.path} (${label}) ${describeAccess(s)}: ${access.verb} by group ${s.group}${g.members.length ? ` (${listSome(g.members)})` : ''}`,
    });
  }
  return findings;
}
