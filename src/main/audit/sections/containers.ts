// Collector sections for the containers facts: the Docker daemon and its containers (`docker info`,
// `docker ps -aq` + `docker inspect`, /etc/docker/daemon.json), the docker group, and compose
// projects (files named by com.docker.compose.project.* labels and found under the scan roots,
// their env_file targets and project .env files). All read-only, bounded in count and size, and
// part of the one audit script. Secret values never leave the host: compose files, env files and
// inspect output pass through the awk of hostEnvClassify.ts, which prints a class token in place
// of each environment value. Parsers are pure (parsers/docker.ts, parsers/compose.ts).
import type { Section, SectionName } from '../facts';
import {
  classifyDockerError,
  parseDaemonJson,
  parseDockerGroup,
  parseDockerInfo,
  parseDockerInspect,
  type DaemonJson,
  type DockerContainer,
  type DockerDaemonInfo,
  type DockerGroup,
  type DockerNetwork,
} from '../parsers/docker';
import { parseComposeDump, parseComposeFiles, type ComposeFile, type EnvFile } from '../parsers/compose';
import type { RawSection } from '../parsers/sections';
import { shQuote } from '../../ssh/quote';
import { composeBatchAwk, inspectAwk, inspectedAllCase } from './hostEnvClassify';
import { defineSection, type ParseContext, type SectionSpec } from './types';
import { outputExcerpt } from '../parsers/excerpt';

export interface DockerFacts {
  daemon: DockerDaemonInfo;
  containers: DockerContainer[];
  /** /etc/docker/daemon.json: absent (present false), parsed, or why it could not be read (error). */
  daemonJson: DaemonJson;
  /** User-defined and predefined networks (`docker network ls`), null when they could not be listed. */
  networks?: DockerNetwork[] | null;
  /** Set when the collector listed only the first containers (the host has this many). */
  limited: number | null;
  /** The host's clock when the containers were listed (Unix seconds), null if unknown. */
  collectedAt: number | null;
  /** Non-fatal problems (a container removed while inspecting, cut-off lines). */
  problems: string[];
}

export interface ComposeFacts {
  tools: { standalone: boolean; plugin: boolean };
  files: ComposeFile[];
  envFiles: EnvFile[];
  /** Working directories of compose projects with containers on the host. */
  projectDirs: string[];
  problems: string[];
}

export interface DockerGroupFacts {
  /** null: the host has no docker group. */
  group: DockerGroup | null;
}

declare module '../facts' {
  interface HostFacts {
    docker: Section<DockerFacts>;
    compose: Section<ComposeFacts>;
    dockerGroup: Section<DockerGroupFacts>;
  }
}

/** Containers inspected at most (the rest is reported as `limited`). */
export const MAX_CONTAINERS = 300;
/** Compose files read at most, and bytes per compose file. */
export const MAX_COMPOSE_FILES = 64;
export const MAX_COMPOSE_BYTES = 256 * 1024;
/** env_file targets and .env files read at most, and bytes per file. */
export const MAX_ENV_FILES = 64;
export const MAX_ENV_BYTES = 64 * 1024;
/** All file contents of the compose section together. */
export const COMPOSE_BUDGET_BYTES = 2 * 1024 * 1024;

const NO_DOCKER = `command -v docker >/dev/null 2>&1 || { echo 'docker: command not found'; exit 127; }`;

// The section limit on the CLI itself (busybox timeout signals only its child). No exec: the
// section runs inside the lane's shell (collector.ts).
const DOCKER_INFO_SH = `${NO_DOCKER}
$T docker info --format '{{json .}}'`;

