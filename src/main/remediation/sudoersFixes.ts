// The sudoers fix (issue 11): a rule that grants ALL with NOPASSWD (ACC-SUDO-NOPASSWD-ALL) is
// narrowed so ALL asks for the password again: the NOPASSWD tag comes off the ALL entry
// (`PASSWD: ALL`); the rule's other commands keep their tags (a `NOPASSWD:` is put back in front
// of the next one when it only inherited it). Only that one line of the file the finding names
// changes; every other byte is kept. Under the lockout guard (guard.ts): sudo is how a non-root
// admin becomes root, so a bad edit can cut the admin off from root.
//
// Per finding, in this order (every step journaled before it reaches the host):
//   1. sudoers-backup   capture the file (compare-and-swap on the planned state) and copy it into
//                       the job's root-only backup folder;
//   2. deadman-arm      the dead-man switch: after N s it puts the file back, unless disarmed;
//   3. sudoers-validate the candidate (derived again from the file on the host, must hash to the
//                       plan) written into the backup folder and checked with `visudo -cf`: a
//                       candidate visudo rejects is never installed;
//   4. sudoers-write    atomic write (temp in the same folder, named with a dot so sudo ignores it;
//                       the file's mode and owner kept, 0440 root:root) as a compare-and-swap;
//   5. sudoers-check    `visudo -c`: the whole configuration with the new file;
//   6. access-proof     a NEW SSH connection, and root through it (sudo when the profile uses it);
//   7. deadman-disarm.
//
// Refused (FixNotApplicable) when the change could leave the login user without a way to become
// root that Rampart has verified: the login user is not root, the profile has no stored sudo
// password (sudo -n), and the rule may apply to that user (it names them, ALL, a group they are
// in, or a uid/netgroup Rampart cannot resolve): then that NOPASSWD line may be Rampart's (and the
// admin's) only root path. Logging in as root, or a profile with a stored sudo password (the proof
// then checks that password gives root), is fine.
import { createHash } from 'node:crypto';
import type { HostFacts } from '../audit/facts';
import type { SudoRule } from '../audit/parsers/sudoers';
import { shQuote } from '../ssh/quote';
import { DEFAULT_DEADMAN_SECONDS } from './deadman';
import type { StepRow } from './journal';
import { stateLine } from './remote';
import { postStateOf, type HostRunner } from './composeFixes';
import { moduleFix, CasChanged, describeFile, guardRestoreLines, guardSteps, readFiles, resumeGuardVerdict, runCommandStep, runGuardStep, runWriteStep, undoGuarded, verifyWrittenFiles, writeStepOf, type GuardedChange, type GuardLeftover, type GuardRecipe, type GuardStepContext, type GuardStepOutcome, type GuardUndoContext } from './guard';
import { FixNotApplicable, type FindingRef, type FixDef, type PlannedFile, type StepDef } from './types';
import type { AccessPlanContext } from './accessFixes';
import { splitSudoersTop, sudoersCommentAt } from '../audit/parsers/sudoers';

const q = shQuote;
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export const SUDOERS_FIX: FixDef = moduleFix({
  id: 'sudoers-require-password',
  checkIds: ['ACC-SUDO-NOPASSWD-ALL'],
  title: 'Make sudo ask for the password for ALL (NOPASSWD removed from the ALL entry)',
  changes: `edits the one sudoers line the finding names (NOPASSWD: ALL → PASSWD: ALL, other commands keep their tags), checked with visudo -cf before it is installed; a new SSH connection must become root before the dead-man switch (default ${DEFAULT_DEADMAN_SECONDS} s) is disarmed; refused when that line may be the login user's only verified way to root`,
  risk: 'high',
});

export function isSudoersCheck(checkId: string): boolean {
  return SUDOERS_FIX.checkIds.includes(checkId);
}

export interface SudoersPlan {
  kind: 'sudoers';
  checkId: string;
  jobId: string;
  backupDir: string;
  file: PlannedFile;
  /** 1-based line of the rule. */
  line: number;
  /** Commands (or Cmnd_Aliases) that mean ALL in this rule. */
  allCommands: string[];
  /** The login user and how it becomes root, as planned (for the report). */
  login: { user: string; sudoMode: string };
  /** Tests only: a line appended to the candidate. */
  faultLine: string | null;
  /** What changes, without the rule's text (other commands on the line may carry secrets). */
  summary: string;
  deadmanSeconds: number;
  needsRoot: boolean;
}

// ---------------------------------------------------------------------------------------------
// The edit (pure)

