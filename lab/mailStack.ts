// A mailcow-like stack for the mail stack health tests (issue 13), on a lab dockerd (lab/docker.ts):
// compose project "mailcowdockerized" with small busybox containers named and labelled like
// Mailcow's services and real Docker healthchecks — postfix, dovecot, rspamd and clamd healthy,
// redis unhealthy (its check fails), unbound crash-looping (restart: always, exits at once), sogo
// exited — plus the files a real stack keeps on the host: Rspamd's local.d (greylisting switched
// off, DKIM signing from Redis), data/assets/ssl/cert.pem (mounted at /etc/ssl/mail, 3 days from
// expiry), ClamAV signature databases (only their files, with a real CVD
// header dated weeks ago: no ClamAV daemon or download runs here), and the mail volume on a 1 MiB
// tmpfs filled to ~96 %. Network rule: every service has network_mode none; nothing is pulled.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { composeUp, docker, type LabDocker } from './docker';

export const MAILCOW_PROJECT = 'mailcowdockerized';

export interface MailcowLikeStack {
  /** The project dir (compose file, data/). */
  dir: string;
  /** The vmail dir (a tmpfs of 1 MiB, ~96 % used). */
  vmail: string;
  /** The ClamAV database dir and the daily.cld build time written in its header (Unix seconds). */
  clamDir: string;
  dailyBuilt: number;
  /** Unmounts the vmail tmpfs (call after the lab dockerd and hosts are gone). */
  cleanup(): void;
}

/** A CVD/CLD header as ClamAV writes it: 512 bytes, "ClamAV-VDB:<build time>:<version>:<sigs>:<flevel>:<md5>:<dsig>:<builder>:<stime>". */
export function cvdHeader(built: Date, version: number): Buffer {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][built.getUTCMonth()]!;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const t = `${p2(built.getUTCDate())} ${mon} ${built.getUTCFullYear()} ${p2(built.getUTCHours())}-${p2(built.getUTCMinutes())} +0000`;
  const text = `ClamAV-VDB:${t}:${version}:2071234:90:X:X:lab:${Math.floor(built.getTime() / 1000)}`;
  return Buffer.concat([Buffer.from(text.padEnd(512, ' '))]);
}

function stackCompose(): string {
  const svc = (name: string, extra: string): string => `  ${name}:\n    image: lab/busybox:1.35\n    network_mode: none\n${extra}`;
  const healthy = '    healthcheck:\n      test: ["CMD", "true"]\n      interval: 1s\n';
  return `version: "2.4"
services:
${svc('postfix-mailcow', `    command: ["sleep", "3600"]\n${healthy}    volumes:\n      - ./data/vmail:/var/vmail\n      - ./data/assets/ssl:/etc/ssl/mail:ro\n`)}
${svc('dovecot-mailcow', `    command: ["sleep", "3600"]\n${healthy}    volumes:\n      - ./data/vmail:/var/vmail\n      - ./data/assets/ssl:/etc/ssl/mail:ro\n`)}
${svc('rspamd-mailcow', `    command: ["sleep", "3600"]\n${healthy}    volumes:\n      - ./data/conf/rspamd/local.d:/etc/rspamd/local.d\n`)}
${svc('clamd-mailcow', `    command: ["sleep", "3600"]\n${healthy}    mem_limit: 32m\n    volumes:\n      - ./data/clamav:/var/lib/clamav\n`)}
${svc('redis-mailcow', '    command: ["sleep", "3600"]\n    healthcheck:\n      test: ["CMD", "false"]\n      interval: 1s\n      retries: 1\n')}
${svc('unbound-mailcow', '    command: ["false"]\n    restart: always\n')}
${svc('sogo-mailcow', '    command: ["true"]\n')}
`;
}

