// Collector sections for the host-hardening facts (issue 16 items 3, 7, 8; CIS Debian 12 1.1.2,
// 1.3.1, 1.5.3, 2.4, 5.1.3, 5.4, 6.1, 6.2, 7.1.13, 7.2.9):
//  - hostHardening: one awk over the mount table, AppArmor's sysfs files, auditd rule files and the
//    few configuration lines that matter (login.defs keys, journald/coredump Storage, `core` limit
//    lines, pam_unix lines; nothing else of those files is printed), then builtins for auditd,
//    cron and journald, ONE find for the stats of cron files, home folders, SSH host keys,
//    WireGuard configs, restore logs and the key files in DKIM key folders, `auditctl -l`
//    only where auditd is installed, and `lsblk -J`.
//  - ownership: SUID/SGID files under the program folders (depth ≤ 2), /tmp, /var/tmp, /dev/shm
//    (their files and hidden subfolders), /usr/local, /opt, /srv and the scan roots (depth ≤ 3), one
//    file system each (one find, or two when a scan root lies where the first walk goes), the
//    programs behind listening sockets (the listening section's ss output, read from the lane's
//    shell; one ls for their /proc exe links, one awk with their cgroups), and one awk over the
//    file lists of the packages that usually own them, then one grep over all of dpkg's file
//    lists for whatever is left (dpkg -S per file would cost a process and a full read each).
// Read-only; no file content leaves the host beyond the configuration lines named above.
import type { Section, SectionName } from '../facts';
import { DEFAULT_KEY_MAX_AGE_DAYS, parseHostHardening, parseOwnership, type HostHardening, type Ownership } from '../parsers/hardening';
import { STAT_PRINTF } from '../parsers/records';
import { shQuote } from '../../ssh/quote';
import { defineSection, fromRaw, type CollectContext, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    hostHardening: Section<HostHardening>;
    ownership: Section<Ownership>;
  }
}

const CONFIG_AWK = String.raw`function out(s) { printf "%s%c", s, 0 }
BEGIN { srand(); now = srand(); if (now < 1000000000) { "date +%s" | getline now }; out("N\t" now) }
FILENAME == "/proc/self/mounts" { if ($2 ~ /^\/(tmp|dev\/shm|var\/tmp|home|var|var\/log|var\/log\/audit)$/) out("M\t" $2 "\t" $3 "\t" $4); next }
FILENAME ~ /apparmor\/parameters\/enabled$/ { out("AA\tenabled\t" $1); next }
FILENAME ~ /apparmor\/profiles$/ { aa = 1; if ($NF == "(enforce)") e++; else if ($NF == "(complain)") c++; next }
FILENAME ~ /^\/etc\/audit\/rules\.d\// { if (FNR == 1) arf++; if ($0 ~ /^[ \t]*-[aw][ \t]/) ar++; next }
FILENAME == "/proc/sys/kernel/core_pattern" { out("C\t" FILENAME "\t" $0); next }
{ sub(/^[ \t]+/, ""); sub(/[ \t\r]+$/, "") }
/^#/ || $0 == "" { next }
FILENAME == "/etc/login.defs" { if ($1 ~ /^(PASS_MAX_DAYS|PASS_MIN_DAYS|PASS_WARN_AGE|ENCRYPT_METHOD|SHA_CRYPT_MIN_ROUNDS|YESCRYPT_COST_FACTOR|UID_MIN|SYS_UID_MAX)$/) out("C\t" FILENAME "\t" $1 " " $2); next }
FILENAME ~ /journald\.conf/ { if ($0 ~ /^Storage[ \t]*=/) out("C\t" FILENAME "\t" $0); next }
FILENAME ~ /coredump\.conf/ { if ($0 ~ /^(Storage|ProcessSizeMax)[ \t]*=/) out("C\t" FILENAME "\t" $0); next }
FILENAME ~ /^\/etc\/security\/limits/ { if ($3 == "core") out("C\t" FILENAME "\t" $1 " " $2 " " $3 " " $4); next }
FILENAME ~ /^\/etc\/pam\.d\// { if ($0 ~ /pam_unix\.so/) out("C\t" FILENAME "\t" $0); next }
END { if (aa) { out("AA\tenforce\t" e + 0); out("AA\tcomplain\t" c + 0) }; out("AU\trulefiles\t" arf + 0); out("AU\trulelines\t" ar + 0) }`;

