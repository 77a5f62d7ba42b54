// The access fixes (issue 11): sshd settings behind the SSH findings, each applied under the
// lockout guard. Planned, journaled and sequenced by the engine like the container fixes (they
// ride the same "planned by a module" path: FixDef.container, PlannedFix.container with kind
// 'sshd-setting'); this module derives the edit, builds the steps and runs, undoes and verifies them.
//
// Per finding, in this order (every step journaled before it reaches the host):
//   1. sshd-backup   capture the file the fix writes (compare-and-swap on the planned state) and
//                    copy its bytes into the job's root-only backup folder;
//   2. deadman-arm   arm the dead-man switch (deadman.ts): after N s it restores that file and
//                    reloads sshd, unless disarmed;
//   3. sshd-write    atomic write (temp + rename, compare-and-swap on the planned hash);
//   4. sshd-validate `sshd -t -f <main config>`: a config sshd rejects is never loaded;
//   5. sshd-reload   `systemctl reload ssh` where systemd runs, else `kill -HUP` of the PidFile
//                    `sshd -T` names; never a restart (sessions stay up);
//   6. access-proof  a NEW SSH connection made exactly as Rampart reached the host (same user, key,
//                    jump chain), plus a sudo check when the job runs as root through sudo;
//   7. deadman-disarm only after the proof; a timer that fired first means the host reverted.
// Then the engine's verify step re-runs the SSH checks. Any failure rolls back: through the
// current session when it still works (file restored byte-identical, sshd reloaded, timer
// disarmed), otherwise the timer reverts the host by itself; the undo steps say which.
//
// Where the setting goes: sshd keeps the FIRST value it reads. When the main config Includes a
// drop-in folder (`sshd_config.d/*.conf`) before any line of its own that sets the keyword, the
// setting goes into `<folder>/00-rampart.conf` (sorted first); otherwise the main file is edited
// in place (the first line setting the keyword outside a Match block gets the new value, or a new
// line goes above the first setting), every other line and comment kept byte for byte.
import { createHash } from 'node:crypto';
import type { HostFacts } from '../audit/facts';
import { classifyCipher, classifyHostKey, classifyKex, classifyMac, type Weakness } from '../audit/checks/ssh/algorithms';
import { offeredHostKeyAlgorithms } from '../audit/checks/ssh/weakAlgorithms';
import { first } from '../audit/parsers/sshd';
import { shQuote } from '../ssh/quote';
import type { SudoSpec } from '../ssh/sudo';
import { DEFAULT_DEADMAN_SECONDS } from './deadman';
import { unifiedDiff } from './diff';
import type { StepRow } from './journal';
import { describeState, stateLine } from './remote';
import { postStateOf, type HostRunner } from './composeFixes';
import { moduleFix, CasChanged, describeFile, guardRestoreLines, guardSteps, readFiles, resumeGuardVerdict, runCommandStep, runGuardStep, runWriteStep, undoGuarded, verifyWrittenFiles, writeStepOf, type GuardedChange, type GuardLeftover, type GuardRecipe, type GuardStepContext, type GuardStepOutcome, type GuardUndoContext } from './guard';
import { FixNotApplicable, type FileState, type FindingRef, type FixDef, type PlannedFile, type StepDef, type StepKind } from './types';

const q = shQuote;

export const ACCESS_STEP_KINDS: readonly StepKind[] = ['sshd-backup', 'deadman-arm', 'sshd-write', 'sshd-validate', 'sshd-reload', 'access-proof', 'deadman-disarm'];

export function isAccessStep(kind: StepKind): boolean {
  return ACCESS_STEP_KINDS.includes(kind);
}

