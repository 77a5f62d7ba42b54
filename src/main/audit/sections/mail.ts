// Collector sections for the mail facts: Postfix's explicit settings (`postconf -n`), the effective
// values the relay checks need (`postconf -x`), and a queue summary made on the host from
// `postqueue -j` (counts and the oldest arrival only: no addresses leave the host).
import type { Section, SectionName } from '../facts';
import { parsePostfix, POSTFIX_PARAMETERS, type PostfixFacts } from '../parsers/postfix';
import { CERT_PARAMETERS } from '../parsers/postfixHealth';
import { sectionFrom } from '../parsers/sectionResult';
import { shQuote } from '../../ssh/quote';
import { defineSection, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    /** Postfix configuration and queue summary; not-applicable without Postfix. */
    postfix: Section<PostfixFacts>;
  }
}

// The queue, read once on the host: per queue the count and oldest arrival, and the deferral
// reasons grouped by recipient domain with every local part replaced by `*` (postqueue -j carries
// no subject or body; sender and recipient addresses stop here). Works in mawk and busybox awk. It
// prints the clock first (@now; srand returns the time of day it seeded with: no date process).
const AWK_QUEUE = String.raw`
BEGIN { srand(); now = srand(); if (now < 1000000000) { "date +%s" | getline now }; print "@now " now }
function unesc(s) { gsub(/\\\\/, "\001", s); gsub(/\\"/, "\"", s); gsub(/\\\//, "/", s); gsub(/\\[nrt]/, " ", s); gsub(/\001/, "\\", s); return s }
function strval(s) { sub(/^"[a-z_]*": *"/, "", s); sub(/"$/, "", s); return unesc(s) }
/^\{/ {
  n++
  qn = "?"
  if (match($0, /"queue_name": *"[a-z]+"/)) { qn = substr($0, RSTART, RLENGTH); sub(/^.*: *"/, "", qn); sub(/"$/, "", qn) }
  if (qn == "deferred") d++
  qc[qn]++
  if (match($0, /"arrival_time": *[0-9]+/)) {
    t = substr($0, RSTART, RLENGTH); sub(/^[^0-9]*/, "", t)
    if (o == "" || t + 0 < o + 0) o = t
    if (!(qn in qo) || t + 0 < qo[qn] + 0) qo[qn] = t
  }
  rest = $0
  while (match(rest, /"address": *"([^"\\]|\\.)*"/)) {
    a = strval(substr(rest, RSTART, RLENGTH)); rest = substr(rest, RSTART + RLENGTH)
    nxp = match(rest, /"address": *"/) ? RSTART : length(rest) + 1
    if (match(rest, /"delay_reason": *"([^"\\]|\\.)*"/) && RSTART < nxp) {
      r = strval(substr(rest, RSTART, RLENGTH))
      dom = tolower(a); if (dom ~ /@/) sub(/^.*@/, "", dom); else dom = "(local)"
      # Local parts: quoted ("john doe"@), then any run up to a space or <>(),;: before the @.
      gsub(/"[^"]*"@/, "*@", r)
      gsub(/[^ \t<>(),;:]+@/, "*@", r)
      gsub(/[ \t]+/, " ", r)
      if (length(r) > 200) r = substr(r, 1, 200) "..."
      k = dom "\t" r
      if (!(k in rc)) { if (groups >= 500) k = "(other)\t(more distinct reasons than counted)"; else groups++ }
      rc[k]++; rn++
    }
  }
  next
}
/^@qrc / { qrc = $0; next }
{ print }
END {
  print "@count " n + 0; print "@deferred " d + 0; print "@oldest " (o == "" ? "-" : o)
  for (q in qc) print "@q " q " " qc[q] " " qo[q]
  for (i = 1; i <= 10; i++) { best = ""; bc = 0; for (k in rc) if (!(k in shown) && rc[k] > bc) { bc = rc[k]; best = k }; if (best == "") break; shown[best] = 1; print "@reason " bc "\t" best }
  print "@reasons " groups + 0 " " rn + 0
  if (qrc != "") print qrc
}`;

// The first CERTIFICATE block of each file, nothing else: a key block (or any other PEM block)
// ends the file's output, and only base64 lines are printed inside the block.
const AWK_PEM = String.raw`
{ sub(/\r$/, "") }
FNR == 1 { print "@file " FILENAME; inb = 0; done = 0; n = 0 }
done { next }
/^-----BEGIN CERTIFICATE-----$/ { inb = 1 }
inb && /^-----BEGIN / && !/CERTIFICATE/ { inb = 0; done = 1; next }
inb && (/^-----(BEGIN|END) CERTIFICATE-----$/ || /^[A-Za-z0-9+\/=]+$/) { if (++n <= 400) print }
inb && /^-----END CERTIFICATE-----$/ { inb = 0; done = 1 }`;

// master.cf: each service line starts a service; its `-o name=value` (also `-o { name = value }`)
// options, on the same or continuation lines, are printed as postconf -P does.
const AWK_MASTER = String.raw`
/^[ \t]*#/ || /^[ \t]*$/ { next }
/^[^ \t]/ { svc = $1 "/" $2; start = 9 } /^[ \t]/ { start = 1 }
{ for (i = start; i <= NF; i++) {
    if ($i != "-o" || i == NF) continue
    kv = $(i + 1); i++
    if (kv == "{") { kv = ""; while (i < NF && $(i + 1) != "}") { i++; kv = kv $i } ; i++ }
    if (kv !~ /^[a-z0-9_]+=/) continue
    k = kv; sub(/=.*/, "", k); print svc "/" k " = " substr(kv, length(k) + 2)
} }`;

