// Export of confirmed fix plans as an Ansible playbook (issue 11): teams that run their servers
// with Ansible get the same changes, the same compare-and-swap pre-checks and the same validation,
// as builtin modules only (ansible.builtin.stat/assert/file/copy/lineinfile/command/shell/
// systemd/meta/wait_for_connection). Pure: plans in, YAML text out; nothing here reaches a host.
//
// Layout: one play per host (one plan each), tasks in two phases:
//   1. pre-checks: every path the plan changes is stat'ed and asserted to be exactly as the plan saw
//      it (type, mode, owner, sha256 of a regular file; a container's id): a host that drifted
//      since the export fails here, before anything is changed;
//   2. the changes, per fix, in the plan's order; file edits validated before they replace the
//      file (`validate: /usr/sbin/sshd -t -f %s`), then checked against the planned sha256, and
//      restored from a backup in the job's root-only folder (block/rescue) when anything fails.
// Each fix kind has its exporter in EXPORTERS; a kind without one, or a fix that cannot be written
// without carrying content or secrets the plan does not hold (compose edits), is SKIPPED WITH ITS
// REASON: in the result, as a comment at the top of the playbook and as a debug task of its host.
//
// Every string from the host or the plan (paths, names, commands, messages) is written `!unsafe`
// (ansibleYaml.ts) so Ansible never templates it; only values Rampart formats itself (octal modes,
// uids, sha256 hex, container ids, checked below) appear inside Jinja expressions (`that:`).
import { createHash } from 'node:crypto';
import { reloadCommand, setSshdOptions, type SshdSettingPlan } from './accessFixes';
import { REMOVE_UFW_CHAINS, ufwAllowArgv, type FirewallPlan } from './firewallFixes';
import { PERIODIC_SETTINGS, setAptPeriodic, type UpdatesPlan } from './updatesFixes';
import { COMMENT_KEY, emitYaml, unsafe, type YMap, type YNode } from './ansibleYaml';
import type { FileState, Plan, PlanHost, PlannedFile, PlannedFix, PlannedTarget, RestartPlan } from './types';

/** Why a fix was not written into the playbook. */
export class NotExportable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotExportable';
  }
}

export interface ExportedFix {
  host: string;
  findingId: string;
  checkId: string;
  fixId: string;
  resource: string;
}

export interface SkippedFix extends ExportedFix {
  reason: string;
}

export interface AnsibleExport {
  /** The playbook (YAML). */
  playbook: string;
  /** The inventory snippet (YAML inventory): one host per plan, under the group `rampart_fix`. */
  inventory: string;
  exported: ExportedFix[];
  skipped: SkippedFix[];
}

/** How Ansible reaches a host, beyond the plan's address/port/user (the CLI knows these). */
export interface AnsibleConnection {
  identityFile?: string | null;
  /** OpenSSH ProxyJump value ("user@host:port,user@host:port") for a jump chain. */
  proxyJump?: string | null;
  /** An OpenSSH known_hosts file to check the host key against. */
  knownHostsFile?: string | null;
}

export interface AnsibleExportOptions {
  connection?: (host: PlanHost) => AnsibleConnection;
  /** Where the inventory file will be written, for the usage line in the playbook header. */
  inventoryName?: string;
  playbookName?: string;
  /** Rampart's version, for the header. */
  version?: string;
}

/** What one fix contributes to its host's play. */
interface FixTasks {
  prechecks: YMap[];
  changes: YMap[];
  /** The sshd reload handler is needed. */
  reloadSshd?: { pidFile: string };
  /** A new SSH connection must log in after the changes (lockout-risky kinds). */
  proveAccess?: boolean;
}

interface Ctx {
  plan: Plan;
  fixIndex: number;
  /** Paths already pre-checked in this play: a later fix sees what an earlier one left. */
  checked: Set<string>;
  /** A counter for register names. */
  seq: () => number;
}

type KindExporter = (fix: PlannedFix, ctx: Ctx) => FixTasks;

const SSHD = '/usr/sbin/sshd';
const HEX64 = /^[0-9a-f]{64}$/;
export const INVENTORY_GROUP = 'rampart_fix';

const octal = (m: number): string => (m & 0o7777).toString(8).padStart(4, '0');

function intOf(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new NotExportable(`the plan's ${what} is not a number Rampart can write (${String(n)})`);
  return n;
}

function describe(s: FileState): string {
  if (s.kind === 'absent') return 'absent';
  if (s.kind === 'symlink') return 'a symbolic link';
  const type = s.type === 'f' ? 'regular file' : s.type === 'd' ? 'folder' : 'special file';
  return `${type} ${octal(s.mode)} uid ${s.uid} gid ${s.gid}${s.type === 'f' && HEX64.test(s.sha256) ? ` sha256 ${s.sha256}` : ''}`;
}

