// Collector sections for the file facts: modes/owners of critical files, candidate secret files
// (mode and owner only: a private key is recognised by grep on the host, the content never leaves
// it), world-writable files under config roots, /var/log, and database data folders.
//
// Where a walk is made: scan roots (host profile) for compose projects and secrets; every account's
// home (from /etc/passwd, system folders excluded); a few well-known places. GNU find is required
// (-printf, -readable). Folders the collector may not enter are reported (D records): an
// unprivileged audit that met any becomes needs-sudo instead of a falsely clean result.
import type { Section, SectionName } from '../facts';
import {
  parseCriticalFiles,
  parseDataDirs,
  parseSecretFiles,
  parseStatList,
  type CriticalFiles,
  type DataDirs,
  type SecretFiles,
  type StatList,
} from '../parsers/files';
import { needsSudoIfDenied, STAT_PRINTF } from '../parsers/records';
import { shQuote } from '../../ssh/quote';
import { defineSection, fromRaw, type CollectContext, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    criticalFiles: Section<CriticalFiles>;
    secretFiles: Section<SecretFiles>;
    /** World-writable files and folders under /etc, the scan roots and login users' homes. */
    writableFiles: Section<StatList>;
    /** Files under /var/log. */
    logFiles: Section<StatList>;
    dataDirs: Section<DataDirs>;
  }
}

/** Output cap of one walk: a runaway tree costs a truncated section, never the run. */
const WALK_CAP_BYTES = 3_000_000;

/** Folders never worth descending into (dependencies, VCS data, caches). */
const PRUNE = `\\( -name node_modules -o -name .git -o -name .cache -o -name __pycache__ -o -name .npm -o -name .venv -o -name site-packages -o -name dist-packages \\) -prune`;
/** A folder the collector may not list or enter: report it instead of silently skipping it. */
const DENY = `-type d \\( ! -readable -o ! -executable \\) -printf 'D\\t%p\\0' -prune`;

/**
 * sh helpers: "blocked PATH" is true when PATH cannot be seen because its nearest existing
 * ancestor may not be entered (an unprivileged collector sees nothing there, not "nothing");
 * "deny_roots ROOT…" prints a D record for each such root. Builtins only.
 */
export const BLOCKED_SH = `blocked() {
  p=$1
  while :; do
    case "$p" in */*) p=\${p%/*} ;; *) return 1 ;; esac
    [ -n "$p" ] || p=/
    if [ -d "$p" ]; then [ -x "$p" ] && return 1; return 0; fi
    [ "$p" = / ] && return 1
  done
}
deny_roots() { for r in "$@"; do [ -e "$r" ] || { blocked "$r" && printf 'D\\t%s\\0' "$r"; }; done; return 0; }`;

/** sh: `set -- ROOT...` for the scan roots. */
function scanRootsArgs(ctx: CollectContext): string {
  return `set -- ${ctx.scanRoots.map((r) => shQuote(r)).join(' ')}`;
}

/** Folders that are no account's own home (system folders), for the walks. */
const SYSTEM_HOMES_RE = '^\\/(proc|sys|dev|run|bin|sbin|usr|lib|lib32|lib64|boot|etc|var\\/run|var\\/spool|var\\/cache|var\\/empty|var\\/lib\\/nobody|nonexistent)(\\/|$)';
/** The backup scan's: /var/backups is a location of its own there. */
const BACKUP_SYSTEM_HOMES_RE = '^\\/(proc|sys|dev|run|bin|sbin|usr|lib|boot|etc|var\\/run|var\\/spool|var\\/cache|var\\/backups|nonexistent)(\\/|$)';

/**
 * awk over /etc/passwd: "N <clock>" first (srand returns the time of day it seeded with: no date
 * process), then the home folders of three lists, each sorted and unique as `sort -u` under
 * LC_ALL=C did (insertion sort: a few dozen homes): "a <home>" every account's, "l <home>" those
 * of accounts with a login shell, "b <home>" the backup scan's (other system folders left out).
 * Homes start with "/", so awk compares them as strings.
 */
