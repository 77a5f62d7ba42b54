// Collector sections for the network facts: listening sockets, interfaces, ufw, the netfilter
// rule sets (iptables incl. Docker's chains, nft), fail2ban, and the OpenSSH version (for the
// Terrapin and regreSSHion checks). Every section is read-only and prints its own status lines
// (`@rc N`, `@installed no` …) so that "not installed", "not running" and "needs root" differ.
import type { Section, SectionName } from '../facts';
import { parseFail2ban, type Fail2banFacts } from '../parsers/fail2ban';
import { parseInterfaces, type NetInterface } from '../parsers/interfaces';
import { parseSsListening, type ListeningSocket } from '../parsers/listening';
import { parseNetfilter, type NetfilterFacts } from '../parsers/netfilter';
import { sectionFrom } from '../parsers/sectionResult';
import { parseSshVersion, type SshVersionFacts } from '../parsers/sshVersion';
import { parseUfw, type UfwFacts } from '../parsers/ufw';
import { shQuote } from '../../ssh/quote';
import { defineSection, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    /** `ss -tulpnH`: listening TCP and bound UDP sockets. */
    listening: Section<ListeningSocket[]>;
    /** `ip -o addr/link show`. */
    interfaces: Section<NetInterface[]>;
    /** ufw state, defaults (no root needed) and rules (root). */
    ufw: Section<UfwFacts>;
    /** iptables/nft summaries (root). */
    netfilter: Section<NetfilterFacts>;
    /** fail2ban (root to talk to its socket). */
    fail2ban: Section<Fail2banFacts>;
    /** OpenSSH version of the server. */
    sshVersion: Section<SshVersionFacts>;
  }
}

const secsh = (name: string, code: string): string => `secsh ${name} ${shQuote(code)}`;

// The output is kept in rampart_ss for the lane's later sections (the package owners of the
// listening programs, sections/hardening.ts): ss -p walks every process's open files, once is enough.
const LISTENING = `rampart_ss=
if command -v ss >/dev/null 2>&1; then
  if rampart_ss=$(ss -tulpnH 2>/dev/null); then printf '%s' "$rampart_ss\${rampart_ss:+
}"; else rampart_ss=; ss -tulpn; fi
else echo "@ss-absent"; fi`;

const INTERFACES = `if command -v ip >/dev/null 2>&1; then ip -o addr show; echo "@links"; ip -o link show; else echo "@ip-absent"; fi`;

// The config lines are picked by the shell (what grep -E "^[[:space:]]*(KEY)[[:space:]]*=" did) and
// the rule files by a glob: no grep or ls processes. As root with ufw enabled, what \`ufw status
// verbose\` reports is derived from what it reads itself (parsers/ufw.ts ufwStatusLines): its rule
// store's tuple lines (user.rules, user6.rules), the forwarding switches in /proc/sys (its
// "routed" default) and, for "active", the live ufw-user chains in the netfilter section's
// iptables-save; ufw's Python (≈ 80 ms and 11 processes) no longer runs. All shell builtins.
const UFW = `if ! command -v ufw >/dev/null 2>&1 && [ ! -e /etc/ufw/ufw.conf ]; then echo "@absent"; exit 0; fi
enabled=no
# $1: file; prints the lines "KEY =" for the keys keyok accepts (the key after leading blanks).
keylines() {
  [ -r "$1" ] || return 0
  while IFS= read -r l || [ -n "$l" ]; do
    t=\${l#"\${l%%[![:space:]]*}"}
    k=\${t%%[!A-Z0-9_]*}
    [ -n "$k" ] || continue
    r=\${t#"$k"}; r=\${r#"\${r%%[![:space:]]*}"}
    case $r in =*) ;; *) continue ;; esac
    keyok "$k" || continue
    printf '%s\\n' "$l"
    if [ "$k" = ENABLED ]; then v=\${r#=}; v=\${v#"\${v%%[![:space:]]*}"}; v=\${v#\\"}; case $v in yes*) enabled=yes ;; esac; fi
  done < "$1"
}
keyok() { case $1 in ENABLED|LOGLEVEL) return 0 ;; esac; return 1; }
echo "@conf"; keylines /etc/ufw/ufw.conf
keyok() { case $1 in IPV6) return 0 ;; DEFAULT_*_POLICY) m=\${1#DEFAULT_}; m=\${m%_POLICY}; case $m in ''|*[!A-Z]*) return 1 ;; esac; return 0 ;; esac; return 1; }
echo "@default"; keylines /etc/default/ufw
echo "@files"; for f in /etc/ufw/*.rules; do [ -e "$f" ] && printf '%s\\n' "$f"; done
if ! command -v ufw >/dev/null 2>&1; then echo "@status-skipped the ufw command is missing; state read from /etc/ufw/ufw.conf"
elif ufw_uid=; while read -r k a b c; do if [ "$k" = Uid: ]; then ufw_uid=$b; break; fi; done < /proc/self/status; [ "$ufw_uid" != 0 ]; then echo "@status-skipped ufw status needs root; state and defaults read from /etc/ufw/ufw.conf and /etc/default/ufw"
elif [ "$enabled" != yes ]; then echo "@status-skipped ufw is disabled in /etc/ufw/ufw.conf"
else
  echo "@live"
  if [ -e /proc/sys/net/ipv6 ]; then echo "@proc-ipv6 yes"; else echo "@proc-ipv6 no"; fi
  for s in ipv4/ip_forward ipv6/conf/default/forwarding ipv6/conf/all/forwarding; do v=; { read -r v < "/proc/sys/net/$s"; } 2>/dev/null; echo "@sysctl $s $v"; done
  for f in /etc/ufw/user.rules /etc/ufw/user6.rules; do
    if [ -r "$f" ]; then
      echo "@rules $f"
      while IFS= read -r l || [ -n "$l" ]; do case $l in '### tuple ###'*) printf '%s\\n' "$l" ;; esac; done < "$f"
    else echo "@rules-unreadable $f"; fi
  done
fi
exit 0`;

