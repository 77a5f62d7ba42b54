// Collector section for the backups fact. Backup locations: /var/backups, folders named *backup*
// under the scan roots (depth ≤ 4) and under each account's home (depth ≤ 3). For every location:
// its files' modes, owners and ages, and for the 6 newest a content signature label computed on
// the host from the first 32 bytes (only the label is printed, never the bytes).
import type { Section, SectionName } from '../facts';
import { parseBackups, type Backups } from '../parsers/backups';
import { needsSudoIfDenied, STAT_PRINTF } from '../parsers/records';
import { shQuote } from '../../ssh/quote';
import { BLOCKED_SH, HOMES_SH } from './files';
import { defineSection, fromRaw, type CollectContext, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    backups: Section<Backups>;
  }
}


/** " 1f 8b": hex bytes as `od -An -tx1` prints them. */
const od = (hex: string): string => hex.match(/../g)!.map((b) => ` ${b}`).join('');

/**
 * Content signatures as `case` patterns over `od -An -tx1 -w32` output, first match wins:
 * [label, pattern of the leading bytes].
 */
const MAGIC: ReadonlyArray<[string, string]> = [
  ['gpg-armor', od('2d2d2d2d2d424547494e20504750204d455353414745')], // -----BEGIN PGP MESSAGE
  ['age-armor', od('2d2d2d2d2d424547494e2041474520454e43525950544544')], // -----BEGIN AGE ENCRYPTED
  ['age', od('6167652d656e6372797074696f6e2e6f72672f')], // age-encryption.org/
  ['openssl', od('53616c7465645f5f')], // Salted__ (openssl enc)
  // OpenPGP packets that begin an encrypted message: public-key or symmetric-key encrypted
  // session key (old-format tags 1 and 3, new-format 0xc1 / 0xc3).
  ...['84', '85', '86', '87', '8c', '8d', '8e', '8f', 'c1', 'c3'].map((b): [string, string] => ['gpg', od(b)]),
  ['gzip', od('1f8b')],
  ['bzip2', od('425a68')],
  ['xz', od('fd377a585a00')],
  ['zstd', od('28b52ffd')],
  // A zip entry whose general-purpose flag (byte 6) has bit 0 set is encrypted.
  ['zip-encrypted', `${od('504b0304')} ?? ?? ?[13579bdf]`],
  ['zip', od('504b0304')],
  ['7z', od('377abcaf271c')],
  ['pgdump', od('5047444d50')], // PGDMP (pg_dump custom format)
  ['sqlite', od('53514c69746520666f726d6174203300')], // SQLite format 3
];

// Spaces escaped rather than quoted, so that ? and [..] stay wildcards.
const MAGIC_CASES = [...MAGIC.map(([label, pattern]) => `      ${pattern.replace(/ /g, '\\ ')}*) m=${label} ;;`), `      '') m=empty ;;`, `      *) m=unknown ;;`].join('\n');

/**
 * The 6 newest files of each location (field 2) from "mtime TAB location TAB path" lines, as
 * `sort -rn | awk 'n[$2]++ < 6'` chose them, in one process: newer first, and for the same
 * seconds as doubles, the greater line (sort's last resort, reversed; the mtimes have the same
 * number of digits, so this also orders what a double cannot tell apart). Printed per location.
 */
export const NEWEST_AWK = String.raw`function gt(a, b,   x, y) {
  x = substr(a, 1, index(a, "	") - 1) + 0; y = substr(b, 1, index(b, "	") - 1) + 0
  if (x != y) return x > y
  return a > b
}
{ k = $2; n = c[k] + 0; i = n
  while (i >= 1 && gt($0, top[k, i])) { if (i < 6) top[k, i + 1] = top[k, i]; i-- }
  if (i < 6) { top[k, i + 1] = $0; if (n < 6) c[k] = n + 1 } }
END { for (k in c) for (i = 1; i <= c[k]; i++) print top[k, i] }`;

