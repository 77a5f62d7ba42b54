// The Ansible export (pure): YAML quoting of hostile names (quotes, newlines, Jinja, YAML syntax,
// line separators), read back by the `yaml` package and by Ansible's own loader (PyYAML: every
// remote string arrives as AnsibleUnsafeText, never templated); the per-kind table (file chmod,
// sshd edit as lineinfile/copy with validate + reload handler, restart), and fixes that are not
// exported (compose edits, unknown kinds) skipped with their reason, never silently.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse, type ScalarTag } from 'yaml';
import { setSshdOptions, type SshdSettingPlan } from './accessFixes';
import type { FirewallPlan } from './firewallFixes';
import { PERIODIC_SETTINGS, setAptPeriodic, type UpdatesPlan } from './updatesFixes';
import { exportAnsible, hostAlias, lineEditsOf, pyRegexEscape } from './ansible';
import { emitYaml, unsafe, yamlString } from './ansibleYaml';
import { unifiedDiff } from './diff';
import type { Plan, PlannedFix, PresentState } from './types';

const HOSTILE = [
  `-rf 'q"$(touch PWNED) \n x.env`,
  '{{ lookup("pipe", "touch /tmp/PWNED") }}',
  '{% raw %}x{% endraw %}',
  'a: b # c',
  '- item',
  '!unsafe "x"',
  'tab\there\r\nCRLF',
  'line\u2028sep\u2029para\u0085nel',
  'del\u007f c1\u009b bom\ufeff',
  '\\ backslash \\n not a newline',
  'emoji 🔑 é',
  '',
  ' leading and trailing ',
  'null',
  'yes',
  '0644',
];

// Debian's python3, the one ansible-core is installed for.
const PYTHON = '/usr/bin/python3';

const unsafeTag: ScalarTag = { tag: '!unsafe', resolve: (s: string) => ({ unsafe: s }) as unknown as string };
const load = (text: string): unknown => parse(text, { customTags: [unsafeTag] });

