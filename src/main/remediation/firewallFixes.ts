// The firewall fix (issue 11): UFW on, default deny incoming, for the findings of
// NET-FIREWALL-INACTIVE and NET-FIREWALL-DEFAULT-INCOMING, under the lockout guard (guard.ts).
//
// Per finding, in this order (every step journaled before it reaches the host):
//   1. ufw-backup     capture ufw's files (/etc/ufw/*.rules, ufw.conf, /etc/default/ufw: compare-
//                     and-swap on the planned states) and copy them into the job's root-only folder;
//   2. deadman-arm    the dead-man switch: after N s it puts those files back byte-identical and
//                     runs `ufw disable` (ufw was off) or `ufw reload` (it was on), unless disarmed;
//   3. ufw-rules      (the files still as planned) `ufw allow proto tcp from <the session's source>
//                     to any port <the port sshd listens on and this session came in on>`, then
//                     `ufw default deny incoming`; existing rules are kept (ufw only adds);
//   4. ufw-enable     `ufw --force enable` (loads the rules; on an active ufw, a reload);
//   5. access-proof   a NEW SSH connection made as Rampart reached the host, and root through it;
//   6. deadman-disarm only after the proof.
// Then the engine's verify step re-runs the firewall checks, and this module checks that ufw
// lists the SSH rule. A failure rolls back: the files back and ufw disabled/reloaded through the
// current session, or by the timer when the session is gone.
//
// Which SSH rule. The port is the one this session arrived on (the server port of
// $SSH_CONNECTION), which must be one sshd -T lists: not an assumed 22. The source is the address
// the session arrives from: the admin's own address, the VPN peer address, or the bastion when a
// jump host is used (the target sees the bastion's address). Only that address, not "anywhere":
// the fix is meant to shrink what is reachable, and the path that just worked is the one that is
// proven to keep working. Rules that exist already (e.g. `allow OpenSSH`) are kept, so an admin who
// also comes in from elsewhere keeps that rule; an admin whose own address changes (a dynamic home
// address without a VPN) should add a wider rule first: the preview shows the exact rule.
import { isIP } from 'node:net';
import type { HostFacts } from '../audit/facts';
import { list } from '../audit/parsers/sshd';
import { shJoin, shQuote } from '../ssh/quote';
import { DEFAULT_DEADMAN_SECONDS } from './deadman';
import type { StepRow } from './journal';
import type { HostRunner } from './composeFixes';
import { moduleFix, casAllLines, describeFile, guardRestoreLines, guardSteps, oneLine, readFiles, restoreFileLine, resumeGuardVerdict, runCommandStep, runGuardStep, undoGuarded, type GuardedChange, type GuardLeftover, type GuardRecipe, type GuardStepContext, type GuardStepOutcome, type GuardUndoContext } from './guard';
import { FixNotApplicable, type FileState, type FindingRef, type FixDef, type PlannedFile, type StepDef } from './types';
import type { AccessPlanContext } from './accessFixes';

const q = shQuote;

export const FIREWALL_CHECKS = ['NET-FIREWALL-INACTIVE', 'NET-FIREWALL-DEFAULT-INCOMING'] as const;

export function isFirewallCheck(checkId: string): boolean {
  return (FIREWALL_CHECKS as readonly string[]).includes(checkId);
}

/** The files ufw's commands write (and the rest of its top-level config, for a complete snapshot). */
export const UFW_FILES = [
  '/etc/ufw/ufw.conf',
  '/etc/ufw/user.rules',
  '/etc/ufw/user6.rules',
  '/etc/ufw/before.rules',
  '/etc/ufw/before6.rules',
  '/etc/ufw/after.rules',
  '/etc/ufw/after6.rules',
  '/etc/default/ufw',
] as const;

