// Parsers for the Docker sections: `docker info --format '{{json .}}'`, `docker inspect --format
// '{{json .}}'` of every container (one JSON object per line), /etc/docker/daemon.json and
// `getent group docker`. Pure functions; they keep only what the checks need. Env values arrive as
// class tokens (the collector classified them on the host, sections/hostEnvClassify.ts; so do Cmd,
// Entrypoint, Args and healthcheck Test items), read by classifyEnv (dockerSecrets.ts).
import { classifyEnv, splitEnvAssignment, type EnvEntry } from './dockerSecrets';
import { outputExcerpt } from './excerpt';

export interface DockerDaemonInfo {
  serverVersion: string;
  /** `docker info` SecurityOptions names: apparmor, seccomp, selinux, userns, rootless, … */
  securityOptions: string[];
  rootless: boolean;
  /** userns-remap is on (container root is not host root). */
  userns: boolean;
  operatingSystem: string;
  dockerRootDir: string;
  containers: number;
}

export interface DockerMount {
  type: string;
  source: string;
  destination: string;
  rw: boolean;
}

export interface DockerPortBinding {
  /** e.g. "80/tcp" */
  containerPort: string;
  /** '' means every address (0.0.0.0 and ::). */
  hostIp: string;
  hostPort: string;
}

export interface DockerContainer {
  id: string;
  /** Without the leading slash. */
  name: string;
  /** The image reference the container was created from (Config.Image), e.g. "nginx:1.27" or "sha256:…". */
  image: string;
  state: {
    status: string;
    running: boolean;
    restarting: boolean;
    /** State.Health.Status when the container has a healthcheck. */
    health: string | null;
    restartCount: number;
    /** State.StartedAt as Unix seconds (host clock), null if never started. */
    startedAt: number | null;
  };
  /** Config.User ('' = the image default, usually root). */
  user: string;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  appArmorProfile: string;
  readonlyRootfs: boolean;
  networkMode: string;
  pidMode: string;
  ipcMode: string;
  utsMode: string;
  usernsMode: string;
  memory: number;
  nanoCpus: number;
  cpuShares: number;
  cpuQuota: number;
  cpusetCpus: string;
  /** null or ≤ 0 = unlimited. */
  pidsLimit: number | null;
  mounts: DockerMount[];
  ports: DockerPortBinding[];
  /** Config.Healthcheck.Test (["NONE"] = disabled), null when none is defined. */
  healthcheck: string[] | null;
  compose: { project: string; service: string; workingDir: string } | null;
  /** Config.Env, classified (never the values). */
  env: EnvEntry[];
  /**
   * Config.Labels. Values arrive as class tokens (`@rampart:…`) but for the com.docker.compose.*
   * labels and the Traefik routing labels the host keeps (rule, middlewares, service, …;
   * hostEnvClassify.ts).
   */
  labels: Record<string, string>;
  /** The process arguments (Path + Args; Path alone when Args is empty); items not kept on the host are class tokens. */
  args: string[];
  /** TRAEFIK_* variables whose value the host kept (static options under keys that name no credential). */
  traefikEnv: Record<string, string>;
  /** Names of the Docker networks the container is attached to (NetworkSettings.Networks). */
  networks: string[];
}

export interface DockerNetwork {
  id: string;
  name: string;
  driver: string;
  /** Created with `--internal` (compose `internal: true`): no route out of the host. */
  internal: boolean;
}

export interface DaemonJson {
  /** Whether /etc/docker/daemon.json exists. */
  present: boolean;
  noNewPrivileges: boolean;
  usernsRemap: string;
  icc: boolean | null;
  liveRestore: boolean | null;
  userlandProxy: boolean | null;
  /** Set when the file exists but is not valid JSON (the daemon would not start with it). */
  error?: string;
}

export interface DockerGroup {
  gid: number;
  /** Supplementary members (the group line) and users whose primary group it is. */
  members: string[];
}

/** Result of parsing `docker info`: the daemon, or why there is none. */
export type DockerInfoResult =
  | { ok: true; info: DockerDaemonInfo }
  | { ok: false; reason: 'permission' | 'no-daemon' | 'error'; message: string };

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean => v === true;
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const obj = (v: unknown): Json => (isObj(v) ? v : {});