/** Ansible's own YAML loader: unsafe strings come back as {"$unsafe": …}. */
function ansibleLoad(text: string): unknown {
  const py = [
    'import json, sys',
    'from ansible.parsing.yaml.loader import AnsibleLoader',
    'from ansible.utils.unsafe_proxy import AnsibleUnsafe',
    'def conv(x):',
    '    if isinstance(x, AnsibleUnsafe): return {"$unsafe": str(x)}',
    '    if isinstance(x, dict): return {str(k): conv(v) for k, v in x.items()}',
    '    if isinstance(x, list): return [conv(v) for v in x]',
    '    return x',
    'print(json.dumps(conv(AnsibleLoader(sys.stdin.read()).get_single_data())))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', py], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`Ansible's loader failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const present = (mode: number, uid = 0, gid = 0, sha256 = 'a'.repeat(64), type: 'f' | 'd' = 'f'): PresentState => ({ kind: 'present', type, mode, uid, gid, sha256 });

function basePlan(fixes: PlannedFix[], host: Partial<Plan['host']> = {}): Plan {
  return {
    jobId: '2f1c1d0e-7a40-4a8b-9f55-3f6f1b3c9a01',
    host: { hostId: null, name: 'web-1', address: '10.213.0.9', port: 22, username: 'root', ...host },
    createdAt: '2026-12-06T06:00:00.000Z',
    backupDir: '/var/lib/rampart/backups/2f1c1d0e-7a40-4a8b-9f55-3f6f1b3c9a01',
    fixes,
    findingsBefore: [],
  };
}

function fileFix(path: string, pre: PresentState, post: { mode: number; uid: number; gid: number }): PlannedFix {
  return {
    fixId: 'secret-file-private',
    checkId: 'SECRET-FILE-READABLE',
    findingId: 'f'.repeat(32),
    resource: `file:${path}`,
    severity: 'high',
    title: 'Make the secret file private to its owner',
    risk: 'low',
    targets: [{ path, pre, post, reason: 'chmod 0600: only the owner may read or write a secret' }],
    recheck: { checks: ['SECRET-FILE-READABLE'], sections: ['secretFiles'] },
  };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function sshdFix(before: string | null, settings: Array<[string, string]>, path = '/etc/ssh/sshd_config'): PlannedFix {
  const where = before === null ? 'drop-in' : 'main';
  const after = setSshdOptions(before ?? '', settings, before === null);
  const plan: SshdSettingPlan = {
    kind: 'sshd-setting',
    checkId: 'SSH-X11-FORWARDING',
    jobId: 'j',
    backupDir: '/var/lib/rampart/backups/j',
    settings,
    previous: 'yes',
    where,
    mainConfig: '/etc/ssh/sshd_config',
    file: {
      path,
      role: 'sshd',
      pre: before === null ? { kind: 'absent' } : present(0o644, 0, 0, sha(before)),
      post: { sha256: sha(after), mode: 0o644, uid: 0, gid: 0 },
      backup: before === null ? null : '/var/lib/rampart/backups/j/sshd-0.orig',
      temp: '/etc/ssh/.rampart-j-0.tmp',
    },
    diff: unifiedDiff(before ?? '', after, path),
    pidFile: '/run/sshd.pid',
    deadmanSeconds: 120,
    needsRoot: true,
  };
  return { ...fileFix(path, present(0o644), { mode: 0o644, uid: 0, gid: 0 }), fixId: 'sshd-x11-forwarding', checkId: 'SSH-X11-FORWARDING', resource: 'sshd:/etc/ssh/sshd_config:X11Forwarding', risk: 'high', targets: [], container: plan };
}

interface Task {
  name?: unknown;
  block?: Task[];
  rescue?: Task[];
  [module: string]: unknown;
}
interface Play {
  hosts: string;
  tasks: Task[];
  handlers?: Task[];
  become: boolean;
}

describe('yamlString / emitYaml', () => {
  it('writes every hostile string so that YAML and Ansible read back exactly it, tagged unsafe', () => {
    const doc = emitYaml([{ name: 'x', plain: HOSTILE, tagged: HOSTILE.map(unsafe) }]);
    // Every line starts a key, a list item, a comment or the document marker: nothing broke out.
    for (const l of doc.split('\n').filter(Boolean)) expect(l).toMatch(/^(---|\s*#|\s*- |\s*[a-z_]+:)/);
    expect(doc).not.toMatch(/[\r\u2028\u2029\u0085\u007f\u009b\ufeff]/);
    const back = load(doc) as Array<{ plain: string[]; tagged: Array<{ unsafe: string }> }>;
    expect(back[0]!.plain).toEqual(HOSTILE);
    expect(back[0]!.tagged.map((t) => t.unsafe)).toEqual(HOSTILE);
    const viaAnsible = ansibleLoad(doc) as Array<{ plain: string[]; tagged: Array<{ $unsafe: string }> }>;
    expect(viaAnsible[0]!.plain).toEqual(HOSTILE);
    expect(viaAnsible[0]!.tagged).toEqual(HOSTILE.map((h) => ({ $unsafe: h })));
  });

  it('refuses what cannot be written (a lone surrogate, a key that is not plain), and comments cannot break out', () => {
    expect(() => yamlString('x\ud800y')).toThrow(/lone UTF-16 surrogate/);
    expect(load(emitYaml({ 'a: b': 1, yes: 2, '0644': 3, 'web-1': 4 }))).toEqual({ 'a: b': 1, yes: 2, '0644': 3, 'web-1': 4 });
    const doc = emitYaml([{ $comment: 'first\rinjected: true\u2028- also', a: 1 }]);
    expect(load(doc)).toEqual([{ a: 1 }]);
    expect(doc).toContain('# first\\u000dinjected: true\\u2028- also');
  });
});

describe('exportAnsible', () => {
  const HOST_PATH = `/srv/app/${HOSTILE[0]}{{ x }}`;

  it('file fix: pre-check (stat + assert of type, mode, owner, sha256) before the chmod/chown, every path unsafe', () => {
    const fix = fileFix(HOST_PATH, present(0o664, 1234, 1234, 'b'.repeat(64)), { mode: 0o600, uid: 0, gid: 1234 });
    const dir = fileFix('/srv/backups', present(0o755, 0, 0, '-', 'd'), { mode: 0o700, uid: 0, gid: 0 });
    const out = exportAnsible([basePlan([fix, dir])]);
    expect(out.skipped).toEqual([]);
    expect(out.exported.map((e) => e.checkId)).toEqual(['SECRET-FILE-READABLE', 'SECRET-FILE-READABLE']);
    // No Jinja outside unsafe scalars: every `{{`/`{%` in the text sits in a !unsafe string.
    for (const l of out.playbook.split('\n')) if (/\{\{|\{%/.test(l)) expect(l).toMatch(/!unsafe "|^\s*#/);
    const [play] = ansibleLoad(out.playbook) as Play[];
    expect(play!.hosts).toBe('web-1');
    expect(play!.become).toBe(false);
    const t = play!.tasks;
    // Both pre-checks come before the first change.
    expect(t.map((x) => Object.keys(x).find((k) => k.startsWith('ansible.builtin.')))).toEqual([
      'ansible.builtin.stat',
      'ansible.builtin.assert',
      'ansible.builtin.stat',
      'ansible.builtin.assert',
      'ansible.builtin.file',
      'ansible.builtin.file',
    ]);
    expect(t[0]!['ansible.builtin.stat']).toMatchObject({ path: { $unsafe: HOST_PATH }, follow: false, get_checksum: true, checksum_algorithm: 'sha256' });
    expect((t[1]!['ansible.builtin.assert'] as { that: string[] }).that).toEqual([
      'rampart_pre_0.stat.exists',
      'not rampart_pre_0.stat.islnk',
      'rampart_pre_0.stat.isreg',
      "rampart_pre_0.stat.mode == '0664'",
      'rampart_pre_0.stat.uid == 1234',
      'rampart_pre_0.stat.gid == 1234',
      `rampart_pre_0.stat.checksum == '${'b'.repeat(64)}'`,
    ]);
    expect((t[3]!['ansible.builtin.assert'] as { that: string[] }).that).toContain('rampart_pre_1.stat.isdir');
    expect((t[3]!['ansible.builtin.assert'] as { that: string[] }).that.join(' ')).not.toContain('checksum');
    expect(t[4]!['ansible.builtin.file']).toEqual({ path: { $unsafe: HOST_PATH }, state: 'file', follow: false, mode: '0600', owner: '0' });
    expect(t[5]!['ansible.builtin.file']).toEqual({ path: { $unsafe: '/srv/backups' }, state: 'directory', follow: false, mode: '0700' });
    // The inventory: the host under rampart_fix, values unsafe, become for a non-root login.
    const sudo = exportAnsible([basePlan([fix], { username: 'ops', name: 'bad name{{x}}' })], { connection: () => ({ identityFile: '/keys/id ed25519', proxyJump: 'jump@10.0.0.1:2222' }) });
    const inv = ansibleLoad(sudo.inventory) as { all: { children: { rampart_fix: { hosts: Record<string, Record<string, unknown>> } } } };
    const alias = hostAlias({ hostId: null, name: 'bad name{{x}}', address: '10.213.0.9', port: 22, username: 'ops' });
    expect(alias).toBe('rampart-10-213-0-9-22');
    expect(inv.all.children.rampart_fix.hosts[alias]).toEqual({
      ansible_host: { $unsafe: '10.213.0.9' },
      ansible_port: 22,
      ansible_user: { $unsafe: 'ops' },
      ansible_python_interpreter: '/usr/bin/python3',
      ansible_become_method: 'sudo',
      ansible_ssh_private_key_file: { $unsafe: '/keys/id ed25519' },
      ansible_ssh_common_args: { $unsafe: '-oProxyJump=jump@10.0.0.1:2222' },
    });
    expect((ansibleLoad(sudo.playbook) as Play[])[0]!.become).toBe(true);
  });

  it('sshd edit of the main config: backup, lineinfile with validate per changed line, planned sha256 checked, sshd -t, restore in rescue, reload handler, new-connection proof', () => {
    const main = '# comment\nPort 22\nX11Forwarding yes\n\nMatch User x\n  X11Forwarding yes\n';
    const fix = sshdFix(main, [
      ['X11Forwarding', 'no'],
      ['MaxAuthTries', '4'],
    ]);
    const out = exportAnsible([basePlan([fix])]);
    expect(out.skipped).toEqual([]);
    const [play] = ansibleLoad(out.playbook) as Play[];
    const block = play!.tasks.find((t) => t.block)!;
    const li = block.block!.filter((t) => t['ansible.builtin.lineinfile']).map((t) => t['ansible.builtin.lineinfile']);
    expect(li).toEqual([
      { path: { $unsafe: '/etc/ssh/sshd_config' }, line: { $unsafe: 'MaxAuthTries 4' }, firstmatch: true, validate: { $unsafe: '/usr/sbin/sshd -t -f %s' }, insertbefore: { $unsafe: '^Port\\ 22$' } },
      { path: { $unsafe: '/etc/ssh/sshd_config' }, line: { $unsafe: 'X11Forwarding no' }, firstmatch: true, validate: { $unsafe: '/usr/sbin/sshd -t -f %s' }, regexp: { $unsafe: '^X11Forwarding\\ yes$' } },
    ]);
    expect(block.block!.find((t) => t['ansible.builtin.copy'])!['ansible.builtin.copy']).toMatchObject({ src: { $unsafe: '/etc/ssh/sshd_config' }, dest: { $unsafe: '/var/lib/rampart/backups/j/sshd-0.orig' }, remote_src: true });
    const post = block.block!.find((t) => t['ansible.builtin.assert'])!['ansible.builtin.assert'] as { that: string[] };
    expect(post.that[0]).toContain(fix.container!.kind === 'sshd-setting' ? (fix.container as SshdSettingPlan).file.post.sha256 : 'x');
    expect(block.block!.find((t) => t['ansible.builtin.command'])!['ansible.builtin.command']).toEqual({ argv: ['/usr/sbin/sshd', '-t', '-f', { $unsafe: '/etc/ssh/sshd_config' }] });
    expect(block.rescue!.map((t) => Object.keys(t).find((k) => k.startsWith('ansible.builtin.')))).toEqual(['ansible.builtin.copy', 'ansible.builtin.fail']);
    expect(play!.handlers!.map((h) => Object.keys(h).find((k) => k.startsWith('ansible.builtin.')))).toEqual(['ansible.builtin.systemd', 'ansible.builtin.shell']);
    const tail = play!.tasks.slice(-3).map((t) => t['ansible.builtin.meta'] ?? Object.keys(t).find((k) => k.startsWith('ansible.builtin.')));
    expect(tail).toEqual(['flush_handlers', 'reset_connection', 'ansible.builtin.wait_for_connection']);
    expect(out.playbook).toMatch(/# sshd\/firewall changes: Ansible has NO dead-man switch/);
    expect(out.playbook).toMatch(/serial: 1/);
  });

  it('sshd drop-in that does not exist yet: copy of the whole planned content with validate; rescue removes it', () => {
    const fix = sshdFix(null, [['X11Forwarding', 'no']], '/etc/ssh/sshd_config.d/00-rampart.conf');
    const [play] = ansibleLoad(exportAnsible([basePlan([fix])]).playbook) as Play[];
    const pre = play!.tasks.find((t) => t['ansible.builtin.assert'])!['ansible.builtin.assert'] as { that: string[] };
    expect(pre.that).toEqual(['not rampart_pre_0.stat.exists']);
    const block = play!.tasks.find((t) => t.block)!;
    const copy = block.block![0]!['ansible.builtin.copy'] as { content: { $unsafe: string }; validate: unknown; mode: string };
    expect(copy.content.$unsafe).toBe(setSshdOptions('', [['X11Forwarding', 'no']], true));
    expect(copy.validate).toEqual({ $unsafe: '/usr/sbin/sshd -t -f %s' });
    expect(copy.mode).toBe('0644');
    expect(block.rescue![0]!['ansible.builtin.file']).toEqual({ path: { $unsafe: '/etc/ssh/sshd_config.d/00-rampart.conf' }, state: 'absent' });
  });

  it('compose edits and unknown kinds are skipped with their reason (result, header, debug task), the rest exported', () => {
    const chmod = fileFix('/srv/.env', present(0o644), { mode: 0o600, uid: 0, gid: 0 });
    const compose = { ...chmod, fixId: 'compose-secret-to-env', checkId: 'SECRETS-COMPOSE-LITERAL', resource: 'compose:/srv/app:web:API_KEY', targets: [], container: { kind: 'compose-edit' } as unknown as PlannedFix['container'] };
    const future = { ...chmod, fixId: 'ufw-enable', checkId: 'FW-UFW-INACTIVE', resource: 'ufw', targets: [], container: { kind: 'firewall-ufw' } as unknown as PlannedFix['container'] };
    const out = exportAnsible([basePlan([compose, chmod, future])]);
    expect(out.exported.map((e) => e.fixId)).toEqual(['secret-file-private']);
    expect(out.skipped.map((s) => [s.fixId, s.reason])).toEqual([
      ['compose-secret-to-env', expect.stringMatching(/compose edit is not exported.*secret/)],
      ['ufw-enable', 'no Ansible export for fix kind "firewall-ufw" yet; apply it with Rampart'],
    ]);
    expect(out.playbook).toMatch(/# NOT EXPORTED \(2\)/);
    const [play] = ansibleLoad(out.playbook) as Play[];
    const debugs = play!.tasks.filter((t) => t['ansible.builtin.debug']).map((t) => (t['ansible.builtin.debug'] as { msg: { $unsafe: string } }).msg.$unsafe);
    expect(debugs).toEqual([expect.stringMatching(/^Rampart did not export this fix: a compose edit/), expect.stringMatching(/fix kind "firewall-ufw"/)]);
    // Only the exported fix has a pre-check.
    expect(play!.tasks.filter((t) => t['ansible.builtin.stat'])).toHaveLength(1);
  });

  it('a restart: docker inspect pre-check and health wait with the Go templates unsafe', () => {
    const id = 'c'.repeat(64);
    const fix = {
      ...fileFix('/x', present(0o644), { mode: 0o644, uid: 0, gid: 0 }),
      fixId: 'container-restart',
      targets: [],
      container: { kind: 'restart', checkId: 'DOCKER-UNHEALTHY', container: { id, name: 'web', configHash: null, running: true, health: 'unhealthy' }, previous: 'running', wait: { timeoutMs: 60_000, stableForMs: 10_000 }, stopTimeoutS: 10 },
    } as PlannedFix;
    const out = exportAnsible([basePlan([fix])]);
    expect(out.playbook).toContain('!unsafe "{{.Id}}"');
    const [play] = ansibleLoad(out.playbook) as Play[];
    expect(play!.tasks.map((t) => (t['ansible.builtin.command'] as { argv?: unknown[] } | undefined)?.argv?.[1] ?? Object.keys(t).find((k) => k.startsWith('ansible.')))).toEqual(['inspect', 'ansible.builtin.assert', 'restart', 'inspect']);
  });
});

describe('exportAnsible: the guarded kinds of issue 11', () => {
  const base = (): PlannedFix => fileFix('/x', present(0o644), { mode: 0o644, uid: 0, gid: 0 });

  it('automatic updates: a missing 20auto-upgrades is created whole (apt-config validate), an existing one edited line by line', () => {
    const path = '/etc/apt/apt.conf.d/20auto-upgrades';
    const created = setAptPeriodic('', PERIODIC_SETTINGS);
    const plan = (before: string | null): PlannedFix => {
      const after = before === null ? created : setAptPeriodic(before, PERIODIC_SETTINGS);
      const u: UpdatesPlan = {
        kind: 'apt-periodic',
        checkId: 'SYS-UNATTENDED-UPGRADES',
        jobId: 'j',
        backupDir: '/var/lib/rampart/backups/j',
        file: { path, role: 'apt', pre: before === null ? { kind: 'absent' } : present(0o644, 0, 0, sha(before)), post: { sha256: sha(after), mode: 0o644, uid: 0, gid: 0 }, backup: null, temp: '/etc/apt/apt.conf.d/.t' },
        before: {},
        diff: unifiedDiff(before ?? '', after, path),
      };
      return { ...base(), fixId: 'apt-auto-upgrades', checkId: 'SYS-UNATTENDED-UPGRADES', resource: 'apt', targets: [], container: u };
    };
    const [absent] = ansibleLoad(exportAnsible([basePlan([plan(null)])]).playbook) as Play[];
    const block = absent!.tasks.find((t) => t.block)!;
    expect(block.block![0]!['ansible.builtin.copy']).toMatchObject({ dest: { $unsafe: path }, content: { $unsafe: created }, validate: { $unsafe: '/usr/bin/apt-config -c %s dump' }, mode: '0644' });
    expect(absent!.handlers).toBeUndefined();
    // No lockout risk: no new-connection proof.
    expect(absent!.tasks.some((t) => t['ansible.builtin.wait_for_connection'])).toBe(false);
    const [present_] = ansibleLoad(exportAnsible([basePlan([plan('APT::Periodic::Update-Package-Lists "0";\n')])]).playbook) as Play[];
    const li = present_!.tasks.find((t) => t.block)!.block!.filter((t) => t['ansible.builtin.lineinfile']).map((t) => (t['ansible.builtin.lineinfile'] as { line: { $unsafe: string } }).line.$unsafe);
    expect(li).toEqual(['APT::Periodic::Update-Package-Lists "1";', 'APT::Periodic::Unattended-Upgrade "1";']);
  });

  it('firewall: ufw files pre-checked, the Ansible connection must arrive on the SSH path the rule keeps, allow/deny/enable, rescue restores and disables, then a new connection', () => {
    const files: FirewallPlan['files'] = ['/etc/ufw/ufw.conf', '/etc/ufw/user.rules'].map((p, i) => ({ path: p, role: 'ufw', pre: present(0o644, 0, 0, String(i).repeat(64)), post: { sha256: '-', mode: 0o644, uid: 0, gid: 0 }, backup: `/var/lib/rampart/backups/j/ufw-${i}.orig`, temp: `${p}.t` }));
    const fw: FirewallPlan = {
      kind: 'ufw',
      checkId: 'NET-FIREWALL-INACTIVE',
      jobId: '2f1c1d0e-7a40-4a8b-9f55-3f6f1b3c9a01',
      backupDir: '/var/lib/rampart/backups/j',
      files,
      wasActive: false,
      chainsBefore: true,
      defaultIncomingBefore: 'allow',
      allow: { from: '10.213.0.1', port: 2222 },
      sshdPorts: [22, 2222],
      session: { clientAddress: '10.213.0.1', clientPort: 40000, serverAddress: '10.213.0.9', serverPort: 2222 },
      deadmanSeconds: 120,
      needsRoot: true,
    };
    const out = exportAnsible([basePlan([{ ...base(), fixId: 'ufw-enable', checkId: 'NET-FIREWALL-INACTIVE', resource: 'firewall', risk: 'high', targets: [], container: fw }])]);
    expect(out.skipped).toEqual([]);
    const [play] = ansibleLoad(out.playbook) as Play[];
    const asserts = play!.tasks.filter((t) => t['ansible.builtin.assert']).map((t) => (t['ansible.builtin.assert'] as { that: string[] }).that);
    expect(asserts).toHaveLength(3);
    expect(asserts[2]).toEqual(['rampart_path_2.rc == 0', "(rampart_path_2.stdout.split() | first) == '10.213.0.1'", "(rampart_path_2.stdout.split() | last) == '2222'"]);
    const env = play!.tasks.find((t) => (t['ansible.builtin.command'] as { argv?: unknown[] } | undefined)?.argv?.[0] === 'printenv')!;
    expect(env).toMatchObject({ become: false, check_mode: false });
    const block = play!.tasks.find((t) => t.block)!;
    const argv = block.block!.filter((t) => t['ansible.builtin.command']).map((t) => (t['ansible.builtin.command'] as { argv: Array<string | { $unsafe: string }> }).argv.map((a) => (typeof a === 'string' ? a : a.$unsafe)).join(' '));
    expect(argv).toEqual(['ufw allow proto tcp from 10.213.0.1 to any port 2222 comment rampart: admin SSH path (job 2f1c1d0e)', 'ufw default deny incoming', 'ufw --force enable']);
    const rescue = block.rescue!.map((t) => t.name && (t.name as { $unsafe: string }).$unsafe);
    expect(rescue).toEqual([
      expect.stringContaining('put /etc/ufw/ufw.conf back'),
      expect.stringContaining('put /etc/ufw/user.rules back'),
      expect.stringContaining('ufw disable (it was off)'),
      expect.stringContaining('ufw.conf back byte for byte after ufw disable'),
      expect.stringContaining('failed, put back'),
    ]);
    expect(play!.tasks.slice(-2).map((t) => t['ansible.builtin.meta'] ?? Object.keys(t).find((k) => k.startsWith('ansible.builtin.')))).toEqual(['reset_connection', 'ansible.builtin.wait_for_connection']);
    expect(play!.handlers).toBeUndefined();
  });

  it('sudoers: skipped with its reason (the plan holds no text of the line)', () => {
    const out = exportAnsible([basePlan([{ ...base(), fixId: 'sudoers-require-password', checkId: 'ACC-SUDO-NOPASSWD-ALL', targets: [], container: { kind: 'sudoers' } as unknown as PlannedFix['container'] }])]);
    expect(out.exported).toEqual([]);
    expect(out.skipped[0]!.reason).toMatch(/^the sudoers fix is not exported: the plan keeps no text of the sudoers line/);
  });
});

describe('lineEditsOf / pyRegexEscape', () => {
  it('turns replacements and insertions into line edits; refuses deletions and a last line without newline', () => {
    expect(lineEditsOf(unifiedDiff('A 1\nB 2\n', 'A 1\nB 3\n', 'f'))).toEqual([{ kind: 'replace', anchor: 'B 2', line: 'B 3' }]);
    expect(lineEditsOf(unifiedDiff('# c\nA 1\n', '# c\nN 1\nA 1\n', 'f'))).toEqual([{ kind: 'insert-before', anchor: 'A 1', line: 'N 1' }]);
    expect(lineEditsOf(unifiedDiff('A 1\n', 'A 1\nN 1\n', 'f'))).toEqual([{ kind: 'insert-after', anchor: 'A 1', line: 'N 1' }]);
    expect(() => lineEditsOf(unifiedDiff('A 1\nB 2\n', 'A 1\n', 'f'))).toThrow(/removes lines/);
    expect(lineEditsOf(unifiedDiff('A 1\nB 2\n', 'A 1\nB 3\nC 4\n', 'f'))).toEqual([
      { kind: 'replace', anchor: 'B 2', line: 'B 3' },
      { kind: 'insert-after', anchor: 'B 3', line: 'C 4' },
    ]);
    expect(() => lineEditsOf(unifiedDiff('A 1', 'B 1', 'f'))).toThrow(/without a newline/);
  });

  it('escapes a line so Python matches it literally', () => {
    const line = 'Ciphers aes128-ctr,aes256-gcm@openssh.com (x)|[y]*+?.^$\\ {1}';
    const r = spawnSync(PYTHON, ['-c', 'import re,sys; print(bool(re.fullmatch(sys.argv[1], sys.argv[2])))', pyRegexEscape(line), line], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('True');
  });
});
