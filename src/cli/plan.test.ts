import { describe, expect, it } from 'vitest';
import { importAnsibleInventory } from '../main/inventory/ansible';
import type { Host } from '../shared/domain';
import { parseCommandLine, type AuditCommand } from './args';
import { buildAuditTarget, planFleet, planFromCommand, type FleetDefaults, type FleetItem, type HostPlan } from './plan';

const CWD = '/home/op/work';

function audit(...argv: string[]): AuditCommand {
  const c = parseCommandLine(['audit', ...argv], CWD);
  if (c.kind !== 'audit') throw new Error(`expected an audit command, got ${c.kind}`);
  return c;
}

function savedHost(extra: Partial<Host> = {}): Host {
  return {
    id: 7,
    name: 'web-1',
    address: '10.0.0.5',
    port: 22,
    username: 'root',
    auth: 'key-file',
    identityFile: '/keys/saved',
    jumpHostId: null,
    vpnOnly: false,
    vpnInterface: null,
    vpnSubnet: null,
    sudo: 'none',
    tags: [],
    sshdConfigPath: '/etc/ssh/saved_config',
    scanRoots: ['/srv/saved'],
    secrets: { privateKey: false, passphrase: false, sudoPassword: false },
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  } as Host;
}

describe('planFromCommand + buildAuditTarget', () => {
  it('--scan-root, --sudo and --sshd-config reach the AuditTarget', () => {
    const plan = planFromCommand(audit('--host', 'root@10.0.0.5', '--sudo', '--scan-root', '/srv', '--scan-root', '/opt/app', '--sshd-config', '/etc/ssh/x'));
    expect(buildAuditTarget(plan, null)).toEqual({
      hostId: null,
      name: '10.0.0.5',
      address: '10.0.0.5',
      port: 22,
      username: 'root',
      identityFile: null,
      sshdConfigPath: '/etc/ssh/x',
      scanRoots: ['/srv', '/opt/app'],
      sudo: 'sudo-n',
      sudoPassword: null,
    });
  });

  it('defaults: no sudo, no scan roots, /etc/ssh/sshd_config', () => {
    expect(buildAuditTarget(planFromCommand(audit('--host', 'root@10.0.0.5')), null)).toMatchObject({
      sudo: 'none',
      scanRoots: [],
      sshdConfigPath: '/etc/ssh/sshd_config',
    });
  });

  it('every --jump hop logs in with --identity', () => {
    const plan = planFromCommand(audit('--host', 'root@10.215.0.2', '--identity', 'id', '--jump', 'ops@b1,root@10.215.0.1:2222'));
    expect(plan.jump).toEqual([
      { username: 'ops', address: 'b1', port: 22, identityFile: '/home/op/work/id' },
      { username: 'root', address: '10.215.0.1', port: 2222, identityFile: '/home/op/work/id' },
    ]);
    expect(plan.target).toEqual({ username: 'root', address: '10.215.0.2', port: 22, identityFile: '/home/op/work/id' });
  });

  it('a host saved in --db files the run and supplies defaults; the command line wins', () => {
    const bare = planFromCommand(audit('--host', 'root@10.0.0.5'));
    expect(buildAuditTarget(bare, savedHost({ sudo: 'sudo-n' }))).toEqual({
      hostId: 7,
      name: 'web-1',
      address: '10.0.0.5',
      port: 22,
      username: 'root',
      identityFile: '/keys/saved',
      sshdConfigPath: '/etc/ssh/saved_config',
      scanRoots: ['/srv/saved'],
      sudo: 'sudo-n',
      sudoPassword: null,
    });
    const full = planFromCommand(audit('--host', 'root@10.0.0.5', '--identity', '/keys/cli', '--scan-root', '/srv/cli', '--sshd-config', '/etc/ssh/cli'));
    expect(buildAuditTarget(full, savedHost())).toMatchObject({ identityFile: '/keys/cli', scanRoots: ['/srv/cli'], sshdConfigPath: '/etc/ssh/cli', sudo: 'none' });
    // A keychain sudo password is the app's: the CLI collects unprivileged unless --sudo.
    expect(buildAuditTarget(bare, savedHost({ sudo: 'sudo-password' })).sudo).toBe('none');
    expect(buildAuditTarget(planFromCommand(audit('--host', 'root@10.0.0.5', '--sudo')), savedHost({ sudo: 'sudo-password' })).sudo).toBe('sudo-n');
  });
});

const DEFAULTS: FleetDefaults = { identityFile: '/keys/default', sshdConfigPath: null, scanRoots: ['/srv'], sudo: true, cwd: CWD, localUser: 'op' };

function plans(ini: string, d: FleetDefaults = DEFAULTS): FleetItem[] {
  return planFleet(importAnsibleInventory(ini, 'hosts.ini').candidates, d);
}

