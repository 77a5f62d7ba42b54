// WireGuard and Postfix parsers on output captured from lab hosts (wireguard-go + wg 1.0.20210914,
// Postfix 3.7.11) and hand-written variants, plus broken input. Keys: the collector prints none;
// the parsers drop anything that still looks like a private key.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { VPN_SCRIPTS } from '../sections/vpn';
import { mynetworksEntries, parsePostfix, restrictionList } from './postfix';
import { NeedsRootError, NotApplicableError } from './sectionResult';
import { parseWireguardConfigs, parseWireguardDump } from './wireguard';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const fixture = (name: string): string => fs.readFileSync(path.join(DIR, name), 'utf8');

describe('parseWireguardConfigs', () => {
  it('lab server config: modes, interface settings, peers, key presence only', () => {
    const c = parseWireguardConfigs(fixture('vpn/wg-conf-vulnerable.txt'), 0);
    expect(c.dir).toEqual({ mode: 0o755, owner: 'root', group: 'root' });
    expect(c.files.map((f) => f.name)).toEqual(['rmpd06bd55', 'rmpv06bd55']);
    const server = c.files[1]!;
    expect(server).toMatchObject({ path: '/etc/wireguard/rmpv06bd55.conf', mode: 0o644, owner: 'root', group: 'root', readable: true, listenPort: 51820, hasPrivateKey: true, saveConfig: true, otherKeys: ['PostUp'] });
    expect(server.addresses).toEqual(['10.216.151.133/30']);
    expect(server.peers).toEqual([
      { publicKey: '6CnqPGQlXZCjRlYInfOgRS7xabfSOBynrHDmLCLcsy0=', allowedIps: ['0.0.0.0/0'], endpoint: null, persistentKeepalive: null, hasPresharedKey: false },
      { publicKey: 'dxjhOuCGZNNMc9ZvyspJs58MB+53+ZoxocnA9fN7NGA=', allowedIps: ['10.216.151.134/32'], endpoint: '10.213.96.165:51999', persistentKeepalive: 25, hasPresharedKey: false },
    ]);
    expect(JSON.stringify(c)).not.toMatch(/\(set\)/);
  });

  it('client config, odd owners, a name with a space, an unreadable file', () => {
    const c = parseWireguardConfigs(fixture('vpn/wg-conf-client.txt'), 0);
    expect(c.files.map((f) => [f.path, f.mode.toString(8), f.owner, f.group, f.readable, f.listenPort])).toEqual([
      ['/etc/wireguard/wg0.conf', '640', 'root', 'admins', true, null],
      ['/etc/wireguard/site b.conf', '666', 'deploy', 'deploy', true, 51821],
      ['/etc/wireguard/empty.conf', '600', 'root', 'root', false, null],
    ]);
    expect(c.files[0]!.peers[0]!.allowedIps).toEqual(['0.0.0.0/0', '::/0']);
    expect(c.files[1]!.name).toBe('site b');
  });

  it('no /etc/wireguard; unreadable directory (needs root when not root)', () => {
    expect(parseWireguardConfigs('@dir-absent\n', 1000)).toEqual({ dir: null, files: [] });
    expect(() => parseWireguardConfigs(fixture('vpn/wg-conf-nonroot.txt'), 1000)).toThrow(NeedsRootError);
    expect(() => parseWireguardConfigs(fixture('vpn/wg-conf-nonroot.txt'), 0)).toThrow(/could not be listed/);
  });

  it('a peer public key that is not a key is not kept; garbage throws', () => {
    const c = parseWireguardConfigs('@dir 700 root root\n@file 600 root root 10 /etc/wireguard/x.conf\n[Peer]\nPublicKey = not-a-key\n@end\n', 0);
    expect(c.files[0]!.peers[0]!.publicKey).toBeNull();
    expect(() => parseWireguardConfigs('stat: cannot stat', 0)).toThrow(/unexpected WireGuard config section output/);
  });
});

