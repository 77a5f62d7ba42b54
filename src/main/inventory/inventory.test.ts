import { describe, expect, it } from 'vitest';
import { expandHostPattern, importAnsibleInventory } from './ansible';
import { importSshConfig } from './sshConfig';
import { jumpFromSshArgs, markDuplicates, parseJumpSpec } from './types';

const INI = `
# comment
bastion ansible_host=10.9.0.1 ansible_user=ops

[mail]
mx1 ansible_host=10.9.0.25 ansible_port=2288 ansible_ssh_private_key_file=~/.ssh/id_ed25519_ops
mx2 ansible_host=10.9.0.26

[mail:vars]
ansible_user=mailadmin
ansible_ssh_common_args='-o StrictHostKeyChecking=yes -J ops@10.9.0.1:22'

[web]
web[01:03].example.test ansible_port=22

[prod:children]
mail
web

[prod:vars]
ansible_user=produser
ansible_port=2200
`;

const YAML = `
all:
  vars:
    ansible_user: deploy
  hosts:
    solo:
      ansible_host: 10.9.1.5
  children:
    vpn_only:
      vars:
        ansible_port: 2288
        ansible_ssh_common_args: "-o ProxyJump=jump1,admin@jump2:2222"
      hosts:
        db1:
          ansible_host: 10.9.1.10
          ansible_user: dba
        db2: {}
    broken:
      hosts:
        templ:
          ansible_host: "{{ lookup('env', 'HOST') }}"
          ansible_port: seventy
`;

describe('Ansible INI inventory', () => {
  const { candidates, warnings } = importAnsibleInventory(INI, 'hosts.ini');
  const by = (n: string) => candidates.find((c) => c.name === n)!;

  it('reads host vars, group vars and children with Ansible precedence', () => {
    expect(warnings).toEqual([]);
    expect(by('bastion')).toMatchObject({ address: '10.9.0.1', port: 22, username: 'ops', groups: [], source: 'hosts.ini:3' });
    // host var beats [mail:vars] beats [prod:vars]
    expect(by('mx1')).toMatchObject({ address: '10.9.0.25', port: 2288, username: 'mailadmin', identityFile: '~/.ssh/id_ed25519_ops' });
    expect(by('mx1').groups).toEqual(['mail', 'prod']);
    // port from the parent group prod, user from mail
    expect(by('mx2')).toMatchObject({ port: 2200, username: 'mailadmin', jump: ['ops@10.9.0.1:22'] });
  });

  it('expands host ranges and keeps zero padding', () => {
    expect(candidates.filter((c) => c.name.startsWith('web')).map((c) => c.name)).toEqual([
      'web01.example.test',
      'web02.example.test',
      'web03.example.test',
    ]);
    expect(by('web02.example.test')).toMatchObject({ address: 'web02.example.test', port: 22, username: 'produser' });
  });

  it('warns about lines it cannot read and keeps the rest', () => {
    const r = importAnsibleInventory('[ok]\nh1\n[bad\n[ok:vars]\nnot a var line\n', 'x.ini');
    expect(r.candidates.map((c) => c.name)).toEqual(['h1']);
    expect(r.warnings.join('\n')).toMatch(/x\.ini:3.*section header/);
    expect(r.warnings.join('\n')).toMatch(/x\.ini:5.*key=value/);
  });
});

describe('Ansible YAML inventory', () => {
  const { candidates } = importAnsibleInventory(YAML, 'inventory.yml');
  const by = (n: string) => candidates.find((c) => c.name === n)!;

  it('reads nested children and vars', () => {
    expect(by('solo')).toMatchObject({ address: '10.9.1.5', port: 22, username: 'deploy', jump: [] });
    expect(by('db1')).toMatchObject({ address: '10.9.1.10', port: 2288, username: 'dba', jump: ['jump1', 'admin@jump2:2222'], groups: ['vpn_only'] });
    expect(by('db2')).toMatchObject({ address: 'db2', port: 2288, username: 'deploy' });
  });

  it('flags templated or invalid values instead of guessing', () => {
    expect(by('templ').problems.join(' ')).toMatch(/not a port number/);
    expect(by('templ').problems.join(' ')).toMatch(/Jinja/);
  });

  it('rejects invalid YAML with the file name', () => {
    expect(() => importAnsibleInventory('all:\n  hosts:\n    a: [\n', 'bad.yml')).toThrow(/bad\.yml is not valid YAML/);
  });

  const laughs = (levels: number): string => {
    const lines = ['all:', '  children:', '    l0: &l0', '      hosts:', '        leaf: { ansible_host: 10.9.9.9 }'];
    for (let i = 1; i <= levels; i++) {
      lines.push(`    l${i}: &l${i}`, '      children:');
      for (let k = 0; k < 9; k++) lines.push(`        c${i}_${k}: *l${i - 1}`);
    }
    return lines.join('\n') + '\n';
  };

  it('refuses a billion-laughs alias bomb (9^10 paths) quickly, with a clear message', () => {
    const started = Date.now();
    expect(() => importAnsibleInventory(laughs(10), 'bomb.yml')).toThrow(/bomb\.yml is not valid YAML: .*alias/);
    expect(Date.now() - started).toBeLessThan(5000); // expanding 9^10 paths would take hours
  });

  it('reads a small shared-alias tree once per group', () => {
    const r = importAnsibleInventory(laughs(2), 'aliases.yml');
    expect(r.candidates.map((c) => c.name)).toEqual(['leaf']);
    expect(r.candidates[0]!.address).toBe('10.9.9.9');
    expect(r.candidates[0]!.groups).toContain('l0');
  });
});