const PERMISSION_RE = /permission denied|access is denied|operation not permitted/i;
const NO_DAEMON_RE = /cannot connect to the docker daemon|is the docker daemon running|connection refused|no such file or directory/i;

/** First line that parses as a JSON object, and the other non-empty lines (error messages). */
function jsonAndMessages(body: string): { json: Json | null; messages: string[] } {
  let json: Json | null = null;
  const messages: string[] = [];
  for (const line of body.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    if (json === null && t.startsWith('{')) {
      try {
        const v: unknown = JSON.parse(t);
        if (isObj(v)) {
          json = v;
          continue;
        }
      } catch {
        /* not JSON: a message */
      }
    }
    messages.push(outputExcerpt(t, 300));
  }
  return { json, messages };
}

/** Why the Docker CLI could not talk to a daemon, from its error text. */
export function classifyDockerError(message: string): 'permission' | 'no-daemon' | 'error' {
  if (PERMISSION_RE.test(message)) return 'permission';
  if (NO_DAEMON_RE.test(message)) return 'no-daemon';
  return 'error';
}

/**
 * `docker info --format '{{json .}}'`. The Docker 20.10 CLI prints `{"ServerErrors":[…]}` and exits 0
 * when it cannot reach the daemon; newer CLIs print an empty-ish object plus the error and exit 1:
 * both are handled.
 */
export function parseDockerInfo(body: string): DockerInfoResult {
  const { json, messages } = jsonAndMessages(body);
  const serverErrors = json ? strs(json.ServerErrors) : [];
  const problems = [...serverErrors, ...messages.filter((m) => /error|cannot|denied|refused|daemon/i.test(m))];
  if (problems.length > 0 || !json || (!str(json.ServerVersion) && !str(json.ID))) {
    const message = (problems[0] ?? messages[0] ?? (json ? 'docker info returned no server information' : 'docker info returned no JSON')).slice(0, 300);
    return { ok: false, reason: classifyDockerError(message), message };
  }
  const securityOptions = strs(json.SecurityOptions).map((s) => /name=([^,]+)/.exec(s)?.[1] ?? s);
  return {
    ok: true,
    info: {
      serverVersion: str(json.ServerVersion),
      securityOptions,
      rootless: securityOptions.includes('rootless'),
      userns: securityOptions.includes('userns'),
      operatingSystem: str(json.OperatingSystem),
      dockerRootDir: str(json.DockerRootDir),
      containers: num(json.Containers),
    },
  };
}

function parsePorts(hostConfig: Json, networkSettings: Json): DockerPortBinding[] {
  const out: DockerPortBinding[] = [];
  const seen = new Set<string>();
  const add = (map: unknown): void => {
    if (!isObj(map)) return;
    for (const [containerPort, bindings] of Object.entries(map)) {
      if (!Array.isArray(bindings)) continue;
      for (const b of bindings) {
        if (!isObj(b)) continue;
        const p = { containerPort, hostIp: str(b.HostIp), hostPort: str(b.HostPort) };
        const k = `${p.containerPort}|${p.hostIp}|${p.hostPort}`;
        if (!seen.has(k)) {
          seen.add(k);
          out.push(p);
        }
      }
    }
  };
  add(hostConfig.PortBindings);
  // With `-P` (PublishAllPorts) the bindings only exist on the running container.
  if (bool(hostConfig.PublishAllPorts)) add(networkSettings.Ports);
  return out;
}

function parseMounts(c: Json, hostConfig: Json): DockerMount[] {
  const mounts: DockerMount[] = [];
  if (Array.isArray(c.Mounts)) {
    for (const m of c.Mounts) {
      if (!isObj(m)) continue;
      mounts.push({ type: str(m.Type), source: str(m.Source), destination: str(m.Destination), rw: m.RW !== false });
    }
  }
  if (mounts.length === 0) {
    // Older or partial inspect output: HostConfig.Binds "src:dst[:opts]".
    for (const b of strs(hostConfig.Binds)) {
      const [source = '', destination = '', opts = ''] = b.split(':');
      if (!source.startsWith('/')) continue;
      mounts.push({ type: 'bind', source, destination, rw: !opts.split(',').includes('ro') });
    }
  }
  return mounts;
}