describe('parseWireguardDump', () => {
  it('interfaces and peers, private keys hidden, handshake times', () => {
    const d = parseWireguardDump(fixture('vpn/wg-dump-shared-run.txt'), 0);
    expect(d.installed).toBe(true);
    expect(d.now).toBe(1795677264);
    expect(d.interfaces.map((i) => [i.name, i.listenPort, i.peers.length])).toEqual([
      ['rmpws6ef7c0', 51820, 1],
      ['rmpv06bd55', 51820, 2],
      ['rmph06bd55', 51820, 1],
      ['rmpwg6ef7c0', 55034, 1],
    ]);
    expect(d.interfaces[1]!.peers[1]).toEqual({
      publicKey: 'dxjhOuCGZNNMc9ZvyspJs58MB+53+ZoxocnA9fN7NGA=',
      hasPresharedKey: false,
      endpoint: '10.213.96.165:51999',
      allowedIps: ['10.216.151.134/32'],
      latestHandshake: 0,
      rxBytes: 0,
      txBytes: 2072,
      persistentKeepalive: 25,
    });
  });

  it('a preshared key shows only as set', () => {
    const d = parseWireguardDump(fixture('vpn/wg-dump-client.txt'), 0);
    expect(d.interfaces[0]!.peers[0]).toMatchObject({ hasPresharedKey: true, allowedIps: ['0.0.0.0/0', '::/0'], latestHandshake: 1700000000 });
  });

  it('defence in depth: an interface line whose private key was not hidden is dropped, a raw preshared key too', () => {
    const priv = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
    const d = parseWireguardDump(`@now 1\nwg0\t${priv}\tHm6aD4Vx3zvR3iU8QypQeRf1M6WvD9C8+dCJ4xgS2Ws=\t51820\toff\nwg0\txTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\t${priv}\t(none)\t10.0.0.2/32\t0\t0\t0\toff\n@rc 0\n`, 0);
    expect(d.interfaces).toEqual([]);
    expect(JSON.stringify(d)).not.toContain(priv);
  });

  it('no wg; not root; other failures; cut off', () => {
    expect(parseWireguardDump('@now 5\n@wg-absent\n', 1000)).toEqual({ installed: false, now: 5, interfaces: [] });
    expect(() => parseWireguardDump(fixture('vpn/wg-dump-nonroot.txt'), 1000)).toThrow(NeedsRootError);
    expect(() => parseWireguardDump('@now 5\nUnable to access interface wg0: Protocol not supported\n@rc 1\n', 0)).toThrow(/exit 1/);
    expect(() => parseWireguardDump('@now 5\nwg0\t(hidden)\t', 0)).toThrow(/cut off/);
  });
});

describe('parsePostfix', () => {
  it('open relay lab config with a queue summary', () => {
    const p = parsePostfix(fixture('mail/postfix-open-relay.txt'));
    expect(p.explicit.mynetworks).toBe('0.0.0.0/0');
    expect(p.effective).toMatchObject({ inet_interfaces: 'all', smtpd_recipient_restrictions: '', disable_vrfy_command: 'no', mail_version: '3.7.11' });
    expect(p.queue).toEqual({ count: 101, deferred: 101, oldestArrival: 1795677222 });
    expect(p.queueNote).toBeNull();
  });

  it('folded values are joined; a stopped Postfix leaves the queue unknown', () => {
    const p = parsePostfix(fixture('mail/postfix-stopped.txt'));
    expect(p.effective.smtpd_tls_chain_files).toBe('/etc/letsencrypt/live/mail.example.org/privkey.pem, /etc/letsencrypt/live/mail.example.org/fullchain.pem');
    expect(p.queue).toBeNull();
    expect(p.queueNote).toBe('the queue could not be read: Postfix is not running');
  });

  it('an unprivileged collector reads it all (main.cf and showq are public)', () => {
    expect(parsePostfix(fixture('mail/postfix-nonroot.txt')).queue).toEqual({ count: 0, deferred: 0, oldestArrival: null });
  });

  it('not installed / not configured: not applicable', () => {
    expect(() => parsePostfix('@installed no\n')).toThrow(NotApplicableError);
    expect(() => parsePostfix(fixture('mail/postfix-no-main-cf.txt'))).toThrow(NotApplicableError);
  });

  it('garbage and failures throw', () => {
    expect(() => parsePostfix('whatever')).toThrow(/unexpected postfix section output/);
    expect(() => parsePostfix('@postconf-n\npostconf: fatal: bad parameter\n@rc 1\n')).toThrow(/postconf -n failed/);
  });

  it('restriction lists and mynetworks entries', () => {
    expect(restrictionList('permit_mynetworks, check_client_access hash:/etc/postfix/access reject_unauth_destination')).toEqual(['permit_mynetworks', 'check_client_access hash:/etc/postfix/access', 'reject_unauth_destination']);
    expect(restrictionList('')).toEqual([]);
    expect(mynetworksEntries('127.0.0.0/8 [::ffff:127.0.0.0]/104, [::1]/128 hash:/etc/postfix/net')).toEqual(['127.0.0.0/8', '[::ffff:127.0.0.0]/104', '[::1]/128', 'hash:/etc/postfix/net']);
  });
});