// Summaries made on the host (see parsers/netfilter.ts). The rc line is held back and printed
// last so the counts stay inside the block.
const AWK_IPTABLES = `
/^@rc /{ rc=$0; next }
/^#/ { next }
/^COMMIT/ { next }
/^\\*/ { t=substr($0,2); print; next }
/^:/ { print; next }
/^\\[[0-9]+:[0-9]+\\] -A / || /^-A / {
  c="-"; l=$0
  if (substr(l,1,1)=="[") { i=index(l,"]"); c=substr(l,2,i-2); l=substr(l,i+2) }
  split(l, f, " "); ch=f[2]; k=t " " ch; n[k]++
  if (n[k] <= 400 && (ch=="INPUT" || ch=="FORWARD" || ch ~ /^DOCKER/ || ch ~ /^ufw6?-user-input$/ || ch ~ /^f2b-/)) print "@r " t " " c " " l
  next
}
{ print }
END { for (k in n) print "@count " k " " n[k]; if (rc != "") print rc }`;

const AWK_NFT = `
/^@rc /{ rc=$0; next }
/^[[:space:]]*$/ { next }
/^#/ { next }
/^table / { fam=$2; tb=$3; next }
/^\\tchain / { ch=$2; inch=1; n=0; last=""; hook=""; print "@chain " fam " " tb " " ch; next }
/^\\t}/ { if (inch) print "@end " n " " last; inch=0; next }
/^\\t\\t/ {
  if (!inch) next
  l=$0; sub(/^[ \\t]+/, "", l)
  if (l ~ /^type .* hook /) { print "@hook " l; hook=l; next }
  n++; last=l
  if (n <= 100 && hook ~ /hook input/) print "@rule " l
  next
}
/^(\\t|})/ { next }
{ print }
END { if (rc != "") print rc }`;

const NETFILTER = `if command -v iptables-save >/dev/null 2>&1; then echo "@iptables"; { iptables-save -c 2>&1; rc=$?; echo; echo "@rc $rc"; } | awk ${shQuote(AWK_IPTABLES)}; else echo "@iptables-absent"; fi
if command -v nft >/dev/null 2>&1; then echo "@nft"; { nft list ruleset 2>&1; rc=$?; echo; echo "@rc $rc"; } | awk ${shQuote(AWK_NFT)}; else echo "@nft-absent"; fi
exit 0`;

