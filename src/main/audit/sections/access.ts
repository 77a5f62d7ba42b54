// Collector sections for the access facts: local accounts (passwd, group, shadow states), sudoers
// rules, and each user's ~/.ssh and authorized keys. No password hash ever leaves the host: awk
// reduces every password field to "empty", "locked" or "set" on the host itself.
import type { Section, SectionName } from '../facts';
import { parseGroup, parsePasswd, parseShadow, type Accounts, type Shadow } from '../parsers/accounts';
import { needsSudoIfDenied, STAT_PRINTF } from '../parsers/records';
import { parseSshKeys, type SshKeys } from '../parsers/sshKeys';
import { parseSudoers, type Sudoers } from '../parsers/sudoers';
import { shQuote } from '../../ssh/quote';
import { BLOCKED_SH } from './files';
import { defineSection, fromRaw, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    /** /etc/passwd and /etc/group (readable by everyone). */
    accounts: Section<Accounts>;
    /** Password states from /etc/shadow (root only). */
    shadow: Section<Shadow>;
    sudoers: Section<Sudoers>;
    sshKeys: Section<SshKeys>;
  }
}

// The password field ($2) is only ever compared, never printed.
const PASSWD_AWK =
  '{ s = $2; if (s == "x") st = "x"; else if (s == "") st = "empty"; else if (s ~ /^[!*]/) st = "locked"; else st = "set"; ' +
  'printf "%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n", $1, $3, $4, $6, $7, st }';
const GROUP_AWK = '{ printf "%s\\t%s\\t%s\\n", $1, $3, $4 }';
// A crypt hash starts with "$" (or is 13 DES characters); anything else cannot match a password.
const SHADOW_AWK =
  '{ s = $2; if (s == "") st = "empty"; else if (s ~ /^[!*]/) st = "locked"; else if (s ~ /^[$]/ || length(s) == 13) st = "set"; else st = "locked"; ' +
  'printf "%s\\t%s\\t%s\\t%s\\t%s\\n", $1, st, $3, $5, $8 }';

const SUDOERS_SH = `
if [ ! -e /etc/sudoers ]; then echo '#rampart absent'; exit 0; fi
# Read by the shell itself (no awk per file); /etc/sudoers' include lines are picked up on the way.
dirs=; files=
emit() {
  if [ ! -r "$1" ]; then printf 'D\\t%s\\n' "$1"; return 0; fi
  printf 'F\\t%s\\n' "$1"
  main=$2
  while IFS= read -r l || [ -n "$l" ]; do
    printf 'L\\t%s\\n' "$l"
    if [ -n "$main" ]; then
      case $l in
        *include*)
          set -f; set -- $l; set +f
          case $1 in '#includedir'|'@includedir') dirs="$dirs $2" ;; '#include'|'@include') files="$files $2" ;; esac ;;
      esac
    fi
  done < "$1"
}
emit /etc/sudoers main
[ -r /etc/sudoers ] || dirs=/etc/sudoers.d
for f in $files; do case "$f" in /*) emit "$f" ;; *) emit "/etc/$f" ;; esac; done
for d in $dirs; do
  case "$d" in /*) ;; *) d="/etc/$d" ;; esac
  [ -d "$d" ] || continue
  if [ ! -r "$d" ] || [ ! -x "$d" ]; then printf 'D\\t%s\\n' "$d"; continue; fi
  for f in "$d"/*; do
    [ -f "$f" ] || continue
    case "\${f##*/}" in *~|*.*) printf 'S\\t%s\\n' "$f"; continue ;; esac
    emit "$f"
  done
done
exit 0
`;

