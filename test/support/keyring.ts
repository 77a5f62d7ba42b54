// A real gnome-keyring on a private D-Bus session bus, for tests (recipe from LAB-NOTES):
// dbus-daemon --session, then gnome-keyring-daemon --unlock --components=secrets on that bus.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestKeyring {
  /** Environment to give a process so keytar finds this keyring. */
  env: { DBUS_SESSION_BUS_ADDRESS: string; XDG_RUNTIME_DIR: string; HOME: string };
  stop(): void;
}

export async function startTestKeyring(opts: { unlock?: boolean } = {}): Promise<TestKeyring> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-keyring-'));
  const res = spawnSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1', `--address=unix:path=${join(dir, 'bus')}`], {
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`dbus-daemon failed: ${res.stderr}`);
  const [address, pidText] = res.stdout.trim().split('\n');
  const busPid = Number(pidText);
  const env = { DBUS_SESSION_BUS_ADDRESS: address!.trim(), XDG_RUNTIME_DIR: dir, HOME: dir };
  const args = ['--foreground', '--components=secrets'];
  if (opts.unlock !== false) args.push('--unlock');
  const daemon = spawn('gnome-keyring-daemon', args, { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'ignore'] });
  if (opts.unlock !== false) daemon.stdin.end('test-keyring-password');
  else daemon.stdin.end();
  // Wait until the Secret Service name is owned on the bus.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const q = spawnSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'],
      { encoding: 'utf8', env: { ...process.env, ...env } },
    );
    if (q.status === 0 && /boolean true/.test(q.stdout)) break;
    if (Date.now() > deadline) throw new Error('gnome-keyring-daemon did not come up on the test bus');
    // Yield to the event loop: the password reaches the daemon's stdin only then.
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    env,
    stop() {
      daemon.kill('SIGTERM');
      try {
        process.kill(busPid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
