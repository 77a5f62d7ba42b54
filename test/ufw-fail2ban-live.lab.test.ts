// ufw's status and fail2ban's state as the collector reads them now — ufw's rule store, /proc/sys
// and the live chains (netfilter section) instead of `ufw status verbose`; the fail2ban server's
// socket, pid and thread names in /proc instead of fail2ban-client — against what ufw and
// fail2ban-client themselves say, on one lab host with its own /etc/ufw and /etc/fail2ban: every
// rule form ufw prints (ports, lists, ranges, interfaces, sources, an app profile, LIMIT, log,
// outgoing, routed, a comment, IPv6), routed disabled and on, ENABLED=yes with no chains loaded,
// and fail2ban stopped, running with a short jail name (/proc) and with a long one (the name is
// cut in /proc: the collector falls back to fail2ban-client). Needs root, ufw, iptables, nftables
// and fail2ban.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, type LabHost } from '../lab/lab';
import { missingServiceTools, mustInHost, ownServiceEtc, startFail2ban } from '../lab/services';
import { buildCollectScript } from '../src/main/audit/collector';
import { parseFail2ban } from '../src/main/audit/parsers/fail2ban';
import { parseSections } from '../src/main/audit/parsers/sections';
import { parseUfw } from '../src/main/audit/parsers/ufw';

const available = (labPrerequisites().ok && missingServiceTools().length === 0) || process.env.RAMPART_LAB_REQUIRED === '1';