const TAGS = new Set(['NOPASSWD', 'PASSWD', 'NOEXEC', 'EXEC', 'SETENV', 'NOSETENV', 'LOG_INPUT', 'NOLOG_INPUT', 'LOG_OUTPUT', 'NOLOG_OUTPUT', 'MAIL', 'NOMAIL', 'FOLLOW', 'NOFOLLOW', 'INTERCEPT', 'NOINTERCEPT']);
const OPTIONS = '(?:(?:ROLE|TYPE|CWD|CHROOT|NOTBEFORE|NOTAFTER|TIMEOUT|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)=(?:"[^"]*"|\\S+)\\s*)*';
const ELEMENT = new RegExp(`^(\\s*)(\\([^)]*\\)\\s*)?(${OPTIONS})((?:[A-Z_]+\\s*:\\s*)*)([\\s\\S]*)$`);

export type NarrowResult = { ok: true; line: string; changed: number } | { ok: false; reason: string };

/**
 * One sudoers rule line with every NOPASSWD entry that means ALL changed to PASSWD (the tag carried
 * to the next command is put back there). Refuses what it cannot edit safely: a continued line,
 * several host specifications on one line, a line that is not a rule.
 */
export function requirePasswordForAll(line: string, allCommands: ReadonlySet<string>): NarrowResult {
  if (/(^|[^\\])(\\\\)*\\\s*$/.test(line)) return { ok: false, reason: 'the rule continues on the next line (backslash): edit it by hand with visudo' };
  const hash = sudoersCommentAt(line);
  const body = hash < 0 ? line : line.slice(0, hash);
  const comment = hash < 0 ? '' : line.slice(hash);
  const parts = splitSudoersTop(body, '=');
  if (parts.length < 2) return { ok: false, reason: 'not a sudoers rule (no "=")' };
  const head = parts[0]!;
  const cmdText = parts.slice(1).join('=');
  // Options (ROLE=…) put '=' into the command part; any other '=' is a second host specification.
  const withoutOptions = cmdText.replace(new RegExp(`(?:ROLE|TYPE|CWD|CHROOT|NOTBEFORE|NOTAFTER|TIMEOUT|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)=(?:"[^"]*"|\\S+)`, 'g'), '');
  if (splitSudoersTop(withoutOptions, '=').length > 1) return { ok: false, reason: 'the line has several host specifications (":" … "="): edit it by hand with visudo' };
  const elements = splitSudoersTop(cmdText, ',');
  type El = { lead: string; runas: string; options: string; tags: string[]; tagsText: string; command: string };
  const els: El[] = [];
  for (const e of elements) {
    const m = ELEMENT.exec(e);
    if (!m) return { ok: false, reason: 'a command of the rule could not be parsed: edit it by hand with visudo' };
    const tags = (m[4] ?? '')
      .split(':')
      .map((t) => t.trim())
      .filter(Boolean);
    if (tags.some((t) => !TAGS.has(t))) return { ok: false, reason: `unknown tag in the rule (${tags.find((t) => !TAGS.has(t))}): edit it by hand with visudo` };
    els.push({ lead: m[1] ?? '', runas: m[2] ?? '', options: m[3] ?? '', tags, tagsText: m[4] ?? '', command: m[5] ?? '' });
  }
  let nopasswd = false;
  let changed = 0;
  const out: string[] = [];
  for (let i = 0; i < els.length; i++) {
    const e = els[i]!;
    for (const t of e.tags) if (t === 'NOPASSWD') nopasswd = true;
      else if (t === 'PASSWD') nopasswd = false;
    const cmd = e.command.trim();
    const name = cmd.replace(/^!\s*/, '');
    let tagsText = e.tagsText;
    if (nopasswd && !cmd.startsWith('!') && allCommands.has(name)) {
      tagsText = [...e.tags.filter((t) => t !== 'NOPASSWD' && t !== 'PASSWD'), 'PASSWD'].map((t) => `${t}: `).join('');
      changed++;
      // The next command inherited NOPASSWD from here: it keeps it, said explicitly.
      const next = els[i + 1];
      if (next && !next.tags.includes('NOPASSWD') && !next.tags.includes('PASSWD')) {
        next.tags = [...next.tags, 'NOPASSWD'];
        next.tagsText = next.tags.map((t) => `${t}: `).join('');
      }
      nopasswd = false;
    }
    out.push(`${e.lead}${e.runas}${e.options}${tagsText}${e.command}`);
  }
  if (!changed) return { ok: false, reason: 'the rule has no NOPASSWD entry for ALL (any more)' };
  return { ok: true, line: `${head}=${out.join(',')}${comment}`, changed };
}