export const FIREWALL_FIX: FixDef = moduleFix({
  id: 'ufw-enable-default-deny',
  checkIds: [...FIREWALL_CHECKS],
  title: 'Turn on the firewall (ufw) with default deny incoming, SSH allowed from your path',
  changes: `ufw allow of the port sshd listens on from the address this session comes from (existing rules kept), ufw default deny incoming, ufw --force enable; a new SSH connection must log in before the dead-man switch (default ${DEFAULT_DEADMAN_SECONDS} s) is disarmed, else the files are put back and ufw disabled/reloaded`,
  risk: 'high',
  planSections: ['sshd'],
});

export interface FirewallPlan {
  kind: 'ufw';
  checkId: string;
  jobId: string;
  backupDir: string;
  /** ufw's files, backed up and restored byte-identical. */
  files: PlannedFile[];
  /** ufw was active before (the revert is `ufw reload`, else `ufw disable`). */
  wasActive: boolean;
  /**
   * iptables had ufw's chains before (a host where ufw ran once). When it had none (ufw never
   * started since boot), the revert also removes the chains `ufw disable` leaves behind (empty,
   * jumped to from INPUT/OUTPUT/FORWARD), so the netfilter state is as before too.
   */
  chainsBefore: boolean;
  defaultIncomingBefore: string | null;
  /** The SSH rule: this session's source address and the port it came in on. */
  allow: { from: string; port: number };
  /** The ports sshd -T lists. */
  sshdPorts: number[];
  /** $SSH_CONNECTION of the session that planned the change, as read on the host. */
  session: SshConnectionInfo;
  deadmanSeconds: number;
  needsRoot: boolean;
}

// ---------------------------------------------------------------------------------------------
// The session's path (pure parts)

export interface SshConnectionInfo {
  clientAddress: string;
  clientPort: number;
  serverAddress: string;
  serverPort: number;
}

/**
 * Prints "SSH_CONNECTION <value>" of the session running it: sudo resets the environment, so it
 * walks up from this shell (sudo, the login shell, sshd's session) to the first process that has
 * the variable. "NONE" when no ancestor has it.
 */
export const SESSION_COMMAND = [
  'p=$$',
  'while [ -n "$p" ] && [ "$p" -gt 1 ] 2>/dev/null; do',
  `  v=$(tr '\\0' '\\n' < "/proc/$p/environ" 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p' | head -n 1)`,
  `  if [ -n "$v" ]; then printf 'SSH_CONNECTION %s\\n' "$v"; exit 0; fi`,
  `  p=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f2)`,
  'done',
  'echo NONE',
].join('\n');

/** `SSH_CONNECTION client_ip client_port server_ip server_port`, each field checked; null otherwise. */
export function parseSshConnection(stdout: string): SshConnectionInfo | null {
  const m = /^SSH_CONNECTION (\S+) (\d{1,5}) (\S+) (\d{1,5})\s*$/m.exec(stdout);
  if (!m) return null;
  const addr = (a: string): string | null => {
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
    const x = v4 ? v4[1]! : a.replace(/%.*$/, '');
    return isIP(x) ? x : null;
  };
  const client = addr(m[1]!);
  const server = addr(m[3]!);
  const cp = Number(m[2]);
  const sp = Number(m[4]);
  if (!client || !server || cp < 1 || cp > 65535 || sp < 1 || sp > 65535) return null;
  return { clientAddress: client, clientPort: cp, serverAddress: server, serverPort: sp };
}