describe('~/.ssh/config', () => {
  const CONFIG = `
Host *
  User fallback
  ServerAliveInterval 30

Host bastion
  HostName 10.9.2.1
  User ops
  Port 2222

Host mail mail-alias
  HostName 10.9.2.25
  Port 2288
  IdentityFile ~/.ssh/id_mail
  ProxyJump bastion

Host *.internal !secret.internal
  User internaluser

Host legacy
  HostName 10.9.2.9
  ProxyCommand ssh -W %h:%p bastion

Match exec "touch /tmp/rampart-must-not-exist"
  User pwned
`;
  const { candidates } = importSshConfig(CONFIG);
  const by = (n: string) => candidates.find((c) => c.name === n)!;

  it('turns each concrete Host alias into a candidate, OpenSSH first-match-wins', () => {
    expect(candidates.map((c) => c.name)).toEqual(['bastion', 'mail', 'mail-alias', 'legacy']);
    expect(by('bastion')).toMatchObject({ address: '10.9.2.1', port: 2222, username: 'fallback' });
    expect(by('mail')).toMatchObject({ address: '10.9.2.25', port: 2288, identityFile: '~/.ssh/id_mail', jump: ['bastion'] });
  });

  it('does not run Match exec and flags ProxyCommand', () => {
    expect(by('legacy').problems.join(' ')).toMatch(/ProxyCommand/);
    expect(candidates.some((c) => c.username === 'pwned')).toBe(false);
  });
});

describe('helpers', () => {
  it('expandHostPattern', () => {
    expect(expandHostPattern('db-[a:c]')).toEqual(['db-a', 'db-b', 'db-c']);
    expect(expandHostPattern('x[0:10:5]')).toEqual(['x0', 'x5', 'x10']);
    expect(expandHostPattern('plain')).toEqual(['plain']);
  });
  it('jumpFromSshArgs', () => {
    expect(jumpFromSshArgs('-J a@b:2,c')).toEqual(['a@b:2', 'c']);
    expect(jumpFromSshArgs('-o "ProxyJump=x"')).toEqual(['x']);
    expect(jumpFromSshArgs('-oProxyJump=y -v')).toEqual(['y']);
    expect(jumpFromSshArgs('-o StrictHostKeyChecking=no')).toEqual([]);
  });
  it('parseJumpSpec', () => {
    expect(parseJumpSpec('ops@10.0.0.1:2222')).toEqual({ user: 'ops', host: '10.0.0.1', port: 2222 });
    expect(parseJumpSpec('[fd00::1]:22')).toEqual({ user: null, host: 'fd00::1', port: 22 });
    expect(parseJumpSpec('host:99999')).toBeNull();
    expect(parseJumpSpec('a b')).toBeNull();
  });
  it('markDuplicates against existing hosts and within the import', () => {
    const base = { username: null, identityFile: null, jump: [], groups: [], source: 's', problems: [] };
    const out = markDuplicates(
      [
        { ...base, name: 'a', address: '10.0.0.1', port: 22 },
        { ...base, name: 'b', address: '10.0.0.1', port: 22 },
        { ...base, name: 'c', address: '10.0.0.2', port: 22 },
        { ...base, name: 'Known', address: '10.0.0.3', port: 22 },
      ],
      [{ name: 'existing', address: '10.0.0.2', port: 22 }, { name: 'known', address: '10.0.0.9', port: 22 }],
    );
    expect(out[0]!.problems).toEqual([]);
    expect(out[1]!.problems.join()).toMatch(/same address and port as "a"/);
    expect(out[2]!.problems.join()).toMatch(/already in Rampart as "existing"/);
    expect(out[3]!.problems.join()).toMatch(/named "Known" already exists/);
  });
});