// $1: the exit status of the docker_info section: when the daemon did not answer in time (124 from
// coreutils timeout, 143 from busybox's), asking it again would only spend another section timeout.
// $2: the awk that replaces each container's Env values by their class (hostEnvClassify.ts).
const DOCKER_CONTAINERS_SH = `${NO_DOCKER}
case $1 in 124|143) echo 'skipped: docker info timed out'; exit 124 ;; esac
AWK_INSPECT=$2
out=$(docker ps -aq --no-trunc 2>&1); rc=$?
if [ "$rc" -ne 0 ]; then printf '%s\\n' "$out"; exit "$rc"; fi
# The ids (12 to 64 hex digits), counted and limited by the shell itself: no grep/wc/head.
n=0
set --
set -f
for id in $out; do
  case $id in *[!0-9a-f]*) continue ;; esac
  [ \${#id} -ge 12 ] && [ \${#id} -le 64 ] || continue
  n=$((n + 1))
  [ "$n" -le ${MAX_CONTAINERS} ] && set -- "$@" "$id"
done
set +f
# fd 3: "@C-DONE" says the compose labels on it are every container's (the compose section then
# makes no docker call); not when the list was cut.
# The clock: from date here, else from the inspect awk (rampart_now=1: srand, no date process).
[ "$n" -gt 0 ] || { echo "RAMPART-NOW $(date -u +%s)"; echo "@C-DONE" >&3; exit 0; }
if [ "$n" -gt ${MAX_CONTAINERS} ]; then echo "RAMPART-LIMIT $n"; echo "@C-LIMIT" >&3; fi
# The awk's stderr (fd 3 of the section): Traefik/Authelia mount sources for the proxy section.
docker inspect --format '{{json .}}' "$@" 2>&1 | awk -v rampart_now=1 "$AWK_INSPECT" 2>&3
# The networks, for the segmentation checks (which are internal): names and flags only.
echo RAMPART-NETWORKS
docker network ls --no-trunc --format 'RAMPART-NET {{.ID}}{{"\\t"}}{{.Name}}{{"\\t"}}{{.Driver}}{{"\\t"}}{{.Internal}}' 2>/dev/null
exit 0`;

const DAEMON_JSON_SH = `f=/etc/docker/daemon.json
if [ ! -e "$f" ]; then echo RAMPART-ABSENT; exit 0; fi
head -c 262144 "$f"`;

// getent may ask a directory service (LDAP, sssd): under the section limit.
const DOCKER_GROUP_SH = `if command -v getent >/dev/null 2>&1; then g=$($T getent group docker) || g=''; else g=$(awk '/^docker:/ { print; exit }' /etc/group 2>/dev/null); fi
if [ -z "$g" ]; then echo RAMPART-ABSENT; exit 0; fi
printf '%s\\n' "$g"
gid=\${g#*:}; gid=\${gid#*:}; gid=\${gid%%:*}
P='$4 == g && n++ < 1000 { print "primary " $1 }'
if command -v getent >/dev/null 2>&1; then $T getent passwd | awk -F: -v g="$gid" "$P"; else awk -F: -v g="$gid" "$P" /etc/passwd; fi
exit 0`;

