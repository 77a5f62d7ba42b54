// Collector sections for the system facts: kernel, clock and reboot marker; pending package
// updates; unattended-upgrades; time synchronisation. Read-only; apt, systemctl and timedatectl
// run under the section time limit ($T); apt runs
// with its binary caches disabled so that even as root it writes nothing.
import type { Section, SectionName } from '../facts';
import {
  parseAptUpgradable,
  parseAutoUpgrades,
  parseSystemInfo,
  parseTimeSync,
  type AptUpdates,
  type AutoUpgrades,
  type SystemInfo,
  type TimeSync,
} from '../parsers/system';
import { needsSudoIfDenied } from '../parsers/records';
import { shQuote } from '../../ssh/quote';
import { BLOCKED_SH } from './files';
import { defineSection, fromRaw, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    systemInfo: Section<SystemInfo>;
    aptUpdates: Section<AptUpdates>;
    autoUpgrades: Section<AutoUpgrades>;
    timeSync: Section<TimeSync>;
  }
}

// Few processes: the kernel release and the clock come without uname/date (awk's srand() returns
// the previous seed, which the first call set to the time of day; date only if that looks wrong),
// and one awk reads both the root file system's type and PID 1's cgroup.
const SYSTEM_INFO_SH = `
k=
{ read -r k < /proc/sys/kernel/osrelease; } 2>/dev/null || k=$(uname -r)
printf 'kernel\\t%s\\n' "$k"
set -f
set -- $(awk 'BEGIN { srand(); now = srand(); if (now < 1000000000) { "date +%s" | getline now } }
  FILENAME ~ /mountinfo$/ && $5 == "/" { for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break } }
  FILENAME ~ /cgroup$/ && $0 ~ /\\/(docker|kubepods|containerd|libpod)/ { cg = "docker" }
  FILENAME ~ /cgroup$/ && $0 ~ /\\/lxc/ && cg == "" { lx = 1 }
  END { if (cg == "" && lx) cg = "lxc"; print now, (t == "" ? "-" : t), (cg == "" ? "-" : cg) }' /proc/self/mountinfo /proc/1/cgroup 2>/dev/null)
set +f
now=$1; rootfs=$2; cg=$3
case $now in ''|*[!0-9]*) now=$(date +%s) ;; esac
printf 'now\\t%s\\n' "$now"
v=
if [ -d /run/systemd/system ] && command -v systemd-detect-virt >/dev/null 2>&1; then v=$(systemd-detect-virt --container 2>/dev/null); fi
if [ -z "$v" ] || [ "$v" = none ]; then
  # Without systemd: podman's marker, a container runtime in PID 1's cgroup, or docker's marker on
  # an overlay root (/.dockerenv alone is also left behind in VMs built from container images).
  v=none
  if [ -f /run/.containerenv ]; then v=podman
  elif [ "$cg" = docker ]; then v=docker
  elif [ "$cg" = lxc ]; then v=lxc
  elif [ -f /.dockerenv ]; then case "$rootfs" in overlay|overlayfs|aufs|fuse.fuse-overlayfs) v=docker ;; esac
  fi
fi
printf 'container\\t%s\\n' "$v"
if [ -d /run/systemd/system ]; then printf 'systemd\\tyes\\n'; else printf 'systemd\\tno\\n'; fi
for k in /boot/vmlinuz-*; do [ -e "$k" ] && printf 'bootkernel\\t%s\\n' "\${k#/boot/vmlinuz-}"; done
if [ -e /var/run/reboot-required ]; then
  printf 'reboot\\trequired\\n'
  if [ -r /var/run/reboot-required.pkgs ]; then while IFS= read -r p; do printf 'rebootpkg\\t%s\\n' "$p"; done < /var/run/reboot-required.pkgs; fi
else
  printf 'reboot\\tno\\n'
fi
exit 0
`;

// apt list reads the package lists and dpkg status only; with both binary caches set to "" it
// builds its cache in memory instead of (re)writing /var/cache/apt/*.bin as root.
const APT_SH = `
${BLOCKED_SH}
command -v apt >/dev/null 2>&1 || exit 127
LISTS=/var/lib/apt/lists/
eval "$(apt-config shell LISTS Dir::State::lists/d 2>/dev/null)"
printf '#rampart lists %s\\n' "$LISTS"
if [ -d "$LISTS" ]; then
  { [ -r "$LISTS" ] && [ -x "$LISTS" ]; } || printf '#rampart denied %s\\n' "$LISTS"
elif blocked "$LISTS"; then printf '#rampart denied %s\\n' "$LISTS"; fi
# Count and newest of the Release files, and the clock, in one find and one awk.
find "$LISTS" -maxdepth 1 -name '*Release' -printf '%T@\\n' 2>/dev/null | awk 'BEGIN { srand(); now = srand(); if (now < 1000000000) { "date +%s" | getline now } }
  { n++; if (n == 1 || $1 + 0 > m + 0) m = $1 }
  END { print "#rampart listscount " n + 0; print "#rampart listsnewest " m; print "#rampart now " now }'
$T apt list --upgradable -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= 2>&1
`;