async function waitFor(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Prepares the stack's host files under `dir` (call BEFORE the lab host is created: the vmail
 * tmpfs must exist before the host's sshd takes its private mount namespace).
 */
export function prepareMailcowFiles(dir: string, now = new Date()): Omit<MailcowLikeStack, 'dir'> & { dir: string } {
  const base = path.join(dir, 'mailcow');
  const rspamd = path.join(base, 'data/conf/rspamd/local.d');
  const clamDir = path.join(base, 'data/clamav');
  const vmail = path.join(base, 'data/vmail');
  const ssl = path.join(base, 'data/assets/ssl');
  for (const d of [rspamd, clamDir, vmail, ssl]) fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(rspamd, 'greylist.conf'), '# greylisting switched off by the admin\nenabled = false;\n');
  fs.writeFileSync(path.join(rspamd, 'dkim_signing.conf'), 'use_redis = true;\npath = "/data/dkim/$domain.$selector.key";\nselector = "dkim";\nallow_username_mismatch = true;\n');
  // The stack's certificate, 3 days from expiry (its key beside it, as Mailcow keeps them).
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(ssl, 'key.pem'), '-out', path.join(ssl, 'cert.pem'), '-days', '3', '-subj', '/CN=mail.mailcow.test'], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Signature files only (see the header comment): daily 20 days old, main 40 days, both with mtimes to match.
  const dailyBuilt = new Date(now.getTime() - 20 * 86400_000);
  const mainBuilt = new Date(now.getTime() - 40 * 86400_000);
  fs.writeFileSync(path.join(clamDir, 'daily.cld'), Buffer.concat([cvdHeader(dailyBuilt, 27450), Buffer.alloc(1024)]));
  fs.writeFileSync(path.join(clamDir, 'main.cvd'), Buffer.concat([cvdHeader(mainBuilt, 62), Buffer.alloc(1024)]));
  fs.utimesSync(path.join(clamDir, 'daily.cld'), dailyBuilt, dailyBuilt);
  fs.utimesSync(path.join(clamDir, 'main.cvd'), mainBuilt, mainBuilt);
  // The mail volume's file system nearly full: a 1 MiB tmpfs with a 1000 KB file.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'rampart-lab-vmail', vmail]);
  fs.writeFileSync(path.join(vmail, 'filler'), Buffer.alloc(1000 * 1024));
  return {
    dir: base,
    vmail,
    clamDir,
    dailyBuilt: Math.floor(dailyBuilt.getTime() / 1000),
    cleanup: () => {
      try {
        execFileSync('umount', ['-l', vmail]);
      } catch {
        /* already gone */
      }
    },
  };
}

/** Starts the compose project on `d` (files from prepareMailcowFiles); returns once redis is unhealthy, unbound has restarted and clamd holds ~29 MB of its 32 MiB. */
export async function startMailcowLikeStack(d: LabDocker, files: ReturnType<typeof prepareMailcowFiles>): Promise<MailcowLikeStack> {
  // The compose file goes beside data/ (bind sources are relative to it).
  await composeUp(d, { project: MAILCOW_PROJECT, files: { 'docker-compose.yml': stackCompose().replace(/\.\/data\//g, `${files.dir}/data/`) } });
  const name = (svc: string): string => `${MAILCOW_PROJECT}_${svc}_1`;
  const state = async (svc: string, fmt: string): Promise<string> => (await docker(d, ['inspect', '--format', fmt, name(svc)])).trim();
  // clamd under memory pressure: 29 MB in its /dev/shm (charged to its cgroup) of a 32 MiB limit.
  await docker(d, ['exec', name('clamd-mailcow'), 'sh', '-c', 'head -c 29000000 /dev/zero > /dev/shm/signatures']);
  await waitFor('redis-mailcow to turn unhealthy', 20_000, async () => (await state('redis-mailcow', '{{.State.Health.Status}}')) === 'unhealthy');
  // Five restarts: Docker's back-off (doubling from 100 ms) then keeps it "restarting" most of the time.
  await waitFor('unbound-mailcow to crash-loop', 30_000, async () => Number(await state('unbound-mailcow', '{{.RestartCount}}')) >= 5);
  await waitFor('postfix, dovecot, rspamd, clamd healthy', 20_000, async () => {
    for (const s of ['postfix-mailcow', 'dovecot-mailcow', 'rspamd-mailcow', 'clamd-mailcow']) if ((await state(s, '{{.State.Health.Status}}')) !== 'healthy') return false;
    return true;
  });
  return { ...files };
}