// Arguments: the batch awk (hostEnvClassify.ts: classifies env values on the host, never sends
// them), the docker_info exit status, then the scan roots. Output framing: see parseComposeDump.
// Files are read by two awk processes in all (compose files, then env files), sized by one wc each.
const COMPOSE_SH = String.raw`AWK_BATCH=$1; DOCKER_RC=$2; shift 2
INSPECTED=$rampart_inspected
NL='
'
TAB='	'
used=0
sa=0; pl=0
command -v docker-compose >/dev/null 2>&1 && sa=1
for d in "$HOME/.docker/cli-plugins" /usr/local/lib/docker/cli-plugins /usr/local/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins /usr/libexec/docker/cli-plugins; do
  [ -x "$d/docker-compose" ] && pl=1
done
echo "@T standalone=$sa plugin=$pl"
cands=''
envs=''
add() {
  case $2 in /*) ;; *) return ;; esac
  case $2 in *"$NL"*|*"$TAB"*) return ;; esac
  cands="$cands$1$TAB$2$NL"
}
if [ "$DOCKER_RC" != 124 ] && [ "$DOCKER_RC" != 143 ] && command -v docker >/dev/null 2>&1; then
  # The compose labels: from the docker section's inspect (its fd 3 lines "@C<TAB>dir<TAB>files",
  # complete when "@C-DONE" is there and no "@C-LIMIT"), else from docker ps as before. Deduped,
  # sorted and cut at 200 by one awk either way.
  pick='{ if (c) { if (substr($0, 1, 3) != "@C\t") next; $0 = substr($0, 4) } if (!($0 in s)) { s[$0] = 1; h[++n] = $0 } } END { for (i = 2; i <= n; i++) { v = h[i]; for (j = i - 1; j >= 1 && h[j] > v; j--) h[j + 1] = h[j]; h[j + 1] = v } for (i = 1; i <= n && i <= 200; i++) print h[i] }'
  ${inspectedAllCase('INSPECTED', 'from')}
  if [ "$from" = inspect ]; then
    labels=$(awk -v c=1 "$pick" <<EOF
$INSPECTED
EOF
)
  else
    labels=$(docker ps -a --filter label=com.docker.compose.project --format '{{.Label "com.docker.compose.project.working_dir"}}{{"\t"}}{{.Label "com.docker.compose.project.config_files"}}' 2>/dev/null | awk -v c=0 "$pick")
  fi
  while IFS="$TAB" read -r wd files; do
    case $wd in /*) ;; *) continue ;; esac
    echo "@D $wd"
    if [ -n "$files" ]; then
      oldifs=$IFS; IFS=,; set -f
      for f in $files; do case $f in /*) add label "$f" ;; *) add label "$wd/$f" ;; esac; done
      IFS=$oldifs; set +f
    else
      for f in "$wd/docker-compose.yml" "$wd/docker-compose.yaml" "$wd/compose.yml" "$wd/compose.yaml"; do [ -f "$f" ] && add label "$f"; done
    fi
  done <<EOF
$labels
EOF
fi
for r in "$@"; do
  [ -d "$r" ] || continue
  # One find per root (-print: busybox find has no -printf): compose-named files, and the other
  # small YAML files, which one grep then tells apart by a top-level services: key. Named by
  # their basename, counted and limited by the shell.
  all=$(find "$r" -maxdepth 3 \( -name node_modules -o -name .git \) -prune -o -type f \( -name 'docker-compose*.yml' -o -name 'docker-compose*.yaml' -o -name 'compose*.yml' -o -name 'compose*.yaml' -o \( -name '*.yml' -o -name '*.yaml' \) -size -257k \) -print 2>/dev/null)
  nc=0; no=0
  set --
  while IFS= read -r l; do
    [ -n "$l" ] || continue
    case ${'${l##*/}'} in
      docker-compose*.yml|docker-compose*.yaml|compose*.yml|compose*.yaml) [ "$nc" -lt 200 ] && { nc=$((nc + 1)); add scan "$l"; } ;;
      *) [ "$no" -lt 300 ] && { no=$((no + 1)); set -- "$@" "$l"; } ;;
    esac
  done <<EOF
$all
EOF
  [ $# -gt 0 ] || continue
  while IFS= read -r f; do [ -n "$f" ] && add scan "$f"; done <<EOF
$(grep -l -s -m 1 '^services:' "$@" 2>/dev/null)
EOF
done
# First of each path, at most MAX_COMPOSE_FILES, without awk/head.
uniq=''; seen=$NL; k=0
while IFS="$TAB" read -r src p; do
  [ -n "$p" ] || continue
  case $seen in *"$NL$p$NL"*) continue ;; esac
  seen="$seen$p$NL"; k=$((k + 1))
  [ "$k" -le ${MAX_COMPOSE_FILES} ] || break
  uniq="$uniq$src$TAB$p$NL"
done <<EOF
$cands
EOF
cands=$uniq
# Phase 1: every compose file in one awk (sizes from one wc). Its stdout is the section's framing;
# its stderr the env_file targets and project .env files it found, then "@U TAB <bytes used>".
meta=''
set --
while IFS="$TAB" read -r src p; do
  [ -n "$p" ] || continue
  if [ ! -e "$p" ]; then st=missing
  elif [ ! -f "$p" ]; then st=not-regular
  elif [ ! -r "$p" ]; then st=unreadable
  else st=ok; set -- "$@" "$p"; fi
  meta="$meta""compose$TAB$src$TAB$st$TAB$p$NL"
done <<EOF
$cands
EOF
export RMP_MAX_COMPOSE=${MAX_COMPOSE_BYTES} RMP_MAX_ENV=${MAX_ENV_BYTES} RMP_BUDGET=${COMPOSE_BUDGET_BYTES}
sizes=''; [ $# -gt 0 ] && sizes=$(wc -c "$@" 2>/dev/null)
exec 3>&1
envs=$(RMP_META="$meta" RMP_SIZES="$sizes" RMP_USED=0 awk "$AWK_BATCH" 2>&1 >&3)
# Phase 2: the env files, in one more awk.
used=0; meta=''; n=0
set --
while IFS="$TAB" read -r k p; do
  case $k in @U) used=$p; continue ;; env) s=env_file ;; dotenv) s=dotenv; [ -f "$p" ] || continue ;; *) continue ;; esac
  case $p in /*) ;; *) continue ;; esac
  n=$((n + 1)); [ "$n" -le ${MAX_ENV_FILES} ] || continue
  if [ ! -e "$p" ]; then st=missing
  elif [ ! -f "$p" ]; then st=not-regular
  elif [ ! -r "$p" ]; then st=unreadable
  else st=ok; set -- "$@" "$p"; fi
  meta="$meta$k$TAB$s$TAB$st$TAB$p$NL"
done <<EOF
$envs
EOF
case $used in ''|*[!0-9]*) used=0 ;; esac
if [ -n "$meta" ]; then
  sizes=''; [ $# -gt 0 ] && sizes=$(wc -c "$@" 2>/dev/null)
  RMP_META="$meta" RMP_SIZES="$sizes" RMP_USED=$used awk "$AWK_BATCH" 2>/dev/null
fi
exit 0`;