/** The ufw rule that keeps this SSH path open (argv; the comment names the job). */
export function ufwAllowArgv(from: string, port: number, jobId: string): string[] {
  if (!isIP(from)) throw new Error(`not an IP address: ${JSON.stringify(from)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`not a port: ${port}`);
  return ['ufw', 'allow', 'proto', 'tcp', 'from', from, 'to', 'any', 'port', String(port), 'comment', `rampart: admin SSH path (job ${jobId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 8)})`];
}

/** Does `ufw status` list an ALLOW rule for port/tcp from this address? */
export function ufwStatusAllows(statusText: string, from: string, port: number): boolean {
  return statusText.split('\n').some((l) => {
    const cols = l.trim().split(/\s{2,}/);
    if (cols.length < 3) return false;
    return (cols[0] === `${port}/tcp` || cols[0] === `${port}`) && /^(ALLOW|LIMIT)( IN)?$/.test(cols[1]!) && cols[2]!.replace(/\s+#.*$/, '') === from;
  });
}

// ---------------------------------------------------------------------------------------------
// The guard

export function firewallGuard(p: FirewallPlan): GuardedChange {
  return { jobId: p.jobId, backupDir: p.backupDir, deadmanSeconds: p.deadmanSeconds, needsRoot: p.needsRoot, files: p.files };
}

/** Removes ufw's own chains (only the ufw- and ufw6- ones of the filter table, and only the plain jumps to them). */
export const REMOVE_UFW_CHAINS = [
  'for ipt in iptables ip6tables; do',
  '  command -v "$ipt" >/dev/null 2>&1 || continue',
  `  "$ipt" -w -S | grep -E '^-A (INPUT|OUTPUT|FORWARD) -j ufw6?-[a-z-]+$' | while read -r _a ch _j target; do "$ipt" -w -D "$ch" -j "$target"; done`,
  `  chains=$("$ipt" -w -S | sed -n 's/^-N \\(ufw6\\{0,1\\}-[a-z-]*\\)$/\\1/p')`,
  '  for ch in $chains; do "$ipt" -w -F "$ch"; done',
  '  for ch in $chains; do "$ipt" -w -X "$ch"; done',
  'done',
].join('\n');

/** After the files are back: ufw off again (it was off), or reloaded from them (it was on). */
export function revertCommand(p: Pick<FirewallPlan, 'wasActive' | 'files' | 'chainsBefore'>): string {
  if (p.wasActive) return 'ufw reload >/dev/null || exit 4';
  // `ufw disable` rewrites ENABLED=no into ufw.conf: put the file back byte-identical after it.
  const conf = p.files.find((f) => f.path === '/etc/ufw/ufw.conf');
  const line = conf ? restoreFileLine(conf) : null;
  return [
    'ufw disable >/dev/null || exit 4',
    ...(conf && line ? [`cmp -s -- ${q(conf.backup ?? '/dev/null')} ${q(conf.path)} || { ${line}; }`] : []),
    ...(p.chainsBefore ? [] : [REMOVE_UFW_CHAINS]),
  ].join('\n');
}

export function firewallRecipe(p: FirewallPlan): GuardRecipe {
  return { subject: 'the firewall (ufw)', backup: 'ufw-backup', write: 'ufw-rules', reload: 'ufw-enable', revert: revertCommand(p), revertAfterWrite: true, postKnown: false };
}

export function rulesCommand(p: FirewallPlan): string {
  return [...casAllLines(p.files), `${shJoin(ufwAllowArgv(p.allow.from, p.allow.port, p.jobId))} || exit 4`, "ufw default deny incoming || exit 4", "echo OK"].join('\n');
}

export const ENABLE_COMMAND = 'ufw --force enable';

export function firewallSteps(p: FirewallPlan, fixIndex: number, firstSeq: number): StepDef[] {
  return guardSteps(firewallGuard(p), firewallRecipe(p), fixIndex, firstSeq, [
    { kind: 'ufw-rules', name: `allow tcp port ${p.allow.port} from ${p.allow.from}, default deny incoming`, target: null, command: rulesCommand(p) },
    { kind: 'ufw-enable', name: 'ufw enable', target: null, command: ENABLE_COMMAND },
  ]);
}

export function firewallPreviewTargets(p: FirewallPlan): Array<{ path: string; from: string; to: string; reason: string }> {
  return [
    {
      path: 'firewall:ufw',
      from: `${p.wasActive ? 'active' : 'inactive'}, default incoming ${p.defaultIncomingBefore ?? 'unknown'}`,
      to: `active, default incoming deny, tcp port ${p.allow.port} allowed from ${p.allow.from}`,
      reason: `SSH stays open on the port this session came in on (${p.session.serverPort}; sshd -T: ${p.sshdPorts.join(', ')}) from the address it comes from (${p.session.clientAddress}); existing rules kept; a new SSH connection must log in within the ${p.deadmanSeconds} s dead-man window`,
    },
  ];
}

/** What the preview and report show as the change (ufw writes the files itself: this is its effect). */
export function firewallDiff(p: FirewallPlan): string {
  return [
    '--- ufw (before)',
    '+++ ufw (after)',
    `-Status: ${p.wasActive ? 'active' : 'inactive'}`,
    '+Status: active',
    `-Default: ${p.defaultIncomingBefore ?? 'unknown'} (incoming)`,
    '+Default: deny (incoming)',
    `+${p.allow.port}/tcp ALLOW IN ${p.allow.from}  # rampart: admin SSH path`,
    '',
  ].join('\n');
}

