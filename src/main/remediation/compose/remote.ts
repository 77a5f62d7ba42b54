// The host side of the container fixes: POSIX sh command builders and parsers of their output, and
// the loops built on them (wait for health, restart with rollback). Commands run through an
// injected `run` — an SSH exec in the engine, a local `sh -c` in tests — so nothing here knows the
// transport. Every name, path and value that came from the host or the user goes through shQuote.
//
// The docker CLI must reach the engine from the shell `run` gives (DOCKER_HOST or the default
// socket); privileges (sudo) are the runner's business too.
import { RampartError } from '../../../shared/errors';
import { shJoin } from '../../ssh/quote';

export interface RunResult {
  stdout: string;
  stderr: string;
  /** null when the command was killed by a signal (as ssh exec reports it): a failure. */
  code: number | null;
}

/** Runs one POSIX sh command line on the host. Rejects only when the transport fails. */
export type Run = (command: string) => Promise<RunResult>;

// ---------------------------------------------------------------------------------------------
// Which compose

export interface ComposeTool {
  /** plugin: `docker compose` (v2); standalone: `docker-compose` (v1, or a v2 binary under that name). */
  kind: 'plugin' | 'standalone';
  version: string;
}

/** Prints `plugin VERSION` and/or `standalone VERSION` for each compose that answers. */
export const DETECT_COMPOSE_COMMAND =
  'v=$(docker compose version --short 2>/dev/null) && printf "plugin %s\\n" "$v"; ' +
  'if command -v docker-compose >/dev/null 2>&1; then v=$(docker-compose version --short 2>/dev/null) && printf "standalone %s\\n" "$v"; fi; true';

export function parseComposeDetect(stdout: string): { plugin: string | null; standalone: string | null } {
  const out = { plugin: null as string | null, standalone: null as string | null };
  for (const line of stdout.split('\n')) {
    const m = /^(plugin|standalone) v?([0-9][0-9A-Za-z.+-]*)\s*$/.exec(line.trim());
    if (m) out[m[1] as 'plugin' | 'standalone'] = m[2]!;
  }
  return out;
}

/** The compose to use: the v2 plugin when it answers, else docker-compose. NOT_FOUND when neither does. */
export async function detectCompose(run: Run): Promise<ComposeTool> {
  const r = await run(DETECT_COMPOSE_COMMAND);
  const found = parseComposeDetect(r.stdout);
  if (found.plugin) return { kind: 'plugin', version: found.plugin };
  if (found.standalone) return { kind: 'standalone', version: found.standalone };
  throw new RampartError('NOT_FOUND', 'Neither `docker compose` (v2 plugin) nor `docker-compose` answers on the host.', { reason: 'compose-missing' });
}

// ---------------------------------------------------------------------------------------------
// Compose commands

export interface ComposeProject {
  tool: ComposeTool;
  /** The compose files (`-f` each, in order), as the project's containers name them. */
  files: readonly string[];
  /** The project name (`-p`): the com.docker.compose.project label of its containers. */
  projectName: string;
  /** `--project-directory`: the com.docker.compose.project.working_dir label, when it is not the first file's folder. */
  projectDir?: string;
}

/** argv of a compose invocation with the project's global options; `args` after them. */
export function composeArgv(p: ComposeProject, args: readonly string[]): string[] {
  if (p.files.length === 0) throw new RampartError('VALIDATION', 'A compose project needs at least one file.');
  const argv = p.tool.kind === 'plugin' ? ['docker', 'compose'] : ['docker-compose'];
  for (const f of p.files) argv.push('-f', f);
  argv.push('-p', p.projectName);
  if (p.projectDir) argv.push('--project-directory', p.projectDir);
  return [...argv, ...args];
}

/**
 * The .env compose reads for `${VAR}` substitution: in the project directory, which is
 * --project-directory when given, else the first file's folder (compose v1 and v2 alike).
 */
export function dotenvPath(p: ComposeProject): string {
  const first = p.files[0];
  if (!first) throw new RampartError('VALIDATION', 'A compose project needs at least one file.');
  const dir = p.projectDir ?? (first.includes('/') ? first.slice(0, first.lastIndexOf('/')) || '/' : '.');
  return `${dir.replace(/\/+$/, '')}/.env`;
}

/**
 * `up -d` of one service: `--no-deps` leaves the other services alone, `--no-build` never builds on
 * the host; `--` keeps a service name that starts with '-' a name.
 */
