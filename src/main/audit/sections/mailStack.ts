// Collector section for the mail stack around Postfix (issue 13): the mail services installed on
// the host (systemd's view, or pid files without systemd), the mail containers (a compose project
// with a Postfix/Dovecot/Rspamd/Exim container, Mailcow, docker-mailserver) with their state,
// restarts, memory use (`docker stats --no-stream`, running stack containers only) and mounts, the
// ClamAV signature files' headers, Rspamd's controller ping and its greylist/DKIM signing config,
// OpenDKIM's config and tables, and the disk use of the mail volumes. The containers from the
// docker section's inspect (docker ps only without it), one inspect and one stats for the stack; files are read by one awk per kind, never a process per file.
// Config lines that look like key material are dropped on the host. Nothing is written.
import type { Section, SectionName } from '../facts';
import { parseMailStack, type MailStackFacts } from '../parsers/mailStack';
import { sectionFrom } from '../parsers/sectionResult';
import { shQuote } from '../../ssh/quote';
import { inspectedAllCase } from './hostEnvClassify';
import { MAIL_SCRIPTS } from './mail';
import { defineSection, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    /** Mail services, mail containers, ClamAV/Rspamd/OpenDKIM state; not-applicable without any. */
    mailStack: Section<MailStackFacts>;
  }
}

/** Containers of the stack inspected at most. */
export const MAX_STACK_CONTAINERS = 60;

// docker ps lines (ID, image, names, compose project) → the ids of the mail stack: every container
// of a compose project that has a mail container (mailcow: its whole project), and mail containers
// outside compose. With -v c=1 the input is the docker section's fd 3 lines instead (its inspect
// awk prints "@P<TAB>id<TAB>image<TAB>name<TAB>project" for every container, sections/
// hostEnvClassify.ts): only those lines count.
const AWK_PICK = String.raw`
BEGIN { FS = "\t" }
c && substr($0, 1, 3) != "@P\t" { next }
c { $0 = substr($0, 4) }
{ k++; id[k] = $1; pr[k] = $4; s = tolower($2 " " $3 " " $4)
  if (s ~ /mailcow|postfix|dovecot|rspamd|exim|opendkim|mailserver|mailu|clamav|clamd/) { mail[k] = 1; if ($4 != "") mp[$4] = 1 } }
END { n = 0; for (i = 1; i <= k; i++) if ((i in mail) || (pr[i] != "" && (pr[i] in mp))) { if (++n > ${MAX_STACK_CONTAINERS}) break; print id[i] } }`;

// Config files: printed with a header, without comment lines and without anything that looks like
// key material (PEM lines, long base64 runs, `key =` settings).
const AWK_CONF = String.raw`
FNR == 1 { print "@conf " FILENAME; n = 0 }
/^[ \t]*(#|;|$)/ { next }
/-----BEGIN|-----END|(^|[ \t;{])key[ \t]*=/ { next }
# A run of 60+ base64 characters (no {60,}: mawk has no interval expressions).
{ t = $0; gsub(/[^A-Za-z0-9+\/=]+/, " ", t); k = split(t, w, " "); for (i = 1; i <= k; i++) if (length(w[i]) >= 60) next }
# Each content line behind "|", so no line of a file can pose as one of the section's markers.
{ if (++n <= 400) print "|" $0 }`;

