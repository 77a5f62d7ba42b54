// Collector section for the reverse proxy and SSO facts (issue 16 items 4 and 5): the configuration
// files of Traefik and Authelia, found through the bind mounts of their containers (printed by the
// docker section's inspect awk: no docker call of its own), the system-service places
// (/etc/traefik, /etc/authelia) and names under the scan roots (shell globs, no find), then read
// by ONE awk that prints each file flattened to `path TAB value` lines.
// Secret values never leave the host: a value is printed as is only under a key the checks read
// that names no credential (policy, domain, rule, middlewares, minVersion, …) and only when it holds
// no URL password; every other value is printed as its class token (kind and length, the awk of
// hostEnvClassify.ts), so the laptop learns that `jwt_secret` is a 64-character literal, never
// what it is. File modes and owners come from one `stat`. Read-only; parsers/proxyConfig.ts parses.
import type { Section, SectionName } from '../facts';
import { containersOf, parseProxyDump, type ProxyFacts } from '../parsers/proxyConfig';
import { shQuote } from '../../ssh/quote';
import { envAwkLib } from './hostEnvClassify';
import { defineSection, fromRaw, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    proxy: Section<ProxyFacts>;
  }
}

/** Configuration files read at most, bytes per file, bytes in all. */
export const MAX_PROXY_FILES = 40;
export const MAX_PROXY_FILE_BYTES = 256 * 1024;
export const PROXY_BUDGET_BYTES = 1024 * 1024;

// A section function of the lane's shell (secsh: no process of its own). $rampart_proxy_mounts: the
// bind-mount sources of the Traefik and Authelia containers, which the inspect awk of the docker
// section printed on its fd 3 (sections/containers.ts), so no docker call is made here. Variables
// are rp_-prefixed (the lane's shell is shared); IFS and set -f are left as they were.
export function proxyScript(scanRoots: readonly string[]): string {
  const roots = scanRoots.filter((r) => r.startsWith('/')).map((r) => shQuote(r)).join(' ');
  return String.raw`rp_nl='
'
rp_tab='	'
rp_c=$rp_nl
rp_add() {
  case $1 in /*) ;; *) return 0 ;; esac
  case $1 in *"$rp_nl"*|*"$rp_tab"*) return 0 ;; esac
  case $rp_c in *"$rp_nl$1$rp_nl"*) return 0 ;; esac
  rp_c="$rp_c$1$rp_nl"
}
while IFS= read -r rp_p; do rp_add "$rp_p"; done <<EOF
$rampart_proxy_mounts
EOF
command -v traefik >/dev/null 2>&1 && echo '@S traefik'
command -v authelia >/dev/null 2>&1 && echo '@S authelia'
rp_add /etc/traefik; rp_add /etc/authelia
for rp_r in ${roots}; do
  for rp_x in "$rp_r"/*traefik* "$rp_r"/*authelia* "$rp_r"/*/*traefik* "$rp_r"/*/*authelia*; do [ -e "$rp_x" ] && rp_add "$rp_x"; done
done
# Candidates → files: a YAML/TOML file itself, or those in a folder and its subfolders (globs).
set --
rp_n=0; rp_seen=$rp_nl
while IFS= read -r rp_p; do
  [ -n "$rp_p" ] || continue
  rp_fs=''
  if [ -d "$rp_p" ]; then
    for rp_f in "$rp_p"/*.yml "$rp_p"/*.yaml "$rp_p"/*.toml "$rp_p"/*/*.yml "$rp_p"/*/*.yaml "$rp_p"/*/*.toml; do [ -f "$rp_f" ] && rp_fs="$rp_fs$rp_f$rp_nl"; done
  elif [ -f "$rp_p" ]; then case $rp_p in *.yml|*.yaml|*.toml) rp_fs=$rp_p ;; esac
  fi
  while IFS= read -r rp_f; do
    [ -n "$rp_f" ] || continue
    case $rp_f in *"$rp_tab"*) continue ;; esac
    case $rp_seen in *"$rp_nl$rp_f$rp_nl"*) continue ;; esac
    rp_seen="$rp_seen$rp_f$rp_nl"
    rp_n=$((rp_n + 1)); [ "$rp_n" -le ${MAX_PROXY_FILES} ] && set -- "$@" "$rp_f"
  done <<EOF
$rp_fs
EOF
done <<EOF
$rp_c
EOF
[ "$rp_n" -gt ${MAX_PROXY_FILES} ] && echo "@L $rp_n"
[ $# -gt 0 ] || exit 0
rp_meta=$(stat -L -c '%a %u %s %n' "$@" 2>/dev/null)
RMP_META=$rp_meta RMP_MAX=${MAX_PROXY_FILE_BYTES} RMP_BUDGET=${PROXY_BUDGET_BYTES} awk ${shQuote(proxyAwk())}
exit 0`;
}