// String.raw keeps \t, \n and \000 for awk, tr and printf; the ${…} in it are TypeScript numbers.

/** docker info failed: map the CLI's words to the right status. */
function dockerUnavailable(p: ParseContext, message: string, what: string): Section<never> {
  const reason = classifyDockerError(message);
  if (reason === 'permission' && p.uid !== 0)
    return { ok: false, status: 'needs-sudo', message: `${what}: the audit user may not use the Docker socket (run with sudo or add the user to the docker group): ${outputExcerpt(message, 200)}` };
  if (reason === 'no-daemon') return { ok: false, status: 'not-applicable', message: `Docker is installed but no daemon answers: ${outputExcerpt(message, 200)}` };
  return { ok: false, status: 'error', message: `${what}: ${outputExcerpt(message, 300)}` };
}

/** Exit statuses of a section stopped by its time limit: coreutils timeout (124), busybox timeout (SIGTERM, 143). */
const TIMED_OUT = new Set([124, 143]);

function rawProblem(raw: RawSection | undefined, what: string): Section<never> | null {
  if (!raw) return { ok: false, status: 'error', message: `${what}: the collector returned no output for this section` };
  if (raw.exitCode === null) return { ok: false, status: 'error', message: `${what}: output was cut off` };
  if (TIMED_OUT.has(raw.exitCode)) return { ok: false, status: 'error', message: `${what}: did not finish in time` };
  if (raw.exitCode === 127) return { ok: false, status: 'not-applicable', message: 'Docker is not installed (no docker command)' };
  return null;
}

export function parseDockerFacts(p: ParseContext): Section<DockerFacts> {
  const infoRaw = p.raw.get('docker_info');
  const early = rawProblem(infoRaw, 'docker info');
  if (early) return early;
  const info = parseDockerInfo(infoRaw!.body);
  if (!info.ok) return dockerUnavailable(p, info.message, 'docker info');

  const psRaw = p.raw.get('docker_containers');
  const psEarly = rawProblem(psRaw, 'docker ps/inspect');
  if (psEarly) return psEarly;
  if (psRaw!.exitCode !== 0) return dockerUnavailable(p, psRaw!.body.trim() || `exit code ${psRaw!.exitCode}`, 'docker ps');
  const inspected = parseDockerInspect(psRaw!.body);

  return {
    ok: true,
    value: {
      daemon: info.info,
      containers: inspected.containers,
      networks: inspected.networks,
      daemonJson: daemonJsonOf(p.raw.get('docker_daemon_json'), p.uid),
      limited: inspected.limited,
      collectedAt: inspected.now,
      problems: inspected.problems,
    },
  };
}

const ABSENT_DAEMON_JSON: DaemonJson = { present: false, noNewPrivileges: false, usernsRemap: '', icc: null, liveRestore: null, userlandProxy: null };

function daemonJsonOf(raw: RawSection | undefined, uid: number | null): DaemonJson {
  if (!raw || raw.exitCode === null) return { ...ABSENT_DAEMON_JSON, present: true, error: 'daemon.json: no complete output' };
  if (raw.exitCode !== 0) {
    const denied = /permission denied/i.test(raw.body);
    return {
      ...ABSENT_DAEMON_JSON,
      present: true,
      error: denied && uid !== 0 ? 'daemon.json is not readable without root' : `daemon.json: exit code ${raw.exitCode}`,
    };
  }
  if (raw.body.trim() === 'RAMPART-ABSENT') return ABSENT_DAEMON_JSON;
  return parseDaemonJson(raw.body);
}