// Fields of the inspect lines (INSPECT_FORMAT): 1 id, 2 name, 3 image, 5 service, 6 state, 11 the
// container's addresses, 12… DESTINATION=SOURCE mounts. A running Rspamd's first IPv4 address is
// printed for the controller ping.
const AWK_MOUNTS = String.raw`
BEGIN { FS = "\t" }
$6 == "running" { print "run " $1 }
$6 == "running" && tolower($2 " " $3 " " $5) ~ /rspamd/ { split($11, ips, " "); if (ips[1] ~ /^[0-9.]+$/) print "rip " substr($2, 2) " " ips[1] }
{ for (i = 12; i <= NF; i++) { d = $i; sub(/=.*/, "", d); s = substr($i, length(d) + 2); sub(/\/$/, "", d)
    if (s !~ /^\//) continue
    if (d == "/var/lib/clamav") print "clam " s
    else if (d == "/etc/rspamd/local.d" || d == "/etc/rspamd/override.d" || d == "/etc/rspamd/custom") print "rsp " s
    else if (d == "/etc/ssl/mail") print "ssl " s
    else if (d == "/var/vmail" || d == "/var/mail" || d == "/srv/mail" || d == "/var/spool/postfix" || d == "/var/mail-state") print "vol " s } }`;

const INSPECT_FORMAT =
  // `index` and `with`, not `.State.Health`: the CLI templates a map, and a missing key is an error there.
  '{{.Id}}\t{{.Name}}\t{{.Config.Image}}\t{{with .Config.Labels}}{{index . "com.docker.compose.project"}}{{end}}\t{{with .Config.Labels}}{{index . "com.docker.compose.service"}}{{end}}\t{{.State.Status}}\t{{with index .State "Health"}}{{.Status}}{{end}}\t{{.RestartCount}}\t{{.State.StartedAt}}\t{{.HostConfig.Memory}}\t{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}{{range .Mounts}}\t{{.Destination}}={{.Source}}{{end}}';