// Values of these keys (the last path segment, lower-cased) are printed as they are; every other
// value as its class token. None names a credential.
export const PROXY_KEPT_KEYS = [
  'insecure', 'dashboard', 'debug', 'exposedbydefault', 'address', 'to', 'scheme', 'permanent', 'minversion', 'maxversion',
  'rule', 'middlewares', 'service', 'entrypoints', 'filename', 'directory', 'watch', 'certresolver', 'options', 'stsseconds',
  'framedeny', 'contenttypenosniff', 'browserxssfilter', 'contentsecuritypolicy', 'stsincludesubdomains', 'customframeoptionsvalue',
  'filepath', 'format', 'level', 'snistrict', 'tls', 'enable', 'default_policy', 'policy', 'domain', 'domain_regex', 'expiration',
  'inactivity', 'remember_me', 'remember_me_duration', 'same_site', 'authelia_url', 'default_redirection_url', 'name', 'networks',
  'subject', 'disable_startup_check',
] as const;

// Line-based YAML (block style, as these files are written) and TOML flattening. Prints, per file:
// "@F MODE UID SIZE STATUS PATH", then "K PATH TAB VALUE" lines ("" after a key that opens a block or
// table: presence matters, e.g. accessLog: {}), then "@E".
const PROXY_AWK = String.raw`
function p_keep(path, v,   last) {
  last = tolower(path); sub(/\[[0-9]+\]$/, "", last); sub(/^.*[.]/, "", last); sub(/\[[0-9]+\]$/, "", last)
  if (!(last in KEEP)) return 0
  if (v ~ /:\/\/[^\/@ ]*:[^@ ]*@/ || index(v, "{{") > 0 || length(v) > 512) return 0
  return 1
}
function p_unq(v,   q) {
  q = substr(v, 1, 1)
  if ((q == "\"" || q == "'") && length(v) >= 2 && substr(v, length(v), 1) == q) return substr(v, 2, length(v) - 2)
  return v
}
function p_nocomment(v) {
  if (substr(v, 1, 1) == "\"" || substr(v, 1, 1) == "'") { if (match(v, /["'][ \t]+#.*$/)) v = substr(v, 1, RSTART) }
  else sub(/[ \t]+#.*$/, "", v)
  sub(/[ \t]+$/, "", v)
  return v
}
function p_emit(path, v,   u) {
  if (v == "") { print "K " path "\t"; return }
  if (v == "{}" || v == "[]") { print "K " path "\t" v; return }
  u = p_unq(v)
  if (index(v, "{{") > 0 && v ~ /secret/) { print "K " path "\t@rampart-template"; return }
  if (p_keep(path, u)) print "K " path "\t" u
  else print "K " path "\t" r_token(u, 0)
}
function p_top() { return sn > 0 ? SP[sn] : "" }
function p_join(a, b) { return a == "" ? b : a "." b }
function p_yaml(line,   ind, s, col, key, v, parent, at, path, idx, m) {
  sub(/\r$/, "", line)
  if (blk) { match(line, /^ */); if (line ~ /^[ \t]*$/ || RLENGTH > blk_ind) return; blk = 0 }
  if (line ~ /^[ \t]*(#|$)/ || line ~ /^(---|\.\.\.)/) return
  match(line, /^ */); ind = RLENGTH; s = substr(line, ind + 1); col = ind
  if (s ~ /^-([ \t]|$)/) {
    while (sn > 0 && (SI[sn] > ind || (SI[sn] == ind && SQ[sn]))) sn--
    parent = p_top(); idx = SEQ[parent] + 0; SEQ[parent] = idx + 1
    path = parent "[" idx "]"
    match(s, /^-[ \t]*/); col = ind + RLENGTH; s = substr(s, RLENGTH + 1)
    if (s == "") { sn++; SI[sn] = ind; SP[sn] = path; SQ[sn] = 1; return }
    at = p_keyend(s)
    if (at == 0) { s = p_nocomment(s); if (s ~ /^[|>]/) { blk = 1; blk_ind = ind; print "K " path "\t@rampart-block"; return } p_emit(path, s); return }
    sn++; SI[sn] = col - 1; SP[sn] = path; SQ[sn] = 1
  } else {
    while (sn > 0 && SI[sn] >= ind) sn--
    at = p_keyend(s)
    if (at == 0) return
  }
  key = p_unq(substr(s, 1, at - 1)); v = substr(s, at + 1); sub(/^[ \t]+/, "", v); v = p_nocomment(v)
  sub(/^&[^ \t]+[ \t]*/, "", v)
  path = p_join(p_top(), key)
  if (v == "") { sn++; SI[sn] = col; SP[sn] = path; SQ[sn] = 0; delete SEQ[path]; p_emit(path, ""); return }
  if (v ~ /^[|>][-+0-9]*$/) { blk = 1; blk_ind = col; print "K " path "\t@rampart-block"; return }
  p_emit(path, v)
}
# The ':' that ends a key: followed by a blank or the end of the line, outside quotes.
function p_keyend(s,   k, c, q) {
  q = substr(s, 1, 1)
  if (q == "\"" || q == "'") { k = index(substr(s, 2), q); if (k == 0) return 0; k += 1; return substr(s, k + 1, 1) == ":" && (k + 2 > length(s) || substr(s, k + 2, 1) ~ /[ \t]/) ? k + 1 : 0 }
  if (q == "[" || q == "{") return 0
  for (k = 1; k <= length(s); k++) { c = substr(s, k, 1); if (c == ":" && (k == length(s) || substr(s, k + 1, 1) ~ /[ \t]/)) return k; if (c == "#" && k > 1 && substr(s, k - 1, 1) ~ /[ \t]/) return 0 }
  return 0
}
function p_toml(line,   s, at, key, v, n) {
  sub(/\r$/, "", line)
  if (tml) { s = line; sub(/^[ \t]+/, "", s); if (index(s, tml_end) > 0) tml = 0; return }
  if (line ~ /^[ \t]*(#|$)/) return
  s = line; sub(/^[ \t]+/, "", s)
  if (s ~ /^\[\[/) { sub(/^\[\[[ \t]*/, "", s); sub(/[ \t]*\]\].*$/, "", s); gsub(/"/, "", s); n = TA[s] + 0; TA[s] = n + 1; tpre = s "[" n "]"; print "K " tpre "\t"; return }
  if (s ~ /^\[/) { sub(/^\[[ \t]*/, "", s); sub(/[ \t]*\].*$/, "", s); gsub(/"/, "", s); tpre = s; print "K " tpre "\t"; return }
  at = index(s, "="); if (at == 0) return
  key = substr(s, 1, at - 1); sub(/[ \t]+$/, "", key); gsub(/"/, "", key)
  v = substr(s, at + 1); sub(/^[ \t]+/, "", v)
  if (v ~ /^("""|''')/) { tml_end = substr(v, 1, 3); if (index(substr(v, 4), tml_end) == 0) tml = 1; print "K " p_join(tpre, key) "\t@rampart-block"; return }
  v = p_nocomment(v)
  p_emit(p_join(tpre, key), v)
}
BEGIN {
  r_init()
  nk = split("${'${KEEP}'}", KA, " "); for (i = 1; i <= nk; i++) KEEP[KA[i]] = 1
  nm = split(ENVIRON["RMP_META"], META, "\n")
  mx = ENVIRON["RMP_MAX"] + 0; budget = ENVIRON["RMP_BUDGET"] + 0; used = 0
  for (i = 1; i <= nm; i++) {
    if (!match(META[i], /^[0-7]+ [0-9]+ [0-9]+ /)) continue
    split(substr(META[i], 1, RLENGTH - 1), F, " "); p = substr(META[i], RLENGTH + 1)
    st = "ok"; sz = F[3] + 0
    if (sz > mx) st = "too-big"; else if (used + sz > budget) st = "budget"
    r = 0
    if (st == "ok") { r = (getline line < p); if (r < 0) st = "unreadable" }
    print "@F " F[1] " " F[2] " " sz " " st " " p
    if (st == "ok") {
      used += sz; sn = 0; blk = 0; tml = 0; tpre = ""; delete SEQ; delete TA
      toml = (p ~ /\.toml$/)
      if (r > 0) do { if (toml) p_toml(line); else p_yaml(line) } while ((getline line < p) > 0)
      close(p)
    }
    print "@E"
  }
  exit 0
}
`.replace('${KEEP}', PROXY_KEPT_KEYS.join(' '));

/** The awk that flattens the configuration files (stdin unused). */
export function proxyAwk(): string {
  return [envAwkLib(), PROXY_AWK].join('\n');
}

export const proxySection = defineSection({
  fact: 'proxy',
  costMs: 15,
  laneWith: 'docker', // reads $rampart_proxy_mounts, set by the docker section
  script: (ctx) => `secsh proxy_configs ${shQuote(proxyScript(ctx.scanRoots))}`,
  parse: (p) => fromRaw(p.raw.get('proxy_configs'), 'Traefik and Authelia configuration', p, (body) => parseProxyDump(body, containersOf(p.raw.get('docker_containers')))),
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [proxySection] as ReadonlyArray<SectionSpec<SectionName>>;
