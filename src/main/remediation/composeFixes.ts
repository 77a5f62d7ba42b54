// The container fixes of the remediation engine: compose hardening (the edits of compose/edit.ts,
// one per check in COMPOSE_EDITS) and the restart of an unhealthy container. The engine plans,
// journals and sequences them like the file fixes; this module derives their plan from the host,
// builds their steps and runs, resumes and undoes each step.
//
// A compose fix, per finding: capture + back up each file it writes (the compose file, and the
// project's .env for a moved secret) into the job's root-only backup folder on the host; write
// each file atomically (temp file in the same folder, same mode/owner, then rename) as a
// compare-and-swap on the planned sha256; `config -q`; `up -d SERVICE`; wait until the service is
// healthy (or running and not restarting for N seconds); then the engine's verify step re-runs
// the checks. Undo restores each file byte-identical from its backup (compare-and-swap on the hash
// the fix wrote), runs `up -d` again, waits for health and re-reads the pre-state: file hashes,
// modes and owners, and the service container's compose config-hash.
//
// No file content is kept anywhere but on the host: the plan (journaled) holds paths, hashes,
// modes, owners, the redacted diff and the edit's parameters (never a value). At apply time the
// new content is derived again from the file on the host (which must still have the planned hash)
// and must hash to what the plan says, so a resumed job writes exactly what was confirmed.
import { createHash } from 'node:crypto';
import type { HostFacts } from '../audit/facts';
import { RampartError } from '../../shared/errors';
import { shJoin, shQuote } from '../ssh/quote';
import { appendEnvText, composeEditFor, composePreviewDiff, COMPOSE_EDITS, envAdditionsPreview, parseComposeResource, type ComposeFixParams, type SecretValue } from './compose/edit';
import {
  composeConfigCheckCommand,
  composeUpCommand,
  dotenvPath,
  inspectStateCommand,
  parseComposeLabels,
  parseContainerIds,
  parseComposeDetect,
  parseInspectState,
  parseRunningImageDigest,
  previousStateOf,
  projectFromLabels,
  restartCommands,
  restartWithRollback,
  runningImageDigestsCommand,
  serviceContainersCommand,
  waitHealthy,
  DETECT_COMPOSE_COMMAND,
  type ComposeProject,
  type ComposeTool,
  type ContainerState,
  type RunResult,
  type WaitOptions,
} from './compose/remote';
import type { Journal, StepRow } from './journal';
import type { AccessOptions } from './accessFixes';
import { describeFile, parseCas as parseCasOutput } from './guard';
import { guardedHandlers, isGuardedPlan, isGuardedStep, planGuardedFix } from './guardedFixes';
import { describeState, parseStateLine, ST_FN, stateLine, CAS_EXIT } from './remote';
import { FixNotApplicable, type ComposeEditPlan, type ContainerFixPlan, type ContainerPre, type FileState, type FindingRef, type FixDef, type PlannedFile, type PlannedFix, type Plan, type RestartPlan, type StepDef, type StepKind } from './types';

/** Default health gate: healthy, or running without a restart for stableForMs; give up after timeoutMs. */
export const DEFAULT_CONTAINER_WAIT: WaitOptions = { timeoutMs: 120_000, stableForMs: 10_000, pollIntervalMs: 1_000 };

export const CONTAINER_STEP_KINDS: readonly StepKind[] = ['file-backup', 'file-write', 'compose-config', 'compose-up', 'health', 'restart'];

export function isContainerStep(kind: StepKind): boolean {
  // The guarded fixes' steps (sshd, firewall, sudoers, updates: guardedFixes.ts) run through the same dispatch.
  return CONTAINER_STEP_KINDS.includes(kind) || isGuardedStep(kind);
}

// ---------------------------------------------------------------------------------------------
// Host access

export interface HostRunner {
  /** One privileged command (as root when the profile allows); read-only ones survive a drop. */
  run(command: string, opts: { stdin?: string; readOnly: boolean }): Promise<RunResult>;
  /** The lockout guard's options (accessFixes.ts: sshd fixes ride this module's "planned by a module" path). */
  access?: AccessOptions | undefined;
}

