// The connection layer against real lab hosts: key file (plain and with a passphrase from the
// keychain), a key imported into a real gnome-keyring, ssh-agent, a jump chain, a WireGuard
// tunnel up and down, a changed host key, a dropped session, cancellation, the channel limit and
// the session pool. Needs root; skipped without the lab unless RAMPART_LAB_REQUIRED=1.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, regenerateHostKeys, type LabHost } from '../lab/lab';
import { createJumpChain, createWireGuardLab, wireGuardPrerequisites, type JumpChain, type WireGuardLab } from '../lab/topology';
import { RampartError } from '../src/shared/errors';
import { KeytarSecretStore } from '../src/main/secrets/secretStore';
import { importKeyToKeychain, removeHostSecrets, setSudoPassword } from '../src/main/ssh/auth';
import { openHostConnection, probeHostKeyOf, testConnection, vpnState, type ConnectDeps } from '../src/main/ssh/hostConnect';
import { SessionPool } from '../src/main/ssh/pool';
import { shQuote, shQuoteBytes } from '../src/main/ssh/quote';
import { Store } from '../src/main/store/store';
import { startTestKeyring, type TestKeyring } from './support/keyring';
import { refusal } from './support/refusal';

const labOk = labPrerequisites().ok && wireGuardPrerequisites().ok;
const run = labOk || process.env.RAMPART_LAB_REQUIRED === '1';