function parseHealthcheck(config: Json): string[] | null {
  const hc = config.Healthcheck;
  if (!isObj(hc)) return null;
  const test = strs(hc.Test);
  return test.length ? test : null;
}

/** An RFC 3339 time as Unix seconds; null for Docker's zero time or garbage. */
function epochSeconds(v: unknown): number | null {
  if (typeof v !== 'string' || v.startsWith('0001-')) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : null;
}

/** One container from `docker inspect` JSON; null if it is not a container object. */
export function parseContainer(c: unknown): DockerContainer | null {
  if (!isObj(c) || typeof c.Id !== 'string') return null;
  const config = obj(c.Config);
  const hostConfig = obj(c.HostConfig);
  const state = obj(c.State);
  const health = obj(state.Health);
  const labels = obj(config.Labels);
  const project = str(labels['com.docker.compose.project']);
  const env = strs(config.Env).map((item) => {
    const { key, value } = splitEnvAssignment(item);
    return classifyEnv(key, value, false);
  });
  const pidsLimit = hostConfig.PidsLimit;
  const traefikEnv: Record<string, string> = {};
  for (const item of strs(config.Env)) {
    // Only what the host kept (hostEnvClassify.ts j_keepenv): never a class token.
    const m = /^(TRAEFIK_[A-Z0-9_]+)=(.*)$/s.exec(item);
    if (m && !m[2]!.startsWith('@rampart:')) traefikEnv[m[1]!] = m[2]!;
  }
  const labelMap: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') labelMap[k] = v;
  const path = str(c.Path);
  const args = [...(path ? [path] : []), ...strs(c.Args)];
  return {
    id: c.Id,
    name: str(c.Name).replace(/^\//, '') || c.Id.slice(0, 12),
    image: str(config.Image) || str(c.Image),
    state: {
      status: str(state.Status),
      running: bool(state.Running),
      restarting: bool(state.Restarting) || str(state.Status) === 'restarting',
      health: str(health.Status) || null,
      restartCount: num(c.RestartCount),
      startedAt: epochSeconds(state.StartedAt),
    },
    user: str(config.User),
    privileged: bool(hostConfig.Privileged),
    capAdd: strs(hostConfig.CapAdd),
    capDrop: strs(hostConfig.CapDrop),
    securityOpt: strs(hostConfig.SecurityOpt),
    appArmorProfile: str(c.AppArmorProfile),
    readonlyRootfs: bool(hostConfig.ReadonlyRootfs),
    networkMode: str(hostConfig.NetworkMode),
    pidMode: str(hostConfig.PidMode),
    ipcMode: str(hostConfig.IpcMode),
    utsMode: str(hostConfig.UTSMode),
    usernsMode: str(hostConfig.UsernsMode),
    memory: num(hostConfig.Memory),
    nanoCpus: num(hostConfig.NanoCpus),
    cpuShares: num(hostConfig.CpuShares),
    cpuQuota: num(hostConfig.CpuQuota),
    cpusetCpus: str(hostConfig.CpusetCpus),
    pidsLimit: typeof pidsLimit === 'number' && Number.isFinite(pidsLimit) ? pidsLimit : null,
    mounts: parseMounts(c, hostConfig),
    ports: parsePorts(hostConfig, obj(c.NetworkSettings)),
    healthcheck: parseHealthcheck(config),
    compose: project
      ? { project, service: str(labels['com.docker.compose.service']), workingDir: str(labels['com.docker.compose.project.working_dir']) }
      : null,
    env,
    labels: labelMap,
    args,
    traefikEnv,
    networks: Object.keys(obj(obj(c.NetworkSettings).Networks)).sort(),
  };
}

export interface InspectResult {
  containers: DockerContainer[];
  /** Lines that were neither a container nor empty (docker errors, cut-off JSON). Never their text when it could be data. */
  problems: string[];
  /** The collector stopped at its container limit. */
  limited: number | null;
  /** The host's clock when the containers were listed (Unix seconds), if the collector said. */
  now: number | null;
  /** `docker network ls` (RAMPART-NET lines), null when the collector sent none. */
  networks: DockerNetwork[] | null;
}

/**
 * `docker inspect --format '{{json .}}' ID…`: one object per line. Also accepts the default
 * `docker inspect` output (one JSON array). A line that does not parse is counted, never echoed
 * (it may be a cut-off container with secrets in its Env).
 */
export function parseDockerInspect(body: string): InspectResult {
  const containers: DockerContainer[] = [];
  const problems: string[] = [];
  let limited: number | null = null;
  let now: number | null = null;
  let networks: DockerNetwork[] | null = null;
  const trimmed = body.trim();
  if (trimmed.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(trimmed);
      if (Array.isArray(arr)) {
        for (const c of arr) {
          const p = parseContainer(c);
          if (p) containers.push(p);
          else problems.push('an inspect entry is not a container');
        }
        return { containers, problems, limited, now, networks: null };
      }
    } catch {
      /* fall through to line mode */
    }
  }
  let unparsable = 0;
  for (const line of body.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const lim = /^RAMPART-LIMIT (\d+)$/.exec(t);
    if (lim) {
      limited = Number(lim[1]);
      continue;
    }
    if (t === 'RAMPART-NETWORKS') {
      networks = [];
      continue;
    }
    const net = /^RAMPART-NET ([0-9a-f]{1,64})\t([A-Za-z0-9][A-Za-z0-9_.-]*)\t(\S*)\t(true|false)$/.exec(line.replace(/\r$/, ''));
    if (net) {
      (networks ??= []).push({ id: net[1]!, name: net[2]!, driver: net[3]!, internal: net[4] === 'true' });
      continue;
    }
    const clock = /^RAMPART-NOW (\d+)$/.exec(t);
    if (clock) {
      now = Number(clock[1]);
      continue;
    }
    if (t.startsWith('{')) {
      let v: unknown;
      try {
        v = JSON.parse(t);
      } catch {
        unparsable++;
        continue;
      }
      const p = parseContainer(v);
      if (p) containers.push(p);
      else unparsable++;
      continue;
    }
    // Docker's own messages, e.g. "Error: No such object: …" for a container removed meanwhile.
    if (/^(?:error|warning)\b/i.test(t)) problems.push(t.slice(0, 200));
    else unparsable++;
  }
  if (unparsable) problems.push(`${unparsable} line(s) of docker inspect output could not be parsed (cut off or garbled)`);
  return { containers, problems, limited, now, networks };
}