/** What the engine's owner (the CLI, the app) gives the access fixes. */
export interface AccessOptions {
  /**
   * Opens a NEW connection to the host exactly as Rampart reached it (same user, key, jump chain),
   * runs `id -u` on it (through sudo when `needsRoot` and the profile uses sudo: it must print 0),
   * closes it, and resolves with a one-line detail; rejects when access does not work. Without
   * it no access fix is planned (nothing could prove access).
   */
  proveAccess?: (needsRoot: boolean) => Promise<string>;
  /** The dead-man window in seconds (default 120). */
  deadmanSeconds?: number;
  /** The user Rampart logs in as. */
  loginUser?: string;
  /**
   * How the session making the change authenticated. Rampart's own SSH client (connection.ts)
   * offers only public keys (a key file, the keychain key or the agent), so the CLI and the app
   * pass 'publickey'; 'unknown' refuses every change that could close the login path in use.
   */
  loginAuth?: 'publickey' | 'unknown';
  /** Tests only: extra sshd settings planned into the edit (e.g. an AllowUsers that excludes the login user). */
  faultSettings?: ReadonlyArray<readonly [string, string]>;
  /** How the session becomes root (the engine fills it in from the host profile): the sudoers fix refuses to cut that path. */
  sudoMode?: SudoSpec['mode'];
  /** Tests only: the firewall fix allows this port instead of the one sshd listens on (a rule that drops the admin's port). */
  faultFirewallPort?: number;
  /** Tests only: a line appended to the sudoers candidate (one visudo rejects). */
  faultSudoersLine?: string;
}

export interface SshdSettingPlan {
  kind: 'sshd-setting';
  checkId: string;
  /** The job and its backup folder (the dead-man switch's files live there). */
  jobId: string;
  backupDir: string;
  /** The sshd keyword and the value the fix sets (plus test-only fault settings). */
  settings: Array<[string, string]>;
  /** The effective value before (sshd -T). */
  previous: string;
  /** drop-in: a file in the Included folder; main: an edit of the main config. */
  where: 'drop-in' | 'main';
  /** The main config (`sshd -t -f` validates it, and through it the drop-ins). */
  mainConfig: string;
  file: PlannedFile;
  /** Unified diff of the file. */
  diff: string;
  /** sshd's PidFile (sshd -T), for the reload where systemd does not run. */
  pidFile: string;
  deadmanSeconds: number;
  /** The proof runs a sudo/root check on the new connection. */
  needsRoot: boolean;
}

// ---------------------------------------------------------------------------------------------
// What each check's fix sets

