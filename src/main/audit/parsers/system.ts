// Parsers for the system sections: kernel / clock / reboot marker, `apt list --upgradable`,
// unattended-upgrades configuration (`apt-config dump`), time synchronisation. Pure functions.

/** "key<TAB>value" lines; unknown keys are ignored, repeated keys kept in order. */
function keyValues(body: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of body.split('\n')) {
    const i = line.indexOf('\t');
    if (i <= 0) continue;
    out.push([line.slice(0, i), line.slice(i + 1).replace(/\r$/, '')]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// systemInfo

export interface SystemInfo {
  /** `uname -r` */
  kernel: string;
  /** The host's clock, seconds since the epoch (ages and end-of-life dates are judged by it). */
  now: number;
  /** Container technology when the host itself is a container (docker, lxc, podman, …), else null. */
  container: string | null;
  /** systemd is the running init (timedatectl / systemctl answers are meaningful). */
  systemd: boolean;
  /** Kernel versions installed under /boot (vmlinuz-VERSION). */
  bootKernels: string[];
  /** /var/run/reboot-required exists. */
  rebootRequired: boolean;
  /** /var/run/reboot-required.pkgs: the packages that asked for the reboot. */
  rebootPackages: string[];
}

export function parseSystemInfo(body: string): SystemInfo {
  const info: SystemInfo = { kernel: '', now: NaN, container: null, systemd: false, bootKernels: [], rebootRequired: false, rebootPackages: [] };
  for (const [k, v] of keyValues(body)) {
    const value = v.trim();
    if (k === 'kernel') info.kernel = value;
    else if (k === 'now') info.now = /^\d+$/.test(value) ? Number(value) : NaN;
    else if (k === 'container') info.container = value && value !== 'none' ? value.slice(0, 40) : null;
    else if (k === 'systemd') info.systemd = value === 'yes';
    else if (k === 'bootkernel' && value && info.bootKernels.length < 50) info.bootKernels.push(value);
    else if (k === 'reboot') info.rebootRequired = value === 'required';
    else if (k === 'rebootpkg' && value && info.rebootPackages.length < 200 && !info.rebootPackages.includes(value)) info.rebootPackages.push(value);
  }
  if (!info.kernel) throw new Error('no kernel release in the output');
  if (!Number.isFinite(info.now)) throw new Error('no clock reading in the output');
  return info;
}

/**
 * Compares kernel versions such as "6.1.0-28-amd64" and "6.1.0-30-amd64" (numeric runs as
 * numbers, other text as text). Negative when a < b.
 */
export function compareKernelVersions(a: string, b: string): number {
  const pa = a.match(/\d+|[^\d]+/g) ?? [];
  const pb = b.match(/\d+|[^\d]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The newest kernel installed under /boot when it is newer than the running one, else null. */
export function newerInstalledKernel(info: Pick<SystemInfo, 'kernel' | 'bootKernels'>): string | null {
  if (!info.bootKernels.length) return null;
  const newest = [...info.bootKernels].sort(compareKernelVersions).pop()!;
  // Only compare kernels of the same flavour (e.g. -amd64 vs -cloud-amd64).
  const flavour = (v: string): string => v.replace(/^[\d.]+(-\d+)?/, '');
  if (flavour(newest) !== flavour(info.kernel)) return null;
  return compareKernelVersions(newest, info.kernel) > 0 ? newest : null;
}

// ---------------------------------------------------------------------------------------------
// aptUpdates

export interface UpgradablePackage {
  name: string;
  /** Suites (archives) that offer the new version, e.g. ["bookworm-security"]. */
  suites: string[];
  version: string;
  arch: string;
  /** Installed version. */
  from: string | null;
  /** Offered by a security suite (…-security). */
  security: boolean;
}

export interface AptUpdates {
  upgradable: UpgradablePackage[];
  /** The package lists folder (apt-config Dir::State::lists). */
  listsDir: string | null;
  /** mtime of the newest Release/InRelease file there: when `apt update` last got fresh lists. */
  listsUpdatedAt: number | null;
  /** How many Release files are there (0: apt update never ran). */
  listsCount: number;
  /** The host's clock when the section ran. */
  now: number | null;
  /** The lists folder could not be read (unprivileged collector). */
  denied: string[];
}

const APT_LINE = /^([A-Za-z0-9][A-Za-z0-9+.:-]*)\/(\S+)\s+(\S+)\s+(\S+)(?:\s+\[upgradable from: ([^\]]+)\])?\s*$/;

export function isSecuritySuite(suite: string): boolean {
  return /(^|-)security$/i.test(suite) || /^security$/i.test(suite);
}

/** The section output: `#rampart key value` lines, then `apt list --upgradable` output. */
export function parseAptUpgradable(body: string): AptUpdates {
  const out: AptUpdates = { upgradable: [], listsDir: null, listsUpdatedAt: null, listsCount: 0, now: null, denied: [] };
  const seen = new Set<string>();
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const meta = /^#rampart (\w+) ?(.*)$/.exec(line);
    if (meta) {
      const [, k, v] = meta as unknown as [string, string, string];
      const n = /^\d+(\.\d+)?$/.test(v.trim()) ? Math.floor(Number(v.trim())) : null;
      if (k === 'lists') out.listsDir = v.trim() || null;
      else if (k === 'listsnewest') out.listsUpdatedAt = n && n > 0 ? n : null;
      else if (k === 'listscount') out.listsCount = n ?? 0;
      else if (k === 'now') out.now = n;
      else if (k === 'denied' && v.trim()) out.denied.push(v.trim());
      continue;
    }
    const m = APT_LINE.exec(line);
    if (!m) continue; // "Listing...", the CLI warning, notes, blank lines
    const [, name, suites, version, arch, from] = m as unknown as [string, string, string, string, string, string | undefined];
    const key = `${name}:${arch}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const suiteList = suites.split(',').filter(Boolean);
    out.upgradable.push({ name, suites: suiteList, version, arch, from: from?.trim() ?? null, security: suiteList.some(isSecuritySuite) });
    if (out.upgradable.length >= 20_000) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// autoUpgrades

export interface AutoUpgrades {
  /** dpkg says unattended-upgrades is installed. */
  installed: boolean;
  /** APT::Periodic::* values (key without the prefix, e.g. "Unattended-Upgrade" → "1"). */
  periodic: Record<string, string>;
  /** Unattended-Upgrade::Origins-Pattern and ::Allowed-Origins entries. */
  origins: string[];
  /** Which of the usual configuration files exist. */
  files: string[];
  /** systemd: `systemctl is-enabled/is-active apt-daily-upgrade.timer`; null without systemd. */
  timer: { enabled: string; active: string } | null;
  /** /etc/cron.daily/apt-compat exists (how apt's periodic jobs run without systemd). */
  cron: boolean;
}

const APT_CONFIG_LINE = /^([A-Za-z0-9:_-]+?)(::)?\s+"((?:[^"\\]|\\.)*)";\s*$/;

export function parseAutoUpgrades(body: string): AutoUpgrades {
  const out: AutoUpgrades = { installed: false, periodic: {}, origins: [], files: [], timer: null, cron: false };
  let timerEnabled: string | null = null;
  let timerActive: string | null = null;
  for (const [k, v] of keyValues(body)) {
    if (k === 'pkg') out.installed = /\binstall ok installed\b/.test(v);
    else if (k === 'file' && v.startsWith('/')) out.files.push(v);
    else if (k === 'cron') out.cron = v.trim() === 'yes';
    else if (k === 'timer') timerEnabled = v.trim();
    else if (k === 'timeractive') timerActive = v.trim();
    else if (k === 'cfg') {
      const m = APT_CONFIG_LINE.exec(v.trim());
      if (!m) continue;
      const [, key, list, value] = m as unknown as [string, string, string | undefined, string];
      if (key.startsWith('APT::Periodic::') && !list) out.periodic[key.slice('APT::Periodic::'.length)] = value;
      else if (list && /^Unattended-Upgrade::(Origins-Pattern|Allowed-Origins)$/.test(key) && out.origins.length < 200) out.origins.push(value);
    }
  }
  if (timerEnabled !== null || timerActive !== null) out.timer = { enabled: timerEnabled ?? '', active: timerActive ?? '' };
  return out;
}

/** APT::Periodic values are day intervals or booleans: "1", "true", "always" enable; "0" / "" / "false" do not. */
export function periodicEnabled(v: string | undefined): boolean {
  if (v === undefined) return false;
  const t = v.trim().toLowerCase();
  if (t === 'always' || t === 'true' || t === 'yes' || t === 'on') return true;
  return /^\d+$/.test(t) && Number(t) > 0;
}

// ---------------------------------------------------------------------------------------------
// timeSync

export interface TimeSyncDaemon {
  /** Process name (comm), e.g. chronyd, ntpd, systemd-timesyn. */
  name: string;
  pid: number;
  /** Its network namespace ("net:[4026531840]"), or null when it could not be read (not root). */
  netns: string | null;
}

export interface TimeSync {
  /** `timedatectl show` (only under systemd). */
  timedatectl: { ntp: boolean | null; synchronized: boolean | null; canNtp: boolean | null } | null;
  /** The collector's own network namespace. */
  selfNetns: string | null;
  /** Running time synchronisation daemons. */
  daemons: TimeSyncDaemon[];
}

const yesNo = (v: string | undefined): boolean | null => (v === 'yes' ? true : v === 'no' ? false : null);

export function parseTimeSync(body: string): TimeSync {
  const td: Record<string, string> = {};
  let selfNetns: string | null = null;
  const daemons: TimeSyncDaemon[] = [];
  for (const [k, v] of keyValues(body)) {
    if (k === 'td') {
      const m = /^(\w+)=(.*)$/.exec(v.trim());
      if (m) td[m[1]!] = m[2]!;
    } else if (k === 'selfnet') selfNetns = /^net:\[\d+\]$/.test(v.trim()) ? v.trim() : null;
    else if (k === 'proc' && daemons.length < 100) {
      const [name, pid, netns] = v.split('\t');
      if (!name || !/^\d+$/.test(pid ?? '')) continue;
      daemons.push({ name: name.trim(), pid: Number(pid), netns: netns && /^net:\[\d+\]$/.test(netns.trim()) ? netns.trim() : null });
    }
  }
  const timedatectl = Object.keys(td).length
    ? { ntp: yesNo(td.NTP), synchronized: yesNo(td.NTPSynchronized), canNtp: yesNo(td.CanNTP) }
    : null;
  return { timedatectl, selfNetns, daemons };
}

/** Daemons that serve this host: same network namespace as the collector, or unknown (not root). */
export function localTimeDaemons(t: TimeSync): TimeSyncDaemon[] {
  return t.daemons.filter((d) => d.netns === null || t.selfNetns === null || d.netns === t.selfNetns);
}