/** /etc/docker/daemon.json. Unknown keys are ignored; invalid JSON is reported, not thrown. */
export function parseDaemonJson(body: string): DaemonJson {
  const base: DaemonJson = { present: true, noNewPrivileges: false, usernsRemap: '', icc: null, liveRestore: null, userlandProxy: null };
  if (!body.trim()) return base; // an empty file is an empty config
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    return { ...base, error: `daemon.json is not valid JSON: ${(e as Error).message.slice(0, 120)}` };
  }
  if (!isObj(v)) return { ...base, error: 'daemon.json is not a JSON object' };
  const b = (x: unknown): boolean | null => (typeof x === 'boolean' ? x : null);
  return {
    present: true,
    noNewPrivileges: v['no-new-privileges'] === true,
    usernsRemap: str(v['userns-remap']),
    icc: b(v.icc),
    liveRestore: b(v['live-restore']),
    userlandProxy: b(v['userland-proxy']),
  };
}

/**
 * `getent group docker` (first line), then `primary USER` lines for accounts whose primary group
 * it is. Returns null when the body has no group line.
 */
export function parseDockerGroup(body: string): DockerGroup | null {
  const lines = body.split('\n').map((l) => l.trim()).filter(Boolean);
  const groupLine = lines.find((l) => /^[^:\s]+:[^:]*:\d+:/.test(l));
  if (!groupLine) return null;
  const [, , gid = '', list = ''] = groupLine.split(':');
  const members = new Set(list.split(',').map((m) => m.trim()).filter(Boolean));
  for (const l of lines) {
    const m = /^primary (\S+)$/.exec(l);
    if (m) members.add(m[1]!);
  }
  return { gid: Number(gid), members: [...members].sort() };
}