// fail2ban's Python client costs ≈ 60–80 ms of the host's CPU, so as root the server's LIVE
// state is read from /proc instead, the way the client would find the server: the socket and pid
// file that fail2ban.conf / fail2ban.d / fail2ban.local name (read from [Definition] with [DEFAULT]
// as its fallback, as fail2ban-client reads them: the last value of each wins). No socket there: the client could not connect either, the server is not running. A
// socket and a live fail2ban-server process behind the pid file: running, and its jails are the
// names of its filter threads (fail2ban names each jail's filter thread "f2b/f.JAIL" through
// prctl, which the kernel keeps in /proc/PID/task/*/comm). Anything less clear — a name that may
// be cut at 15 bytes (a jail name of 9 characters or more), no such threads (no libcap), a socket with no live
// process, an interpolated path, not root — falls back to fail2ban-client as before: one call when
// the sshd jail exists, else the jail list. Thread counters (failed/banned) are not read on the
// /proc path; no check uses them.
const FAIL2BAN = `if command -v crowdsec >/dev/null 2>&1 || command -v cscli >/dev/null 2>&1; then echo "@crowdsec yes"; else echo "@crowdsec no"; fi
if ! command -v fail2ban-client >/dev/null 2>&1; then echo "@installed no"; exit 0; fi
echo "@installed yes"
f2b_uid=; while read -r k a b c; do if [ "$k" = Uid: ]; then f2b_uid=$b; break; fi; done < /proc/self/status
f2b_sock=; f2b_pidf=; f2b_dsock=; f2b_dpidf=; f2b_live=
if [ "$f2b_uid" = 0 ]; then
  for f in /etc/fail2ban/fail2ban.conf /etc/fail2ban/fail2ban.d/*.conf /etc/fail2ban/fail2ban.local /etc/fail2ban/fail2ban.d/*.local; do
    [ -r "$f" ] || continue
    sect=
    while IFS= read -r l || [ -n "$l" ]; do
      case $l in
        '['*']'*) sect=\${l#?}; sect=\${sect%%]*} ;;
        [sSpP]*=*)
          case $sect in DEFAULT|Definition) ;; *) continue ;; esac
          k=\${l%%=*}; k=\${k%\${k##*[![:space:]]}}; v=\${l#*=}; v=\${v#\${v%%[![:space:]]*}}; v=\${v%\${v##*[![:space:]]}}
          case $sect/$k in Definition/socket) f2b_sock=$v ;; Definition/pidfile) f2b_pidf=$v ;; DEFAULT/socket) f2b_dsock=$v ;; DEFAULT/pidfile) f2b_dpidf=$v ;; esac ;;
      esac
    done < "$f"
  done
  [ -n "$f2b_sock" ] || f2b_sock=$f2b_dsock; [ -n "$f2b_pidf" ] || f2b_pidf=$f2b_dpidf
  f2b_ok=no
  case $f2b_sock in /*) case $f2b_pidf in /*) f2b_ok=yes ;; esac ;; esac
  case $f2b_sock$f2b_pidf in *%*|*[[:space:]\\;#]*) f2b_ok=no ;; esac
  case $f2b_ok in no) ;; *)
    if [ ! -e "$f2b_sock" ]; then f2b_live=stopped
    elif [ -S "$f2b_sock" ]; then
      p=; { read -r p < "$f2b_pidf"; } 2>/dev/null; cm=
      case $p in ''|*[!0-9]*) ;; *) { read -r cm < "/proc/$p/comm"; } 2>/dev/null ;; esac
      if [ "$cm" = fail2ban-server ]; then
        jl=; cut=no
        for t in /proc/$p/task/*/comm; do
          c=; { read -r c < "$t"; } 2>/dev/null
          case $c in f2b/f.*) if [ \${#c} -ge 15 ]; then cut=yes; fi; jl="$jl \${c#f2b/f.}" ;; esac
        done
        if [ -n "$jl" ] && [ "$cut" = no ]; then f2b_live=running; fi
      fi
    fi ;;
  esac
fi
if [ "$f2b_live" = stopped ]; then echo "@live stopped $f2b_sock"; exit 0; fi
if [ "$f2b_live" = running ]; then echo "@live running"; echo "@live-jails$jl"; exit 0; fi
echo "@jail sshd"; out=$($T fail2ban-client status sshd 2>&1); rc=$?; printf '%s\\n' "$out"; echo "@rc $rc"
if [ "$rc" -ne 0 ] && printf '%s\\n' "$out" | grep -qi 'does not exist'; then
  echo "@status"; out=$($T fail2ban-client status 2>&1); rc=$?; printf '%s\\n' "$out"; echo "@rc $rc"
  if [ "$rc" -eq 0 ]; then
    for j in $(printf '%s\\n' "$out" | sed -n 's/.*Jail list:[[:space:]]*//p' | tr ',' ' '); do
      case "$j" in ssh|sshd-ddos|sshd-aggressive|dropbear|openssh) echo "@jail $j"; $T fail2ban-client status "$j" 2>&1; rc=$?; echo; echo "@rc $rc";; esac
    done
  fi
fi
exit 0`;