describe.skipIf(!available)('ufw and fail2ban read without their Python clients, against the clients', () => {
  let host: LabHost;
  let dir: string;

  /** The collector's ufw and fail2ban sections (ufw brings the netfilter section along) run in the host as root. */
  async function sections(): Promise<{ ufw: string; netfilter: string; fail2ban: string }> {
    const { marker, scripts } = buildCollectScript({ sshdConfigPath: host.sshdConfigPath, only: ['ufw', 'fail2ban'] });
    const r = await labExec(host, ['sh', '-s'], { input: scripts.join('\n'), timeoutMs: 60_000 });
    const raw = parseSections(r.stdout, marker);
    const body = (name: string): string => {
      const s = raw.get(name);
      if (!s || s.exitCode !== 0) throw new Error(`section ${name}: ${JSON.stringify(s)}`);
      return s.body;
    };
    return { ufw: body('net_ufw'), netfilter: body('net_netfilter'), fail2ban: body('net_fail2ban') };
  }

  /** The facts from the collector's section, and from the same section with ufw's own `ufw status verbose` in place of what it reads. */
  async function ufwBoth(): Promise<{ derived: ReturnType<typeof parseUfw>; real: ReturnType<typeof parseUfw>; status: string; body: string }> {
    const s = await sections();
    expect(s.ufw).toContain('@live');
    const status = await labExec(host, ['ufw', 'status', 'verbose'], { timeoutMs: 60_000 });
    const old = `${s.ufw.slice(0, s.ufw.indexOf('@live'))}@status\n${status.stdout}\n@rc ${status.code}\n`;
    return { derived: parseUfw(s.ufw, s.netfilter), real: parseUfw(old), status: status.stdout, body: s.ufw };
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-ufwf2b-'));
    fs.chmodSync(dir, 0o755);
    host = await createLabHost({ scenario: 'hardened', network: { setup: async (ctx) => void ownServiceEtc(ctx.name, 0o700) } });
    // Rules added while ufw is off only go to its rule store; one ufw run each.
    for (const rule of [
      ['allow', '22/tcp'],
      ['limit', '2222/tcp'],
      ['allow', '80,443/tcp'],
      ['deny', '6000:6007/udp'],
      ['allow', 'in', 'on', 'lo', 'to', 'any', 'port', '5432'],
      ['allow', 'from', '10.0.0.0/8', 'to', 'any', 'port', '3306', 'proto', 'tcp', 'comment', 'app servers'],
      ['allow', 'OpenSSH'],
      ['allow', 'from', '192.168.1.0/24'],
      ['deny', 'out', '25/tcp'],
      ['allow', 'log', '8080/tcp'],
      ['route', 'allow', 'in', 'on', 'lo', 'out', 'on', 'lo', 'to', '10.1.0.0/16', 'port', '443', 'proto', 'tcp'],
      ['reject', 'from', '2001:db8::/32', 'to', 'any', 'port', '22', 'proto', 'tcp'],
      ['allow', 'to', '10.0.0.5', 'port', '8443', 'proto', 'tcp'],
    ])
      await mustInHost(host, ['ufw', ...rule]);
    await mustInHost(host, ['ufw', '--force', 'enable']);
  }, 600_000);

  afterAll(async () => {
    if (host) await destroyLabHost(host);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ufw: every rule form, defaults and logging as `ufw status verbose` gives them (routed disabled, then on)', async () => {
    const a = await ufwBoth();
    expect(a.real).toMatchObject({ active: true, statusSource: 'ufw status' });
    expect(a.real.rules!.length).toBeGreaterThanOrEqual(20); // v4 and v6 copies; the parser keeps every line ufw printed
    expect(a.real.defaults.routed).toBe('disabled');
    expect(a.derived).toEqual(a.real);
    expect(a.derived.note).toBeNull();
    await mustInHost(host, ['sysctl', '-w', 'net.ipv4.ip_forward=1']);
    const b = await ufwBoth();
    expect(b.real.defaults.routed).toBe('deny');
    expect(b.derived).toEqual(b.real);
  }, 120_000);

  it('ufw: ENABLED=yes but no ufw chains in the kernel is inactive, as ufw says (the live state, not the config)', async () => {
    await mustInHost(host, ['ufw', 'disable']);
    const conf = `/etc/netns/${host.name}/ufw/ufw.conf`;
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace(/^ENABLED=.*$/m, 'ENABLED=yes'));
    const a = await ufwBoth();
    expect(a.status).toMatch(/^Status: inactive/);
    expect(a.real).toMatchObject({ enabled: true, active: false, statusSource: 'ufw status' });
    expect(a.derived).toEqual(a.real);
  }, 120_000);

  it('fail2ban: stopped, running with sshd (from /proc, no client), running with a long jail name (client fallback)', async () => {
    const f2bOld = async (): Promise<ReturnType<typeof parseFail2ban>> => {
      // What the section said before (its fail2ban-client path), run in the host.
      const st = await labExec(host, ['fail2ban-client', 'status', 'sshd'], { timeoutMs: 60_000 });
      return parseFail2ban(`@crowdsec no\n@installed yes\n@jail sshd\n${st.stdout}${st.stderr}\n@rc ${st.code}\n`, 0);
    };
    const stopped = await sections();
    expect(stopped.fail2ban).toMatch(/^@live stopped \//m);
    expect(stopped.fail2ban).not.toContain('@jail');
    expect(parseFail2ban(stopped.fail2ban, 0)).toEqual(await f2bOld());

    await startFail2ban(host, dir, 'sshd');
    const running = await sections();
    expect(running.fail2ban).toContain('@live running');
    expect(running.fail2ban).not.toContain('@jail');
    const live = parseFail2ban(running.fail2ban, 0);
    const old = await f2bOld();
    expect(old).toMatchObject({ running: true, jails: ['sshd'] });
    expect(live).toMatchObject({ installed: true, running: old.running, jails: old.jails, note: null });
    expect(live.sshJails.map((j) => j.name)).toEqual(old.sshJails.map((j) => j.name));

    // Where the socket is set: [Definition] wins over [DEFAULT] whatever the file order, as
    // fail2ban-client reads it (a later [DEFAULT] socket pointing nowhere changes nothing).
    const etc = `/etc/netns/${host.name}/fail2ban`;
    const base = path.join(dir, `f2b-${host.name}`);
    fs.writeFileSync(path.join(etc, 'fail2ban.d', '00-rampart.conf'), `[Definition]\nsocket = ${base}/fail2ban.sock\npidfile = ${base}/fail2ban.pid\n`);
    fs.writeFileSync(path.join(etc, 'fail2ban.d', 'zz-rampart.local'), '[DEFAULT]\nsocket = /nonexistent/fail2ban.sock\npidfile = /nonexistent/fail2ban.pid\n');
    const sectioned = await sections();
    expect(sectioned.fail2ban).toContain('@live running');
    expect(await f2bOld()).toMatchObject({ running: true, jails: ['sshd'] });
    fs.rmSync(path.join(etc, 'fail2ban.d', '00-rampart.conf'));
    fs.rmSync(path.join(etc, 'fail2ban.d', 'zz-rampart.local'));

    // A second jail whose thread name /proc cuts at 15 bytes: the client answers instead.
    await mustInHost(host, ['fail2ban-client', 'stop']);
    const jailLocal = `/etc/netns/${host.name}/fail2ban/jail.local`;
    const auth = path.join(dir, `f2b-${host.name}`, 'auth.log');
    fs.appendFileSync(jailLocal, `\n[nginx-http-auth]\nenabled = true\nlogpath = ${auth}\n`);
    await mustInHost(host, ['fail2ban-client', '-x', 'start']);
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      up = (await labExec(host, ['fail2ban-client', 'status'])).stdout.includes('nginx-http-auth');
      if (!up) await new Promise((r) => setTimeout(r, 50));
    }
    expect(up).toBe(true);
    const long = await sections();
    expect(long.fail2ban).not.toContain('@live');
    expect(long.fail2ban).toContain('@jail sshd');
    expect(parseFail2ban(long.fail2ban, 0)).toMatchObject({ running: true, jails: ['sshd'] });
    await mustInHost(host, ['fail2ban-client', 'stop']);
  }, 180_000);
});