/** The file's text with line `lineNo` (1-based) narrowed, plus the test fault line. */
export function narrowSudoersText(text: string, lineNo: number, allCommands: ReadonlySet<string>, faultLine: string | null = null): NarrowResult {
  const lines = text.split('\n');
  if (lineNo < 1 || lineNo > lines.length) return { ok: false, reason: `the file has no line ${lineNo}` };
  if (lineNo > 1 && /(^|[^\\])(\\\\)*\\\s*$/.test(lines[lineNo - 2]!)) return { ok: false, reason: 'the rule is the continuation of the line above: edit it by hand with visudo' };
  const cr = lines[lineNo - 1]!.endsWith('\r');
  const r = requirePasswordForAll(cr ? lines[lineNo - 1]!.slice(0, -1) : lines[lineNo - 1]!, allCommands);
  if (!r.ok) return r;
  lines[lineNo - 1] = r.line + (cr ? '\r' : '');
  let out = lines.join('\n');
  if (faultLine !== null) out += (out.endsWith('\n') || out === '' ? '' : '\n') + `${faultLine}\n`;
  return { ok: true, line: out, changed: r.changed };
}

/**
 * Whether the rule may let `user` (member of `groups`) become root: a name, ALL, one of the
 * groups; a uid, gid, netgroup or anything not resolvable counts as "may" (Rampart cannot tell).
 */
export function ruleMayApplyTo(rule: Pick<SudoRule, 'expandedUsers'>, user: string, groups: readonly string[] | null): boolean {
  const unq = (s: string): string => s.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  return rule.expandedUsers.some((raw) => {
    const u = raw.trim();
    if (u.startsWith('!')) return false;
    if (u === 'ALL' || unq(u) === user) return true;
    if (u.startsWith('%#') || u.startsWith('%:') || u.startsWith('#') || u.startsWith('+')) return true;
    if (u.startsWith('%')) return groups === null || groups.includes(unq(u.slice(1)));
    return false;
  });
}

// ---------------------------------------------------------------------------------------------
// The guard, steps, preview

export function sudoersGuard(p: SudoersPlan): GuardedChange {
  return { jobId: p.jobId, backupDir: p.backupDir, deadmanSeconds: p.deadmanSeconds, needsRoot: p.needsRoot, files: [p.file] };
}

// sudo reads its files on every call: nothing to reload, the file is all there is.
export const SUDOERS_RECIPE: GuardRecipe = { subject: 'sudoers', backup: 'sudoers-backup', write: 'sudoers-write', reload: null, revert: null, revertAfterWrite: false, postKnown: true };

const VISUDO = 'V=$(command -v visudo 2>/dev/null || echo /usr/sbin/visudo)';

/** The candidate (base64 on stdin) into the root-only backup folder, mode 0440, checked with `visudo -cf`, removed. */
export function validateCandidateCommand(p: SudoersPlan, fixIndex: number): string {
  return [
    'umask 077',
    VISUDO,
    `c=${q(`${p.backupDir}/sudoers-${fixIndex}.candidate`)}`,
    `rm -f -- "$c"; base64 -d > "$c" || { rm -f -- "$c"; exit 4; }`,
    `h=$(sha256sum < "$c"); h=\${h%% *}; if [ "$h" != ${q(p.file.post.sha256)} ]; then rm -f -- "$c"; echo 'the candidate differs from the plan' >&2; exit 4; fi`,
    'chmod 0440 -- "$c"',
    '"$V" -cf "$c"; rc=$?; rm -f -- "$c"; exit $rc',
  ].join('\n');
}

export const SUDOERS_CHECK_COMMAND = `${VISUDO}; "$V" -c`;

export function sudoersSteps(p: SudoersPlan, fixIndex: number, firstSeq: number): StepDef[] {
  return guardSteps(sudoersGuard(p), SUDOERS_RECIPE, fixIndex, firstSeq, [
    { kind: 'sudoers-validate', name: 'visudo -cf (candidate)', target: null, command: `${validateCandidateCommand(p, fixIndex)}\n# stdin: the candidate (base64), sha256 ${p.file.post.sha256}` },
    writeStepOf('sudoers-write', p.file),
    { kind: 'sudoers-check', name: 'visudo -c', target: null, command: SUDOERS_CHECK_COMMAND },
  ]);
}