/** Folders of DKIM keys (opendkim, Debian's dkimkeys, rspamd, exim), and the key files in them. */
const DKIM_DIRS = ['/etc/opendkim/keys', '/etc/dkimkeys', '/var/lib/rspamd/dkim', '/etc/rspamd/dkim', '/etc/exim4/dkim'] as const;
const DKIM_KEYS = `-type f \\( -name '*.private' -o -name '*.key' -o -name '*.pem' \\)`;

const HARDENING_SH = `
set --
for rh_f in /proc/self/mounts /sys/module/apparmor/parameters/enabled /sys/kernel/security/apparmor/profiles /proc/sys/kernel/core_pattern \\
  /etc/login.defs /etc/systemd/journald.conf /etc/systemd/journald.conf.d/*.conf /etc/systemd/coredump.conf /etc/systemd/coredump.conf.d/*.conf \\
  /etc/security/limits.conf /etc/security/limits.d/*.conf /etc/pam.d/common-password /etc/pam.d/common-auth /etc/audit/rules.d/*.rules; do
  if [ -r "$rh_f" ]; then [ -f "$rh_f" ] && set -- "$@" "$rh_f"
  elif [ -e "$rh_f" ]; then case $rh_f in */apparmor/profiles) printf 'AA\\tprofiles\\tdenied\\0' ;; esac; fi
done
# awk prints NUL-terminated records itself (printf %c 0: mawk, gawk and busybox awk).
awk ${shQuote(CONFIG_AWK)} "$@" 2>/dev/null
rh_a=no
for rh_f in /sbin/auditd /usr/sbin/auditd; do [ -x "$rh_f" ] && rh_a=yes; done
printf 'AU\\tinstalled\\t%s\\0' "$rh_a"
rh_p=
[ -r /run/auditd.pid ] && { read -r rh_p < /run/auditd.pid; } 2>/dev/null
rh_c=
[ -n "$rh_p" ] && { read -r rh_c < "/proc/$rh_p/comm"; } 2>/dev/null
if [ "$rh_c" = auditd ]; then printf 'AU\\trunning\\tyes\\0'; else printf 'AU\\trunning\\tno\\0'; fi
if [ "$rh_a" = yes ] && command -v auditctl >/dev/null 2>&1; then
  if rh_c=$($T auditctl -l 2>&1); then
    rh_n=0
    while IFS= read -r rh_f; do case $rh_f in -*) rh_n=$((rh_n + 1)) ;; esac; done <<EOF
$rh_c
EOF
    printf 'AU\\trules\\t%s\\0' "$rh_n"
  else
    case $rh_c in *ermission*|*root*|*ot\\ permitted*) printf 'AU\\trules\\tdenied\\0' ;; esac
  fi
fi
if [ -d /var/log/journal ]; then printf 'J\\tdir\\tyes\\0'; else printf 'J\\tdir\\tno\\0'; fi
for rh_f in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do [ -x "$rh_f" ] && { printf 'J\\tjournald\\tyes\\0'; break; }; done
for rh_f in /lib/systemd/systemd-coredump /usr/lib/systemd/systemd-coredump; do [ -x "$rh_f" ] && { printf 'CD\\tsystemd-coredump\\tyes\\0'; break; }; done
for rh_f in cron crond cronie atd anacron; do command -v "$rh_f" >/dev/null 2>&1 && printf 'CRON\\t%s\\0' "$rh_f"; done
# One find for the stats: cron and at files, home folders (H: whose), keys, restore logs.
set --
for rh_f in /etc/crontab /etc/cron.hourly /etc/cron.daily /etc/cron.weekly /etc/cron.monthly /etc/cron.yearly /etc/cron.d /etc/cron.allow /etc/cron.deny /etc/at.allow /etc/at.deny \\
  /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub /etc/wireguard/*.conf \\
  /var/log/*restic* /var/log/*borg* /var/log/*restore* /var/log/*/*restic* /var/log/*/*borg* /var/log/*/*restore*; do
  [ -e "$rh_f" ] && set -- "$@" "$rh_f"
done
if [ -r /etc/passwd ]; then
  while IFS=: read -r rh_u rh_x rh_x rh_x rh_x rh_h rh_x; do
    case $rh_h in ''|/|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*|/run|/run/*|/bin|/sbin|/usr|/usr/*|/var/run|/var/run/*|/nonexistent|/var/empty) continue ;; esac
    [ -d "$rh_h" ] && { printf 'H\\t%s\\t%s\\0' "$rh_u" "$rh_h"; set -- "$@" "$rh_h"; }
  done < /etc/passwd
fi
# The DKIM key folders (walked to depth 3 for key files) join that find, the paths below them told
# apart by -path (the rest printed and pruned at depth 0), unless one of the paths to stat lies in
# one of them: then two finds.
rh_own=
for rh_f in ${DKIM_DIRS.join(' ')}; do
  [ -d "$rh_f" ] || continue
  for rh_x in "$@"; do case "$rh_x" in "$rh_f"|"$rh_f"/*) rh_own=1 ;; esac; done
done
if [ -n "$rh_own" ]; then
  [ $# -gt 0 ] && find "$@" -maxdepth 0 -printf 'S\\t${STAT_PRINTF}\\0' 2>/dev/null
  set --
fi
for rh_f in ${DKIM_DIRS.join(' ')}; do [ -d "$rh_f" ] && set -- "$@" "$rh_f"; done
if [ -n "$rh_own" ]; then
  [ $# -gt 0 ] && find "$@" -maxdepth 3 ${DKIM_KEYS} -printf 'S\\t${STAT_PRINTF}\\0' 2>/dev/null
elif [ $# -gt 0 ]; then
  find "$@" -maxdepth 3 \\( ${DKIM_DIRS.map((d) => `-path ${d} -o -path '${d}/*'`).join(' -o ')} \\) \\( ${DKIM_KEYS} -printf 'S\\t${STAT_PRINTF}\\0' -o -true \\) \\
    -o -printf 'S\\t${STAT_PRINTF}\\0' -prune 2>/dev/null
fi
if command -v lsblk >/dev/null 2>&1; then
  printf 'B\\t'
  $T lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINTS 2>/dev/null || $T lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINT 2>/dev/null
  printf '\\0'
fi
exit 0
`;