export function firewallRestoreLines(p: FirewallPlan): string[] {
  return guardRestoreLines(firewallGuard(p), firewallRecipe(p));
}

// ---------------------------------------------------------------------------------------------
// Planning

function ok<K extends 'ufw' | 'sshd'>(facts: Partial<HostFacts>, k: K): Extract<HostFacts[K], { ok: true }>['value'] {
  const s = facts[k];
  if (!s) throw new FixNotApplicable(`the ${k} facts were not collected`);
  if (!s.ok) throw new FixNotApplicable(`the ${k} facts are missing: ${s.message}`);
  return (s as { value: Extract<HostFacts[K], { ok: true }>['value'] }).value;
}

export async function planFirewallFix(finding: FindingRef, facts: Partial<HostFacts>, ctx: AccessPlanContext, fixIndex: number): Promise<FirewallPlan> {
  const access = ctx.access;
  if (!access?.proveAccess) throw new FixNotApplicable('a firewall change needs the lockout guard, and this run has no way to open a new connection to prove access');
  const ufw = ok(facts, 'ufw');
  // iptables-save prints no filter table where nothing ever used it: no ufw chains either.
  const ipt = facts.netfilter?.ok ? facts.netfilter.value.iptables : null;
  if (!ufw.installed) throw new FixNotApplicable('ufw is not installed: install it first (apt-get install ufw); this fix configures ufw, it installs no package');
  if (ufw.note && /command is missing/.test(ufw.note)) throw new FixNotApplicable(`ufw cannot run here: ${ufw.note}`);
  const sshd = ok(facts, 'sshd');
  const ports = list(sshd.config, 'port')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  if (!ports.length) throw new FixNotApplicable('sshd -T lists no port');
  if (UFW_FILES.some((f) => ctx.pending.has(f) || ctx.chmodPaths.has(f))) throw new FixNotApplicable('another fix of this plan already changes the firewall (one ufw change does both: on, and default deny)');

  const s = await ctx.run(SESSION_COMMAND, { readOnly: true });
  const session = parseSshConnection(s.stdout);
  if (!session) throw new FixNotApplicable(`cannot tell where this session comes from ($SSH_CONNECTION not found: ${oneLine(s.stdout) || `exit ${s.code}`}): Rampart will not turn on a firewall without allowing its own path`);
  if (!ports.includes(session.serverPort))
    throw new FixNotApplicable(`this session came in on port ${session.serverPort}, which sshd -T does not list (${ports.join(', ')}): a NAT or proxy sits in between; allow SSH by hand`);
  if (isIP(session.clientAddress) === 6 && ufw.ipv6 === false) throw new FixNotApplicable(`this session comes from the IPv6 address ${session.clientAddress}, and ufw has IPV6=no: a rule for it would not load`);

  const read = await readFiles(ctx, UFW_FILES);
  const files: PlannedFile[] = [];
  for (const [i, path] of UFW_FILES.entries()) {
    const st: FileState = read[i]!.state;
    if (st.kind === 'symlink' || (st.kind === 'present' && st.type !== 'f')) throw new FixNotApplicable(`${JSON.stringify(path)} is ${describeFile(st)}; Rampart does not follow or replace it`);
    if (st.kind === 'present' && st.sha256 === '?') throw new FixNotApplicable(`${JSON.stringify(path)} could not be read`);
    const name = path.replace(/^.*\//, '');
    files.push({
      path,
      role: 'ufw',
      pre: st,
      // ufw writes these itself: the post content is not known at plan time (the guard restores the backups).
      post: st.kind === 'present' ? { sha256: st.sha256, mode: st.mode, uid: st.uid, gid: st.gid } : { sha256: '', mode: 0o640, uid: 0, gid: 0 },
      backup: st.kind === 'present' ? `${ctx.backupDir}/ufw-${fixIndex}-${path.startsWith('/etc/default/') ? 'default-' : ''}${name}` : null,
      temp: `${path.replace(/\/[^/]*$/, '')}/.rampart-${ctx.jobId.slice(0, 8)}-${fixIndex}-${name}.tmp`,
    });
  }
  if (!files.some((f) => f.path === '/etc/ufw/ufw.conf' && f.pre.kind === 'present')) throw new FixNotApplicable('/etc/ufw/ufw.conf is missing: ufw is not set up on this host');
  for (const f of files) ctx.pending.set(f.path, { text: '', state: f.pre });

  return {
    kind: 'ufw',
    checkId: finding.checkId,
    jobId: ctx.jobId,
    backupDir: ctx.backupDir,
    files,
    wasActive: ufw.active,
    // Unknown (no iptables facts): assume they were there, so nothing of someone else's is removed.
    chainsBefore: ipt ? Object.keys(ipt.tables.filter ?? {}).some((c) => /^ufw6?-/.test(c)) : true,
    defaultIncomingBefore: ufw.defaults.incoming,
    allow: { from: session.clientAddress, port: access.faultFirewallPort ?? session.serverPort },
    sshdPorts: ports,
    session,
    deadmanSeconds: Math.max(1, Math.floor(access.deadmanSeconds ?? DEFAULT_DEADMAN_SECONDS)),
    needsRoot: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Running, verifying, undoing

export async function runFirewallStep(step: StepRow, p: FirewallPlan, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  const guard = await runGuardStep(step, firewallGuard(p), firewallRecipe(p), ctx);
  if (guard) return guard;
  switch (step.kind) {
    case 'ufw-rules':
      return runCommandStep(step.command, ctx, {
        progress: `Allowing SSH (tcp port ${p.allow.port} from ${p.allow.from}) and setting default deny incoming`,
        done: `ufw allow tcp port ${p.allow.port} from ${p.allow.from}; default incoming deny`,
        failed: 'ufw refused the rule or the default',
        readOnly: false,
      });
    case 'ufw-enable':
      return runCommandStep(step.command, ctx, { progress: 'Enabling ufw (the rules load now)', done: 'ufw active', failed: 'ufw enable failed', readOnly: false });
    default:
      throw new Error(`not a firewall step: ${step.kind}`);
  }
}

/** ufw is active and lists the SSH rule (the checks re-run after this say whether the findings are gone). */
export async function verifyFirewallFix(p: FirewallPlan, h: HostRunner): Promise<string | null> {
  const r = await h.run('ufw status', { readOnly: true });
  if (r.code !== 0) return `ufw status failed (exit ${r.code}): ${oneLine(r.stderr || r.stdout)}`;
  if (!/^Status: active/m.test(r.stdout)) return `ufw is not active: ${oneLine(r.stdout)}`;
  if (!ufwStatusAllows(r.stdout, p.allow.from, p.allow.port)) return `ufw status does not list the SSH rule (tcp port ${p.allow.port} from ${p.allow.from})`;
  return null;
}

export function resumeFirewallVerdict(step: StepRow, p: FirewallPlan): { kind: 'pending' } | { kind: 'rollback'; why: string } {
  return resumeGuardVerdict(step, firewallRecipe(p));
}

export function undoFirewallFix(fixIndex: number, p: FirewallPlan, steps: readonly StepRow[], ctx: GuardUndoContext): Promise<GuardLeftover[]> {
  return undoGuarded(fixIndex, firewallGuard(p), firewallRecipe(p), steps, ctx);
}

export function firewallFixPaths(p: FirewallPlan): string[] {
  return p.files.map((f) => f.path);
}