export function parseComposeFacts(p: ParseContext): Section<ComposeFacts> {
  const raw = p.raw.get('compose_files');
  if (!raw) return { ok: false, status: 'error', message: 'compose files: the collector returned no output for this section' };
  if (TIMED_OUT.has(raw.exitCode ?? 0)) return { ok: false, status: 'error', message: 'compose files: did not finish in time' };
  if (raw.exitCode !== 0 && raw.exitCode !== null)
    return { ok: false, status: 'error', message: `compose files: exit code ${raw.exitCode}` };
  try {
    // A cut-off section keeps the files that arrived whole; the last one is marked cut-off.
    const dump = parseComposeDump(raw.body);
    const { files, envFiles } = parseComposeFiles(dump);
    const problems = dump.problems.length ? [`${dump.problems.length} unexpected line(s) in the compose section`] : [];
    if (raw.exitCode === null) problems.push('the compose section was cut off');
    return { ok: true, value: { tools: dump.tools, files, envFiles, projectDirs: dump.projectDirs, problems } };
  } catch (e) {
    return { ok: false, status: 'error', message: `compose files: ${(e as Error).message}` };
  }
}

export function parseDockerGroupFacts(p: ParseContext): Section<DockerGroupFacts> {
  const raw = p.raw.get('docker_group');
  if (!raw) return { ok: false, status: 'error', message: 'docker group: the collector returned no output for this section' };
  if (raw.exitCode === null) return { ok: false, status: 'error', message: 'docker group: output was cut off' };
  if (raw.exitCode !== 0) return { ok: false, status: 'error', message: `docker group: exit code ${raw.exitCode}: ${outputExcerpt(raw.body, 200)}` };
  if (raw.body.trim() === 'RAMPART-ABSENT') return { ok: true, value: { group: null } };
  const group = parseDockerGroup(raw.body);
  if (!group) return { ok: false, status: 'error', message: 'docker group: unexpected output' };
  return { ok: true, value: { group } };
}

export const dockerSection = defineSection({
  fact: 'docker',
  costMs: 360,
  // `sec` leaves the section's exit status in $rc: the later Docker sections skip the daemon if it hung.
  script: () =>
    [
      `secsh docker_info ${shQuote(DOCKER_INFO_SH)}`,
      'rampart_docker_rc=$rc',
      // Its fd 3 (the inspect awk's stderr) is captured: the mount sources of Traefik and Authelia
      // containers, read by the proxy section (sections/proxy.ts) in this lane; the output itself
      // goes to the lane's stdout through fd 4.
      'exec 4>&1',
      `rampart_proxy_mounts=$(sec docker_containers $T sh -c ${shQuote(DOCKER_CONTAINERS_SH)} sh "$rampart_docker_rc" ${shQuote(inspectAwk())} 3>&1 1>&4)`,
      'exec 4>&-',
      `secsh docker_daemon_json ${shQuote(DAEMON_JSON_SH)}`,
    ].join('\n'),
  parse: parseDockerFacts,
});

export const dockerGroupSection = defineSection({
  fact: 'dockerGroup',
  costMs: 65,
  script: () => `secsh docker_group ${shQuote(DOCKER_GROUP_SH)}`,
  parse: parseDockerGroupFacts,
});

export const composeSection = defineSection({
  fact: 'compose',
  costMs: 275,
  laneWith: 'docker', // reads $rampart_docker_rc (no docker CLI calls after docker info timed out) and the inspect's compose labels
  // The awk program, docker info's exit status and the scan roots travel as arguments of the section's shell.
  script: (ctx) =>
    [
      // The docker section's fd 3 lines (container names, images, paths) in the environment, which
      // only the audit's user can read, rather than in the command line every local user sees.
      'rampart_inspected=$rampart_proxy_mounts; export rampart_inspected',
      [`sec compose_files $T sh -c ${shQuote(COMPOSE_SH)} sh ${shQuote(composeBatchAwk())} "$rampart_docker_rc"`, ...ctx.scanRoots.filter((r) => r.startsWith('/')).map((r) => shQuote(r))].join(' '),
      'unset rampart_inspected',
    ].join('\n'),
  parse: parseComposeFacts,
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [dockerSection, dockerGroupSection, composeSection];