function sshKeysScript(sshdConfigPath: string): string {
  return `
${BLOCKED_SH}
CFG=${shQuote(sshdConfigPath)}
src=sshd-T
# sshd -T's output from lane 0 when it ran there (collector.ts), else its own run (sshd looked up
# only then: a command substitution is a fork).
if [ "\${SSHD_T_RC-x}" = 0 ]; then TOUT=$SSHD_T; else SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd); TOUT=$("$SSHD" -T -f "$CFG" 2>/dev/null); fi
A=
while read -r k v; do [ "$k" = authorizedkeysfile ] && { A=$v; break; }; done <<EOF
$TOUT
EOF
if [ -z "$A" ]; then
  src=config
  A=$(awk 'tolower($1) == "match" { exit } tolower($1) == "authorizedkeysfile" { $1 = ""; sub(/^ +/, ""); print; exit }' "$CFG" 2>/dev/null)
fi
if [ -z "$A" ]; then src=default; A='.ssh/authorized_keys .ssh/authorized_keys2'; fi
printf 'A\\t%s\\t%s\\0' "$src" "$A"
awk -F: -v pats="$A" 'BEGIN { n = split(pats, P, " "); P[n + 1] = ".ssh/authorized_keys"; P[n + 2] = ".ssh/authorized_keys2"; N = n + 2 }
  $1 != "" && $6 != "" && $6 != "/" {
    for (i = 1; i <= N; i++) {
      p = P[i]; if (p == "none") continue
      gsub(/%%/, "\\001", p); gsub(/%u/, $1, p); gsub(/%U/, $3, p); gsub(/%h/, $6, p)
      if (substr(p, 1, 2) == "~/") p = $6 substr(p, 2)
      if (substr(p, 1, 1) != "/") p = $6 "/" p
      gsub(/\\001/, "%", p)
      print $1 "\\t" $3 "\\t" $6 "\\t" (i <= n ? 1 : 0) "\\t" p
    }
  }' /etc/passwd | {
  # U user, P user/active/path of a keys file, k ssh-keygen line + path; one find prints the
  # stats (S) of every ~/.ssh and keys file at the end.
  TAB='	'; prev=; set --
  while IFS=$TAB read -r u uid home active f; do
    if [ "$u" != "$prev" ]; then
      prev=$u
      printf 'U\\t%s\\t%s\\t%s\\0' "$u" "$uid" "$home"
      if [ -d "$home" ]; then
        if [ ! -x "$home" ]; then printf 'D\\t%s\\0' "$home"
        elif [ -e "$home/.ssh" ]; then set -- "$@" "$home/.ssh"; fi
      elif blocked "$home"; then printf 'D\\t%s\\0' "$home"; fi
    fi
    if [ -e "$f" ]; then
      printf 'P\\t%s\\t%s\\t%s\\0' "$u" "$active" "$f"
      set -- "$@" "$f"
      if [ -r "$f" ]; then
        kl=$(ssh-keygen -l -f "$f" 2>/dev/null)
        [ -n "$kl" ] && while IFS= read -r l; do printf 'k\\t%s\\t%s\\0' "$l" "$f"; done <<EOF
$kl
EOF
      else printf 'D\\t%s\\0' "$f"; fi
    elif blocked "$f"; then printf 'D\\t%s\\0' "$f"
    fi
  done
  [ $# -gt 0 ] && find "$@" -maxdepth 0 -printf 'S\\t${STAT_PRINTF}\\0' 2>/dev/null
}
exit 0
`;
}

const accounts = defineSection({
  fact: 'accounts',
  costMs: 35,
  script: () => [`sec passwd awk -F: ${shQuote(PASSWD_AWK)} /etc/passwd`, `sec group awk -F: ${shQuote(GROUP_AWK)} /etc/group`].join('\n'),
  parse: (p): Section<Accounts> => {
    const users = fromRaw(p.raw.get('passwd'), '/etc/passwd', p, parsePasswd);
    if (!users.ok) return users;
    const groups = fromRaw(p.raw.get('group'), '/etc/group', p, parseGroup);
    if (!groups.ok) return groups;
    return { ok: true, value: { users: users.value, groups: groups.value } };
  },
});

const shadow = defineSection({
  fact: 'shadow',
  costMs: 20,
  script: () => `sec shadow awk -F: ${shQuote(SHADOW_AWK)} /etc/shadow`,
  parse: (p) => fromRaw(p.raw.get('shadow'), '/etc/shadow', p, parseShadow),
});

const sudoers = defineSection({
  fact: 'sudoers',
  costMs: 40,
  script: () => `secsh sudoers ${shQuote(SUDOERS_SH)}`,
  parse: (p): Section<Sudoers> => {
    const s = fromRaw(p.raw.get('sudoers'), 'sudoers', p, parseSudoers);
    if (s.ok && !s.value.present) return { ok: false, status: 'not-applicable', message: 'sudo is not installed (no /etc/sudoers)' };
    return needsSudoIfDenied(s, p.uid, 'Reading the sudoers rules');
  },
});

const sshKeys = defineSection({
  fact: 'sshKeys',
  costMs: 165,
  laneWith: 'sshd', // reads sshd -T's output from lane 0 (collector.ts) instead of running it again
  script: (ctx) => `secsh ssh_keys ${shQuote(sshKeysScript(ctx.sshdConfigPath))}`,
  parse: (p) => needsSudoIfDenied(fromRaw(p.raw.get('ssh_keys'), "users' SSH keys", p, parseSshKeys), p.uid, "Reading every user's ~/.ssh"),
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [accounts, shadow, sudoers, sshKeys] as ReadonlyArray<SectionSpec<SectionName>>;