// Only the keys that matter are dumped: apt.conf can hold proxy credentials, which must not leave
// the host.
const AUTO_UPGRADES_SH = `
command -v apt-config >/dev/null 2>&1 || exit 127
printf 'pkg\\t%s\\n' "$(dpkg-query -W -f='\${Status}' unattended-upgrades 2>/dev/null)"
apt-config dump APT::Periodic Unattended-Upgrade::Origins-Pattern Unattended-Upgrade::Allowed-Origins 2>/dev/null | awk '{ print "cfg\\t" $0 }'
for f in /etc/apt/apt.conf.d/20auto-upgrades /etc/apt/apt.conf.d/50unattended-upgrades /etc/apt/apt.conf.d/10periodic /etc/apt/apt.conf.d/02periodic; do
  [ -e "$f" ] && printf 'file\\t%s\\n' "$f"
done
if [ -e /etc/cron.daily/apt-compat ]; then printf 'cron\\tyes\\n'; else printf 'cron\\tno\\n'; fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  printf 'timer\\t%s\\n' "$($T systemctl is-enabled apt-daily-upgrade.timer 2>/dev/null)"
  printf 'timeractive\\t%s\\n' "$($T systemctl is-active apt-daily-upgrade.timer 2>/dev/null)"
fi
exit 0
`;

// Time daemons are found by process name (a builtin read per /proc entry, no fork), with their
// network namespace: a daemon in another namespace (a container) does not set this host's clock.
const TIME_SYNC_SH = `
if [ -d /run/systemd/system ] && command -v timedatectl >/dev/null 2>&1; then
  $T timedatectl show 2>/dev/null | awk -F= '$1 == "NTP" || $1 == "NTPSynchronized" || $1 == "CanNTP" { print "td\\t" $0 }'
fi
# Time daemons by /proc/PID/comm, read by the shell itself (no process per PID); their network
# namespaces with one \`ls -l\` for all of them, not a readlink each: a host (or a lab machine)
# can show dozens of them, and forks are what a loaded host is slow at.
found=''
set --
for p in /proc/[0-9]*; do
  c=
  { read -r c < "$p/comm"; } 2>/dev/null || continue
  case "$c" in
    chronyd|ntpd|ntpsec|openntpd|systemd-timesyn|timesyncd|xntpd|ptp4l|phc2sys|sntpd)
      # skip zombies (a daemon that just forked away or died): state is the field after "(comm) "
      st=
      { read -r st < "$p/stat"; } 2>/dev/null
      st=\${st##*) }
      case "$st" in Z*|X*) continue ;; esac
      found="$found\${p#/proc/} $c
"
      set -- "$@" "$p/ns/net" ;;
  esac
done
# This shell's own namespace (selfnet) comes from the same ls when there are daemons.
if [ $# -eq 0 ]; then printf 'selfnet\\t%s\\n' "$(readlink /proc/self/ns/net 2>/dev/null)"; exit 0; fi
ls -l "/proc/$$/ns/net" "$@" 2>/dev/null | FOUND="$found" SELF=$$ awk '
BEGIN { n = split(ENVIRON["FOUND"], L, "\\n"); for (i = 1; i <= n; i++) if (L[i] != "") { split(L[i], f, " "); comm[f[1]] = f[2]; order[++k] = f[1] } }
$(NF - 1) == "->" { split($(NF - 2), parts, "/"); ns[parts[3]] = $NF }
END { printf "selfnet\\t%s\\n", ns[ENVIRON["SELF"]]; for (i = 1; i <= k; i++) { pid = order[i]; printf "proc\\t%s\\t%s\\t%s\\n", comm[pid], pid, ns[pid] } }'
exit 0
`;

const systemInfo = defineSection({
  fact: 'systemInfo',
  costMs: 50,
  script: () => `secsh sys_info ${shQuote(SYSTEM_INFO_SH)}`,
  parse: (p) => fromRaw(p.raw.get('sys_info'), 'kernel and reboot status', p, parseSystemInfo),
});

const aptUpdates = defineSection({
  fact: 'aptUpdates',
  costMs: 260, // apt list reads every package list
  script: () => `secsh apt_upgradable ${shQuote(APT_SH)}`,
  parse: (p) =>
    needsSudoIfDenied(
      fromRaw(p.raw.get('apt_upgradable'), 'apt list --upgradable', p, parseAptUpgradable, {
        notInstalled: 'apt is not installed (not a Debian/Ubuntu host); package update checks need apt',
      }),
      p.uid,
      'Reading the package lists',
    ),
});

const autoUpgrades = defineSection({
  fact: 'autoUpgrades',
  costMs: 100,
  script: () => `secsh auto_upgrades ${shQuote(AUTO_UPGRADES_SH)}`,
  parse: (p) =>
    fromRaw(p.raw.get('auto_upgrades'), 'unattended-upgrades configuration', p, parseAutoUpgrades, {
      notInstalled: 'apt is not installed (not a Debian/Ubuntu host); unattended-upgrades does not apply',
    }),
});

const timeSync = defineSection({
  fact: 'timeSync',
  costMs: 40,
  script: () => `secsh time_sync ${shQuote(TIME_SYNC_SH)}`,
  parse: (p) =>
    fromRaw(p.raw.get('time_sync'), 'time synchronisation', p, (body) => {
      const t = parseTimeSync(body);
      // Root can read every live process's namespace: one it could not read is already gone.
      return p.uid === 0 ? { ...t, daemons: t.daemons.filter((d) => d.netns !== null) } : t;
    }),
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [systemInfo, aptUpdates, autoUpgrades, timeSync] as ReadonlyArray<
  SectionSpec<SectionName>
>;