const HOMES_AWK = String.raw`function add(k, h) { if (!((k, h) in seen)) { seen[k, h] = 1; H[k, ++n[k]] = h } }
BEGIN { srand(); now = srand(); if (now < 1000000000) { "date +%s" | getline now }; print "N " now }
$6 ~ /^\// && $6 != "/" {
  if ($6 !~ /${SYSTEM_HOMES_RE}/) { add("a", $6); if ($7 !~ /(nologin|false|sync|halt|shutdown)$/) add("l", $6) }
  if ($6 !~ /${BACKUP_SYSTEM_HOMES_RE}/) add("b", $6)
}
END {
  for (t = 1; t <= 3; t++) {
    k = substr("alb", t, 1)
    for (i = 2; i <= n[k]; i++) { v = H[k, i]; for (j = i - 1; j >= 1 && H[k, j] > v; j--) H[k, j + 1] = H[k, j]; H[k, j + 1] = v }
    for (i = 1; i <= n[k]; i++) print k " " H[k, i]
  }
}`;

/**
 * sh: "rampart_homes a|l|b" sets HOMES to that list of home folders (one per line, see HOMES_AWK)
 * and RAMPART_NOW to the clock. The awk runs once per shell: the walks that the collector groups
 * in one shell (collector.ts walkGroupScript) share its output. Call it outside any subshell or
 * pipeline, or the next walk cannot reuse it.
 */
export const HOMES_SH = `rampart_homes() {
  if [ -z "\${rampart_hm_set-}" ]; then
    rampart_hm=$(awk -F: ${shQuote(HOMES_AWK)} /etc/passwd 2>/dev/null)
    rampart_hm_set=1
  fi
  HOMES=
  while IFS= read -r rampart_hl; do
    case $rampart_hl in
      "N "*) RAMPART_NOW=\${rampart_hl#N } ;;
      "$1 "*) HOMES="$HOMES\${rampart_hl#? }
" ;;
    esac
  done <<RAMPART_EOF
$rampart_hm
RAMPART_EOF
}`;

/**
 * sh: "walk2_ok N ROOT..." is true when none of the roots after the first N lies in or holds
 * another root, or equals one (as path strings: what find's -path sees). "walk2 D1 D2 N ROOT..."
 * then walks them all in one find instead of two: the first N to depth D1, the rest to depth D2
 * (< D1; their folders at depth D2 are tested, then pruned, as -maxdepth D2 would leave them),
 * with the find expression in $W2_EXPR (constant code of the section, never remote data). The
 * root names go to -path escaped (a backslash before \, *, ? and [). Builtins only.
 */
export const WALK2_SH = `walk2_ok() {
  w_n=$1; shift
  w_i=0
  for w_b in "$@"; do
    w_i=$((w_i + 1))
    [ "$w_i" -gt "$w_n" ] || continue
    w_bx=\${w_b%/}
    w_j=0
    for w_o in "$@"; do
      w_j=$((w_j + 1))
      [ "$w_j" -eq "$w_i" ] && continue
      w_ox=\${w_o%/}
      [ "$w_ox" = "$w_bx" ] && return 1
      case "$w_bx/" in "$w_ox"/*) return 1 ;; esac
      case "$w_ox/" in "$w_bx"/*) return 1 ;; esac
    done
  done
  return 0
}
walk2() {
  w_d1=$1; w_d2=$2; w_n=$3; shift 3
  [ $# -gt 0 ] || return 0
  w_s=; w_k=0
  while [ "$w_k" -lt "$w_d2" ]; do w_s="$w_s/*"; w_k=$((w_k + 1)); done
  w_r=$#
  set -- "$@" -maxdepth "$w_d1" \\( -type d \\(
  w_i=0
  for w_b in "$@"; do
    w_i=$((w_i + 1))
    [ "$w_i" -le "$w_r" ] || break
    [ "$w_i" -gt "$w_n" ] || continue
    w_t=\${w_b%/}; w_e=
    while [ -n "$w_t" ]; do
      w_c=\${w_t%"\${w_t#?}"}; w_t=\${w_t#?}
      case $w_c in '\\'|'*'|'?'|'[') w_e="$w_e\\\\$w_c" ;; *) w_e="$w_e$w_c" ;; esac
    done
    set -- "$@" -path "$w_e$w_s" -o
  done
  set -- "$@" -false \\) -prune -false \\) -o
  eval "find \\"\\$@\\" $W2_EXPR" 2>/dev/null
  return 0
}`;