export function sudoersPreviewTargets(p: SudoersPlan): Array<{ path: string; from: string; to: string; reason: string }> {
  return [
    {
      path: p.file.path,
      from: describeFile(p.file.pre),
      to: describeFile(postStateOf(p.file)),
      reason: `${p.summary}; visudo -cf before it is installed; then a new SSH connection must become root (${p.login.user}, ${p.login.sudoMode}) within the ${p.deadmanSeconds} s dead-man window`,
    },
  ];
}

/** The diff shown: only the changed entries, never the rule's text (other commands on it may hold secrets). */
export function sudoersDiff(p: SudoersPlan): string {
  return [`--- ${p.file.path}`, `+++ ${p.file.path}`, `@@ line ${p.line} (the rest of the line unchanged, not shown) @@`, ...p.allCommands.filter((c) => c).slice(0, 1).flatMap((c) => [`-NOPASSWD: ${c}`, `+PASSWD: ${c}`]), ...(p.faultLine !== null ? ['+<test fault line>'] : []), ''].join('\n');
}

export function sudoersRestoreLines(p: SudoersPlan): string[] {
  return guardRestoreLines(sudoersGuard(p), SUDOERS_RECIPE);
}

// ---------------------------------------------------------------------------------------------
// Planning

function ruleOf(finding: FindingRef, facts: Partial<HostFacts>): SudoRule {
  const m = /^sudoers:(\/.*):(\d+)$/.exec(finding.resource);
  if (!m) throw new FixNotApplicable(`resource ${JSON.stringify(finding.resource)} does not name a sudoers file and line`);
  const s = facts.sudoers;
  if (!s) throw new FixNotApplicable('the sudoers facts were not collected');
  if (!s.ok) throw new FixNotApplicable(`the sudoers facts are missing: ${s.message}`);
  const rule = s.value.rules.find((r) => r.file === m[1] && r.line === Number(m[2]));
  if (!rule) throw new FixNotApplicable(`no sudoers rule at ${m[1]}:${m[2]} now`);
  return rule;
}

async function groupsOf(h: HostRunner, user: string): Promise<string[] | null> {
  const r = await h.run(`id -nG -- ${q(user)}`, { readOnly: true });
  return r.code === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean) : null;
}