/** A `Run` for compose/remote.ts: docker inspect/ps are read-only (retried after a drop), the rest not. */
function hostRun(h: HostRunner): (command: string) => Promise<RunResult> {
  return (command) => h.run(command, { readOnly: /^'docker' '(?:inspect|ps)' /.test(command) || command.startsWith('v=$(docker compose version') });
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Reads files: per path "S<i> <st line>" and "C<i> <base64 of the bytes>" (regular files only). Paths
 * never come back in the output, so a name with a newline cannot forge a line.
 */
export function readFilesCommand(paths: readonly string[]): string {
  return [
    ST_FN,
    ...paths.map(
      (p, i) => `p=${shQuote(p)}; printf 'S${i} '; st "$p"; if [ -f "$p" ] && [ ! -L "$p" ]; then printf 'C${i} '; base64 < "$p" | tr -d '\\n'; printf '\\n'; fi`,
    ),
  ].join('\n');
}

export interface ReadFile {
  state: FileState;
  bytes: Buffer | null;
}

export function parseReadFiles(stdout: string, count: number): ReadFile[] {
  const out: Array<Partial<ReadFile>> = Array.from({ length: count }, () => ({}));
  for (const line of stdout.split('\n')) {
    const m = /^([SC])(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const i = Number(m[2]);
    if (i >= count) continue;
    if (m[1] === 'S') out[i]!.state = parseStateLine(m[3]!) ?? undefined;
    else out[i]!.bytes = Buffer.from(m[3]!, 'base64');
  }
  return out.map((r, i) => {
    if (!r.state) throw new Error(`the host did not report the state of file #${i}`);
    if (r.state.kind === 'present' && r.state.type === 'f') {
      if (!r.bytes || sha256(r.bytes) !== r.state.sha256) throw new Error(`file #${i} changed while it was read`);
      return { state: r.state, bytes: r.bytes };
    }
    return { state: r.state, bytes: null };
  });
}

async function readFiles(h: HostRunner, paths: readonly string[]): Promise<ReadFile[]> {
  const res = await h.run(readFilesCommand(paths), { readOnly: true });
  if (res.code !== 0) throw new Error(`could not read ${paths.map((p) => JSON.stringify(p)).join(', ')}: exit ${res.code}: ${res.stderr.trim().slice(0, 200)}`);
  return parseReadFiles(res.stdout, paths.length);
}

function utf8(b: Buffer, path: string): string {
  const t = b.toString('utf8');
  if (!Buffer.from(t, 'utf8').equals(b)) throw new FixNotApplicable(`${JSON.stringify(path)} is not UTF-8 text; edit it by hand`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Remote commands of the steps (each a compare-and-swap; exit 3 + "CAS <state>" when refused)

const q = shQuote;

function casLine(expect: string): string {
  return `cur=$(st "$p"); if [ "$cur" != ${q(expect)} ]; then rm -f -- "$t" 2>/dev/null; printf 'CAS %s\\n' "$cur"; exit ${CAS_EXIT}; fi`;
}

/** Checks the file is still as planned and copies its bytes (cp -p: mode, owner, times) into the backup folder. */
export function fileBackupCommand(f: PlannedFile): string {
  if (f.pre.kind === 'absent') return [ST_FN, `p=${q(f.path)}; t=`, casLine('A'), `printf 'OK absent\\n'`].join('\n');
  const pre = f.pre as Extract<FileState, { kind: 'present' }>;
  return [
    ST_FN,
    'umask 077',
    `p=${q(f.path)}; t=; b=${q(f.backup!)}`,
    casLine(stateLine(pre)),
    `cp -p -- "$p" "$b" || exit 4`,
    `h=$(sha256sum < "$b"); h=\${h%% *}; if [ "$h" != ${q(pre.sha256)} ]; then rm -f -- "$b"; echo 'the copy differs from the file' >&2; exit 4; fi`,
    // Changed while copying: the backup would not be the pre-state.
    casLine(stateLine(pre)),
    `printf 'OK %s\\n' "$h"`,
  ].join('\n');
}

/**
 * Atomic write, compare-and-swap on the planned pre-state: the content (base64 on stdin) goes to a
 * temp file in the same folder with the planned mode/owner, must hash to the planned sha256, and
 * is renamed over the file only if the file is still exactly as planned.
 */
export function fileWriteCommand(f: PlannedFile): string {
  const expect = f.pre.kind === 'absent' ? 'A' : stateLine(f.pre);
  return [
    ST_FN,
    'umask 077',
    `p=${q(f.path)}; t=${q(f.temp)}`,
    casLine(expect),
    `rm -f -- "$t"; base64 -d > "$t" || { rm -f -- "$t"; exit 4; }`,
    `chown ${f.post.uid}:${f.post.gid} -- "$t" && chmod ${modeText(f.post.mode)} -- "$t" || { rm -f -- "$t"; exit 4; }`,
    `h=$(sha256sum < "$t"); h=\${h%% *}; if [ "$h" != ${q(f.post.sha256)} ]; then rm -f -- "$t"; echo 'the written content differs from the plan' >&2; exit 4; fi`,
    casLine(expect),
    `mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 4; }`,
    `printf 'NOW %s\\n' "$(st "$p")"`,
  ].join('\n');
}

/**
 * Puts the pre-state back: byte-identical from the backup (temp + rename, the pre mode/owner), or
 * removes a file the fix created. Only from the state the fix left (or the pre-state: nothing to do).
 */
export function fileRestoreCommand(f: PlannedFile): string {
  const pre = f.pre.kind === 'absent' ? 'A' : stateLine(f.pre);
  const lines = [
    ST_FN,
    'umask 077',
    `p=${q(f.path)}; t=${q(f.temp)}`,
    'rm -f -- "$t"',
    `cur=$(st "$p"); if [ "$cur" = ${q(pre)} ]; then printf 'NOW %s\\n' "$cur"; exit 0; fi`,
    casLine(stateLine(postStateOf(f))),
  ];
  if (f.pre.kind === 'absent') lines.push('rm -f -- "$p" || exit 4');
  else {
    const p = f.pre as Extract<FileState, { kind: 'present' }>;
    lines.push(
      `cp -- ${q(f.backup!)} "$t" || { rm -f -- "$t"; exit 4; }`,
      `chown ${p.uid}:${p.gid} -- "$t" && chmod ${modeText(p.mode)} -- "$t" || { rm -f -- "$t"; exit 4; }`,
      `h=$(sha256sum < "$t"); h=\${h%% *}; if [ "$h" != ${q(p.sha256)} ]; then rm -f -- "$t"; echo 'the backup differs from the pre-state' >&2; exit 4; fi`,
      casLine(stateLine(postStateOf(f))),
      `mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 4; }`,
    );
  }
  lines.push(`printf 'NOW %s\\n' "$(st "$p")"`);
  return lines.join('\n');
}

function modeText(m: number): string {
  return (m & 0o7777).toString(8).padStart(4, '0');
}

export function postStateOf(f: PlannedFile): FileState {
  return { kind: 'present', type: 'f', mode: f.post.mode, uid: f.post.uid, gid: f.post.gid, sha256: f.post.sha256 };
}


/** Labels (JSON) and state (JSON) of containers: "L <labels>" then the state line, per container. */
function containerInfoCommand(ids: readonly string[]): string {
  return ids
    .map((id) => `printf 'L '; ${shJoin(['docker', 'inspect', '--type', 'container', '--format', '{{json .Config.Labels}}', '--', id])}; ${inspectStateCommand([id])}`)
    .join('\n');
}

interface ContainerInfo {
  state: ContainerState;
  labels: Record<string, string>;
}

function parseContainerInfo(stdout: string): ContainerInfo[] {
  const out: ContainerInfo[] = [];
  let labels: Record<string, string> | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('L ')) {
      try {
        const v = JSON.parse(line.slice(2)) as unknown;
        labels = v && typeof v === 'object' ? (v as Record<string, string>) : {};
      } catch {
        labels = {};
      }
      continue;
    }
    const s = parseInspectState(line)[0];
    if (s && labels) out.push({ state: s, labels });
    labels = null;
  }
  return out;
}

async function containerInfo(h: HostRunner, ids: readonly string[]): Promise<ContainerInfo[]> {
  if (!ids.length) return [];
  const r = await h.run(containerInfoCommand(ids), { readOnly: true });
  return parseContainerInfo(r.stdout);
}

async function serviceContainerInfo(h: HostRunner, projectName: string, service: string): Promise<ContainerInfo[]> {
  const r = await h.run(serviceContainersCommand(projectName, service), { readOnly: true });
  if (r.code !== 0) throw new Error(`docker ps failed (exit ${r.code}): ${r.stderr.trim().slice(0, 200)}`);
  return containerInfo(h, parseContainerIds(r.stdout));
}

const CONFIG_HASH = 'com.docker.compose.config-hash';

function preOf(i: ContainerInfo): ContainerPre {
  return { id: i.state.id, name: i.state.name, configHash: i.labels[CONFIG_HASH] ?? null, running: i.state.running, health: i.state.health };
}

// ---------------------------------------------------------------------------------------------
// Planning

export interface PlanContext extends HostRunner {
  jobId: string;
  backupDir: string;
  wait: WaitOptions;
  /** Compose files and .env files an earlier fix of the same plan writes: its result is this fix's start. */
  pending: Map<string, { text: string; state: FileState }>;
  /** Paths the plan's file fixes (chmod/chown) change: a compose fix must not write them in the same job. */
  chmodPaths: ReadonlySet<string>;
  /** The compose on the host, detected once per plan. */
  tool?: ComposeTool;
}

function factOk<K extends 'docker' | 'compose'>(facts: Partial<HostFacts>, k: K): Extract<HostFacts[K], { ok: true }>['value'] {
  const s = facts[k];
  if (!s) throw new FixNotApplicable(`the ${k} facts were not collected`);
  if (!s.ok) throw new FixNotApplicable(`the ${k} facts are missing: ${s.message}`);
  return (s as { value: Extract<HostFacts[K], { ok: true }>['value'] }).value;
}

async function toolOf(ctx: PlanContext): Promise<ComposeTool> {
  if (ctx.tool) return ctx.tool;
  const r = await ctx.run(DETECT_COMPOSE_COMMAND, { readOnly: true });
  const found = parseComposeDetect(r.stdout);
  const tool: ComposeTool | null = found.plugin ? { kind: 'plugin', version: found.plugin } : found.standalone ? { kind: 'standalone', version: found.standalone } : null;
  if (!tool) throw new FixNotApplicable('neither `docker compose` (v2 plugin) nor `docker-compose` answers on the host');
  ctx.tool = tool;
  return tool;
}

/** The container a `container:NAME` finding names, from the facts just collected. */
function containerOfFinding(finding: FindingRef, facts: Partial<HostFacts>): { id: string; name: string; image: string; compose: { project: string; service: string } | null } {
  if (!finding.resource.startsWith('container:')) throw new FixNotApplicable(`resource ${JSON.stringify(finding.resource)} does not name a container`);
  const name = finding.resource.slice('container:'.length);
  const c = factOk(facts, 'docker').containers.find((x) => x.name === name);
  if (!c) throw new FixNotApplicable(`container ${JSON.stringify(name)} is not on the host now`);
  return { id: c.id, name: c.name, image: c.image, compose: c.compose };
}

const fileNameSafe = (i: number, role: string): string => `fix${i}-${role}`;

async function planComposeEdit(finding: FindingRef, facts: Partial<HostFacts>, ctx: PlanContext, fixIndex: number): Promise<ComposeEditPlan> {
  const def = composeEditFor(finding.checkId);
  if (!def) throw new FixNotApplicable(`no compose fix for ${finding.checkId}`);
  const tool = await toolOf(ctx);

  // Which container, project and service.
  let info: ContainerInfo;
  let file: string | null = null;
  const params: ComposeFixParams = {};
  if (finding.checkId === 'SECRETS-COMPOSE-LITERAL') {
    const r = parseComposeResource(finding.resource);
    if (!r) throw new FixNotApplicable(`resource ${JSON.stringify(finding.resource)} does not name a compose file, service and key`);
    file = r.file;
    params.envKey = r.key;
    // The containers of that service made from that file (by their compose labels).
    const ps = await ctx.run(
      shJoin(['docker', 'ps', '-a', '--no-trunc', '--filter', `label=com.docker.compose.service=${r.service}`, '--filter', 'label=com.docker.compose.oneoff=False', '--format', '{{.ID}}']),
      { readOnly: true },
    );
    const all = await containerInfo(ctx, parseContainerIds(ps.stdout));
    const mine = all.filter((i) => {
      const l = parseComposeLabels(JSON.stringify(i.labels));
      return l !== null && l.service === r.service && projectFromLabelsSafe(tool, l)?.files.includes(r.file);
    });
    if (mine.length !== 1)
      throw new FixNotApplicable(
        mine.length ? `several containers run service "${r.service}" of ${r.file}; fix it by hand` : `no container of service "${r.service}" runs from ${r.file}: Rampart re-creates the service to apply the fix and checks it comes up healthy`,
      );
    info = mine[0]!;
  } else {
    const c = containerOfFinding(finding, facts);
    if (!c.compose) throw new FixNotApplicable(`container ${JSON.stringify(c.name)} was not started by compose: there is no compose file to edit`);
    const [i] = await containerInfo(ctx, [c.id]);
    if (!i) throw new FixNotApplicable(`container ${JSON.stringify(c.name)} is gone`);
    info = i;
    if (finding.checkId === 'DOCKER-IMAGE-LATEST') {
      const d = await ctx.run(runningImageDigestsCommand(c.id), { readOnly: true });
      const digest = parseRunningImageDigest(d.stdout, c.image);
      if (!digest) throw new FixNotApplicable(`the image ${JSON.stringify(c.image)} has no registry digest (built or imported on the host): there is nothing to pin it to; pin a version tag by hand`);
      params.digest = digest;
    }
  }
  const labels = parseComposeLabels(JSON.stringify(info.labels));
  if (!labels) throw new FixNotApplicable(`container ${JSON.stringify(info.state.name)} has no compose labels`);
  const project = projectFromLabels(tool, labels);
  const service = labels.service;
  if (!info.state.running) throw new FixNotApplicable(`service "${service}" is not running (${info.state.status}): Rampart checks a hardening by the service coming up healthy`);
  if (info.state.health === 'unhealthy') throw new FixNotApplicable(`service "${service}" is unhealthy now: fix that first (a hardening is checked by the service coming up healthy)`);
  if (!info.labels[CONFIG_HASH]) throw new FixNotApplicable(`container ${JSON.stringify(info.state.name)} has no compose config-hash label`);

  // The files: the one that defines the service (the last one of the project that does), and .env.
  const envPath = dotenvPath(project);
  const paths = [...project.files, envPath].filter((p, i, a) => a.indexOf(p) === i);
  const read = await readFiles(ctx, paths);
  const current = (p: string): ReadFile => {
    const pend = ctx.pending.get(p);
    if (pend) return { state: pend.state, bytes: Buffer.from(pend.text, 'utf8') };
    return read[paths.indexOf(p)]!;
  };
  if (!file) {
    for (const f of project.files) {
      const r = current(f);
      if (r.bytes && definesService(utf8(r.bytes, f), service)) file = f;
    }
    if (!file) throw new FixNotApplicable(`no compose file of the project defines service "${service}"`);
  }
  const cur = current(file);
  if (cur.state.kind !== 'present' || cur.state.type !== 'f' || !cur.bytes) throw new FixNotApplicable(`${JSON.stringify(file)} is ${describeState(cur.state)}, not a regular file`);
  const text = utf8(cur.bytes, file);
  const env = current(envPath);
  if (env.state.kind === 'symlink' || (env.state.kind === 'present' && env.state.type !== 'f')) throw new FixNotApplicable(`${JSON.stringify(envPath)} is ${describeState(env.state)}; Rampart does not follow or replace it`);
  const envText = env.bytes ? utf8(env.bytes, envPath) : '';
  if (finding.checkId === 'SECRETS-COMPOSE-LITERAL') params.existingEnvKeys = envKeys(envText);

  // The edit (refusals are RampartErrors with a reason: edit by hand).
  let edit;
  try {
    edit = def.edit(text, service, params);
  } catch (e) {
    if (e instanceof RampartError && ['VALIDATION', 'NOT_FOUND', 'CONFLICT'].includes(e.code)) throw new FixNotApplicable(e.message);
    throw e;
  }
  if (!edit.changed) throw new FixNotApplicable(`${JSON.stringify(file)} already has this setting for service "${service}" (the running container predates it: re-create it with up -d)`);

  const files: PlannedFile[] = [];
  const filePre = cur.state;
  for (const p of [file, ...(edit.envAdditions.length ? [envPath] : [])])
    if (ctx.chmodPaths.has(p)) throw new FixNotApplicable(`${JSON.stringify(p)} is also changed by a chmod/chown fix of this plan: fix them in separate jobs`);
  if (edit.envAdditions.length) {
    const newEnv = appendEnvText(envText, edit.envAdditions);
    const owner = env.state.kind === 'present' ? env.state : filePre;
    files.push({
      path: envPath,
      role: 'env',
      pre: env.state,
      post: { sha256: sha256(Buffer.from(newEnv, 'utf8')), mode: 0o600, uid: owner.uid, gid: owner.gid },
      backup: env.state.kind === 'present' ? `${ctx.backupDir}/${fileNameSafe(fixIndex, 'env')}` : null,
      temp: tempPath(envPath, ctx.jobId, fixIndex, 'env'),
    });
  }
  files.push({
    path: file,
    role: 'compose',
    pre: filePre,
    post: { sha256: sha256(Buffer.from(edit.text, 'utf8')), mode: filePre.mode, uid: filePre.uid, gid: filePre.gid },
    backup: `${ctx.backupDir}/${fileNameSafe(fixIndex, 'compose')}`,
    temp: tempPath(file, ctx.jobId, fixIndex, 'compose'),
  });
  for (const f of files) ctx.pending.set(f.path, { text: f.role === 'env' ? appendEnvText(envText, edit.envAdditions) : edit.text, state: postStateOf(f) });

  return {
    kind: 'compose-edit',
    checkId: finding.checkId,
    project,
    service,
    params,
    files,
    diff: composePreviewDiff(text, edit.text, file) + envDiff(envPath, envText, edit.envAdditions.length ? envAdditionsPreview(edit.envAdditions) : [], env.state.kind === 'absent'),
    summary: edit.summary,
    envLines: envAdditionsPreview(edit.envAdditions),
    container: preOf(info),
    wait: ctx.wait,
  };
}

function projectFromLabelsSafe(tool: ComposeTool, l: NonNullable<ReturnType<typeof parseComposeLabels>>): ComposeProject | null {
  try {
    return projectFromLabels(tool, l);
  } catch {
    return null;
  }
}

function tempPath(path: string, jobId: string, fixIndex: number, role: string): string {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  return `${dir === '/' ? '' : dir}/.rampart-${jobId.slice(0, 8)}-${fixIndex}-${role}.tmp`;
}

function definesService(text: string, service: string): boolean {
  // Cheap and safe: the edit itself refuses a file that does not define it; this only picks the file.
  try {
    composeEditFor('DOCKER-NO-NEW-PRIVILEGES')!.edit(text, service, {});
    return true;
  } catch (e) {
    return !(e instanceof RampartError && (e.details as { reason?: string } | undefined)?.reason === 'service-missing') && !(e instanceof RampartError && e.code === 'VALIDATION');
  }
}

/** Variable names of a .env text (never the values). */
export function envKeys(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** The .env part of the preview: only the added lines, `KEY=<redacted>`. */
function envDiff(path: string, existing: string, lines: readonly string[], absent: boolean): string {
  if (!lines.length) return '';
  const n = existing === '' ? 0 : existing.split('\n').length - (existing.endsWith('\n') ? 1 : 0);
  return [`--- ${absent ? '/dev/null' : path}`, `+++ ${path}`, `@@ -${n},0 +${n + 1},${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n');
}

async function planRestart(finding: FindingRef, facts: Partial<HostFacts>, ctx: PlanContext): Promise<RestartPlan> {
  const c = containerOfFinding(finding, facts);
  const [info] = await containerInfo(ctx, [c.id]);
  if (!info) throw new FixNotApplicable(`container ${JSON.stringify(c.name)} is gone`);
  return { kind: 'restart', checkId: finding.checkId, container: preOf(info), previous: previousStateOf(info.state), wait: ctx.wait, stopTimeoutS: 10 };
}

export async function planContainerFix(finding: FindingRef, facts: Partial<HostFacts>, ctx: PlanContext, fixIndex: number): Promise<ContainerFixPlan> {
  if (finding.checkId === 'DOCKER-UNHEALTHY') return planRestart(finding, facts, ctx);
  const guarded = planGuardedFix(finding, facts, ctx, fixIndex);
  if (guarded) return guarded;
  return planComposeEdit(finding, facts, ctx, fixIndex);
}

// ---------------------------------------------------------------------------------------------
// The fix declarations (beside the check catalog)

const RESTART_FIX: FixDef = {
  id: 'container-restart',
  checkIds: ['DOCKER-UNHEALTHY'],
  title: 'Restart the container, and return it to its previous state if it does not come back',
  changes: 'docker restart of the container; waits until it is healthy (or running and not restarting); otherwise starts/stops it back to how it was',
  risk: 'medium',
  reversible: true,
  needsRoot: true,
  effort: 'low',
  targets: () => [],
  container: true,
};

const COMPOSE_CHANGES: Record<string, string> = {
  'compose-cap-drop-all': 'adds cap_drop: [ALL] to the service (its cap_add kept) in the compose file, then re-creates the service',
  'compose-no-new-privileges': 'adds security_opt: [no-new-privileges:true] to the service in the compose file, then re-creates the service',
  'compose-memory-limit': 'sets a memory limit (512m) on the service in the compose file, then re-creates the service',
  'compose-pids-limit': 'sets a PIDs limit (200) on the service in the compose file, then re-creates the service',
  'compose-cpu-limit': 'sets a CPU limit (1 CPU) on the service in the compose file, then re-creates the service',
  'compose-read-only': 'sets read_only: true on the service in the compose file, then re-creates the service (rolled back if it does not come up healthy)',
  'compose-pin-digest': 'pins the service image to the digest of the image running now, then re-creates the service',
  'compose-secret-to-env': 'moves the literal value into the project .env (mode 600) and references it as ${VAR} in the compose file, then re-creates the service',
};

export const CONTAINER_FIXES: readonly FixDef[] = [
  ...Object.entries(COMPOSE_EDITS).map(
    ([checkId, d]): FixDef => ({
      id: d.fixId,
      checkIds: [checkId],
      title: d.title,
      changes: COMPOSE_CHANGES[d.fixId] ?? d.title,
      risk: d.fixId === 'compose-read-only' || d.fixId === 'compose-cap-drop-all' ? 'high' : 'medium',
      reversible: true,
      needsRoot: true,
      effort: 'medium',
      targets: () => [],
      container: true,
    }),
  ),
  RESTART_FIX,
];

// ---------------------------------------------------------------------------------------------
// Steps

export function containerSteps(f: PlannedFix, fixIndex: number, firstSeq: number): StepDef[] {
  const c = f.container!;
  if (isGuardedPlan(c)) return guardedHandlers(c).steps(fixIndex, firstSeq);
  const out: Array<Omit<StepDef, 'seq'>> = [];
  if (c.kind === 'restart') {
    const cmds = restartCommands(c.container.id, c.stopTimeoutS);
    out.push({ fixIndex, kind: 'restart', name: 'restart', target: `container:${c.container.name}`, command: `${cmds.restart}\n# then: wait until healthy; if not: ${c.previous === 'running' ? cmds.start : cmds.stop}` });
  } else {
    for (const file of c.files) out.push({ fixIndex, kind: 'file-backup', name: 'capture + backup', target: file.path, command: fileBackupCommand(file) });
    for (const file of c.files) out.push({ fixIndex, kind: 'file-write', name: 'write', target: file.path, command: `${fileWriteCommand(file)}\n# stdin: the new content (base64), sha256 ${file.post.sha256}` });
    out.push({ fixIndex, kind: 'compose-config', name: 'compose config -q', target: null, command: composeConfigCheckCommand(c.project) });
    out.push({ fixIndex, kind: 'compose-up', name: 'compose up -d', target: null, command: composeUpCommand(c.project, c.service) });
    out.push({
      fixIndex,
      kind: 'health',
      name: 'wait healthy',
      target: null,
      command: `${serviceContainersCommand(c.project.projectName, c.service)}\n# then, every ${c.wait.pollIntervalMs ?? 1000} ms up to ${c.wait.timeoutMs / 1000} s: docker inspect of those ids, until healthy (or running, not restarting, for ${c.wait.stableForMs / 1000} s)`,
    });
  }
  return out.map((s, i) => ({ ...s, seq: firstSeq + i }));
}

/** What the preview shows as the fix's targets. */
export function containerPreviewTargets(f: PlannedFix): Array<{ path: string; from: string; to: string; reason: string }> {
  const c = f.container!;
  if (isGuardedPlan(c)) return guardedHandlers(c).preview();
  if (c.kind === 'restart') return [{ path: `container:${c.container.name}`, from: containerText(c.container), to: 'restarted, healthy (or back to how it was)', reason: 'DOCKER-UNHEALTHY: restart and wait for health' }];
  return c.files.map((file) => ({
    path: file.path,
    from: describeFile(file.pre),
    to: describeFile(postStateOf(file)),
    reason: file.role === 'env' ? `the moved value as ${c.envLines.join(', ')}` : `${c.summary}; then up -d ${c.service}`,
  }));
}

function containerText(c: ContainerPre): string {
  return `${c.running ? 'running' : 'not running'}${c.health ? `, ${c.health}` : ''}`;
}

/** The preview/report diff: the redacted compose diff and the .env lines as KEY=<redacted>. */
export function containerDiff(f: PlannedFix): string | null {
  if (!f.container) return null;
  if (isGuardedPlan(f.container)) return guardedHandlers(f.container).diff();
  return f.container.kind === 'compose-edit' ? f.container.diff : null;
}

/** Lines for the job's restore.sh: the files back from the backups, then the service re-created. */
export function restoreLines(plan: Plan): string[] {
  const out: string[] = [];
  for (const f of [...plan.fixes].reverse()) {
    const c = f.container;
    if (!c) continue;
    if (isGuardedPlan(c)) {
      out.push(...guardedHandlers(c).restoreLines());
      continue;
    }
    if (c.kind === 'restart') {
      out.push(`# ${c.container.name}: restarted; its state before: ${containerText(c.container)}`);
      continue;
    }
    for (const file of [...c.files].reverse()) {
      if (file.pre.kind === 'absent') out.push(`rm -f -- ${q(file.path)}`);
      else {
        const p = file.pre as Extract<FileState, { kind: 'present' }>;
        out.push(`cp -- ${q(file.backup!)} ${q(file.temp)} && chown ${p.uid}:${p.gid} -- ${q(file.temp)} && chmod ${modeText(p.mode)} -- ${q(file.temp)} && mv -f -- ${q(file.temp)} ${q(file.path)}`);
      }
    }
    out.push(composeUpCommand(c.project, c.service));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running a step

export interface StepContext extends HostRunner {
  journal: Journal;
  jobId: string;
  progress(m: string): void;
}

export interface StepOutcome {
  status: 'done' | 'failed' | 'skipped';
  detail: string;
  /** The failure that ends the job (rollback), when not done. */
  failure?: string | null;
  /** A compare-and-swap refusal before anything was written. */
  refused?: boolean;
  post?: FileState | null;
}

/** Secret values the edit moves, to scrub from any host output quoted in a message. */
function scrub(text: string, secrets: readonly SecretValue[]): string {
  let t = text;
  for (const s of secrets) {
    const v = s.reveal();
    if (v) t = t.split(v).join('<redacted>');
  }
  return t;
}

/** The new content of a planned file, derived again from the host (must hash to the plan). */
async function newContent(h: HostRunner, c: ComposeEditPlan, file: PlannedFile): Promise<{ bytes: Buffer; secrets: SecretValue[] }> {
  const compose = c.files.find((x) => x.role === 'compose')!;
  const paths = [compose.path, ...(file.role === 'env' ? [file.path] : [])];
  const read = await readFiles(h, paths);
  const cur = read[0]!;
  if (!cur.bytes || cur.state.kind !== 'present' || cur.state.sha256 !== (compose.pre as { sha256?: string }).sha256)
    throw new CasError(`${JSON.stringify(compose.path)} changed since the plan: it is ${describeFile(cur.state)}, the plan saw ${describeFile(compose.pre)}; nothing was written`, cur.state);
  const def = composeEditFor(c.checkId)!;
  const edit = def.edit(cur.bytes.toString('utf8'), c.service, c.params);
  const secrets = edit.envAdditions.map((a) => a.value);
  let bytes: Buffer;
  if (file.role === 'env') {
    const env = read[1]!;
    if (stateLine(env.state) !== stateLine(file.pre)) throw new CasError(`${JSON.stringify(file.path)} changed since the plan: it is ${describeFile(env.state)}, the plan saw ${describeFile(file.pre)}; nothing was written`, env.state);
    bytes = Buffer.from(appendEnvText(env.bytes ? env.bytes.toString('utf8') : '', edit.envAdditions), 'utf8');
  } else bytes = Buffer.from(edit.text, 'utf8');
  if (sha256(bytes) !== file.post.sha256) throw new Error(`the edit of ${JSON.stringify(file.path)} no longer gives the planned content; nothing was written`);
  return { bytes, secrets };
}

class CasError extends Error {
  constructor(
    message: string,
    readonly found: FileState,
  ) {
    super(message);
  }
}

export async function runContainerStep(step: StepRow, f: PlannedFix, ctx: StepContext): Promise<StepOutcome> {
  const c = f.container!;
  if (isGuardedPlan(c)) return guardedHandlers(c).run(step, ctx);
  if (c.kind === 'restart') return runRestart(c, ctx);
  const file = step.target ? c.files.find((x) => x.path === step.target) : undefined;
  switch (step.kind) {
    case 'file-backup': {
      ctx.progress(`Backing up ${JSON.stringify(file!.path)} into the job's backup folder`);
      const out = parseCasOutput(await ctx.run(step.command, { readOnly: false }));
      if (out.kind === 'cas') {
        const why = `${JSON.stringify(file!.path)} changed since the plan: it is ${out.found ? describeFile(out.found) : 'unreadable'}, the plan saw ${describeFile(file!.pre)}; nothing was written`;
        return { status: 'skipped', detail: `refused: ${why}`, failure: why, refused: true, post: out.found };
      }
      if (out.kind === 'error') return { status: 'failed', detail: `backup failed: ${out.message}`, failure: `backup of ${JSON.stringify(file!.path)} failed: ${out.message}` };
      return { status: 'done', detail: file!.backup ? `${describeFile(file!.pre)} → ${file!.backup}` : `${JSON.stringify(file!.path)} is absent (the fix creates it)` };
    }
    case 'file-write': {
      ctx.progress(`Writing ${JSON.stringify(file!.path)} (atomic, compare-and-swap)`);
      let content: { bytes: Buffer; secrets: SecretValue[] };
      try {
        content = await newContent(ctx, c, file!);
      } catch (e) {
        if (e instanceof CasError) return { status: 'skipped', detail: `refused: ${e.message}`, failure: e.message, refused: true, post: e.found };
        throw e;
      }
      const out = parseCasOutput(await ctx.run(step.command.replace(/\n# stdin:.*$/, ''), { stdin: content.bytes.toString('base64'), readOnly: false }));
      if (out.kind === 'cas') {
        const why = `${JSON.stringify(file!.path)} changed since the plan: it is ${out.found ? describeFile(out.found) : 'unreadable'}; nothing was written`;
        return { status: 'skipped', detail: `refused: ${why}`, failure: why, refused: true, post: out.found };
      }
      if (out.kind === 'error') return { status: 'failed', detail: scrub(out.message, content.secrets), failure: `writing ${JSON.stringify(file!.path)} failed: ${scrub(out.message, content.secrets)}` };
      if (stateLine(out.now) !== stateLine(postStateOf(file!)))
        return { status: 'failed', detail: `${JSON.stringify(file!.path)} is ${describeFile(out.now)} after the write`, failure: `${JSON.stringify(file!.path)} is ${describeFile(out.now)} after the write, expected ${describeFile(postStateOf(file!))}`, post: out.now };
      return { status: 'done', detail: `${describeFile(file!.pre)} → ${describeFile(out.now)}`, post: out.now };
    }
    case 'compose-config': {
      ctx.progress('Checking the edited files with compose (config -q)');
      const r = await ctx.run(step.command, { readOnly: true });
      if (r.code === 0) return { status: 'done', detail: 'compose accepts the files' };
      const msg = `compose rejects the edited file (config -q, exit ${r.code}): ${redactHostOutput(r.stderr || r.stdout)}`;
      return { status: 'failed', detail: msg, failure: msg };
    }
    case 'compose-up': {
      ctx.progress(`Re-creating service "${c.service}" (up -d)`);
      const r = await ctx.run(step.command, { readOnly: false });
      if (r.code === 0) return { status: 'done', detail: `up -d ${c.service}: exit 0` };
      const msg = `up -d ${c.service} failed (exit ${r.code}): ${redactHostOutput(r.stderr || r.stdout)}`;
      return { status: 'failed', detail: msg, failure: msg };
    }
    case 'health': {
      ctx.progress(`Waiting for service "${c.service}" to be healthy`);
      const w = await waitHealthy(hostRun(ctx), { projectName: c.project.projectName, service: c.service }, c.wait);
      const detail = `${w.outcome} after ${Math.round(w.waitedMs / 100) / 10} s: ${w.detail}`;
      return w.ok ? { status: 'done', detail } : { status: 'failed', detail, failure: `service "${c.service}" did not come up healthy: ${detail}` };
    }
    default:
      throw new Error(`not a container step: ${step.kind}`);
  }
}

/** Host output quoted in a message: short, one line, and no environment-looking values. */
function redactHostOutput(s: string): string {
  return s
    .trim()
    .replace(/([A-Za-z_][A-Za-z0-9_]*=)\S+/g, '$1<redacted>')
    .replace(/\s*\n\s*/g, ' ')
    .slice(0, 300);
}

async function runRestart(c: RestartPlan, ctx: StepContext): Promise<StepOutcome> {
  ctx.progress(`Restarting ${c.container.name} and waiting for health`);
  try {
    const r = await restartWithRollback(hostRun(ctx), c.container.id, { ...c.wait, expectedId: c.container.id, stopTimeoutS: c.stopTimeoutS });
    if (r.status === 'restarted') return { status: 'done', detail: `restarted: ${r.wait.outcome}: ${r.detail}` };
    const msg = `${c.container.name} ${r.detail}`;
    return { status: 'failed', detail: `${r.status}: ${r.detail}`, failure: msg };
  } catch (e) {
    if (e instanceof RampartError && (e.code === 'CONFLICT' || e.code === 'NOT_FOUND')) return { status: 'skipped', detail: `refused: ${e.message}`, failure: e.message, refused: true };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Verification of the files (the engine's verify step adds the re-check)

export async function verifyContainerFix(f: PlannedFix, h: HostRunner): Promise<string | null> {
  const c = f.container!;
  if (isGuardedPlan(c)) return guardedHandlers(c).verify(h);
  if (c.kind === 'restart') return null;
  const read = await readFiles(h, c.files.map((x) => x.path));
  for (const [i, file] of c.files.entries()) {
    const want = postStateOf(file);
    if (stateLine(read[i]!.state) !== stateLine(want)) return `${JSON.stringify(file.path)} is ${describeFile(read[i]!.state)}, expected ${describeFile(want)}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Resume: what a step left `running` or `failed` by a crash did on the host

export type ResumeVerdict = { kind: 'done'; detail: string; post?: FileState } | { kind: 'pending' } | { kind: 'rollback'; why: string };

export async function resumeContainerStep(step: StepRow, f: PlannedFix, h: HostRunner): Promise<ResumeVerdict> {
  const c = f.container!;
  if (isGuardedPlan(c)) return guardedHandlers(c).resume(step);
  if (c.kind !== 'compose-edit' || step.kind !== 'file-write') return { kind: 'pending' };
  const file = c.files.find((x) => x.path === step.target)!;
  const [cur] = await readFiles(h, [file.path]);
  if (stateLine(cur!.state) === stateLine(postStateOf(file))) return { kind: 'done', detail: 'found done on the host when resumed', post: cur!.state };
  if (stateLine(cur!.state) === stateLine(file.pre)) return { kind: 'pending' };
  return { kind: 'rollback', why: `${JSON.stringify(file.path)} is ${describeFile(cur!.state)} when resumed: neither the planned pre-state nor the fix's result` };
}

// ---------------------------------------------------------------------------------------------
// Undo

export interface UndoLeftover {
  path: string;
  expected: string;
  found: string;
  action: string;
}

export interface UndoContext extends StepContext {
  beforeUndo?: (step: StepDef) => Promise<void> | void;
  /** Reconnects after a drop (so the rest of the rollback can reach the host). */
  onError(e: unknown): Promise<void>;
}

const TOUCHED = ['running', 'done', 'failed', 'undoing', 'undo-failed', 'undone'];

/**
 * Undoes one container fix: files restored newest first, the service re-created from them and
 * waited for, then the pre-state re-read. Returns what is not back as it was.
 */
export async function undoContainerFix(plan: Plan, fixIndex: number, steps: readonly StepRow[], ctx: UndoContext): Promise<UndoLeftover[]> {
  const f = plan.fixes[fixIndex]!;
  const c = f.container!;
  const mine = steps.filter((s) => s.fixIndex === fixIndex);
  if (isGuardedPlan(c)) return guardedHandlers(c).undo(fixIndex, steps, ctx);
  if (c.kind === 'restart') return undoRestart(c, mine, ctx);

  const leftovers: UndoLeftover[] = [];
  const writes = mine.filter((s) => s.kind === 'file-write' && TOUCHED.includes(s.status));
  for (const step of [...writes].reverse()) {
    if (step.status === 'undone') continue;
    const file = c.files.find((x) => x.path === step.target)!;
    await ctx.beforeUndo?.(step);
    ctx.journal.stepStarted(ctx.jobId, step.seq, 'undoing');
    try {
      const out = parseCasOutput(await ctx.run(fileRestoreCommand(file), { readOnly: false }));
      if (out.kind === 'done' && stateLine(out.now) === stateLine(file.pre))
        ctx.journal.stepFinished(ctx.jobId, step.seq, 'undone', `${JSON.stringify(file.path)} back to ${describeFile(file.pre)}${file.backup ? ` (byte-identical from ${file.backup})` : ' (removed: the fix created it)'}`, out.now);
      else
        ctx.journal.stepFinished(
          ctx.jobId,
          step.seq,
          'undo-failed',
          out.kind === 'cas' ? `${JSON.stringify(file.path)} is ${out.found ? describeFile(out.found) : 'unreadable'}: changed by someone else since the fix; left as is` : out.kind === 'error' ? out.message : `${JSON.stringify(file.path)} is ${describeFile(out.now)}`,
          out.kind === 'cas' ? out.found : out.kind === 'done' ? out.now : null,
        );
    } catch (e) {
      ctx.journal.stepFinished(ctx.jobId, step.seq, 'undo-failed', `could not undo: ${(e as Error).message}`);
      await ctx.onError(e);
    }
  }

  // The service: re-created from the restored files when the fix may have re-created it.
  const up = mine.find((s) => s.kind === 'compose-up')!;
  const health = mine.find((s) => s.kind === 'health');
  let serviceTouched = TOUCHED.includes(up.status);
  if (serviceTouched && up.status !== 'undone') {
    await ctx.beforeUndo?.(up);
    ctx.journal.stepStarted(ctx.jobId, up.seq, 'undoing');
    try {
      ctx.progress(`Re-creating service "${c.service}" from the restored files (up -d)`);
      const r = await ctx.run(up.command, { readOnly: false });
      if (r.code !== 0) ctx.journal.stepFinished(ctx.jobId, up.seq, 'undo-failed', `up -d after the restore failed (exit ${r.code}): ${redactHostOutput(r.stderr || r.stdout)}`);
      else {
        const w = await waitHealthy(hostRun(ctx), { projectName: c.project.projectName, service: c.service }, c.wait);
        ctx.journal.stepFinished(ctx.jobId, up.seq, w.ok ? 'undone' : 'undo-failed', `up -d from the restored files, then ${w.outcome}: ${w.detail}`);
      }
    } catch (e) {
      ctx.journal.stepFinished(ctx.jobId, up.seq, 'undo-failed', `could not re-create the service: ${(e as Error).message}`);
      await ctx.onError(e);
    }
  } else if (health && up.status === 'undone') serviceTouched = true;

  // Re-read the pre-state: every file the fix may have written, and the service's container.
  let states: ReadFile[] | null = null;
  let err = '';
  try {
    states = await readFiles(ctx, c.files.map((x) => x.path));
  } catch (e) {
    err = (e as Error).message;
  }
  for (const [i, file] of c.files.entries()) {
    const cur = states?.[i]?.state;
    // Only what the job may have written: a file changed by someone else before the write was never touched.
    if (!writes.some((w) => w.target === file.path)) continue;
    if (cur && stateLine(cur) === stateLine(file.pre)) continue;
    const p = file.pre;
    leftovers.push({
      path: file.path,
      expected: describeFile(p),
      found: cur ? describeFile(cur) : `unknown (${err || 'not read'})`,
      action:
        p.kind === 'absent'
          ? `the fix created it: check it, then as root: rm -f -- ${q(file.path)}; then ${composeUpCommand(c.project, c.service)}`
          : `its content before the job is in ${file.backup} on the host; to restore it as root: cp -p -- ${q(file.backup!)} ${q(file.path)} && ${composeUpCommand(c.project, c.service)}`,
    });
  }
  if (serviceTouched) {
    try {
      const now = await serviceContainerInfo(ctx, c.project.projectName, c.service);
      const hashes = now.map((i) => i.labels[CONFIG_HASH] ?? null);
      const running = now.every((i) => i.state.running && !i.state.restarting);
      // An earlier fix of the job on the same service: the config this fix started from was never
      // seen (only planned), so only the earliest one's undo can compare the config-hash.
      const chained = plan.fixes
        .slice(0, fixIndex)
        .some((o) => o.container?.kind === 'compose-edit' && o.container.project.projectName === c.project.projectName && o.container.service === c.service);
      if (!(now.length > 0 && (chained || hashes.every((x) => x === c.container.configHash)) && running))
        leftovers.push({
          path: `service:${c.project.projectName}/${c.service}`,
          expected: `running with the compose config-hash ${c.container.configHash?.slice(0, 12) ?? '?'}… it had before the job`,
          found: now.length ? now.map((i) => `${i.state.name}: ${i.state.status}, config-hash ${(i.labels[CONFIG_HASH] ?? '?').slice(0, 12)}…`).join('; ') : 'no container',
          action: `once the files are as before, as root: ${composeUpCommand(c.project, c.service)}`,
        });
    } catch (e) {
      leftovers.push({ path: `service:${c.project.projectName}/${c.service}`, expected: 'running as before the job', found: `unknown (${(e as Error).message})`, action: `as root: ${composeUpCommand(c.project, c.service)}` });
    }
  }
  return leftovers;
}

async function undoRestart(c: RestartPlan, mine: readonly StepRow[], ctx: UndoContext): Promise<UndoLeftover[]> {
  const step = mine.find((s) => s.kind === 'restart')!;
  const cmds = restartCommands(c.container.id, c.stopTimeoutS);
  if (!TOUCHED.includes(step.status) || step.status === 'undone') return [];
  await ctx.beforeUndo?.(step);
  ctx.journal.stepStarted(ctx.jobId, step.seq, 'undoing');
  try {
    const before = parseInspectState((await ctx.run(inspectStateCommand([c.container.id]), { readOnly: true })).stdout)[0];
    if (before && previousStateOf(before) !== c.previous) await ctx.run(c.previous === 'running' ? cmds.start : cmds.stop, { readOnly: false });
    const now = parseInspectState((await ctx.run(inspectStateCommand([c.container.id]), { readOnly: true })).stdout)[0];
    if (now && previousStateOf(now) === c.previous) {
      ctx.journal.stepFinished(ctx.jobId, step.seq, 'undone', `${c.container.name} is ${c.previous} as before the job (a restart changes no configuration)`);
      return [];
    }
    const found = now ? `${now.status}${now.health ? `, ${now.health}` : ''}` : 'gone';
    ctx.journal.stepFinished(ctx.jobId, step.seq, 'undo-failed', `${c.container.name} is ${found}, expected ${c.previous}`);
    return [{ path: `container:${c.container.name}`, expected: c.previous, found, action: `as root: ${c.previous === 'running' ? cmds.start : cmds.stop}` }];
  } catch (e) {
    ctx.journal.stepFinished(ctx.jobId, step.seq, 'undo-failed', `could not undo: ${(e as Error).message}`);
    await ctx.onError(e);
    return [{ path: `container:${c.container.name}`, expected: c.previous, found: `unknown (${(e as Error).message})`, action: `as root: ${c.previous === 'running' ? cmds.start : cmds.stop}` }];
  }
}

/** Paths (and container resources) a container fix may leave behind, for the report. */
export function containerFixPaths(f: PlannedFix): string[] {
  const c = f.container;
  if (!c) return [];
  if (isGuardedPlan(c)) return guardedHandlers(c).paths();
  if (c.kind === 'restart') return [`container:${c.container.name}`];
  return [...c.files.map((x) => x.path), `service:${c.project.projectName}/${c.service}`];
}