/** sh: `set -- HOME...` from $HOMES (rampart_homes). */
const HOMES_ARGS_SH = `NL='
'
set -f; OIFS=$IFS; IFS=$NL; set -- $HOMES; IFS=$OIFS; set +f`;

function criticalFilesScript(ctx: CollectContext): string {
  // R records name each path's role (builtin printf); one find prints all their stats.
  return `
CFG=${shQuote(ctx.sshdConfigPath)}
set --
for f in /etc/passwd /etc/passwd- /etc/group /etc/group- /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow- "$CFG" /etc/sudoers; do
  [ -e "$f" ] && set -- "$@" "$f"
done
# Include (only the main config's) and HostKey lines, keywords in any case, read by the shell
# (no awk): $1 the file, $2 "inc" to collect Include words too.
incs=; hks=
cfgscan() {
  [ -r "$1" ] || return 0
  want=$2
  while IFS= read -r l || [ -n "$l" ]; do
    set -f; set -- $l; set +f
    case $1 in
      [Ii][Nn][Cc][Ll][Uu][Dd][Ee]) if [ "$want" = inc ]; then shift; incs="$incs $*"; fi ;;
      [Hh][Oo][Ss][Tt][Kk][Ee][Yy]) hks="$hks $2" ;;
    esac
  done < "$1"
}
cfgscan "$CFG" inc
for pat in $incs; do
  case "$pat" in /*) ;; *) pat="/etc/ssh/$pat" ;; esac
  for f in $pat; do [ -f "$f" ] && printf 'R\\tsshd_config\\t%s\\0' "$f" && set -- "$@" "$f" && cfgscan "$f"; done
done
# Host keys: HostKey lines of the config and its drop-ins (no second sshd -T), and the usual names.
for k in $hks /etc/ssh/ssh_host_*_key; do
  [ -e "$k" ] && printf 'R\\thostkey\\t%s\\0' "$k" && set -- "$@" "$k"
done
printf 'R\\tsshd_config\\t%s\\0' "$CFG"
if [ -r /etc/sudoers.d ] && [ -x /etc/sudoers.d ]; then
  for f in /etc/sudoers.d/*; do [ -f "$f" ] && printf 'R\\tsudoers\\t%s\\0' "$f" && set -- "$@" "$f"; done
fi
[ $# -gt 0 ] && find "$@" -maxdepth 0 -printf 'F\\t${STAT_PRINTF}\\0' 2>/dev/null
exit 0
`;
}

function secretFilesScript(ctx: CollectContext): string {
  const names = [
    `-name .env -o -name '*.env' -o -name '.env.*' -o -name acme.json -o -name 'wg*.conf' -o -name .pgpass -o -name .my.cnf`,
    `-o -name debian.cnf -o -name '*htpasswd' -o -name .netrc -o -name .git-credentials -o -path '*/.aws/credentials'`,
    `-o -path '*/.docker/config.json' -o -name 'sasl_passwd*' -o -path '*/secrets/*' -o -path '*/.secrets/*'`,
  ].join(' ');
  const keys = `-name '*.key' -o -name '*.pem' -o -name '*.p8' -o \\( -name 'id_*' ! -name '*.pub' \\)`;
  const expr = `${PRUNE} -o ${DENY} -o -type d ! -perm -0001 -printf 'X\\t%p\\0' -o -type f \\( ${names} \\) -printf 'F\\t${STAT_PRINTF}\\0' \\
    -o -type f \\( ${keys} \\) \\( -readable -exec grep -qs -e 'PRIVATE KEY' {} \\; -printf 'K\\t${STAT_PRINTF}\\0' -o ! -readable -printf 'U\\t${STAT_PRINTF}\\0' \\)`;
  const roots = ctx.scanRoots.map((r) => shQuote(r)).join(' ');
  return `
${BLOCKED_SH}
${HOMES_SH}
${WALK2_SH}
W2_EXPR=${shQuote(expr)}
rampart_homes a
NL='
'
# X: folders other users may not enter (inside the walks, and above each root): a secret below
# one is out of their reach for now.
closed_above() {
  a=
  for r in "$@"; do
    p=$r
    while :; do
      case "$p" in */*) p=\${p%/*} ;; *) break ;; esac
      [ -n "$p" ] || p=/
      a="$a$NL$p"
      [ "$p" = / ] && break
    done
  done
  set -f; OIFS=$IFS; IFS=$NL; set -- $a; IFS=$OIFS; set +f
  [ $# -gt 0 ] && find "$@" -maxdepth 0 -type d ! -perm -0001 -printf 'X\\t%p\\0' 2>/dev/null
  return 0
}
walk() {
  d=$1; shift
  [ $# -gt 0 ] || return 0
  find "$@" -maxdepth "$d" ${expr} 2>/dev/null
  return 0
}
# One find for the folders above every root, one walk of the scan roots (depth 6), one of the homes
# and the well-known places together (depth 4).
{
  ${scanRootsArgs(ctx)}
  deny_roots "$@"
  ${HOMES_ARGS_SH}
  deny_roots "$@"
  for p in /etc/ssl/private /etc/letsencrypt/archive /etc/traefik /etc/mysql /etc/postfix; do [ -e "$p" ] && set -- "$@" "$p"; done
  closed_above ${roots} "$@"
  # One find for the scan roots (depth 6) and the rest (depth 4) when they do not nest.
  if walk2_ok ${ctx.scanRoots.length} ${roots} "$@"; then walk2 6 4 ${ctx.scanRoots.length} ${roots} "$@"
  else walk 6 ${roots}; walk 4 "$@"; fi
} | head -c ${WALK_CAP_BYTES}
exit 0
`;
}