export async function planSudoersFix(finding: FindingRef, facts: Partial<HostFacts>, ctx: AccessPlanContext, fixIndex: number): Promise<SudoersPlan> {
  const access = ctx.access;
  if (!access?.proveAccess) throw new FixNotApplicable('a sudoers change needs the lockout guard, and this run has no way to open a new connection to prove access');
  const rule = ruleOf(finding, facts);
  const user = access.loginUser;
  const sudoMode = access.sudoMode ?? 'none';
  if (!user) throw new FixNotApplicable('Rampart does not know which user it logs in as: it cannot tell whether this rule is its own way to root');
  if (user !== 'root' && sudoMode !== 'sudo-password') {
    const groups = await groupsOf(ctx, user);
    if (ruleMayApplyTo(rule, user, groups))
      throw new FixNotApplicable(
        `refused: Rampart logs in as ${JSON.stringify(user)} (not root) and becomes root with sudo -n, with no stored sudo password; this rule may apply to ${JSON.stringify(user)} and may be its only way to root, and after the change Rampart could not verify any other (log in as root, or store the sudo password in the host profile so the proof can check it, then fix this)`,
      );
  }
  const path = rule.file;
  if (ctx.chmodPaths.has(path)) throw new FixNotApplicable(`${JSON.stringify(path)} also gets a mode/owner fix in this plan: fix them in two jobs`);
  const pend = ctx.pending.get(path);
  let text: string;
  let pre;
  if (pend) ({ text, state: pre } = pend);
  else {
    const [r] = await readFiles(ctx, [path]);
    if (!r!.bytes || r!.state.kind !== 'present' || r!.state.type !== 'f') throw new FixNotApplicable(`${JSON.stringify(path)} is ${describeFile(r!.state)}: not a regular file`);
    text = r!.bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(r!.bytes)) throw new FixNotApplicable(`${JSON.stringify(path)} is not UTF-8 text; edit it by hand`);
    pre = r!.state;
  }
  if (pre.kind !== 'present') throw new FixNotApplicable(`${JSON.stringify(path)} is ${describeFile(pre)}`);
  const allCommands = [...new Set(rule.commands.filter((c) => c.all && c.nopasswd && !c.negated).map((c) => c.command))];
  const faultLine = access.faultSudoersLine ?? null;
  const edit = narrowSudoersText(text, rule.line, new Set(allCommands), faultLine);
  if (!edit.ok) throw new FixNotApplicable(`${path}:${rule.line}: ${edit.reason}`);
  const file: PlannedFile = {
    path,
    role: 'sudoers',
    pre,
    post: { sha256: sha256(edit.line), mode: pre.mode, uid: pre.uid, gid: pre.gid },
    backup: `${ctx.backupDir}/sudoers-${fixIndex}.orig`,
    // A dot in the name: sudo ignores the temp file while it exists in sudoers.d.
    temp: `${path.replace(/\/[^/]*$/, '')}/.rampart-${ctx.jobId.slice(0, 8)}-${fixIndex}.tmp`,
  };
  ctx.pending.set(path, { text: edit.line, state: postStateOf(file) });
  return {
    kind: 'sudoers',
    checkId: finding.checkId,
    jobId: ctx.jobId,
    backupDir: ctx.backupDir,
    file,
    line: rule.line,
    allCommands,
    login: { user, sudoMode },
    faultLine,
    summary: `${path}:${rule.line}: NOPASSWD taken off ${allCommands.join(', ')} for ${rule.users.join(', ')} (sudo asks for the password for it again)`,
    deadmanSeconds: Math.max(1, Math.floor(access.deadmanSeconds ?? DEFAULT_DEADMAN_SECONDS)),
    needsRoot: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Running, verifying, undoing

async function candidate(h: HostRunner, p: SudoersPlan): Promise<Buffer> {
  const [cur] = await readFiles(h, [p.file.path]);
  if (stateLine(cur!.state) !== stateLine(p.file.pre)) throw new CasChanged(`${JSON.stringify(p.file.path)} changed since the plan: it is ${describeFile(cur!.state)}, the plan saw ${describeFile(p.file.pre)}; nothing was written`, cur!.state);
  const edit = narrowSudoersText(cur!.bytes ? cur!.bytes.toString('utf8') : '', p.line, new Set(p.allCommands), p.faultLine);
  if (!edit.ok || sha256(edit.line) !== p.file.post.sha256) throw new Error(`the edit of ${JSON.stringify(p.file.path)} no longer gives the planned content; nothing was written`);
  return Buffer.from(edit.line, 'utf8');
}

export async function runSudoersStep(step: StepRow, p: SudoersPlan, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  const guard = await runGuardStep(step, sudoersGuard(p), SUDOERS_RECIPE, ctx);
  if (guard) return guard;
  switch (step.kind) {
    case 'sudoers-validate': {
      let bytes: Buffer;
      try {
        bytes = await candidate(ctx, p);
      } catch (e) {
        if (e instanceof CasChanged) return { status: 'skipped', detail: `refused: ${e.message}`, failure: e.message, refused: true, post: e.found };
        throw e;
      }
      const r = await runCommandStep(validateCandidateCommand(p, step.fixIndex), ctx, {
        progress: `Checking the new ${JSON.stringify(p.file.path)} with visudo -cf before installing it`,
        done: 'visudo -cf accepts the candidate',
        failed: 'visudo -cf rejects the candidate',
        readOnly: false,
        stdin: bytes.toString('base64'),
      });
      return r.status === 'failed' ? { ...r, detail: `${r.detail}; nothing was installed`, failure: `${r.failure}; nothing was installed` } : r;
    }
    case 'sudoers-write':
      return runWriteStep(p.file, () => candidate(ctx, p), ctx);
    case 'sudoers-check':
      return runCommandStep(step.command, ctx, { progress: 'Checking the whole sudoers configuration (visudo -c)', done: 'visudo -c accepts the configuration', failed: 'visudo -c rejects the configuration', readOnly: true });
    default:
      throw new Error(`not a sudoers step: ${step.kind}`);
  }
}

export function verifySudoersFix(p: SudoersPlan, h: HostRunner): Promise<string | null> {
  return verifyWrittenFiles([p.file], h);
}

export function resumeSudoersVerdict(step: StepRow): { kind: 'pending' } | { kind: 'rollback'; why: string } {
  return resumeGuardVerdict(step, SUDOERS_RECIPE);
}

export function undoSudoersFix(fixIndex: number, p: SudoersPlan, steps: readonly StepRow[], ctx: GuardUndoContext): Promise<GuardLeftover[]> {
  return undoGuarded(fixIndex, sudoersGuard(p), SUDOERS_RECIPE, steps, ctx);
}