export function composeUpCommand(p: ComposeProject, service: string): string {
  return shJoin(composeArgv(p, ['up', '-d', '--no-deps', '--no-build', '--', service]));
}

/** `config -q`: compose's own validation of the files (exit 0 when it accepts them). */
export function composeConfigCheckCommand(p: ComposeProject): string {
  return shJoin(composeArgv(p, ['config', '-q']));
}

// ---------------------------------------------------------------------------------------------
// Containers of a service, labels, state

/** IDs of the service's containers, stopped ones too (one-off `run` containers left out). */
export function serviceContainersCommand(projectName: string, service: string): string {
  return shJoin([
    'docker',
    'ps',
    '-a',
    '--no-trunc',
    '--filter',
    `label=com.docker.compose.project=${projectName}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
    '--filter',
    'label=com.docker.compose.oneoff=False',
    '--format',
    '{{.ID}}',
  ]);
}

export function parseContainerIds(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]{12,64}$/.test(l));
}

export interface ComposeLabels {
  project: string;
  service: string;
  /** com.docker.compose.project.working_dir */
  workingDir: string | null;
  /** com.docker.compose.project.config_files, split on ',' (compose joins them so; a path with a comma cannot be told apart). */
  configFiles: string[];
}

/** The compose labels of one container (which project, service, files and folder made it). */
export function composeLabelsCommand(container: string): string {
  return shJoin(['docker', 'inspect', '--type', 'container', '--format', '{{json .Config.Labels}}', '--', container]);
}

export function parseComposeLabels(stdout: string): ComposeLabels | null {
  let labels: unknown;
  try {
    labels = JSON.parse(stdout.trim());
  } catch {
    return null;
  }
  if (typeof labels !== 'object' || labels === null) return null;
  const l = labels as Record<string, unknown>;
  const str = (k: string): string | null => (typeof l[k] === 'string' ? (l[k] as string) : null);
  const project = str('com.docker.compose.project');
  const service = str('com.docker.compose.service');
  if (!project || !service) return null;
  const files = str('com.docker.compose.project.config_files');
  return { project, service, workingDir: str('com.docker.compose.project.working_dir'), configFiles: files ? files.split(',').filter(Boolean) : [] };
}

/**
 * The ComposeProject that made a container: its files as the labels name them (relative ones
 * resolved against the working dir), its project name, and the working dir as --project-directory.
 */
export function projectFromLabels(tool: ComposeTool, labels: ComposeLabels): ComposeProject {
  const dir = labels.workingDir;
  const files = labels.configFiles.map((f) => (f.startsWith('/') || !dir ? f : `${dir.replace(/\/+$/, '')}/${f}`));
  if (files.length === 0) throw new RampartError('NOT_FOUND', `The containers of service "${labels.service}" do not name their compose files.`, { reason: 'no-config-files' });
  return { tool, files, projectName: labels.project, ...(dir ? { projectDir: dir } : {}) };
}

/**
 * The repo digests of the image a container runs now (JSON list of `repo@sha256:…`): the image by
 * its ID, so a tag moved since the container started does not matter. `[]` for an image built or
 * imported on the host (it has no registry digest to pin).
 */
export function runningImageDigestsCommand(container: string): string {
  const imageId = shJoin(['docker', 'inspect', '--type', 'container', '--format', '{{.Image}}', '--', container]);
  return `${shJoin(['docker', 'image', 'inspect', '--format', '{{json .RepoDigests}}'])} "$(${imageId})"`;
}

/** The docker.io forms of a repository: `postgres`, `library/postgres`, `docker.io/library/postgres`. */
function repoForms(repo: string): Set<string> {
  const forms = new Set([repo]);
  const bare = repo.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  const hub = bare.includes('/') ? bare : `library/${bare}`;
  if (bare !== repo || !/^[^/]+[.:]/.test(repo)) for (const f of [bare, hub, `docker.io/${hub}`, hub.replace(/^library\//, '')]) forms.add(f);
  return forms;
}

/**
 * The digest (`sha256:…`) to pin `imageRef` to, from runningImageDigestsCommand's output: the one
 * whose repository is the compose file's. null when the image has no digest for that repository.
 */
export function parseRunningImageDigest(stdout: string, imageRef: string): string | null {
  let list: unknown;
  try {
    list = JSON.parse(stdout.trim());
  } catch {
    return null;
  }
  if (!Array.isArray(list)) return null;
  const at = imageRef.indexOf('@');
  const noDigest = at >= 0 ? imageRef.slice(0, at) : imageRef;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const wanted = repoForms(colon > slash ? noDigest.slice(0, colon) : noDigest);
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const m = /^(.+)@(sha256:[0-9a-f]{64})$/.exec(item);
    if (m && [...repoForms(m[1]!)].some((f) => wanted.has(f))) return m[2]!;
  }
  return null;
}

export type HealthStatus = 'healthy' | 'unhealthy' | 'starting';

export interface ContainerState {
  id: string;
  /** Without the leading '/'. */
  name: string;
  /** created | running | paused | restarting | removing | exited | dead */
  status: string;
  running: boolean;
  restarting: boolean;
  paused: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** null without an active healthcheck. */
  health: HealthStatus | null;
  failingStreak: number;
  /** Restarts by the restart policy (not `docker restart`). */
  restartCount: number;
  /** RFC 3339 from the engine, as given ("0001-01-01T00:00:00Z" when never started). */
  startedAt: string;
  finishedAt: string;
}

// One JSON object per container; `json` renders every value, so names cannot break the framing.
const STATE_FORMAT = '{"id":{{json .Id}},"name":{{json .Name}},"state":{{json .State}},"restartCount":{{json .RestartCount}}}';

/** The state of containers (one JSON line each); a missing one makes docker exit 1 with "No such" on stderr. */
export function inspectStateCommand(containers: readonly string[]): string {
  if (containers.length === 0) throw new RampartError('VALIDATION', 'No container to inspect.');
  return shJoin(['docker', 'inspect', '--type', 'container', '--format', STATE_FORMAT, '--', ...containers]);
}

export function parseInspectState(stdout: string): ContainerState[] {
  const out: ContainerState[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    let o: { id?: unknown; name?: unknown; state?: Record<string, unknown> | null; restartCount?: unknown };
    try {
      o = JSON.parse(line) as typeof o;
    } catch {
      continue;
    }
    const s = o.state ?? {};
    const health = (s.Health as { Status?: unknown; FailingStreak?: unknown } | undefined | null) ?? null;
    const hs = health && typeof health.Status === 'string' && ['healthy', 'unhealthy', 'starting'].includes(health.Status) ? (health.Status as HealthStatus) : null;
    if (typeof o.id !== 'string') continue;
    out.push({
      id: o.id,
      name: typeof o.name === 'string' ? o.name.replace(/^\//, '') : '',
      status: typeof s.Status === 'string' ? s.Status : '',
      running: s.Running === true,
      restarting: s.Restarting === true,
      paused: s.Paused === true,
      exitCode: typeof s.ExitCode === 'number' ? s.ExitCode : 0,
      oomKilled: s.OOMKilled === true,
      health: hs,
      failingStreak: health && typeof health.FailingStreak === 'number' ? health.FailingStreak : 0,
      restartCount: typeof o.restartCount === 'number' ? o.restartCount : 0,
      startedAt: typeof s.StartedAt === 'string' ? s.StartedAt : '',
      finishedAt: typeof s.FinishedAt === 'string' ? s.FinishedAt : '',
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Waiting for health

export interface WaitOptions {
  /** Give up after this long (then outcome `timeout`). */
  timeoutMs: number;
  /** Without a healthcheck: how long the container must stay running, same start, no restart. */
  stableForMs: number;
  /** Between polls (default 1000). */
  pollIntervalMs?: number;
}

export type WaitTarget = { container: string } | { projectName: string; service: string };

export type WaitOutcome =
  /** Healthcheck says healthy. */
  | 'healthy'
  /** No healthcheck; running, not restarting, same start for stableForMs. */
  | 'running-stable'
  | 'unhealthy'
  /** Stopped (exited, created, dead) and not being restarted. */
  | 'exited'
  /** Restarting, or restarted (new start time or restart count) while we watched. */
  | 'restarting'
  /** No container (yet) for the target. */
  | 'missing'
  | 'timeout';

export interface WaitResult {
  ok: boolean;
  outcome: WaitOutcome;
  /** The last state seen of each container (service targets may have several). */
  states: ContainerState[];
  waitedMs: number;
  polls: number;
  /** One line for the progress view. */
  detail: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function locate(run: Run, target: WaitTarget): Promise<string[]> {
  if ('container' in target) return [target.container];
  const r = await run(serviceContainersCommand(target.projectName, target.service));
  if (r.code !== 0) throw new RampartError('INTERNAL', `docker ps failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`);
  return parseContainerIds(r.stdout);
}

async function inspectStates(run: Run, ids: readonly string[]): Promise<ContainerState[]> {
  const r = await run(inspectStateCommand(ids));
  if (r.code !== 0 && !/No such (?:object|container)/i.test(r.stderr)) throw new RampartError('INTERNAL', `docker inspect failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}`);
  return parseInspectState(r.stdout);
}

function describe(s: ContainerState): string {
  const health = s.health ? `, health ${s.health}${s.failingStreak ? ` (failing streak ${s.failingStreak})` : ''}` : '';
  const exit = !s.running && !s.restarting ? `, exit code ${s.exitCode}${s.oomKilled ? ', OOM-killed' : ''}` : '';
  return `${s.name || s.id.slice(0, 12)}: ${s.status}${health}${exit}, ${s.restartCount} restart(s)`;
}

/**
 * Polls until every container of the target is healthy (with a healthcheck) or has been running
 * without a restart for stableForMs (without one); fails as soon as one is unhealthy, stopped or
 * restarting, or at timeoutMs. A container replaced while waiting (new id) is watched afresh.
 * Transport failures reject (the engine decides what a dropped connection means).
 */
export async function waitHealthy(run: Run, target: WaitTarget, opts: WaitOptions): Promise<WaitResult> {
  const pollMs = opts.pollIntervalMs ?? 1000;
  const t0 = Date.now();
  const deadline = t0 + opts.timeoutMs;
  // Per container id: the first start time and restart count seen, and since when it ran steadily.
  const seen = new Map<string, { startedAt: string; restartCount: number; steadySince: number | null }>();
  let polls = 0;
  let states: ContainerState[] = [];
  const result = (ok: boolean, outcome: WaitOutcome, detail: string): WaitResult => ({ ok, outcome, states, waitedMs: Date.now() - t0, polls, detail });

  for (;;) {
    polls++;
    const ids = await locate(run, target);
    states = ids.length ? await inspectStates(run, ids) : [];
    const now = Date.now();
    if (states.length > 0) {
      let allOk = true;
      for (const s of states) {
        let first = seen.get(s.id);
        if (!first) {
          first = { startedAt: s.startedAt, restartCount: s.restartCount, steadySince: null };
          seen.set(s.id, first);
        }
        if (s.restarting) return result(false, 'restarting', `${describe(s)}: restarting`);
        if (!s.running) return result(false, 'exited', describe(s));
        if (s.startedAt !== first.startedAt || s.restartCount > first.restartCount) return result(false, 'restarting', `${describe(s)}: restarted while waiting`);
        if (s.health === 'unhealthy') return result(false, 'unhealthy', describe(s));
        if (s.health === 'healthy') continue;
        if (s.health === 'starting') {
          allOk = false;
          continue;
        }
        if (first.steadySince === null) first.steadySince = now;
        if (now - first.steadySince < opts.stableForMs) allOk = false;
      }
      if (allOk) {
        const healthy = states.every((s) => s.health === 'healthy');
        return result(true, healthy ? 'healthy' : 'running-stable', states.map(describe).join('; '));
      }
    }
    if (now >= deadline)
      return states.length ? result(false, 'timeout', `still not healthy after ${opts.timeoutMs} ms: ${states.map(describe).join('; ')}`) : result(false, 'missing', 'no container for the service');
    await sleep(Math.max(0, Math.min(pollMs, deadline - now)));
  }
}

// ---------------------------------------------------------------------------------------------
// Compose up and wait

export interface UpAndWaitResult {
  /** The exact command run. */
  command: string;
  up: RunResult;
  /** null when `up` failed. */
  wait: WaitResult | null;
  ok: boolean;
}

/** `up -d SERVICE`, then waitHealthy on the service's containers. */
export async function composeUpAndWait(run: Run, p: ComposeProject, service: string, opts: WaitOptions): Promise<UpAndWaitResult> {
  const command = composeUpCommand(p, service);
  const up = await run(command);
  if (up.code !== 0) return { command, up, wait: null, ok: false };
  const wait = await waitHealthy(run, { projectName: p.projectName, service }, opts);
  return { command, up, wait, ok: wait.ok };
}

// ---------------------------------------------------------------------------------------------
// Restart with rollback

/**
 * What "previous state" means for a restart that did not bring a container back:
 *   - it was running (up but unhealthy, or crash-looping under its restart policy): running
 *     again. Rollback starts it if the failed restart left it stopped; a running-but-unhealthy
 *     container is already back where it was. The service was half up before: leaving it stopped
 *     would make things worse.
 *   - it was not running (exited, created, dead): stopped again. Rollback stops it, so a restart
 *     policy does not keep a broken service flapping.
 * Its configuration never changes (a restart does not touch it); what cannot come back is the
 * old process itself, its exit code and its timestamps.
 */
export type PreviousState = 'running' | 'stopped';

export function previousStateOf(s: ContainerState): PreviousState {
  return s.running || s.restarting ? 'running' : 'stopped';
}

export interface RestartCommands {
  restart: string;
  /** Rollback for a container that was running. */
  start: string;
  /** Rollback for a container that was stopped. */
  stop: string;
  inspect: string;
}

/** The exact commands a restart may run (for the preview). */
export function restartCommands(container: string, stopTimeoutS = 10): RestartCommands {
  const t = String(Math.max(0, Math.floor(stopTimeoutS)));
  return {
    restart: shJoin(['docker', 'restart', '--time', t, '--', container]),
    start: shJoin(['docker', 'start', '--', container]),
    stop: shJoin(['docker', 'stop', '--time', t, '--', container]),
    inspect: inspectStateCommand([container]),
  };
}

export interface RestartResult {
  status: 'restarted' | 'rolled-back' | 'rollback-incomplete';
  previous: PreviousState;
  before: ContainerState;
  /** The state after the restart (or after the rollback). */
  after: ContainerState | null;
  wait: WaitResult;
  /** Commands run, in order. */
  commands: string[];
  detail: string;
}

export interface RestartOptions extends WaitOptions {
  /** Refuse (CONFLICT) unless the container still has this full id: compare-and-swap with the plan. */
  expectedId?: string;
  stopTimeoutS?: number;
}

async function stateOf(run: Run, container: string): Promise<ContainerState | null> {
  return (await inspectStates(run, [container]))[0] ?? null;
}

/**
 * DOCKER-UNHEALTHY (and exited containers): `docker restart`, wait for health; when it does not
 * come back, return it to its previous state (see PreviousState) and check that it is there.
 */
export async function restartWithRollback(run: Run, container: string, opts: RestartOptions): Promise<RestartResult> {
  const cmds = restartCommands(container, opts.stopTimeoutS);
  const commands: string[] = [cmds.inspect];
  const before = await stateOf(run, container);
  if (!before) throw new RampartError('NOT_FOUND', `No container ${container} on the host.`, { reason: 'container-missing' });
  if (opts.expectedId && before.id !== opts.expectedId)
    throw new RampartError('CONFLICT', `Container ${container} is not the one the plan saw (id ${before.id.slice(0, 12)}, expected ${opts.expectedId.slice(0, 12)}); nothing was done.`, {
      reason: 'changed-since-plan',
    });
  const previous = previousStateOf(before);

  commands.push(cmds.restart);
  const r = await run(cmds.restart);
  const wait: WaitResult =
    r.code === 0
      ? await waitHealthy(run, { container: before.id }, opts)
      : { ok: false, outcome: 'exited', states: [], waitedMs: 0, polls: 0, detail: `docker restart failed (exit ${r.code}): ${r.stderr.trim().slice(0, 300)}` };
  if (wait.ok) return { status: 'restarted', previous, before, after: wait.states[0] ?? null, wait, commands, detail: wait.detail };

  // Roll back to the previous state.
  let now = await stateOf(run, before.id);
  if (previous === 'running' && now && !now.running && !now.restarting) {
    commands.push(cmds.start);
    await run(cmds.start);
  } else if (previous === 'stopped' && now && (now.running || now.restarting)) {
    commands.push(cmds.stop);
    await run(cmds.stop);
  }
  commands.push(cmds.inspect);
  now = await stateOf(run, before.id);
  const back = now !== null && previousStateOf(now) === previous;
  return {
    status: back ? 'rolled-back' : 'rollback-incomplete',
    previous,
    before,
    after: now,
    wait,
    commands,
    detail: back
      ? `did not come back (${wait.outcome}: ${wait.detail}); returned to ${previous}`
      : `did not come back (${wait.outcome}: ${wait.detail}) and is not ${previous} again (${now ? describe(now) : 'container gone'}): check it with ${cmds.inspect}`,
  };
}