describe.runIf(run)('connection layer against lab hosts', () => {
  let dir: string;
  let keyring: TestKeyring;
  let store: Store;
  let deps: ConnectDeps;
  let host: LabHost;
  let chain: JumpChain;
  let wg: WireGuardLab;
  let agent: ChildProcess | null = null;
  const savedEnv = { ...process.env };

  const addLab = (h: LabHost, extra: Parameters<Store['addHost']>[0] extends infer T ? Partial<T> : never = {}) =>
    store.addHost({ name: `${h.name}-${Math.random().toString(16).slice(2, 6)}`, address: h.address, port: h.port, username: h.user, identityFile: h.identityFile, sshdConfigPath: h.sshdConfigPath, ...extra });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-conn-'));
    keyring = await startTestKeyring();
    Object.assign(process.env, keyring.env);
    store = new Store(join(dir, 'rampart.sqlite3'));
    deps = { store, secrets: new KeytarSecretStore('rampart-test-conn'), env: {} };
    [host, chain, wg] = await Promise.all([createLabHost({ scenario: 'hardened' }), createJumpChain({ hops: 3 }), createWireGuardLab()]);
  }, 120_000);

  afterAll(async () => {
    agent?.kill();
    store?.close();
    await Promise.allSettled([host && destroyLabHost(host), chain?.destroy(), wg?.destroy()]);
    keyring?.stop();
    for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
    rmSync(dir, { recursive: true, force: true });
  });

  it('key file: connects after the key is accepted, runs a command, pins on first use only with consent', async () => {
    const h = addLab(host);
    await refusal(openHostConnection(deps, h.id), 'HOST_KEY_UNKNOWN');
    const conn = await openHostConnection(deps, h.id, { acceptNewHostKey: true });
    try {
      const r = await conn.exec('echo "$SSH_CONNECTION"');
      expect(r.stdout.trim().split(' ')[2]).toBe(host.address);
    } finally {
      conn.close();
    }
    expect(store.getPin(host.address, host.port)?.fingerprint).toBe(host.hostKeyFingerprints['ssh-ed25519']);
  });

  it('a host pinned with its RSA key (not the server\'s preferred type) connects: the pinned type is asked for', async () => {
    // weak-ssh has ed25519, RSA and ECDSA host keys; ed25519 is ssh2's preferred type.
    const multi = await createLabHost({ scenario: 'weak-ssh' });
    const other = new Store(':memory:');
    try {
      const mine = other.addHost({ name: 'rsa-pinned', address: multi.address, port: multi.port, username: multi.user, identityFile: multi.identityFile, sshdConfigPath: multi.sshdConfigPath });
      other.pinKey(multi.address, multi.port, 'ssh-rsa', multi.hostKeyFingerprints['ssh-rsa']!, false);
      const conn = await openHostConnection({ ...deps, store: other }, mine.id);
      expect(conn.hostKey).toEqual({ keyType: 'ssh-rsa', fingerprint: multi.hostKeyFingerprints['ssh-rsa'] });
      conn.close();
    } finally {
      other.close();
      await destroyLabHost(multi);
    }
  });

  it('keychain: imports a passphrase-protected key (wrong passphrase refused first), logs in, removal deletes the secrets', async () => {
    const encrypted = join(dir, 'encrypted_ed25519');
    copyFileSync(host.identityFile, encrypted);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'correct horse 7f3a', '-f', encrypted]);
    const h = addLab(host, { identityFile: null, auth: 'agent' });
    await refusal(importKeyToKeychain(store, deps.secrets, h.id, { privateKeyPath: encrypted }), 'IDENTITY_ENCRYPTED');
    await refusal(importKeyToKeychain(store, deps.secrets, h.id, { privateKeyPath: encrypted, passphrase: 'wrong' }), 'IDENTITY_ENCRYPTED');
    expect(await deps.secrets.accounts(`host:${h.id}:`)).toEqual([]);
    const updated = await importKeyToKeychain(store, deps.secrets, h.id, { privateKeyPath: encrypted, passphrase: 'correct horse 7f3a' });
    expect(updated).toMatchObject({ auth: 'keychain', secrets: { privateKey: true, passphrase: true, sudoPassword: false } });
    const conn = await openHostConnection(deps, h.id);
    expect((await conn.exec('id -un')).stdout.trim()).toBe('root');
    conn.close();
    // The database never holds the key or the passphrase.
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const dbBytes = readFileSync(join(dir, 'rampart.sqlite3')).toString('latin1');
    expect(dbBytes).not.toContain('correct horse 7f3a');
    expect(dbBytes).not.toContain(readFileSync(encrypted, 'utf8').split('\n')[1]!);
    await setSudoPassword(store, deps.secrets, h.id, 'sudo-secret-91c2');
    await removeHostSecrets(store, deps.secrets, h.id);
    expect(await deps.secrets.accounts(`host:${h.id}:`)).toEqual([]);
    expect(store.getHost(h.id).secrets).toEqual({ privateKey: false, passphrase: false, sudoPassword: false });
  });

  it('ssh-agent: logs in with the key held by a real ssh-agent; a missing agent is a clear error', async () => {
    const sock = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    await expect.poll(() => {
      try {
        execFileSync('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
        return true;
      } catch (e) {
        return (e as { status?: number }).status === 1; // 1 = agent up, no keys yet
      }
    }, { timeout: 5_000 }).toBe(true);
    execFileSync('ssh-add', ['-q', host.identityFile], { env: { SSH_AUTH_SOCK: sock } });
    const h = addLab(host, { identityFile: null, auth: 'agent' });
    const withAgent: ConnectDeps = { ...deps, env: { SSH_AUTH_SOCK: sock } };
    const conn = await openHostConnection(withAgent, h.id);
    expect((await conn.exec('true')).code).toBe(0);
    conn.close();
    const e = await refusal(openHostConnection({ ...deps, env: {} }, h.id), 'AUTH_REJECTED');
    expect(e.message).toMatch(/SSH_AUTH_SOCK is not set/);
    // An agent without the key: rejected, naming the agent as what was tried.
    execFileSync('ssh-add', ['-D', '-q'], { env: { SSH_AUTH_SOCK: sock } });
    const none = await refusal(openHostConnection(withAgent, h.id), 'AUTH_REJECTED');
    expect(none.message).toMatch(/ssh-agent/);
  });

  it('jump chain of three hops: each hop pinned and authenticated on its own, target reached through forwardOut', async () => {
    const [b, m, t] = chain.hops as [LabHost, LabHost, LabHost];
    const bastion = addLab(b);
    const middle = addLab(m, { jumpHostId: bastion.id });
    const target = addLab(t, { jumpHostId: middle.id });
    expect(store.jumpChain(target.id).map((x) => x.id)).toEqual([bastion.id, middle.id, target.id]);
    // The target is not reachable directly.
    const direct = await testConnection(deps, store.addHost({ name: `direct-${t.name}`, address: t.address, port: t.port, username: 'root', identityFile: t.identityFile, sshdConfigPath: '/etc/ssh/sshd_config' }).id, { timeoutMs: 2_000 });
    expect(direct.ok).toBe(false);
    // Keys through the chain, without authenticating to the probed host.
    await refusal(probeHostKeyOf(deps, target.id), 'HOST_KEY_UNKNOWN'); // bastion not pinned yet
    for (const hop of [bastion, middle, target]) {
      const k = await probeHostKeyOf({ ...deps }, hop.id);
      const lab = [b, m, t][[bastion, middle, target].indexOf(hop)]!;
      expect(k.fingerprint).toBe(lab.hostKeyFingerprints[k.keyType]);
      store.pinKey(hop.address, hop.port, k.keyType, k.fingerprint, false);
    }
    const conn = await openHostConnection(deps, target.id);
    try {
      expect((await conn.exec('echo "$SSH_CONNECTION"')).stdout.trim().split(' ')[2]).toBe(t.address);
    } finally {
      conn.close();
    }
    const test = await testConnection(deps, target.id);
    expect(test.error).toBeNull();
    expect(test.steps.map((s) => `${s.hop}:${s.step}:${s.status}`)).toEqual([
      `${bastion.name}:route:ok`,
      ...[bastion, middle, target].flatMap((x) => [`${x.name}:tcp:ok`, `${x.name}:host-key:ok`, `${x.name}:auth:ok`]),
      `${target.name}:sudo:skipped`,
    ]);
    // A changed key on the middle hop stops the chain there, naming the hop.
    await regenerateHostKeys(m);
    const e = await refusal(openHostConnection(deps, target.id), 'HOST_KEY_CHANGED');
    expect(e.message).toMatch(new RegExp(`hop 2 of 3: "${middle.name}"`));
    const failed = await testConnection(deps, target.id);
    expect(failed.steps.at(-1)).toMatchObject({ hop: middle.name, step: 'host-key', status: 'failed' });
  });

  it('VPN-only host: works through the tunnel, refused with the interface named when it is down, works again when up', async () => {
    const h = addLab(wg.server, { vpnOnly: true, vpnInterface: wg.clientInterface, vpnSubnet: wg.tunnelSubnet });
    const state = await vpnState(deps, h.id);
    expect(state).toMatchObject({ ok: true, isWireGuard: true, route: { dev: wg.clientInterface } });
    const conn = await openHostConnection(deps, h.id, { acceptNewHostKey: true });
    expect((await conn.exec('true')).code).toBe(0);
    conn.close();

    await wg.down('no-handshake');
    const stale = await refusal(openHostConnection(deps, h.id), 'VPN_DOWN');
    expect(stale.message).toMatch(new RegExp(`${wg.clientInterface}.*(never completed a handshake|ago)`));
    await wg.down('link-down');
    const down = await refusal(openHostConnection(deps, h.id), 'VPN_DOWN');
    expect(down.message).toMatch(/No route to|would leave through/);
    const t = await testConnection(deps, h.id);
    expect(t.steps).toEqual([expect.objectContaining({ step: 'route', status: 'failed' })]);

    await wg.up();
    const again = await openHostConnection(deps, h.id);
    expect((await again.exec('true')).code).toBe(0);
    again.close();
    // A VPN-only host whose route does not use the expected interface is refused by name.
    const wrongIf = addLab(host, { vpnOnly: true, vpnInterface: 'wg9' });
    const e = await refusal(openHostConnection(deps, wrongIf.id), 'VPN_DOWN');
    expect(e.message).toMatch(/would leave through \S+, not the WireGuard interface wg9/);
  });

  it('a changed host key refuses before any credential is sent (the server logs no login attempt)', async () => {
    const fresh = await createLabHost({ scenario: 'hardened' });
    try {
      const h = addLab(fresh);
      (await openHostConnection(deps, h.id, { acceptNewHostKey: true })).close();
      const rotated = await regenerateHostKeys(fresh);
      const logBefore = readFileSync(rotated.logFile, 'utf8').length;
      const e = await refusal(openHostConnection(deps, h.id, { acceptNewHostKey: true }), 'HOST_KEY_CHANGED');
      expect(e.details).toMatchObject({ pinned: fresh.hostKeyFingerprints['ssh-ed25519'], presented: rotated.hostKeyFingerprints['ssh-ed25519'] });
      await new Promise((r) => setTimeout(r, 300));
      const newLog = readFileSync(rotated.logFile, 'utf8').slice(logBefore);
      expect(newLog).not.toMatch(/Accepted publickey|Failed publickey|Postponed publickey|userauth/i);
      expect(store.getPin(fresh.address, fresh.port)?.fingerprint).toBe(fresh.hostKeyFingerprints['ssh-ed25519']);
    } finally {
      await destroyLabHost(fresh);
    }
  });

  it('exec: cancellation kills the remote command; a dropped session mid-command is CONNECTION_DROPPED', async () => {
    const h = addLab(host);
    const conn = await openHostConnection(deps, h.id);
    const marker = `rampart-cancel-${process.pid}-${Date.now()}`;
    const ac = new AbortController();
    const p = conn.exec(`sleep 30 && touch /tmp/${marker}`, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 400));
    ac.abort();
    await refusal(p, 'CANCELLED');
    await expect.poll(async () => (await labExec(host, ['pgrep', '-f', `sleep 30 && touch /tmp/${marker}`])).stdout.trim(), { timeout: 3_000 }).toBe('');
    const timed = await refusal(conn.exec('sleep 5', { timeoutMs: 300 }), 'COMMAND_TIMEOUT');
    expect(timed.message).toMatch(/300 ms/);
    // Kill this session's sshd process from inside: the client sees the connection drop.
    await refusal(conn.exec('sleep 0.3; kill -9 $PPID; sleep 5'), 'CONNECTION_DROPPED');
    conn.close();
  });

  it('hostile names survive the shared quoting helper over a real SSH exec (and as bytes through sh -s)', async () => {
    const h = addLab(host);
    const conn = await openHostConnection(deps, h.id);
    try {
      const names = ['with space', 'new\nline', "it's", 'a"b', '$(touch /tmp/pwned-rampart)', '`id`', '-rf', '--help', '*', '~root', 'tab\there', ';reboot;', '\\back'];
      for (const name of names) {
        const r = await conn.exec(`printf %s ${shQuote(name)}`);
        expect(r.stdout).toBe(name);
      }
      // Non-UTF-8 bytes cannot travel in an exec request string; they go as a script on stdin.
      const bytes = Buffer.from([0x66, 0xff, 0xfe, 0x0a, 0x27, 0x24, 0x28, 0x29, 0x80]);
      const script = Buffer.concat([Buffer.from('printf %s '), shQuoteBytes(bytes), Buffer.from(' | od -An -tx1\n')]);
      const r = await conn.exec('sh -s', { stdin: script });
      expect(r.stdout.replace(/\s+/g, '')).toBe(bytes.toString('hex'));
      expect((await labExec(host, ['sh', '-c', 'ls /tmp/pwned-rampart 2>/dev/null || true'])).stdout).toBe('');
    } finally {
      conn.close();
    }
  });

  it('sshd MaxSessions: the 11th parallel channel is CHANNEL_LIMIT on a raw connection, while the pool queues 30 execs', async () => {
    const h = addLab(host);
    const conn = await openHostConnection(deps, h.id);
    const results = await Promise.allSettled(Array.from({ length: 11 }, () => conn.exec('sleep 1')));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect((rejected[0]!.reason as RampartError).code).toBe('CHANNEL_LIMIT');
    conn.close();

    const pool = new SessionPool((id, signal) => openHostConnection(deps, id, { signal }), { maxChannelsPerConnection: 8 });
    try {
      let peak = 0;
      const outs = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          pool.exec(h.id, `echo ${i}; sleep 0.2`).then((r) => {
            peak = Math.max(peak, pool.stats().channelsInUse);
            return r.stdout.trim();
          }),
        ),
      );
      expect(outs).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
      expect(pool.stats().connectsTotal).toBe(1);
      expect(peak).toBeLessThanOrEqual(8);
      // The pooled connection drops: the running command fails, the next exec reconnects.
      await refusal(pool.exec(h.id, 'sleep 0.2; kill -9 $PPID; sleep 5'), 'CONNECTION_DROPPED');
      expect((await pool.exec(h.id, 'echo back')).stdout.trim()).toBe('back');
      expect(pool.stats().connectsTotal).toBe(2);
    } finally {
      pool.close();
    }
  });

  it('pool: auth and host-key errors are final (no retry loop), and the fleet limit bounds concurrent hosts', async () => {
    let calls = 0;
    const pool = new SessionPool(
      async () => {
        calls++;
        throw new RampartError('AUTH_REJECTED', 'nope');
      },
      { reconnectAttempts: 3, reconnectBaseDelayMs: 10 },
    );
    await refusal(pool.exec(1, 'true'), 'AUTH_REJECTED');
    expect(calls).toBe(1);
    pool.close();

    const h1 = addLab(host);
    const h2 = addLab(host);
    const h3 = addLab(host);
    let active = 0;
    let peakHosts = 0;
    const limited = new SessionPool((id, signal) => openHostConnection(deps, id, { signal }), { maxConcurrentHosts: 2 });
    try {
      await Promise.all(
        [h1, h2, h3, h1, h2, h3].map((x) =>
          limited.withHost(x.id, undefined, async (s) => {
            active++;
            peakHosts = Math.max(peakHosts, active);
            await s.exec('sleep 0.3');
            active--;
          }),
        ),
      );
    } finally {
      limited.close();
    }
    expect(peakHosts).toBeLessThanOrEqual(4); // two hosts at a time, each with its two jobs sharing the slot

    // Idle close: a connection nobody uses is closed after idleCloseMs, and reopened on demand.
    const idle = new SessionPool((id, signal) => openHostConnection(deps, id, { signal }), { idleCloseMs: 200 });
    try {
      await idle.exec(h1.id, 'true');
      expect(idle.stats().openConnections).toBe(1);
      await expect.poll(() => idle.stats().openConnections, { timeout: 3_000 }).toBe(0);
      expect((await idle.exec(h1.id, 'echo again')).stdout.trim()).toBe('again');
      expect(idle.stats().connectsTotal).toBe(2); // closed when idle, opened again
    } finally {
      idle.close();
    }
  });
});