// The listening PIDs from ss; one ls for their exe links; one awk joins them with their cgroup
// (a container runtime there: the path is inside the container) and comm.
const LISTEN_AWK = String.raw`FILENAME == "-" { i = index($0, " -> "); if (!i) next; n = split(substr($0, 1, i - 1), a, " "); split(a[n], q, "/"); exe[q[3]] = substr($0, i + 4); next }
FILENAME ~ /\/cgroup$/ { split(FILENAME, q, "/"); if ($0 ~ /docker|containerd|kubepods|libpod|lxc/) ct[q[3]] = 1; next }
FILENAME ~ /\/comm$/ { split(FILENAME, q, "/"); comm[q[3]] = $0; next }
END { for (p in exe) printf "L\t%s\t%s\t%s\t%s\n", p, (p in ct) ? "container" : "host", comm[p], exe[p] }`;

/**
 * Owned paths in one pass: BEGIN keeps of its file arguments the common packages' lists
 * (ENVIRON RO_RE) that can be opened; "-" (stdin) holds the ownership section's U and L lines,
 * whose paths (with their usrmerge aliases, " (deleted)" cut off) are looked up; each list line
 * that is one of them is printed (as `grep -Fxh` printed it); at the END the paths of which neither
 * the path nor its alias was found go to stderr, path then alias.
 */