function writableFilesScript(ctx: CollectContext): string {
  const expr = `${PRUNE} -o ${DENY} -o ! -type l -perm -0002 \\( -type f -o -type d \\) -printf 'W\\t${STAT_PRINTF}\\0'`;
  const roots = ['/etc', ...ctx.scanRoots].map((r) => shQuote(r)).join(' ');
  return `
${BLOCKED_SH}
${HOMES_SH}
${WALK2_SH}
W2_EXPR=${shQuote(expr)}
rampart_homes l
{
  ${scanRootsArgs(ctx)}
  deny_roots "$@"
  ${HOMES_ARGS_SH}
  deny_roots "$@"
  # One find for /etc and the scan roots (depth 8) and the login homes (depth 3) when they do not
  # nest; else two.
  if walk2_ok ${ctx.scanRoots.length + 1} ${roots} "$@"; then walk2 8 3 ${ctx.scanRoots.length + 1} ${roots} "$@"
  else
    find ${roots} -maxdepth 8 ${expr} 2>/dev/null
    [ $# -gt 0 ] && find "$@" -maxdepth 3 ${expr} 2>/dev/null
  fi
} | head -c ${WALK_CAP_BYTES}
exit 0
`;
}

const LOG_FILES_SH = `
[ -d /var/log ] || exit 0
find /var/log -maxdepth 6 ${DENY} -o -type f -printf 'F\\t${STAT_PRINTF}\\0' 2>/dev/null | head -c ${WALK_CAP_BYTES}
exit 0
`;