function backupsScript(ctx: CollectContext): string {
  // The locations are found first, with their stats (L records); then a fixed number of processes
  // for all of them together: one find for the files (F), one find | awk for the 6 newest files of
  // each location (%H: the location it was found under), and one od per such file for its
  // signature. The clock (N) comes from the homes awk (srand), not from a date process.
  return `
${BLOCKED_SH}
TAB='	'
NL='
'
# The clock (N) and the homes from one awk (rampart_homes, shared with the other walks of a group).
${HOMES_SH}
rampart_homes b
printf 'N\\t%s\\0' "$RAMPART_NOW"
# Discovery: one find over /var/backups and the scan roots (the roots themselves may be backup
# folders), one over the homes, each line a source kind and the folder's stats (path last); D
# records go straight out (fd 3 = the section's output), the lines to $locs.
exec 3>&1
locs=$(
  set -- ${ctx.scanRoots.map((r) => shQuote(r)).join(' ')}
  deny_roots "$@" >&3
  find /var/backups "$@" -maxdepth 4 -type d -iname '*backup*' -printf "scan-root\\t${STAT_PRINTF}\\n" -prune 2>/dev/null
  set -f; OIFS=$IFS; IFS=$NL; set -- $HOMES; IFS=$OIFS; set +f
  for h in "$@"; do
    if [ -d "$h" ]; then [ -x "$h" ] || printf 'D\\t%s\\0' "$h" >&3
    elif blocked "$h"; then printf 'D\\t%s\\0' "$h" >&3; fi
  done
  [ $# -gt 0 ] && find "$@" -mindepth 1 -maxdepth 3 -type d -iname '*backup*' -printf "home\\t${STAT_PRINTF}\\n" -prune 2>/dev/null
)
exec 3>&-
# L records from those lines (no find of their own), var-backups first (the parser keeps the first
# of a path); then the folders to walk.
set --
while IFS=$TAB read -r s st; do
  d=\${st#*"$TAB"*"$TAB"*"$TAB"*"$TAB"*"$TAB"*"$TAB"*"$TAB"*"$TAB"}
  [ "$s" = scan-root ] && [ "$d" = /var/backups ] && s=var-backups
  [ -d "$d" ] || continue
  printf 'L\\t%s\\t%s\\0' "$s" "$st"
  if [ ! -r "$d" ] || [ ! -x "$d" ]; then printf 'D\\t%s\\0' "$d"; continue; fi
  set -- "$@" "$d"
done <<EOF
$locs
EOF
[ $# -gt 0 ] || exit 0
find "$@" -mindepth 1 -maxdepth 4 -type d \\( ! -readable -o ! -executable \\) -printf 'D\\t%p\\0' -prune -o -type f -printf 'F\\t${STAT_PRINTF}\\0' 2>/dev/null | head -c 3000000
find "$@" -mindepth 1 -maxdepth 4 -type f -readable -printf '%T@\\t%H\\t%p\\n' 2>/dev/null | awk -F "$TAB" ${shQuote(NEWEST_AWK)} | while IFS=$TAB read -r t loc f; do
  case "\${f##*/}" in dpkg.*|apt.extended_states*|alternatives.tar*|*.bak|*.bak.*|aptitude.pkgstates*) [ "$loc" = /var/backups ] && continue ;; esac
  h=$(od -An -tx1 -w32 -N 32 -v "$f" 2>/dev/null)
  case "$h" in
${MAGIC_CASES}
  esac
  printf 'M\\t%s\\t%s\\0' "$m" "$f"
done
exit 0
`;
}

const backups = defineSection({
  fact: 'backups',
  laneWith: 'secretFiles', // the walks share one lane: one shell and one timeout for all of them (collector.ts)
  costMs: 215,
  walk: (ctx) => ({ section: 'backups', code: backupsScript(ctx) }),
  script: (ctx) => `sec backups $T sh -c ${shQuote(backupsScript(ctx))}`,
  parse: (p) => needsSudoIfDenied(fromRaw(p.raw.get('backups'), 'backup folders', p, parseBackups), p.uid, 'The backup folder scan'),
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [backups] as ReadonlyArray<SectionSpec<SectionName>>;