describe('the collector’s WireGuard filters, run by the real shell: keys never leave the host', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-wg-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
  const PSK = 'E6X0dMmxU9NfXFqMnsbR0mYZ5R8m3M3rQk4T6rZ7e1U=';

  it('configs: PrivateKey/PresharedKey become "(set)", unknown keys "(omitted)", comments dropped', () => {
    const dir = path.join(tmp, 'wireguard');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(
      path.join(dir, 'wg0.conf'),
      `[Interface]\r\nPrivateKey=${PRIV}\r\nprivatekey = ${PRIV}\nListenPort = 51820 # server\nPostUp = wg set %i private-key <(echo ${PRIV})\n# PrivateKey = ${PRIV}\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nPresharedKey = ${PSK}\nAllowedIPs = 10.0.0.2/32\nPrivate Key = ${PRIV}\n`,
      { mode: 0o600 },
    );
    const out = execFileSync('sh', ['-c', VPN_SCRIPTS.WG_CONF.replace('d=/etc/wireguard', `d=${dir}`)], { encoding: 'utf8' });
    expect(out).not.toContain(PRIV);
    expect(out).not.toContain(PSK);
    expect(out.split('\n').filter((l) => !l.startsWith('@'))).toEqual([
      '[Interface]',
      'PrivateKey = (set)',
      'privatekey = (set)',
      'ListenPort = 51820',
      'PostUp = (omitted)',
      '[Peer]',
      'PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
      'PresharedKey = (set)',
      'AllowedIPs = 10.0.0.2/32',
      '',
    ]);
    const c = parseWireguardConfigs(out, 0);
    expect(c.files[0]).toMatchObject({ mode: 0o600, listenPort: 51820, hasPrivateKey: true, peers: [{ hasPresharedKey: true, allowedIps: ['10.0.0.2/32'] }] });
  });

  it('wg show all dump: the private key field and preshared keys are replaced in awk', () => {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'wg'),
      `#!/bin/sh\nprintf 'wg0\\t${PRIV}\\tHm6aD4Vx3zvR3iU8QypQeRf1M6WvD9C8+dCJ4xgS2Ws=\\t51820\\toff\\nwg0\\txTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\\t${PSK}\\t(none)\\t10.0.0.2/32\\t0\\t0\\t0\\toff\\nwg0\\tweird\\tline\\n'\n`,
      { mode: 0o755 },
    );
    const out = execFileSync('sh', ['-c', VPN_SCRIPTS.WG_DUMP], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(out).not.toContain(PRIV);
    expect(out).not.toContain(PSK);
    expect(out).not.toContain('weird');
    const d = parseWireguardDump(out, 0);
    expect(d.interfaces).toEqual([{ name: 'wg0', publicKey: 'Hm6aD4Vx3zvR3iU8QypQeRf1M6WvD9C8+dCJ4xgS2Ws=', listenPort: 51820, peers: [expect.objectContaining({ hasPresharedKey: true, allowedIps: ['10.0.0.2/32'] })] }]);
  });
});