// $rampart_docker_rc: the docker_info section's status (lane of the docker section): a hung daemon
// is not asked again. The awk programs and the inspect format arrive in rampart_ms_* variables.
const MAIL_STACK = String.raw`NL='
'
TAB='	'
echo "@now $(date +%s)"
sys=0; [ -d /run/systemd/system ] && sys=1
echo "@systemd $sys"
units=''
for s in postfix:postfix dovecot:dovecot opendkim:opendkim opendmarc:opendmarc rspamd:rspamd clamd:clamav-daemon freshclam:clamav-freshclam exim4:exim4 redis-server:redis-server; do
  bin=${'${s%%:*}'}; unit=${'${s#*:}'}
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || continue
  echo "@installed $unit"
  units="$units $unit"
  if [ "$sys" = 0 ]; then
    case $unit in dovecot) pf=/run/dovecot/master.pid ;; opendkim) pf=/run/opendkim/opendkim.pid ;; opendmarc) pf=/run/opendmarc/opendmarc.pid ;; rspamd) pf=/run/rspamd/rspamd.pid ;; clamav-daemon) pf=/run/clamav/clamd.pid ;; clamav-freshclam) pf=/run/clamav/freshclam.pid ;; exim4) pf=/run/exim4/exim.pid ;; redis-server) pf=/run/redis/redis-server.pid ;; *) pf='' ;; esac
    st=no-pid-file
    if [ -n "$pf" ] && [ -r "$pf" ]; then pid=''; read -r pid < "$pf"; case $pid in ''|*[!0-9]*) st=stale-pid ;; *) if [ -d "/proc/$pid" ]; then st=running; else st=stale-pid; fi ;; esac; fi
    echo "@pid $unit $st"
  fi
done
if [ "$sys" = 1 ] && [ -n "$units" ]; then
  echo "@active$units"; $T systemctl is-active $units 2>&1
  echo "@enabled$units"; $T systemctl is-enabled $units 2>&1
  echo "@end"
fi
# Rspamd on the host: the controller's /ping (loopback only).
if command -v rspamd >/dev/null 2>&1 || [ -x /usr/bin/rspamd ]; then
  if command -v curl >/dev/null 2>&1; then p=$($T curl -s -m 3 http://127.0.0.1:11334/ping 2>&1); else p=$($T wget -q -T 3 -O - http://127.0.0.1:11334/ping 2>&1); fi
  echo "@rspamd-ping $(printf '%s' "$p" | tr -d '\n' | cut -c1-80)"
fi
clam='/var/lib/clamav'
ssl=''
rsp="/etc/rspamd/local.d$NL/etc/rspamd/override.d$NL/opt/mailcow-dockerized/data/conf/rspamd/local.d$NL/opt/mailcow-dockerized/data/conf/rspamd/override.d"
vols=''
for d in /var/mail /var/vmail /var/spool/postfix; do [ -d "$d" ] && vols="$vols$d$NL"; done
case $rampart_docker_rc in
  ''|127) ;;
  124|143) echo "@docker-error docker info timed out" ;;
  0) if command -v docker >/dev/null 2>&1; then
    # The containers: from the docker section's inspect in this lane ($rampart_proxy_mounts, its fd
    # 3 lines: complete when "@C-DONE" is there and no "@C-LIMIT"; the image is the name the
    # container was created from, which docker ps shows as an image id once the tag moved on),
    # else from docker ps as before.
    ${inspectedAllCase('rampart_proxy_mounts', 'ms_from')}
    if [ "$ms_from" = inspect ]; then
      ids=$(awk -v c=1 "$rampart_ms_awkpick" <<EOF
$rampart_proxy_mounts
EOF
)
    else
      ps=$($T docker ps -a --no-trunc --format '{{.ID}}{{"\t"}}{{.Image}}{{"\t"}}{{.Names}}{{"\t"}}{{.Label "com.docker.compose.project"}}' 2>&1); prc=$?
      # A CLI that cannot list (no access to the socket, a daemon gone): said, not taken for "no containers".
      if [ "$prc" -ne 0 ]; then echo "@docker-error $(printf '%s' "$ps" | head -n 1 | cut -c1-200)"; ps=''; fi
      ids=$(printf '%s\n' "$ps" | awk -v c=0 "$rampart_ms_awkpick")
    fi
    if [ -n "$ids" ]; then
      set -f
      ins=$($T docker inspect --format "$rampart_ms_fmt" $ids 2>/dev/null)
      set +f
      echo "@containers"; printf '%s\n' "$ins"; echo "@end"
      # One awk: running ids, and the mounts that matter (mail volumes, ClamAV databases, Rspamd config).
      picked=$(printf '%s\n' "$ins" | awk "$rampart_ms_awkmounts")
      run=''; rips=''
      while IFS=' ' read -r kind val; do
        case $kind in run) run="$run $val" ;; rip) rips="$rips$val$NL" ;; clam) clam="$clam$NL$val" ;; rsp) rsp="$rsp$NL$val" ;; vol) vols="$vols$val$NL" ;; ssl) ssl="$ssl$NL$val" ;; esac
      done <<EOF
$picked
EOF
      # A containerised Rspamd's controller on its container address (at most two containers).
      n=0
      while IFS=' ' read -r cname cip; do
        case $cip in ''|*[!0-9.]*) continue ;; esac
        n=$((n + 1)); [ "$n" -le 2 ] || break
        if command -v curl >/dev/null 2>&1; then p=$($T curl -s -m 3 "http://$cip:11334/ping" 2>&1); else p=$($T wget -q -T 3 -O - "http://$cip:11334/ping" 2>&1); fi
        echo "@rspamd-cping $cname $cip $(printf '%s' "$p" | tr -d '\n' | cut -c1-80)"
      done <<EOF
$rips
EOF
      if [ -n "$run" ]; then
        echo "@stats"; set -f; $T docker stats --no-stream --no-trunc --format '{{.ID}}{{"\t"}}{{.MemUsage}}{{"\t"}}{{.MemPerc}}' $run 2>&1; set +f; echo "@end"
      fi
    fi
  fi ;;
  *) echo "@docker-error docker info failed (exit $rampart_docker_rc)" ;;
esac
# ClamAV signature databases: the header (build time, version) and mtime of each, one head for all.
set --
oldifs=$IFS; IFS=$NL; set -f
for d in $clam; do for f in "$d/daily.cvd" "$d/daily.cld" "$d/main.cvd" "$d/main.cld" "$d/bytecode.cvd" "$d/bytecode.cld"; do [ -f "$f" ] && set -- "$@" "$f"; done; done
IFS=$oldifs; set +f
if [ $# -gt 0 ]; then
  echo "@sigs"; stat -c '%Y %s %n' "$@" 2>&1; echo "@end"
  echo "@sighead"; head -v -c 100 "$@" 2>/dev/null | tr -c '[:print:]\n' ' '; echo; echo "@end"
fi
# The stack's TLS certificate (Mailcow mounts data/assets/ssl at /etc/ssl/mail in Postfix and
# Dovecot): the first CERTIFICATE block of cert.pem only, never key.pem.
set --
oldifs=$IFS; IFS=$NL; set -f
for d in $ssl; do f="$d/cert.pem"; case $NL$*$NL in *"$NL$f$NL"*) continue ;; esac; [ -f "$f" ] && [ -r "$f" ] && set -- "$@" "$f"; done
IFS=$oldifs; set +f
if [ $# -gt 0 ]; then echo "@certs"; for f in "$@"; do echo "@uses $f	/etc/ssl/mail"; done; awk "$rampart_ms_awkpem" "$@" 2>&1; echo "@end"; fi
# Config files: Rspamd's greylist and dkim_signing, OpenDKIM's config and its tables.
set --
oldifs=$IFS; IFS=$NL; set -f
for d in $rsp; do for f in "$d/greylist.conf" "$d/dkim_signing.conf"; do [ -f "$f" ] && [ -r "$f" ] && set -- "$@" "$f"; done; done
IFS=$oldifs; set +f
if [ -r /etc/opendkim.conf ]; then
  set -- "$@" /etc/opendkim.conf
  while read -r k v rest; do
    case $k in KeyTable|SigningTable|keytable|signingtable) v=${'${v#refile:}'}; v=${'${v#file:}'}; case $v in /*) [ -f "$v" ] && [ -r "$v" ] && set -- "$@" "$v" ;; esac ;; esac
  done < /etc/opendkim.conf
fi
[ $# -gt 0 ] && awk "$rampart_ms_awkconf" "$@" 2>&1
# Disk use of the mail volumes' file systems (one df).
set --
seen=$NL
while IFS= read -r v; do
  [ -n "$v" ] && [ -d "$v" ] || continue
  case $seen in *"$NL$v$NL"*) continue ;; esac
  seen="$seen$v$NL"; set -- "$@" "$v"
done <<EOF
$vols
EOF
if [ $# -gt 0 ]; then echo "@df"; for v in "$@"; do echo "@dfpath $v"; done; df -P "$@" 2>&1; echo "@end"; fi
exit 0`;

export const MAIL_STACK_SCRIPTS = { MAIL_STACK, AWK_PICK, AWK_CONF, AWK_MOUNTS, INSPECT_FORMAT } as const;

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [
  defineSection({
    fact: 'mailStack',
    costMs: 120,
    laneWith: 'docker', // reads $rampart_docker_rc (no docker CLI calls after docker info timed out) and the inspect's container list
    script: () =>
      [
        `rampart_ms_awkpick=${shQuote(AWK_PICK)}`,
        `rampart_ms_awkconf=${shQuote(AWK_CONF)}`,
        `rampart_ms_fmt=${shQuote(INSPECT_FORMAT)}`,
        `rampart_ms_awkmounts=${shQuote(AWK_MOUNTS)}`,
        `rampart_ms_awkpem=${shQuote(MAIL_SCRIPTS.AWK_PEM)}`,
        `secsh mail_stack ${shQuote(MAIL_STACK)}`,
      ].join('\n'),
    parse: ({ raw, uid }) => sectionFrom(raw.get('mail_stack'), 'Mail stack', uid, parseMailStack),
  }),
];