const OWNED_AWK = String.raw`BEGIN {
  for (i = 1; i < ARGC; i++) {
    if (ARGV[i] == "-") continue
    n = ARGV[i]; sub(/.*\//, "", n)
    if (n !~ ENVIRON["RO_RE"] || (getline t < ARGV[i]) < 0) { delete ARGV[i]; continue }
    close(ARGV[i])
  }
  FS = "	"
}
FILENAME == "-" {
  if ($1 == "U") { p = $5; for (i = 6; i <= NF; i++) p = p "	" $i }
  if ($1 == "L") { p = $5; for (i = 6; i <= NF; i++) p = p "	" $i; sub(/ \(deleted\)$/, "", p) }
  if (p != "") {
    q = ""; if (p ~ /^\/usr\/(bin|sbin|lib|lib32|lib64|libx32)\//) q = substr(p, 5); else if (p ~ /^\/(bin|sbin|lib|lib32|lib64|libx32)\//) q = "/usr" p
    nc++; cp[nc] = p; cq[nc] = q; want[p] = 1; if (q != "") want[q] = 1; p = ""
  }
  next
}
$0 in want { print; own[$0] = 1 }
END { for (i = 1; i <= nc; i++) if (!(cp[i] in own) && (cq[i] == "" || !(cq[i] in own))) { print cp[i] > "/dev/stderr"; if (cq[i] != "") print cq[i] > "/dev/stderr" } }`;

/**
 * dpkg file lists read first (package names, `case` patterns): the packages that install Debian's
 * SUID/SGID programs and the usual server daemons and runtimes. A path none of them names is then
 * looked up in every list, so this only spares the full read (≈ 8 MB on a desktop-sized install)
 * when everything found is ordinary. Over-matching globs are harmless.
 */
export const COMMON_PACKAGE_LISTS = [
  'passwd', 'login', 'mount', 'util-linux', 'sudo', 'openssh-server', 'openssh-client', 'dbus', 'dbus-daemon', 'polkitd', 'policykit-1', 'pkexec',
  'libpam-modules-bin', 'fuse3', 'fuse', 'ntfs-3g', 'cron', 'at', 'iputils-ping', 'libutempter0*', 'postfix', 'exim4-daemon-*', 'opendkim', 'rspamd',
  'dovecot-core', 'chrony', 'ntpsec', 'systemd', 'systemd-resolved', 'systemd-timesyncd', 'docker.io', 'docker-ce', 'containerd', 'containerd.io',
  'nginx*', 'apache2-bin', 'bind9', 'unbound', 'knot', 'nsd', 'dnsmasq-base', 'wireguard-go', 'python3.*-minimal', 'postgresql-[0-9]*', 'mariadb-server*',
  'redis-server', 'fail2ban', 'cups-daemon', 'avahi-daemon', 'rpcbind', 'samba', 'xserver-xorg-legacy', 'gnome-keyring', 'kdesu',
] as const;

/** COMMON_PACKAGE_LISTS as one ERE over list file names ("name.list" or "name:arch.list"). */
const COMMON_LISTS_RE = `^(${COMMON_PACKAGE_LISTS.map((n) => n.replace(/\./g, '\\.').replace(/\*/g, '.*')).join('|')})(:[^/]*)?\\.list$`;

/** The system program and temporary folders walked to depth 2 for SUID/SGID files. */
const RO_SYS = ['/usr/bin', '/usr/sbin', '/usr/lib', '/usr/libexec', '/bin', '/sbin', '/tmp', '/var/tmp', '/dev/shm'] as const;
/** Of them, the temporary folders (only their own files and hidden subfolders are walked). */
const RO_TMP: readonly string[] = ['/tmp', '/var/tmp', '/dev/shm'];
/** find: the temporary folders' visible subfolders are not entered (their hidden ones are). */
const RO_TMP_PRUNE = `\\( -type d \\( -path '/tmp/*' -o -path '/var/tmp/*' -o -path '/dev/shm/*' \\) ! -name '.*' -prune \\)`;
const RO_U = `'U\\t%m\\t%U\\t%u\\t%p\\n'`;