const PARAMS = POSTFIX_PARAMETERS.join(' ');
const CERT_KEYS = CERT_PARAMETERS.map((k) => `${k}|*/${k}`).join('|');

// The awk programs arrive in $rampart_pf_awkq and $rampart_pf_awkpem. Cert paths and the config
// directory come from postconf's output as shell data (never pasted into code). `postfix check`
// itself is not run: it creates missing queue directories and renames queue files (postsuper),
// and without a terminal its warnings go to the mail log only; its read-only file checks on the
// config directory are the find below, and postconf's own warnings come with `postconf -n`.
const POSTFIX = String.raw`if ! command -v postconf >/dev/null 2>&1; then echo "@installed no"; exit 0; fi
echo "@postconf-n"; out=$(postconf -n 2>&1); rc=$?; printf '%s\n' "$out"; echo "@rc $rc"
# Not configured (no main.cf): stop here; each further fatal would wait a second for syslog.
[ "$rc" -eq 0 ] || exit 0
# postconf -x (expanded values) where it exists, else plain postconf: one process, not a subshell too.
eff=$(postconf -x ${PARAMS} 2>/dev/null) || eff=$(postconf ${PARAMS} 2>&1); rc=$?
echo "@effective"; printf '%s\n' "$eff"; echo "@rc $rc"
echo "@queue"; { $T postqueue -j 2>&1; rc=$?; echo; echo "@qrc $rc"; } | awk "$rampart_pf_awkq"; echo "@rc 0"
NL='
'
TAB='	'
cfg=/etc/postfix; last=''; uses=''
rampart_pf_lines() {
  while IFS= read -r line; do
    case $line in
      ' '*|"$TAB"*) k=$last; v=$line ;;
      *' = '*|*' =') k=${'${line%% =*}'}; v=${'${line#*=}'}; last=$k ;;
      *) continue ;;
    esac
    case $k in
      config_directory) cfg=${'${v# }'} ;;
      ${CERT_KEYS})
        oldifs=$IFS; IFS=" ,$TAB"
        for f in $v; do case $f in /*) uses="$uses$f$TAB$k$NL" ;; esac; done
        IFS=$oldifs ;;
    esac
  done
}
set -f
rampart_pf_lines <<EOF
$eff
EOF
case $cfg in /*) ;; *) cfg=/etc/postfix ;; esac
# master.cf's -o overrides as "service/type/parameter = value" (what postconf -P prints, one awk
# instead of one more postconf start).
master=$(awk "$rampart_pf_awkmaster" "$cfg/master.cf" 2>&1); rc=$?
echo "@master"; printf '%s\n' "$master"; echo "@rc $rc"
rampart_pf_lines <<EOF
$master
EOF
echo "@certs"
seen=$NL; n=0
set --
while IFS="$TAB" read -r f k; do
  [ -n "$f" ] || continue
  echo "@uses $f$TAB$k"
  case $seen in *"$NL$f$NL"*) continue ;; esac
  seen="$seen$f$NL"; n=$((n + 1)); [ "$n" -le 16 ] || continue
  if [ ! -e "$f" ]; then echo "@missing $f"; elif [ ! -r "$f" ] || [ -d "$f" ]; then echo "@unreadable $f"; else set -- "$@" "$f"; fi
done <<EOF
$uses
EOF
[ $# -gt 0 ] && awk "$rampart_pf_awkpem" "$@" 2>&1
echo "@rc 0"
echo "@perm"
case $cfg in /*) ;; *) cfg=/etc/postfix ;; esac
bad=$(find "$cfg" ! -user root -print -o ! -type l \( -perm -020 -o -perm -002 \) -print 2>/dev/null)
n=0
set --
while IFS= read -r f; do [ -n "$f" ] && [ "$n" -lt 50 ] && { n=$((n + 1)); set -- "$@" "$f"; }; done <<EOF
$bad
EOF
set +f
[ $# -gt 0 ] && stat -c '%a %u %n' "$@" 2>/dev/null
echo "@rc 0"
exit 0`;

export const MAIL_SCRIPTS = { POSTFIX, AWK_QUEUE, AWK_PEM, AWK_MASTER } as const;

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [
  defineSection({
    fact: 'postfix',
    costMs: 240, // postconf (twice) and postqueue start slowly
    // The awk programs travel in the section's own variables (a secsh section takes no arguments).
    script: () => [`rampart_pf_awkq=${shQuote(AWK_QUEUE)}`, `rampart_pf_awkpem=${shQuote(AWK_PEM)}`, `rampart_pf_awkmaster=${shQuote(AWK_MASTER)}`, `secsh mail_postfix ${shQuote(POSTFIX)}`].join('\n'),
    parse: ({ raw, uid }) => sectionFrom(raw.get('mail_postfix'), 'Postfix', uid, parsePostfix),
  }),
];
