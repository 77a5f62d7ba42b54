// Shared bits of the secret-file checks: who besides the owner can reach a file through its group.
import type { Accounts } from '../../parsers/accounts';
import type { FileStat } from '../../parsers/records';

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
