// What the Ansible export lab tests share: ansible-playbook run with its state in the test's own
// folder (no ~/.ansible, no SSH agent, no colour), and the finding shape of `rampart audit --format json`.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Result } from './cliContract';

export interface Finding {
  id: string;
  checkId: string;
  resource: string;
}

/** ansible-playbook with its state kept in the test folder (no ~/.ansible, no agent, no colour). */
export function runPlaybook(dir: string, args: readonly string[]): Promise<Result> {
  const home = path.join(dir, 'ansible-home');
  mkdirSync(home, { recursive: true });
  return new Promise((resolve) => {
    const child = spawn('ansible-playbook', [...args], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        LANG: 'C.UTF-8',
        SSH_AUTH_SOCK: '',
        ANSIBLE_HOME: home,
        ANSIBLE_LOCAL_TEMP: path.join(home, 'tmp'),
        ANSIBLE_REMOTE_TMP: path.join(dir, 'remote-tmp'),
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(home, 'cp'),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