// The first line naming OpenSSH_ (as grep -m1 would), picked by the shell: no grep processes.
// sshd is looked up along PATH and the first OpenSSH line picked by the shell itself (no fork for
// a \`command -v\` or a function in a command substitution).
const SSH_VERSION = `sv_d=/usr/sbin/sshd
sv_ifs=$IFS; IFS=:; set -f
for sv_p in $PATH; do [ -n "$sv_p" ] && [ -f "$sv_p/sshd" ] && [ -x "$sv_p/sshd" ] && { sv_d=$sv_p/sshd; break; }; done
IFS=$sv_ifs; set +f
first_openssh() {
  sv_l=
  while IFS= read -r l; do case $l in *OpenSSH_*) sv_l=$l; return 0 ;; esac; done <<EOF
$1
EOF
}
first_openssh "$("$sv_d" -V 2>&1)"; echo "sshd: $sv_l"
first_openssh "$(ssh -V 2>&1)"; echo "ssh: $sv_l"
if command -v dpkg-query >/dev/null 2>&1 && v=$(dpkg-query -W -f='\${Version}' openssh-server 2>/dev/null) && [ -n "$v" ]; then echo "pkg: dpkg $v"
elif command -v rpm >/dev/null 2>&1 && v=$(rpm -q --qf '%{VERSION}-%{RELEASE}' openssh-server 2>/dev/null); then echo "pkg: rpm $v"
elif command -v apk >/dev/null 2>&1 && v=$(apk info -v openssh-server 2>/dev/null | head -n 1) && [ -n "$v" ]; then echo "pkg: apk $v"
else echo "pkg: none"; fi
exit 0`;

/** The shell of each raw section, exported for tests that run it on a real host. */
export const NETWORK_SCRIPTS = { LISTENING, INTERFACES, UFW, NETFILTER, FAIL2BAN, SSH_VERSION } as const;

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [
  defineSection({
    fact: 'listening',
    costMs: 65,
    script: () => secsh('net_listening', LISTENING),
    parse: ({ raw, uid }) =>
      sectionFrom(raw.get('net_listening'), 'ss -tulpn', uid, (body) => {
        if (body.trim() === '@ss-absent') throw new Error('ss (iproute2) is not installed');
        return parseSsListening(body);
      }),
  }),
  defineSection({
    fact: 'interfaces',
    costMs: 60,
    script: () => secsh('net_interfaces', INTERFACES),
    parse: ({ raw, uid }) =>
      sectionFrom(raw.get('net_interfaces'), 'ip addr', uid, (body) => {
        if (body.trim() === '@ip-absent') throw new Error('ip (iproute2) is not installed');
        return parseInterfaces(body);
      }),
  }),
  defineSection({
    fact: 'ufw',
    costMs: 20,
    script: () => secsh('net_ufw', UFW),
    // ufw's "active" is the live kernel's: its chains, in the netfilter section's iptables-save.
    reads: ['netfilter'],
    parse: ({ raw, uid }) => sectionFrom(raw.get('net_ufw'), 'ufw', uid, (body) => parseUfw(body, raw.get('net_netfilter')?.body ?? null)),
  }),
  defineSection({
    fact: 'netfilter',
    costMs: 75,
    script: () => secsh('net_netfilter', NETFILTER),
    parse: ({ raw, uid }) => sectionFrom(raw.get('net_netfilter'), 'iptables/nft', uid, (body) => parseNetfilter(body, uid)),
  }),
  defineSection({
    fact: 'fail2ban',
    costMs: 20,
    script: () => secsh('net_fail2ban', FAIL2BAN),
    parse: ({ raw, uid }) => sectionFrom(raw.get('net_fail2ban'), 'fail2ban', uid, (body) => parseFail2ban(body, uid)),
  }),
  defineSection({
    fact: 'sshVersion',
    costMs: 115,
    script: () => secsh('net_ssh_version', SSH_VERSION),
    parse: ({ raw, uid }) => sectionFrom(raw.get('net_ssh_version'), 'OpenSSH version', uid, parseSshVersion),
  }),
];