/**
 * stat + assert that `path` is exactly `state` (the compare-and-swap of the engine, as Ansible
 * tasks). Runs in --check mode too (stat changes nothing).
 */
function precheck(path: string, state: FileState, ctx: Ctx, why: string): YMap[] {
  if (ctx.checked.has(path)) return [];
  ctx.checked.add(path);
  const reg = `rampart_pre_${ctx.seq()}`;
  const st = `${reg}.stat`;
  const that: string[] = [];
  if (state.kind === 'absent') that.push(`not ${st}.exists`);
  else if (state.kind === 'symlink') throw new NotExportable(`${JSON.stringify(path)} was a symbolic link when planned; Rampart does not change links`);
  else {
    that.push(`${st}.exists`, `not ${st}.islnk`);
    if (state.type === 'f') that.push(`${st}.isreg`);
    else if (state.type === 'd') that.push(`${st}.isdir`);
    else that.push(`not ${st}.isreg`, `not ${st}.isdir`);
    that.push(`${st}.mode == '${octal(intOf(state.mode, 'mode'))}'`, `${st}.uid == ${intOf(state.uid, 'uid')}`, `${st}.gid == ${intOf(state.gid, 'gid')}`);
    if (state.type === 'f' && state.sha256 !== '?') {
      if (!HEX64.test(state.sha256)) throw new NotExportable(`the plan's sha256 of ${JSON.stringify(path)} is not a sha256`);
      that.push(`${st}.checksum == '${state.sha256}'`);
    }
  }
  const wantsSum = state.kind === 'present' && state.type === 'f' && state.sha256 !== '?';
  return [
    {
      name: unsafe(`Pre-check: ${path} is as planned (${describe(state)})`),
      'ansible.builtin.stat': { path: unsafe(path), follow: false, get_checksum: wantsSum, ...(wantsSum ? { checksum_algorithm: 'sha256' } : {}), get_mime: false, get_attributes: false },
      register: reg,
    },
    {
      name: unsafe(`Pre-check: refuse if ${path} changed since the plan`),
      'ansible.builtin.assert': {
        that,
        quiet: true,
        fail_msg: unsafe(`${path} changed since Rampart planned this fix (${why}): the plan saw ${describe(state)}. Nothing was changed on this host; plan again (rampart fix --export-ansible).`),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// file: chmod/chown (fileFixes.ts)

function fileTargetTask(t: PlannedTarget, title: string): YMap {
  const pre = t.pre;
  const ownerChange = t.post.uid !== pre.uid;
  const groupChange = t.post.gid !== pre.gid;
  return {
    name: unsafe(`${title}: ${t.path}: ${octal(pre.mode)} uid ${pre.uid} gid ${pre.gid} -> ${octal(t.post.mode)} uid ${t.post.uid} gid ${t.post.gid} (${t.reason})`),
    'ansible.builtin.file': {
      path: unsafe(t.path),
      state: pre.type === 'd' ? 'directory' : 'file',
      follow: false,
      mode: octal(intOf(t.post.mode, 'mode')),
      ...(ownerChange ? { owner: String(intOf(t.post.uid, 'uid')) } : {}),
      ...(groupChange ? { group: String(intOf(t.post.gid, 'gid')) } : {}),
    },
  };
}

const exportFile: KindExporter = (fix, ctx) => {
  const prechecks: YMap[] = [];
  const changes: YMap[] = [];
  for (const t of fix.targets) {
    prechecks.push(...precheck(t.path, t.pre, ctx, fix.title));
    changes.push(fileTargetTask(t, fix.title));
  }
  if (!changes.length) changes.push({ name: unsafe(`${fix.title}: nothing left to change (an earlier fix of this plan covers it)`), 'ansible.builtin.debug': { msg: unsafe(`${fix.checkId} ${fix.resource}: covered by an earlier fix`) } });
  return { prechecks, changes };
};

// ---------------------------------------------------------------------------------------------
// sshd-setting (accessFixes.ts)

interface LineEdit {
  kind: 'replace' | 'insert-before' | 'insert-after' | 'append';
  /** replace: the old line; insert-before/after: the neighbour line. */
  anchor: string;
  line: string;
}

/** Python `re.escape` for a literal line (ASCII punctuation escaped; other characters are literal). */
export function pyRegexEscape(s: string): string {
  return s.replace(/[^A-Za-z0-9_\u0080-\uffff]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * The plan's unified diff as line edits lineinfile can make: a run of removed lines followed by as
 * many added ones is a replacement each; added lines alone are insertions next to their neighbour.
 * Anything else (deleted lines, a last line without newline) is refused.
 */
export function lineEditsOf(diff: string): LineEdit[] {
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (!lines[0]?.startsWith('--- ') || !lines[1]?.startsWith('+++ ')) throw new NotExportable('the plan holds no diff of the file');
  const edits: LineEdit[] = [];
  let i = 2;
  while (i < lines.length) {
    if (!/^@@ -\d+(,\d+)? \+\d+(,\d+)? @@$/.test(lines[i]!)) throw new NotExportable(`unexpected line in the plan's diff: ${JSON.stringify(lines[i])}`);
    i++;
    const body: Array<{ kind: string; text: string }> = [];
    while (i < lines.length && !lines[i]!.startsWith('@@ ')) {
      const l = lines[i]!;
      if (l.startsWith('\\')) throw new NotExportable('the edit touches a last line without a newline, which lineinfile cannot reproduce byte for byte');
      body.push({ kind: l[0]!, text: l.slice(1) });
      i++;
    }
    let k = 0;
    while (k < body.length) {
      if (body[k]!.kind === ' ') {
        k++;
        continue;
      }
      const removed: string[] = [];
      const added: string[] = [];
      while (k < body.length && body[k]!.kind === '-') removed.push(body[k++]!.text);
      while (k < body.length && body[k]!.kind === '+') added.push(body[k++]!.text);
      if (k < body.length && body[k]!.kind === '-') throw new NotExportable('the edit interleaves removed and added lines');
      if (removed.length > added.length) throw new NotExportable('the edit removes lines, which Rampart does not export');
      if (removed.length) {
        // Replacements, then any further added lines after the last replaced one.
        removed.forEach((old, n) => edits.push({ kind: 'replace', anchor: old, line: added[n]! }));
        let anchor = added[removed.length - 1]!;
        for (const line of added.slice(removed.length)) {
          edits.push({ kind: 'insert-after', anchor, line });
          anchor = line;
        }
        continue;
      }
      // Insertions: before the line that follows them in the new text, else after the one before.
      const next = body[k];
      const before = body.slice(0, k - added.length).reverse().find((b) => b.kind !== '-');
      if (next) added.forEach((line) => edits.push({ kind: 'insert-before', anchor: next.text, line }));
      else if (before) {
        let anchor = before.text;
        for (const line of added) {
          edits.push({ kind: 'insert-after', anchor, line });
          anchor = line;
        }
      } else added.forEach((line) => edits.push({ kind: 'append', anchor: '', line }));
    }
  }
  if (!edits.length) throw new NotExportable('the plan\'s diff holds no change');
  return edits;
}

function lineinfileTask(path: string, e: LineEdit, validate: string, title: string, notify: string | null): YMap {
  const common = { path: unsafe(path), line: unsafe(e.line), firstmatch: true, validate: unsafe(validate) };
  const args: YMap =
    e.kind === 'replace'
      ? { ...common, regexp: unsafe(`^${pyRegexEscape(e.anchor)}$`) }
      : e.kind === 'insert-before'
        ? { ...common, insertbefore: unsafe(`^${pyRegexEscape(e.anchor)}$`) }
        : e.kind === 'insert-after'
          ? { ...common, insertafter: unsafe(`^${pyRegexEscape(e.anchor)}$`) }
          : { ...common, insertafter: 'EOF' };
  return {
    name: unsafe(`${title}: ${e.kind === 'replace' ? `${JSON.stringify(e.anchor)} -> ${JSON.stringify(e.line)}` : `add ${JSON.stringify(e.line)}`} in ${path}`),
    'ansible.builtin.lineinfile': args,
    ...(notify ? { notify } : {}),
  };
}

const sha256Of = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Backup folder + copy of each present file into it (not under --check: it creates nothing). */
function backupTasks(title: string, backupDir: string, files: ReadonlyArray<{ path: string; backup: string }>): YMap[] {
  return [
    { name: unsafe(`${title}: the job's root-only backup folder ${backupDir}`), 'ansible.builtin.file': { path: unsafe(backupDir), state: 'directory', mode: '0700', owner: '0', group: '0' } },
    ...files.map((f) => ({
      name: unsafe(`${title}: back up ${f.path} to ${f.backup}`),
      'ansible.builtin.copy': { src: unsafe(f.path), dest: unsafe(f.backup), remote_src: true, mode: '0600', owner: '0', group: '0' },
      when: 'not ansible_check_mode',
    })),
  ];
}

/** Puts a file back as the plan saw it: from its backup, or removed when the fix created it. */
function restoreTask(title: string, f: PlannedFile, backup: string): YMap {
  if (f.pre.kind === 'absent') return { name: unsafe(`${title}: remove ${f.path} again (the fix created it)`), 'ansible.builtin.file': { path: unsafe(f.path), state: 'absent' }, when: 'not ansible_check_mode' };
  if (f.pre.kind !== 'present') throw new NotExportable(`${JSON.stringify(f.path)} is ${describe(f.pre)}`);
  return {
    name: unsafe(`${title}: put ${f.path} back from ${backup}`),
    'ansible.builtin.copy': { src: unsafe(backup), dest: unsafe(f.path), remote_src: true, mode: octal(f.pre.mode), owner: String(f.pre.uid), group: String(f.pre.gid) },
    when: 'not ansible_check_mode',
  };
}

interface FileEdit {
  title: string;
  file: PlannedFile;
  /** The plan's unified diff of the file (for an edit of a file that exists). */
  diff: string;
  /** The whole new content, for a file the fix creates (checked against the planned sha256). */
  created: () => string;
  /** Ansible's `validate` command for the candidate (%s). */
  validate: string;
  /** A check of the whole configuration once the file is in place. */
  checkArgv: YNode[];
  checkName: string;
  backup: string;
  notify: string | null;
  failMsg: string;
}

/**
 * A validated edit of one file, as the guarded fixes make it: backup, lineinfile per changed line
 * (or copy of a created file) validated before it replaces the file, the planned sha256 checked,
 * the whole configuration checked; any failure puts the file back (rescue) and fails the host.
 */
function fileEditBlock(e: FileEdit): { block: YMap[]; rescue: YMap[] } {
  const f = e.file;
  if (!HEX64.test(f.post.sha256)) throw new NotExportable(`the plan holds no sha256 of ${JSON.stringify(f.path)} after the edit`);
  const block: YMap[] = [];
  if (f.pre.kind === 'present') {
    block.push(...backupTasks(e.title, e.backup.replace(/\/[^/]*$/, ''), [{ path: f.path, backup: e.backup }]));
    for (const edit of lineEditsOf(e.diff)) block.push(lineinfileTask(f.path, edit, e.validate, e.title, e.notify));
  } else if (f.pre.kind === 'absent') {
    const content = e.created();
    if (sha256Of(content) !== f.post.sha256) throw new NotExportable(`the new file ${JSON.stringify(f.path)} would not be what Rampart planned`);
    block.push({
      name: unsafe(`${e.title}: create ${f.path}`),
      'ansible.builtin.copy': { dest: unsafe(f.path), content: unsafe(content), mode: octal(f.post.mode), owner: String(f.post.uid), group: String(f.post.gid), validate: unsafe(e.validate) },
      ...(e.notify ? { notify: e.notify } : {}),
    });
  } else throw new NotExportable(`${JSON.stringify(f.path)} is ${describe(f.pre)}`);
  const reg = `rampart_post_${f.post.sha256.slice(0, 12)}`;
  block.push(
    {
      name: unsafe(`${e.title}: ${f.path} is exactly what Rampart planned (sha256 ${f.post.sha256})`),
      'ansible.builtin.stat': { path: unsafe(f.path), follow: false, checksum_algorithm: 'sha256', get_mime: false, get_attributes: false },
      register: reg,
      when: 'not ansible_check_mode',
    },
    {
      name: unsafe(`${e.title}: refuse an edit that differs from the plan`),
      'ansible.builtin.assert': { that: [`${reg}.stat.checksum == '${f.post.sha256}'`], quiet: true, fail_msg: unsafe(`${f.path} is not what Rampart planned after the edit; it is put back`) },
      when: 'not ansible_check_mode',
    },
    { name: unsafe(`${e.title}: ${e.checkName}`), 'ansible.builtin.command': { argv: e.checkArgv }, changed_when: false },
  );
  return { block, rescue: [restoreTask(e.title, f, e.backup), { name: unsafe(`${e.title}: failed, put back`), 'ansible.builtin.fail': { msg: unsafe(e.failMsg) } }] };
}

const exportSshd: KindExporter = (fix, ctx) => {
  const a = fix.container as SshdSettingPlan;
  const f = a.file;
  const prechecks = precheck(f.path, f.pre, ctx, fix.title);
  const { block, rescue } = fileEditBlock({
    title: fix.title,
    file: f,
    diff: a.diff,
    // A new drop-in: Rampart's header and the settings.
    created: () => setSshdOptions('', a.settings, true),
    validate: `${SSHD} -t -f %s`,
    checkArgv: [SSHD, '-t', '-f', unsafe(a.mainConfig)],
    checkName: `sshd -t of the whole config (${a.mainConfig} and what it Includes)`,
    backup: `${a.backupDir}/sshd-${ctx.fixIndex}.orig`,
    notify: 'rampart reload sshd',
    failMsg: `${fix.checkId}: the edit of ${f.path} failed its checks and was undone; sshd was not reloaded`,
  });
  const [k, v] = a.settings[0]!;
  return {
    prechecks,
    changes: [
      {
        [COMMENT_KEY]: `${fix.checkId}: ${k} ${a.previous || '(unset)'} -> ${v} (${a.where === 'drop-in' ? 'a drop-in Included before the main settings: sshd keeps the first value' : 'an edit of the main config'}).`,
        name: unsafe(`${fix.title} (${k} ${v})`),
        block,
        rescue,
      },
    ],
    reloadSshd: { pidFile: a.pidFile },
    proveAccess: true,
  };
};

// ---------------------------------------------------------------------------------------------
// apt-periodic (updatesFixes.ts): 20auto-upgrades

const exportUpdates: KindExporter = (fix, ctx) => {
  const u = fix.container as UpdatesPlan;
  const { block, rescue } = fileEditBlock({
    title: fix.title,
    file: u.file,
    diff: u.diff,
    created: () => setAptPeriodic('', PERIODIC_SETTINGS),
    validate: '/usr/bin/apt-config -c %s dump',
    checkArgv: ['/usr/bin/apt-config', 'dump'],
    checkName: 'apt-config dump reads the whole apt configuration',
    backup: `${u.backupDir}/apt-${ctx.fixIndex}.orig`,
    notify: null,
    failMsg: `${fix.checkId}: the edit of ${u.file.path} failed its checks and was undone`,
  });
  return { prechecks: precheck(u.file.path, u.file.pre, ctx, fix.title), changes: [{ name: unsafe(fix.title), block, rescue }] };
};

// ---------------------------------------------------------------------------------------------
// ufw (firewallFixes.ts): allow the admin's SSH path, default deny incoming, enable

const exportFirewall: KindExporter = (fix, ctx) => {
  const p = fix.container as FirewallPlan;
  let allow: string[];
  try {
    allow = ufwAllowArgv(p.allow.from, p.allow.port, p.jobId);
  } catch (e) {
    throw new NotExportable(`the plan's SSH rule is not usable: ${(e as Error).message}`);
  }
  const prechecks: YMap[] = [];
  for (const f of p.files) prechecks.push(...precheck(f.path, f.pre, ctx, fix.title));
  // The rule allows the path Rampart's session came in on; Ansible must come in the same way, or
  // enabling the firewall could shut this very run out.
  const reg = `rampart_path_${ctx.seq()}`;
  prechecks.push(
    {
      name: unsafe(`Pre-check: this Ansible connection comes from ${p.allow.from} to port ${p.allow.port}, the SSH path the firewall rule keeps open`),
      'ansible.builtin.command': { argv: ['printenv', 'SSH_CONNECTION'] },
      become: false,
      register: reg,
      changed_when: false,
      failed_when: false,
      check_mode: false,
    },
    {
      name: unsafe(`Pre-check: refuse to enable the firewall for a connection it would not allow`),
      'ansible.builtin.assert': {
        that: [`${reg}.rc == 0`, `(${reg}.stdout.split() | first) == '${p.allow.from}'`, `(${reg}.stdout.split() | last) == '${p.allow.port}'`],
        quiet: true,
        fail_msg: unsafe(`Rampart planned to allow SSH only from ${p.allow.from} to port ${p.allow.port} (the path its own session used); this Ansible run arrives differently, so enabling ufw could lock it out. Nothing was changed; run from that path, or plan again from where Ansible runs.`),
      },
    },
  );
  const backups = p.files.filter((f) => f.pre.kind === 'present').map((f, i) => ({ path: f.path, backup: f.backup ?? `${p.backupDir}/ufw-${ctx.fixIndex}-${i}.orig` }));
  const block: YMap[] = [
    ...backupTasks(fix.title, p.backupDir, backups),
    { name: unsafe(`${fix.title}: ${allow.join(' ')}`), 'ansible.builtin.command': { argv: allow.map((a) => unsafe(a)) }, register: `${reg}_allow`, changed_when: `'Skipping' not in ${reg}_allow.stdout` },
    { name: unsafe(`${fix.title}: ufw default deny incoming`), 'ansible.builtin.command': { argv: ['ufw', 'default', 'deny', 'incoming'] }, changed_when: p.defaultIncomingBefore !== 'deny' },
    { name: unsafe(`${fix.title}: ufw --force enable`), 'ansible.builtin.command': { argv: ['ufw', '--force', 'enable'] }, changed_when: !p.wasActive },
  ];
  const rescue: YMap[] = [
    ...p.files.map((f) => restoreTask(fix.title, f, backups.find((b) => b.path === f.path)?.backup ?? '')),
    {
      name: unsafe(p.wasActive ? `${fix.title}: ufw reload (it was active)` : `${fix.title}: ufw disable (it was off)`),
      'ansible.builtin.command': { argv: p.wasActive ? ['ufw', 'reload'] : ['ufw', 'disable'] },
      when: 'not ansible_check_mode',
    },
    ...(p.wasActive
      ? []
      : p.files
          .filter((f) => f.path === '/etc/ufw/ufw.conf')
          .map((f) => ({ ...restoreTask(fix.title, f, backups.find((b) => b.path === f.path)?.backup ?? ''), name: unsafe(`${fix.title}: ufw.conf back byte for byte after ufw disable`) }))),
    // ufw disable leaves its chains behind when ufw never ran before: removed, as Rampart does.
    ...(p.wasActive || p.chainsBefore ? [] : [{ name: unsafe(`${fix.title}: remove the ufw chains ufw disable leaves`), 'ansible.builtin.shell': unsafe(REMOVE_UFW_CHAINS), when: 'not ansible_check_mode' }]),
    { name: unsafe(`${fix.title}: failed, put back`), 'ansible.builtin.fail': { msg: unsafe(`${fix.checkId}: the firewall change failed and was undone (files back, ufw ${p.wasActive ? 'reloaded' : 'disabled'})`) } },
  ];
  return {
    prechecks,
    changes: [
      {
        [COMMENT_KEY]: `${fix.checkId}: ufw on with default deny incoming; SSH allowed on tcp port ${p.allow.port} from ${p.allow.from} only (existing rules kept).`,
        name: unsafe(`${fix.title} (allow tcp ${p.allow.port} from ${p.allow.from})`),
        block,
        rescue,
      },
    ],
    proveAccess: true,
  };
};

// ---------------------------------------------------------------------------------------------
// restart (composeFixes.ts): docker restart of an unhealthy container, then wait for health

const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

const exportRestart: KindExporter = (fix, ctx) => {
  const c = fix.container as RestartPlan;
  if (!CONTAINER_ID.test(c.container.id)) throw new NotExportable(`the plan's container id ${JSON.stringify(c.container.id)} is not a docker id`);
  const reg = `rampart_pre_${ctx.seq()}`;
  const wait = `rampart_wait_${ctx.seq()}`;
  const polls = Math.max(1, Math.ceil(c.wait.timeoutMs / 2000));
  return {
    prechecks: [
      {
        name: unsafe(`Pre-check: container ${c.container.name} is the one the plan saw`),
        'ansible.builtin.command': { argv: ['docker', 'inspect', '--type', 'container', '--format', unsafe('{{.Id}}'), '--', c.container.id] },
        register: reg,
        changed_when: false,
        failed_when: false,
        check_mode: false,
      },
      {
        name: unsafe(`Pre-check: refuse if container ${c.container.name} changed since the plan`),
        'ansible.builtin.assert': { that: [`${reg}.rc == 0`, `${reg}.stdout == '${c.container.id}'`], quiet: true, fail_msg: unsafe(`container ${c.container.name} (${c.container.id}) is gone or replaced since Rampart planned; nothing was changed`) },
      },
    ],
    changes: [
      {
        name: unsafe(`${fix.title}: docker restart ${c.container.name}`),
        'ansible.builtin.command': { argv: ['docker', 'restart', '--time', String(intOf(c.stopTimeoutS, 'stop timeout')), '--', c.container.id] },
      },
      {
        name: unsafe(`${fix.title}: wait until ${c.container.name} is healthy (or running without a healthcheck)`),
        'ansible.builtin.command': { argv: ['docker', 'inspect', '--type', 'container', '--format', unsafe('{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}'), '--', c.container.id] },
        register: wait,
        until: `${wait}.stdout in ['healthy', 'running']`,
        retries: polls,
        delay: 2,
        changed_when: false,
        when: 'not ansible_check_mode',
      },
    ],
  };
};

const notExportable =
  (reason: string): KindExporter =>
  () => {
    throw new NotExportable(reason);
  };

/** One exporter per fix kind: `file` (chmod/chown) or the kind of the plan a module made. */
export const EXPORTERS: Readonly<Record<string, KindExporter>> = {
  file: exportFile,
  'sshd-setting': exportSshd,
  restart: exportRestart,
  'apt-periodic': exportUpdates,
  ufw: exportFirewall,
  sudoers: notExportable(
    'the sudoers fix is not exported: the plan keeps no text of the sudoers line (its other commands may carry secrets), and narrowing it (NOPASSWD: ALL -> PASSWD: ALL, the other commands keeping their tags) needs that text. Apply it with Rampart (visudo -cf, lockout guard)',
  ),
  'compose-edit':
    notExportable(
      'a compose edit is not exported: the plan keeps only hashes and a redacted diff of the compose file (an edit may move a secret value into .env), so a playbook would have to carry the file or the secret. Apply it with Rampart',
    ),
};

export function fixKindOf(fix: PlannedFix): string {
  const c = fix.container as { kind?: unknown } | undefined;
  return c ? String(c.kind) : 'file';
}

/** The inventory name of a host: its name when that is a plain host name, else from its address. */
export function hostAlias(h: PlanHost): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(h.name)) return h.name;
  return `rampart-${h.address.replace(/[^A-Za-z0-9]+/g, '-')}-${h.port}`.slice(0, 63);
}

const DEAD_MAN_NOTE = [
  'sshd/firewall changes: Ansible has NO dead-man switch. Rampart arms a timer on the host that puts',
  "the old config back unless a new SSH connection proves access; that guard does not carry over to",
  'this playbook. Here each edit is validated (sshd -t) before it replaces the file and restored from',
  "the job's backup when a check fails, sshd is reloaded (never restarted), and a NEW connection",
  '(meta: reset_connection, then wait_for_connection) must log in afterwards, but nothing reverts',
  "by itself if it cannot: keep a console at hand. For a fleet, run with --forks 1 or add `serial: 1`",
  'to each play so one host is proven before the next; a poor-man\'s guard is a task with',
  '`async: 300` / `poll: 0` that sleeps and restores the backup, ended once access is proven.',
].join('\n');

function playFor(plan: Plan, exported: ExportedFix[], skipped: SkippedFix[]): YMap {
  const alias = hostAlias(plan.host);
  const checked = new Set<string>();
  let n = 0;
  const seq = (): number => n++;
  const prechecks: YMap[] = [];
  const changes: YMap[] = [];
  let reload: { pidFile: string } | null = null;
  let prove = false;
  plan.fixes.forEach((fix, fixIndex) => {
    const ref = { host: alias, findingId: fix.findingId, checkId: fix.checkId, fixId: fix.fixId, resource: fix.resource };
    const kind = fixKindOf(fix);
    const exporter = EXPORTERS[kind];
    try {
      if (!exporter) throw new NotExportable(`no Ansible export for fix kind "${kind}" yet; apply it with Rampart`);
      // Built on a copy of the checked paths: a skipped fix leaves no pre-check behind.
      const mine = new Set(checked);
      const t = exporter(fix, { plan, fixIndex, checked: mine, seq });
      for (const p of mine) checked.add(p);
      prechecks.push(...t.prechecks);
      changes.push(...t.changes.map((c, i) => (i === 0 && !c[COMMENT_KEY] ? { [COMMENT_KEY]: `Fix ${fixIndex + 1}: ${fix.checkId} ${fix.resource} [${fix.fixId}] risk ${fix.risk}`, ...c } : c)));
      if (t.reloadSshd) reload ??= t.reloadSshd;
      if (t.proveAccess) prove = true;
      exported.push(ref);
    } catch (e) {
      if (!(e instanceof NotExportable)) throw e;
      skipped.push({ ...ref, reason: e.message });
      changes.push({
        [COMMENT_KEY]: `Fix ${fixIndex + 1}: NOT EXPORTED (${fix.checkId} ${fix.resource}): ${e.message}`,
        name: unsafe(`SKIPPED ${fix.checkId} ${fix.resource}: not exported`),
        'ansible.builtin.debug': { msg: unsafe(`Rampart did not export this fix: ${e.message}`) },
      });
    }
  });
  const tasks: YNode[] = [...prechecks, ...changes];
  const handlers: YMap[] = [];
  if (reload || prove) {
    tasks.push(
      reload
        ? { [COMMENT_KEY]: DEAD_MAN_NOTE, name: 'Reload sshd now (the handler), before proving access', 'ansible.builtin.meta': 'flush_handlers' }
        : { [COMMENT_KEY]: DEAD_MAN_NOTE, name: 'Run any notified handlers before proving access', 'ansible.builtin.meta': 'flush_handlers' },
      { name: 'Close the SSH connection, so the next task must log in anew', 'ansible.builtin.meta': 'reset_connection' },
      { name: 'Prove access: a NEW SSH connection logs in after the change', 'ansible.builtin.wait_for_connection': { timeout: 30, sleep: 1 } },
    );
  }
  if (reload) {
    const pidFile = (reload as { pidFile: string }).pidFile;
    handlers.push(
      { name: 'rampart reload sshd (systemd)', listen: 'rampart reload sshd', 'ansible.builtin.systemd': { name: 'ssh', state: 'reloaded' }, when: "ansible_facts.service_mgr == 'systemd'" },
      {
        [COMMENT_KEY]: "Without systemd: SIGHUP to the pid in sshd's PidFile (sshd re-executes itself; sessions stay up).",
        name: 'rampart reload sshd (SIGHUP)',
        listen: 'rampart reload sshd',
        'ansible.builtin.shell': unsafe(reloadCommand(pidFile)),
        when: "ansible_facts.service_mgr != 'systemd'",
      },
    );
  }
  return {
    [COMMENT_KEY]: `Host ${plan.host.name} (${plan.host.username}@${plan.host.address}:${plan.host.port}), Rampart plan ${plan.jobId} of ${plan.createdAt}`,
    name: unsafe(`Rampart fix plan ${plan.jobId} for ${plan.host.name}`),
    hosts: alias,
    become: plan.host.username !== 'root',
    gather_facts: reload !== null,
    ...(reload ? { gather_subset: ['!all', '!min', 'service_mgr'] } : {}),
    tasks,
    ...(handlers.length ? { handlers } : {}),
  };
}

/** The playbook and inventory for these plans (one play per plan, in order). */
export function exportAnsible(plans: readonly Plan[], opts: AnsibleExportOptions = {}): AnsibleExport {
  if (!plans.length) throw new Error('no plan to export');
  const aliases = new Map<string, Plan>();
  for (const p of plans) {
    const a = hostAlias(p.host);
    const other = aliases.get(a);
    if (other && (other.host.address !== p.host.address || other.host.port !== p.host.port)) throw new Error(`two hosts would share the inventory name ${a}`);
    aliases.set(a, p);
  }
  const exported: ExportedFix[] = [];
  const skipped: SkippedFix[] = [];
  const plays = plans.map((p) => playFor(p, exported, skipped));
  const playbookName = opts.playbookName ?? 'rampart-fix.yml';
  const inventoryName = opts.inventoryName ?? 'rampart-fix.inventory.yml';
  const header = [
    `Rampart${opts.version ? ` ${opts.version}` : ''}: fix plan${plans.length > 1 ? 's' : ''} ${plans.map((p) => p.jobId).join(', ')} exported as an Ansible playbook (builtin modules only).`,
    `Run: ansible-playbook -i ${inventoryName} ${playbookName} --check --diff   (then without --check)`,
    'Every host is first checked to be exactly as Rampart saw it (modes, owners, sha256); a host that',
    'changed since fails there and nothing is changed on it. Re-audit with Rampart afterwards: the',
    "playbook checks its own edits, not the audit's findings.",
    'A failing task stops its host: the fixes before it stay applied (as rampart fix --on-failure stop),',
    'the failing file edit or firewall change is put back from its backup, and sshd is reloaded only when every task passed.',
    ...(skipped.length ? ['', `NOT EXPORTED (${skipped.length}): these fixes are not in the playbook; apply them with Rampart:`, ...skipped.map((s) => `- ${s.host} ${s.checkId} ${s.resource}: ${s.reason}`)] : []),
  ].join('\n');
  const hosts: YMap = {};
  for (const [alias, p] of aliases) {
    const c = opts.connection?.(p.host) ?? {};
    const sshArgs = [...(c.proxyJump ? [`-oProxyJump=${c.proxyJump}`] : []), ...(c.knownHostsFile ? [`-oUserKnownHostsFile=${c.knownHostsFile}`, '-oStrictHostKeyChecking=yes'] : [])];
    hosts[alias] = {
      ansible_host: unsafe(p.host.address),
      ansible_port: p.host.port,
      ansible_user: unsafe(p.host.username),
      ansible_python_interpreter: '/usr/bin/python3',
      ...(p.host.username !== 'root' ? { ansible_become_method: 'sudo' } : {}),
      ...(c.identityFile ? { ansible_ssh_private_key_file: unsafe(c.identityFile) } : {}),
      ...(sshArgs.length ? { ansible_ssh_common_args: unsafe(sshArgs.map(shellWord).join(' ')) } : {}),
    };
  }
  const inventory = emitYaml({ all: { children: { [INVENTORY_GROUP]: { hosts } } } }, `Rampart: inventory for ${playbookName} (ansible-playbook -i ${inventoryName} ${playbookName}). Merge into yours as needed.`);
  return { playbook: emitYaml(plays, header), inventory, exported, skipped };
}

/** Where the inventory of playbook FILE goes: its sibling fix.yml → fix.inventory.yml. */
export function ansibleInventoryPath(playbook: string): string {
  return `${playbook.replace(/\.ya?ml$/i, '')}.inventory.yml`;
}

/** ansible_ssh_common_args is split like a shell line: quote each word. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