function dataDirsScript(ctx: CollectContext): string {
  const expr = `${PRUNE} -o -type d \\( ! -readable -o ! -executable \\) -printf 'D\\t%p\\n' -prune -o -type f \\( -name PG_VERSION -o -name ibdata1 -o -name mysql.ibd -o -name WiredTiger -o -name dump.rdb -o -name 'appendonly.aof*' \\) -printf '%f\\t%h\\n'`;
  const roots = ctx.scanRoots.map((r) => shQuote(r)).join(' ');
  return `
TAB='	'
${BLOCKED_SH}
${HOMES_SH}
${WALK2_SH}
W2_EXPR=${shQuote(expr)}
rampart_homes a
{
  ${scanRootsArgs(ctx)}
  for r in "$@"; do [ -e "$r" ] || { blocked "$r" && printf 'D\\t%s\\n' "$r"; }; done
  ${HOMES_ARGS_SH}
  for r in "$@"; do [ -e "$r" ] || { blocked "$r" && printf 'D\\t%s\\n' "$r"; }; done
  for p in /var/lib/postgresql /var/lib/pgsql /var/lib/mysql /var/lib/mariadb /var/lib/mongodb /var/lib/redis; do [ -d "$p" ] && set -- "$@" "$p"; done
  # One find for the scan roots (depth 6) and the homes and database folders (depth 5) when they
  # do not nest; else two. The lines are sorted below, so the order of the walks does not matter.
  if walk2_ok ${ctx.scanRoots.length} ${roots} "$@"; then walk2 6 5 ${ctx.scanRoots.length} ${roots} "$@"
  else
    ${ctx.scanRoots.length ? `find ${roots} -maxdepth 6 ${expr} 2>/dev/null` : ':'}
    [ $# -gt 0 ] && find "$@" -maxdepth 5 ${expr} 2>/dev/null
  fi
} | sort -u | {
  # E: a marker and its folder (the first 2000 lines of the sorted list: counted here, no head);
  # then one find prints the stats (S) of all the folders.
  NL='
'
  seen=$NL
  set --
  n=0
  while IFS=$TAB read -r m d; do
    n=$((n + 1)); [ "$n" -le 2000 ] || break
    case "$m" in
      D) printf 'D\\t%s\\0' "$d" ;;
      PG_VERSION|ibdata1|mysql.ibd|WiredTiger|dump.rdb|appendonly.aof*)
        printf 'E\\t%s\\t%s\\0' "$m" "$d"
        case "$seen" in *"$NL$d$NL"*) ;; *) seen="$seen$d$NL"; set -- "$@" "$d" ;; esac ;;
    esac
  done
  [ $# -gt 0 ] && find "$@" -maxdepth 0 -printf 'S\\t${STAT_PRINTF}\\0' 2>/dev/null
}
exit 0
`;
}

const criticalFiles = defineSection({
  fact: 'criticalFiles',
  costMs: 45,
  script: (ctx) => `secsh critical_files ${shQuote(criticalFilesScript(ctx))}`,
  parse: (p) => fromRaw(p.raw.get('critical_files'), 'modes of critical files', p, parseCriticalFiles),
});

const secretFiles = defineSection({
  fact: 'secretFiles',
  costMs: 100,
  walk: (ctx) => ({ section: 'secret_files', code: secretFilesScript(ctx) }),
  script: (ctx) => `sec secret_files $T sh -c ${shQuote(secretFilesScript(ctx))}`,
  parse: (p) => needsSudoIfDenied(fromRaw(p.raw.get('secret_files'), 'secret file scan', p, parseSecretFiles), p.uid, 'The secret file scan'),
});

const writableFiles = defineSection({
  fact: 'writableFiles',
  laneWith: 'secretFiles', // the walks share one lane: one shell and one timeout for all of them (collector.ts)
  costMs: 80,
  walk: (ctx) => ({ section: 'writable_files', code: writableFilesScript(ctx) }),
  script: (ctx) => `sec writable_files $T sh -c ${shQuote(writableFilesScript(ctx))}`,
  parse: (p) =>
    needsSudoIfDenied(fromRaw(p.raw.get('writable_files'), 'world-writable file scan', p, (b) => parseStatList(b, 'W')), p.uid, 'The world-writable file scan'),
});

const logFiles = defineSection({
  fact: 'logFiles',
  laneWith: 'secretFiles', // the walks share one lane: one shell and one timeout for all of them (collector.ts)
  costMs: 30,
  walk: () => ({ section: 'log_files', code: LOG_FILES_SH }),
  script: () => `sec log_files $T sh -c ${shQuote(LOG_FILES_SH)}`,
  parse: (p) => needsSudoIfDenied(fromRaw(p.raw.get('log_files'), '/var/log scan', p, (b) => parseStatList(b, 'F')), p.uid, 'The /var/log scan'),
});

const dataDirs = defineSection({
  fact: 'dataDirs',
  laneWith: 'secretFiles', // the walks share one lane: one shell and one timeout for all of them (collector.ts)
  costMs: 170,
  walk: (ctx) => ({ section: 'data_dirs', code: dataDirsScript(ctx) }),
  script: (ctx) => `sec data_dirs $T sh -c ${shQuote(dataDirsScript(ctx))}`,
  parse: (p) => needsSudoIfDenied(fromRaw(p.raw.get('data_dirs'), 'database data folder scan', p, parseDataDirs), p.uid, 'The data folder scan'),
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [criticalFiles, secretFiles, writableFiles, logFiles, dataDirs] as ReadonlyArray<
  SectionSpec<SectionName>
>;