const MODERN: Record<'Ciphers' | 'MACs' | 'KexAlgorithms' | 'HostKeyAlgorithms', { query: string; list: string[]; classify: (a: string) => Weakness | null }> = {
  Ciphers: { query: 'cipher', list: ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr', 'aes192-ctr', 'aes128-ctr'], classify: classifyCipher },
  MACs: { query: 'mac', list: ['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com'], classify: classifyMac },
  KexAlgorithms: {
    query: 'kex',
    list: ['mlkem768x25519-sha256', 'sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com', 'curve25519-sha256', 'curve25519-sha256@libssh.org', 'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512'],
    classify: classifyKex,
  },
  HostKeyAlgorithms: { query: 'key-sig', list: ['ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'rsa-sha2-512', 'rsa-sha2-256', 'rsa-sha2-512-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com'], classify: classifyHostKey },
};

const SIMPLE: Record<string, string> = {
  PasswordAuthentication: 'no',
  KbdInteractiveAuthentication: 'no',
  PermitEmptyPasswords: 'no',
  MaxAuthTries: '4',
  X11Forwarding: 'no',
  LoginGraceTime: '60',
};

const FIX_TABLE: Array<{ id: string; checkId: string; title: string; changes: string }> = [
  { id: 'sshd-permit-root-login', checkId: 'SSH-PERMIT-ROOT-LOGIN', title: 'Stop root password logins over SSH', changes: 'sets PermitRootLogin prohibit-password (no when already key-only and Rampart does not log in as root)' },
  { id: 'sshd-password-auth', checkId: 'SSH-PASSWORD-AUTH', title: 'Turn off SSH password logins', changes: 'sets PasswordAuthentication no or KbdInteractiveAuthentication no (refused unless this session logged in with a key)' },
  { id: 'sshd-permit-empty-passwords', checkId: 'SSH-PERMIT-EMPTY-PASSWORDS', title: 'Refuse empty SSH passwords', changes: 'sets PermitEmptyPasswords no' },
  { id: 'sshd-max-auth-tries', checkId: 'SSH-MAX-AUTH-TRIES', title: 'Limit SSH authentication attempts', changes: 'sets MaxAuthTries 4' },
  { id: 'sshd-x11-forwarding', checkId: 'SSH-X11-FORWARDING', title: 'Turn off X11 forwarding', changes: 'sets X11Forwarding no' },
  { id: 'sshd-login-grace-time', checkId: 'SSH-LOGIN-GRACE-TIME', title: 'Shorten the SSH login grace time', changes: 'sets LoginGraceTime 60' },
  { id: 'sshd-modern-kex', checkId: 'SSH-WEAK-KEX', title: 'Offer only modern SSH key exchanges', changes: 'sets KexAlgorithms to the modern ones this sshd supports' },
  { id: 'sshd-modern-ciphers', checkId: 'SSH-WEAK-CIPHERS', title: 'Offer only modern SSH ciphers', changes: 'sets Ciphers to the modern ones this sshd supports' },
  { id: 'sshd-modern-macs', checkId: 'SSH-WEAK-MACS', title: 'Offer only modern SSH MACs', changes: 'sets MACs to the modern ones this sshd supports' },
  { id: 'sshd-modern-hostkey-algorithms', checkId: 'SSH-WEAK-HOSTKEY-ALGORITHMS', title: 'Offer only modern SSH host-key algorithms', changes: 'sets HostKeyAlgorithms to the modern ones this sshd supports and has keys for' },
];

export const ACCESS_FIXES: readonly FixDef[] = FIX_TABLE.map((f) =>
  moduleFix({
    id: f.id,
    checkIds: [f.checkId],
    title: f.title,
    changes: `${f.changes}; sshd -t, reload (never restart), then a new SSH connection must log in before the dead-man switch (default ${DEFAULT_DEADMAN_SECONDS} s) is disarmed, else the change is rolled back`,
    risk: 'high',
  }),
);

export function isAccessCheck(checkId: string): boolean {
  return FIX_TABLE.some((f) => f.checkId === checkId);
}

// ---------------------------------------------------------------------------------------------
// The config edit (pure)

interface ConfLine {
  keyword: string | null;
  args: string;
}

function parseLine(line: string): ConfLine {
  const t = line.trim();
  if (!t || t.startsWith('#')) return { keyword: null, args: '' };
  const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(t);
  if (!m) return { keyword: t.toLowerCase(), args: '' };
  return { keyword: m[1]!.toLowerCase(), args: m[2]!.trim() };
}

/** The drop-in folder the main config Includes before any line of its own that sets one of `keywords`; null otherwise. */
export function dropInFolder(mainText: string, keywords: readonly string[], configDir = '/etc/ssh'): string | null {
  const keys = new Set(keywords.map((k) => k.toLowerCase()));
  for (const line of mainText.split('\n')) {
    const l = parseLine(line);
    if (!l.keyword) continue;
    if (l.keyword === 'match' || keys.has(l.keyword)) return null;
    if (l.keyword !== 'include') continue;
    for (const g of l.args.split(/\s+/)) {
      const path = g.startsWith('/') ? g : `${configDir}/${g}`;
      const m = /^(\/[^*?[\]"'\s]*)\/\*\.conf$/.exec(path);
      if (m) return m[1]!;
    }
  }
  return null;
}

export const DROP_IN_NAME = '00-rampart.conf';
const DROP_IN_HEADER = '# Written by Rampart (rampart fix). sshd keeps the FIRST value it reads for a setting: this file\n# is Included before the main config sets it. Rolled back byte-identical by `rampart fix --rollback`.\n';

/**
 * Sets each keyword in an sshd config text: the first line that sets it (before any Match block)
 * gets the new value, in place; otherwise a new line goes above the first setting of the file
 * (after the leading comments), or after the header of a new drop-in. Every other byte is kept.
 */
export function setSshdOptions(text: string, settings: ReadonlyArray<readonly [string, string]>, newDropIn = false): string {
  const lines = (newDropIn && text === '' ? DROP_IN_HEADER : text).split('\n');
  for (const [key, value] of settings) {
    const k = key.toLowerCase();
    let at = -1;
    let insertAt = -1;
    for (let i = 0; i < lines.length; i++) {
      const l = parseLine(lines[i]!);
      if (!l.keyword) continue;
      if (insertAt < 0) insertAt = i;
      if (l.keyword === 'match') break;
      if (l.keyword === k && k !== 'allowusers') {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      const indent = /^\s*/.exec(lines[at]!)![0];
      lines[at] = `${indent}${key} ${value}${lines[at]!.endsWith('\r') ? '\r' : ''}`;
    } else {
      if (insertAt < 0) insertAt = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
      lines.splice(insertAt, 0, `${key} ${value}`);
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Host commands

const SSHD = 'SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)';

/** `sshd -t -f CONFIG` (as root). */
export function validateCommand(mainConfig: string): string {
  return `${SSHD}; "$SSHD" -t -f ${q(mainConfig)}`;
}

/**
 * Reloads sshd, never restarts it: `systemctl reload` of the active ssh/sshd unit where systemd is
 * PID 1, else SIGHUP to the pid in sshd's PidFile (sshd re-executes itself with the new config;
 * sessions stay up). Waits until that pid is alive again.
 */
export function reloadCommand(pidFile: string): string {
  return [
    `if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && command -v systemctl >/dev/null 2>&1 && { systemctl is-active --quiet ssh || systemctl is-active --quiet sshd; }; then`,
    '  if systemctl is-active --quiet ssh; then systemctl reload ssh; else systemctl reload sshd; fi',
    'else',
    `  pid=$(cat ${q(pidFile)} 2>/dev/null); case "$pid" in ''|*[!0-9]*) echo ${q(`no sshd pid in ${pidFile}`)} >&2; exit 4;; esac`,
    '  kill -HUP "$pid" || exit 4',
    '  sleep 0.5; kill -0 "$pid" 2>/dev/null || { echo "sshd $pid is gone after SIGHUP" >&2; exit 4; }',
    'fi',
  ].join('\n');
}


const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------------------------------------
// Planning

export interface AccessPlanContext extends HostRunner {
  jobId: string;
  backupDir: string;
  pending: Map<string, { text: string; state: FileState }>;
  chmodPaths: ReadonlySet<string>;
}

function sshdFacts(facts: Partial<HostFacts>): Extract<HostFacts['sshd'], { ok: true }>['value'] {
  const s = facts.sshd;
  if (!s) throw new FixNotApplicable('the sshd facts were not collected');
  if (!s.ok) throw new FixNotApplicable(`sshd -T could not be read: ${s.message}`);
  return s.value;
}

async function supported(h: HostRunner, query: string): Promise<string[]> {
  const r = await h.run(`ssh -Q ${q(query)} 2>/dev/null || true`, { readOnly: true });
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** The value the fix sets for this keyword, or why it must not be changed from this session. */
async function wantedValue(keyword: string, finding: FindingRef, facts: Partial<HostFacts>, h: HostRunner, access: AccessOptions | undefined): Promise<string> {
  const sshd = sshdFacts(facts);
  const cur = (k: string): string => first(sshd.config, k.toLowerCase()) ?? '';
  const keyLogin = access?.loginAuth === 'publickey';
  if (keyword === 'PasswordAuthentication' || keyword === 'KbdInteractiveAuthentication') {
    if (!keyLogin) throw new FixNotApplicable(`${keyword} no is refused: Rampart cannot tell that this session logged in with a key (it may be the password login the change would close)`);
    const methods = cur('AuthenticationMethods');
    if (methods && methods !== 'any' && /password|keyboard-interactive/.test(methods))
      throw new FixNotApplicable(`${keyword} no is refused: AuthenticationMethods ${methods} requires a password step, so no one could log in`);
    if (cur('PubkeyAuthentication') === 'no') throw new FixNotApplicable(`${keyword} no is refused: PubkeyAuthentication is no, so no one could log in`);
    return 'no';
  }
  if (keyword === 'PermitRootLogin') {
    const v = cur('PermitRootLogin');
    if (v === 'prohibit-password' || v === 'without-password') {
      if (access?.loginUser === 'root') throw new FixNotApplicable('PermitRootLogin no is refused: Rampart logs in to this host as root, and that would lock its login path out (log in as a user with sudo instead)');
      return 'no';
    }
    if (access?.loginUser === 'root' && !keyLogin) throw new FixNotApplicable('PermitRootLogin prohibit-password is refused: this session logs in as root and Rampart cannot tell that it used a key');
    return 'prohibit-password';
  }
  if (keyword in SIMPLE) return SIMPLE[keyword]!;
  if (keyword in MODERN) {
    const m = MODERN[keyword as keyof typeof MODERN];
    let have = await supported(h, m.query);
    if (!have.length && m.query === 'key-sig') have = await supported(h, 'key');
    if (!have.length) throw new FixNotApplicable(`ssh -Q ${m.query} lists nothing on the host: cannot tell which ${keyword} this sshd supports`);
    let list = m.list.filter((a) => have.includes(a) && m.classify(a) === null);
    if (keyword === 'HostKeyAlgorithms') {
      const usable = offeredHostKeyAlgorithms(sshd, list);
      if (!usable.length) throw new FixNotApplicable(`none of the modern host-key algorithms (${list.join(', ')}) matches a host key this sshd has`);
      list = list.filter((a) => usable.includes(a) || a.includes('-cert-'));
    }
    if (!list.length) throw new FixNotApplicable(`this sshd supports none of the modern ${keyword}`);
    return list.join(',');
  }
  throw new FixNotApplicable(`no sshd fix for ${keyword} (finding ${finding.resource})`);
}

function keywordOf(finding: FindingRef): string {
  const m = /^sshd:.*:([A-Za-z0-9]+)$/.exec(finding.resource);
  if (!m) throw new FixNotApplicable(`not an sshd setting: ${finding.resource}`);
  return m[1]!;
}

function utf8(b: Buffer, path: string): string {
  const t = b.toString('utf8');
  if (!Buffer.from(t, 'utf8').equals(b)) throw new FixNotApplicable(`${JSON.stringify(path)} is not UTF-8 text; edit it by hand`);
  return t;
}


export async function planAccessFix(finding: FindingRef, facts: Partial<HostFacts>, ctx: AccessPlanContext, fixIndex: number): Promise<SshdSettingPlan> {
  const access = ctx.access;
  if (!access?.proveAccess) throw new FixNotApplicable('an sshd change needs the lockout guard, and this run has no way to open a new connection to prove access');
  const sshd = sshdFacts(facts);
  const keyword = keywordOf(finding);
  const value = await wantedValue(keyword, finding, facts, ctx, access);
  const settings: Array<[string, string]> = [[keyword, value], ...(access.faultSettings ?? []).map(([k, v]): [string, string] => [k, v])];
  const mainConfig = sshd.path;
  // The main config as the plan (or an earlier fix of it) leaves it.
  const readMain = async (): Promise<{ text: string; state: FileState }> => {
    const p = ctx.pending.get(mainConfig);
    if (p) return p;
    const [r] = await readFiles(ctx, [mainConfig]);
    if (!r!.bytes || r!.state.kind !== 'present') throw new FixNotApplicable(`${JSON.stringify(mainConfig)} is ${describeState(r!.state)}: not a regular file`);
    return { text: utf8(r!.bytes, mainConfig), state: r!.state };
  };
  const main = await readMain();
  const folder = dropInFolder(main.text, settings.map(([k]) => k), mainConfig.replace(/\/[^/]*$/, '') || '/');
  const where: 'drop-in' | 'main' = folder ? 'drop-in' : 'main';
  const path = folder ? `${folder}/${DROP_IN_NAME}` : mainConfig;
  if (ctx.chmodPaths.has(path)) throw new FixNotApplicable(`${JSON.stringify(path)} also gets a mode/owner fix in this plan: fix them in two jobs`);
  let before: { text: string; state: FileState };
  if (path === mainConfig) before = main;
  else {
    const p = ctx.pending.get(path);
    if (p) before = p;
    else {
      const [r] = await readFiles(ctx, [path]);
      if (r!.state.kind === 'absent') before = { text: '', state: r!.state };
      else if (r!.bytes && r!.state.kind === 'present') before = { text: utf8(r!.bytes, path), state: r!.state };
      else throw new FixNotApplicable(`${JSON.stringify(path)} is ${describeState(r!.state)}: not a regular file`);
    }
  }
  const after = setSshdOptions(before.text, settings, where === 'drop-in' && before.state.kind === 'absent');
  if (after === before.text) throw new FixNotApplicable(`${JSON.stringify(path)} already sets ${keyword} ${value}; sshd -T still reports ${first(sshd.config, keyword.toLowerCase()) ?? '(unset)'}: check it by hand`);
  const pre = before.state;
  const post = pre.kind === 'present' ? { sha256: sha256(after), mode: pre.mode, uid: pre.uid, gid: pre.gid } : { sha256: sha256(after), mode: 0o644, uid: 0, gid: 0 };
  const file: PlannedFile = {
    path,
    role: 'sshd',
    pre,
    post,
    backup: pre.kind === 'present' ? `${ctx.backupDir}/sshd-${fixIndex}.orig` : null,
    temp: `${path.replace(/\/[^/]*$/, '')}/.rampart-${ctx.jobId}-${fixIndex}.tmp`,
  };
  ctx.pending.set(path, { text: after, state: postStateOf(file) });
  return {
    kind: 'sshd-setting',
    checkId: finding.checkId,
    jobId: ctx.jobId,
    backupDir: ctx.backupDir,
    settings,
    previous: first(sshd.config, keyword.toLowerCase()) ?? '',
    where,
    mainConfig,
    file,
    diff: unifiedDiff(before.text, after, path),
    pidFile: first(sshd.config, 'pidfile') ?? '/run/sshd.pid',
    deadmanSeconds: Math.max(1, Math.floor(access.deadmanSeconds ?? DEFAULT_DEADMAN_SECONDS)),
    needsRoot: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Steps, preview, restore.sh (the guard's own steps and undo: guard.ts)

/** The sshd fix under the guard: its one file, sshd reloaded after it (and after a restore). */
export function sshdGuard(a: SshdSettingPlan): GuardedChange {
  return { jobId: a.jobId, backupDir: a.backupDir, deadmanSeconds: a.deadmanSeconds, needsRoot: a.needsRoot, files: [a.file] };
}

export function sshdRecipe(a: SshdSettingPlan): GuardRecipe {
  return { subject: 'sshd', backup: 'sshd-backup', write: 'sshd-write', reload: 'sshd-reload', revert: reloadCommand(a.pidFile), revertAfterWrite: false, postKnown: true };
}

export function accessSteps(a: SshdSettingPlan, fixIndex: number, firstSeq: number): StepDef[] {
  return guardSteps(sshdGuard(a), sshdRecipe(a), fixIndex, firstSeq, [
    writeStepOf('sshd-write', a.file),
    { kind: 'sshd-validate', name: 'sshd -t', target: null, command: validateCommand(a.mainConfig) },
    { kind: 'sshd-reload', name: 'reload sshd', target: null, command: reloadCommand(a.pidFile) },
  ]);
}

export function accessPreviewTargets(a: SshdSettingPlan): Array<{ path: string; from: string; to: string; reason: string }> {
  const [k, v] = a.settings[0]!;
  return [
    {
      path: a.file.path,
      from: describeFile(a.file.pre),
      to: describeFile(postStateOf(a.file)),
      reason: `${k} ${a.previous || '(unset)'} → ${v} (${a.where === 'drop-in' ? 'drop-in Included before the main settings' : 'edit of the main config'}); sshd -t, reload, then a new SSH connection must log in within the ${a.deadmanSeconds} s dead-man window`,
    },
  ];
}

/** Lines for the job's restore.sh (as root): the file back, then sshd reloaded. */
export function accessRestoreLines(a: SshdSettingPlan): string[] {
  return guardRestoreLines(sshdGuard(a), sshdRecipe(a));
}

// ---------------------------------------------------------------------------------------------
// Running a step

export type AccessStepContext = GuardStepContext;
export type AccessStepOutcome = GuardStepOutcome;

async function newContent(h: HostRunner, a: SshdSettingPlan): Promise<Buffer> {
  const [cur] = await readFiles(h, [a.file.path]);
  if (stateLine(cur!.state) !== stateLine(a.file.pre)) throw new CasChanged(`${JSON.stringify(a.file.path)} changed since the plan: it is ${describeFile(cur!.state)}, the plan saw ${describeFile(a.file.pre)}; nothing was written`, cur!.state);
  const text = cur!.bytes ? cur!.bytes.toString('utf8') : '';
  const out = Buffer.from(setSshdOptions(text, a.settings, a.where === 'drop-in' && a.file.pre.kind === 'absent'), 'utf8');
  if (sha256(out) !== a.file.post.sha256) throw new Error(`the edit of ${JSON.stringify(a.file.path)} no longer gives the planned content; nothing was written`);
  return out;
}

export async function runAccessStep(step: StepRow, a: SshdSettingPlan, ctx: AccessStepContext): Promise<AccessStepOutcome> {
  const guard = await runGuardStep(step, sshdGuard(a), sshdRecipe(a), ctx);
  if (guard) return guard;
  switch (step.kind) {
    case 'sshd-write':
      return runWriteStep(a.file, () => newContent(ctx, a), ctx);
    case 'sshd-validate': {
      const r = await runCommandStep(step.command, ctx, { progress: `Validating the sshd config (sshd -t -f ${a.mainConfig})`, done: 'sshd -t accepts the config', failed: 'sshd -t rejects the config', readOnly: true });
      return r.status === 'failed' ? { ...r, detail: `${r.detail}; sshd was not reloaded`, failure: `${r.failure}; sshd was not reloaded` } : r;
    }
    case 'sshd-reload':
      return runCommandStep(step.command, ctx, { progress: 'Reloading sshd (not restarting: open sessions stay up)', done: 'sshd reloaded', failed: 'reloading sshd failed', readOnly: false });
    default:
      throw new Error(`not an access step: ${step.kind}`);
  }
}

export async function verifyAccessFix(a: SshdSettingPlan, h: HostRunner): Promise<string | null> {
  return verifyWrittenFiles([a.file], h);
}

/** A step a crash left running or failed: an unproven access change is never carried on, it is rolled back. */
export function resumeAccessVerdict(step: StepRow, a: SshdSettingPlan): { kind: 'pending' } | { kind: 'rollback'; why: string } {
  return resumeGuardVerdict(step, sshdRecipe(a));
}

// ---------------------------------------------------------------------------------------------
// Undo

export type AccessUndoContext = GuardUndoContext;
export type AccessLeftover = GuardLeftover;

/** Undoes one sshd fix (guard.ts undoGuarded): timer, file back byte-identical, sshd reloaded, file re-read. */
export function undoAccessFix(fixIndex: number, a: SshdSettingPlan, steps: readonly StepRow[], ctx: AccessUndoContext): Promise<AccessLeftover[]> {
  return undoGuarded(fixIndex, sshdGuard(a), sshdRecipe(a), steps, ctx);
}

export function accessFixPaths(a: SshdSettingPlan): string[] {
  return [a.file.path];
}

export { lockoutGuardOf, type LockoutGuard } from './guard';