function ownershipScript(ctx: CollectContext): string {
  const roots = ctx.scanRoots.map((r) => shQuote(r)).join(' ');
  return `
if [ -d /var/lib/dpkg/info ]; then echo 'DPKG	yes'; else echo 'DPKG	no'; fi
# Two walks, one file system each (FINDRC says how they ended): the system program folders to
# depth 2, the temporary folders' own files and their hidden subfolders (where droppers hide; a
# busy /tmp holds thousands of entries in the visible ones), then /usr/local, /opt, /srv and the
# scan roots to depth 3. Both run as one find under twice the section limit when the first walk
# can never reach a scan root and no scan root holds a system folder (as path strings, which is
# what -path sees): paths under a scan root (its name escaped for -path) take the second walk's
# test, the others the first walk's, whose depth is kept by pruning its folders at depth 2. A
# scan root in a system program folder, at depth 1 of a temporary folder or below a hidden
# folder there: two finds, each under the section limit.
ro_merge=1
for ro_d in ${roots}; do
  ro_x=\${ro_d%/}
  for ro_a in ${RO_SYS.join(' ')}; do case "$ro_a/" in "$ro_x"/*) ro_merge= ;; esac; done
  case "$ro_x/" in
    ${RO_SYS.filter((d) => !RO_TMP.includes(d)).map((d) => `${d}/*`).join('|')}) ro_merge= ;;
    ${RO_TMP.map((d) => `${d}/*`).join('|')})
      ro_r=$ro_x
      for ro_a in ${RO_TMP.join(' ')}; do case "$ro_x/" in "$ro_a"/*) ro_r=\${ro_x#"$ro_a"/} ;; esac; done
      # hidden first folder: the first walk enters it; depth 1: the first walk meets the root itself
      case "$ro_r" in .*) ro_merge= ;; */*) ;; *) ro_merge= ;; esac ;;
  esac
done
set --
for ro_d in ${RO_SYS.join(' ')}; do
  [ -d "$ro_d" ] && [ ! -L "$ro_d" ] && { printf 'W\\t%s\\n' "$ro_d"; set -- "$@" "$ro_d"; }
done
ro_sp=
if [ -z "$ro_merge" ]; then
  [ $# -gt 0 ] && ro_sp=$($T find "$@" -xdev -maxdepth 2 ${RO_TMP_PRUNE} -o -type f -perm /6000 -printf ${RO_U} 2>/dev/null; echo "FINDRC $?")
  set --
fi
for ro_d in /usr/local /opt /srv ${roots}; do
  case " $* " in *" $ro_d "*) continue ;; esac
  [ -d "$ro_d" ] && [ ! -L "$ro_d" ] && { printf 'W\\t%s\\n' "$ro_d"; set -- "$@" "$ro_d"; }
done
if [ -n "$ro_merge" ] && [ $# -gt 0 ]; then
  # -path patterns: a backslash before \\, *, ? and [ makes them literal (fnmatch).
  ro_esc() {
    ro_r=$1; ro_e=
    while [ -n "$ro_r" ]; do
      ro_c=\${ro_r%"\${ro_r#?}"}; ro_r=\${ro_r#?}
      case $ro_c in '\\'|'*'|'?'|'[') ro_e="$ro_e\\\\$ro_c" ;; *) ro_e="$ro_e$ro_c" ;; esac
    done
  }
  set -- "$@" -xdev -maxdepth 3 \\(
  for ro_d in /usr/local /opt /srv ${roots}; do ro_esc "\${ro_d%/}"; set -- "$@" -path "$ro_e" -o -path "$ro_e/*" -o; done
  set -- "$@" -false \\) \\( -type f -perm /6000 -printf ${RO_U} -o -true \\) \\
    -o ${RO_TMP_PRUNE} -o -type d \\( ${RO_SYS.map((d) => `-path '${d}/*/*'`).join(' -o ')} \\) -prune -o -type f -perm /6000 -printf ${RO_U}
  ro_t=; [ -n "$T" ] && ro_t="timeout ${2 * ctx.sectionTimeoutS}"
  ro_sp=$($ro_t find "$@" 2>/dev/null; echo "FINDRC $?")