function planOf(items: FleetItem[], name: string): HostPlan {
  const item = items.find((i) => (i.kind === 'plan' ? i.plan.name : i.host.name) === name);
  if (item?.kind !== 'plan') throw new Error(`${name}: ${JSON.stringify(item)}`);
  return item.plan;
}

describe('planFleet', () => {
  it("each host gets its own user, port, key and jump chain; the fleet's settings apply to all", () => {
    const items = plans(`
[web]
web1 ansible_host=10.0.0.1 ansible_user=deploy ansible_ssh_private_key_file=keys/web
web2 ansible_host=10.0.0.2 ansible_port=2222

[inner]
db1 ansible_host=10.215.0.2 ansible_ssh_common_args='-J bastion,root@10.215.0.1:2200'

[edge]
bastion ansible_host=192.0.2.10 ansible_user=jump ansible_ssh_private_key_file=~/.ssh/bastion

[web:vars]
ansible_user=www
`);
    expect(items.map((i) => i.kind)).toEqual(['plan', 'plan', 'plan', 'plan']);
    expect(planOf(items, 'web1')).toEqual({
      name: 'web1',
      target: { username: 'deploy', address: '10.0.0.1', port: 22, identityFile: '/home/op/work/keys/web' },
      jump: [],
      sshdConfigPath: null,
      scanRoots: ['/srv'],
      sudo: true,
    });
    expect(planOf(items, 'web2').target).toEqual({ username: 'www', address: '10.0.0.2', port: 2222, identityFile: '/keys/default' });
    // "bastion" names an inventory host: its user and key; the second hop is written out in full.
    expect(planOf(items, 'db1')).toMatchObject({
      target: { username: 'op', address: '10.215.0.2', port: 22, identityFile: '/keys/default' },
      jump: [
        { username: 'jump', address: '192.0.2.10', port: 22, identityFile: '~/.ssh/bastion' },
        { username: 'root', address: '10.215.0.1', port: 2200, identityFile: '/keys/default' },
      ],
    });
  });

  it('without --identity, hosts the inventory gives no key use the agent (null)', () => {
    const items = plans('[all]\nh1 ansible_host=10.0.0.1\n', { ...DEFAULTS, identityFile: null });
    expect(planOf(items, 'h1').target.identityFile).toBeNull();
  });

  it('a jump hop written as an address borrows the key of the inventory host at that address', () => {
    const items = plans(`
b ansible_host=10.0.0.1 ansible_user=ops ansible_ssh_private_key_file=/keys/b
t ansible_host=10.0.0.2 ansible_ssh_common_args="-o ProxyJump=10.0.0.1"
`);
    expect(planOf(items, 't').jump).toEqual([{ username: 'ops', address: '10.0.0.1', port: 22, identityFile: '/keys/b' }]);
  });

  it('entries that cannot be audited as written become failed entries (no connection)', () => {
    const items = plans(`
good ansible_host=10.0.0.1
badport ansible_host=10.0.0.2 ansible_port=99999
jinja ansible_host="{{ lookup('env', 'X') }}"
baduser ansible_host=10.0.0.3 ansible_user='$(id)'
selfjump ansible_host=10.0.0.4 ansible_ssh_common_args='-J root@10.0.0.4'
loop ansible_host=10.0.0.5 ansible_ssh_common_args='-J a@10.0.0.6,b@10.0.0.6'
badjump ansible_host=10.0.0.7 ansible_ssh_common_args='-J root@bad!host'
viabad ansible_host=10.0.0.8 ansible_ssh_common_args='-J badport'
`);
    const failed = Object.fromEntries(items.filter((i) => i.kind === 'invalid').map((i) => [i.host.name, i.kind === 'invalid' ? i.error : null]));
    expect(Object.keys(failed).sort()).toEqual(['badjump', 'badport', 'baduser', 'jinja', 'loop', 'selfjump', 'viabad']);
    for (const e of Object.values(failed)) expect(e!.code).toBe('INVENTORY_INVALID');
    expect(failed.badport!.message).toMatch(/^hosts\.ini:3: ansible_port "99999" is not a port number$/);
    expect(failed.jinja!.message).toMatch(/Jinja/);
    expect(failed.baduser!.message).toMatch(/user "\$\(id\)": User must be a valid POSIX login name/);
    expect(failed.selfjump!.message).toMatch(/jump host "root@10\.0\.0\.4" is the host itself/);
    expect(failed.loop!.message).toMatch(/appears twice in the chain/);
    expect(failed.badjump!.message).toMatch(/jump host "root@bad!host"/);
    expect(failed.viabad!.message).toMatch(/jump host "badport" \(hosts\.ini:3\): ansible_port "99999"/);
    const bad = items.find((i) => i.kind === 'invalid' && i.host.name === 'badport');
    expect(bad).toMatchObject({ host: { name: 'badport', address: '10.0.0.2', port: 22, username: 'op' } });
    expect(items.find((i) => i.kind === 'plan')).toMatchObject({ plan: { name: 'good' } });
  });
});