elif [ $# -gt 0 ]; then
  ro_sp="$ro_sp\${ro_sp:+
}$($T find "$@" -xdev -maxdepth 3 -type f -perm /6000 -printf ${RO_U} 2>/dev/null; echo "FINDRC $?")"
fi
[ -n "$ro_sp" ] && printf '%s\\n' "$ro_sp"
# The listening PIDs: from the listening section's ss output in this lane (rampart_ss), else ss.
if [ -z "\${rampart_ss+set}" ] && command -v ss >/dev/null 2>&1; then rampart_ss=$(ss -tulpnH 2>/dev/null); fi
# Every pid=N of the ss lines, first seen first, by the shell itself (no process).
set --
ro_seen=' '
ro_r=\${rampart_ss-}
while :; do
  case "$ro_r" in *pid=[0-9]*) ;; *) break ;; esac
  ro_r=\${ro_r#*pid=}
  ro_p=\${ro_r%%[!0-9]*}
  [ -n "$ro_p" ] || continue
  case "$ro_seen" in *" $ro_p "*) ;; *) ro_seen="$ro_seen$ro_p "; set -- "$@" "/proc/$ro_p/exe" ;; esac
done
ro_lp=
if [ $# -gt 0 ]; then
  ro_f=
  for ro_x in "$@"; do ro_x=\${ro_x%/exe}; [ -r "$ro_x/cgroup" ] && ro_f="$ro_f $ro_x/cgroup"; [ -r "$ro_x/comm" ] && ro_f="$ro_f $ro_x/comm"; done
  ro_lp=$(ls -l "$@" 2>/dev/null | awk ${shQuote(LISTEN_AWK)} - $ro_f 2>/dev/null)
  [ -n "$ro_lp" ] && printf '%s\\n' "$ro_lp"
fi
if [ -d /var/lib/dpkg/info ] && { [ -n "$ro_sp" ] || [ -n "$ro_lp" ]; }; then
  echo OWNED
  # One awk: it keeps the common packages' lists of its arguments (their names matched against
  # COMMON_LISTS_RE: one read of the folder), reads the paths to look up from the here-document,
  # prints the lines of those lists that are one of them (owned, as grep -Fxh did) and, on
  # stderr, the paths that none of them names; only those are looked up in every list (usually
  # nothing is left).
  ro_left=
  { ro_left=$(RO_RE=${shQuote(COMMON_LISTS_RE)} awk ${shQuote(OWNED_AWK)} - /var/lib/dpkg/info/*.list 2>&1 >&3 <<RO_EOF
$ro_sp
$ro_lp
RO_EOF
); } 3>&1
  [ -n "$ro_left" ] && grep -Fxh -f - /var/lib/dpkg/info/*.list 2>/dev/null <<RO_EOF
$ro_left
RO_EOF
fi
exit 0
`;
}

/** The key/secret age limit: RAMPART_KEY_MAX_AGE_DAYS (whole days ≥ 1), else 365. A bad value is an error, not a silent default. */
export function keyMaxAgeDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RAMPART_KEY_MAX_AGE_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_KEY_MAX_AGE_DAYS;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1) throw new Error(`RAMPART_KEY_MAX_AGE_DAYS must be a whole number of days (1–99999), not ${JSON.stringify(raw)}`);
  return Number(raw);
}

const hostHardening = defineSection({
  fact: 'hostHardening',
  costMs: 30,
  script: () => `secsh sys_hardening ${shQuote(HARDENING_SH)}`,
  parse: (p) => fromRaw(p.raw.get('sys_hardening'), 'mounts, AppArmor, auditd, journald, login.defs, cron and key files', p, (body) => ({ ...parseHostHardening(body), keyMaxAgeDays: keyMaxAgeDays() })),
});

const ownership = defineSection({
  fact: 'ownership',
  costMs: 40,
  laneWith: 'listening', // reads the listening section's ss output ($rampart_ss) instead of running ss -p again
  script: (ctx) => `secsh sys_ownership ${shQuote(ownershipScript(ctx))}`,
  parse: (p): Section<Ownership> => {
    const o = fromRaw(p.raw.get('sys_ownership'), 'SUID/SGID files and listening programs against the package database', p, parseOwnership);
    if (o.ok && o.value.timedOut) return { ok: false, status: 'error', message: 'the SUID/SGID search did not finish in time' };
    // An unprivileged walk that could not enter a folder saw less than there is: not a clean result.
    if (o.ok && o.value.walkIncomplete && p.uid !== 0) return { ok: false, status: 'needs-sudo', message: 'The SUID/SGID search could not enter every folder: audit with sudo' };
    return o;
  },
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [hostHardening, ownership] as ReadonlyArray<SectionSpec<SectionName>>;
