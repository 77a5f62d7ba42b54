// parseSshdT on real `sshd -T` output (OpenSSH 9.2p1, Debian 12) and on broken input.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseError, first, list, parseSshdT } from './sshd';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const DEFAULT = fixture('sshd-T-debian12-default.txt');
const HARDENED = fixture('sshd-T-hardened.txt');
const WEAK = fixture('sshd-T-weak.txt');
const WARNINGS = fixture('sshd-T-with-warnings.txt');

function parseError(text: string): ParseError {
  try {
    parseSshdT(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('expected parseSshdT to throw');
}

describe('parseSshdT: real Debian 12 output', () => {
  it('default sshd_config', () => {
    const cfg = parseSshdT(DEFAULT);
    expect(first(cfg, 'port')).toBe('22');
    expect(first(cfg, 'permitrootlogin')).toBe('without-password');
    expect(first(cfg, 'passwordauthentication')).toBe('yes');
    expect(first(cfg, 'kbdinteractiveauthentication')).toBe('no');
    expect(first(cfg, 'usepam')).toBe('yes');
    expect(first(cfg, 'x11forwarding')).toBe('yes');
    expect(first(cfg, 'maxauthtries')).toBe('6');
    expect(first(cfg, 'logingracetime')).toBe('120');
    // Repeated keywords keep every value, in order.
    expect(cfg.get('listenaddress')).toEqual(['[::]:22', '0.0.0.0:22']);
    expect(cfg.get('hostkey')).toEqual(['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ed25519_key']);
    expect(cfg.get('acceptenv')).toEqual(['LANG', 'LC_*']);
    // Values with inner spaces are kept whole.
    expect(first(cfg, 'authorizedkeysfile')).toBe('.ssh/authorized_keys .ssh/authorized_keys2');
    expect(first(cfg, 'subsystem')).toBe('sftp /usr/lib/openssh/sftp-server');
    expect(first(cfg, 'rekeylimit')).toBe('0 0');
    // Comma lists.
    expect(list(cfg, 'ciphers')).toEqual([
      'chacha20-poly1305@openssh.com',
      'aes128-ctr',
      'aes192-ctr',
      'aes256-ctr',
      'aes128-gcm@openssh.com',
      'aes256-gcm@openssh.com',
    ]);
    expect(list(cfg, 'kexalgorithms')).toContain('curve25519-sha256');
    expect(list(cfg, 'nonexistent')).toEqual([]);
    expect(first(cfg, 'nonexistent')).toBeUndefined();
    // Every non-empty line is a keyword line.
    const lines = DEFAULT.split('\n').filter(Boolean);
    const keys = new Set(lines.map((l) => l.split(' ')[0]));
    expect(new Set(cfg.keys())).toEqual(keys);
  });

  it('hardened config', () => {
    const cfg = parseSshdT(HARDENED);
    expect(first(cfg, 'permitrootlogin')).toBe('without-password');
    expect(first(cfg, 'passwordauthentication')).toBe('no');
    expect(first(cfg, 'usepam')).toBe('no');
    expect(cfg.get('hostkey')).toEqual(['/etc/ssh/ssh_host_ed25519_key']);
    expect(list(cfg, 'macs')).toEqual(['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com']);
    expect(first(cfg, 'allowusers')).toBe('admin');
  });

  it('weak config', () => {
    const cfg = parseSshdT(WEAK);
    expect(first(cfg, 'port')).toBe('2222');
    expect(first(cfg, 'permitrootlogin')).toBe('yes');
    expect(first(cfg, 'permitemptypasswords')).toBe('yes');
    expect(first(cfg, 'logingracetime')).toBe('0');
    expect(list(cfg, 'ciphers')[0]).toBe('3des-cbc');
    expect(list(cfg, 'kexalgorithms')[0]).toBe('diffie-hellman-group1-sha1');
  });

  it('warning lines mixed in (stderr merged) are not config', () => {
    expect(WARNINGS).toMatch(/Deprecated option/);
    const cfg = parseSshdT(WARNINGS);
    const clean = parseSshdT(HARDENED);
    expect(first(cfg, 'port')).toBe('22');
    for (const key of ['port', 'permitrootlogin', 'passwordauthentication', 'ciphers', 'macs', 'kexalgorithms', 'hostkey'])
      expect(cfg.get(key), key).toEqual(clean.get(key));
    for (const k of cfg.keys()) expect(k).toMatch(/^[a-z0-9]+$/);
  });

  it('the "reprocess config line N: Deprecated option X" warning sshd really prints is not stored as config', () => {
    // OpenSSH 9.2 prints this line (lowercase first word) when it re-parses the config for -T.
    expect(WARNINGS).toMatch(/^reprocess config line 2: Deprecated option RSAAuthentication$/m);
    const cfg = parseSshdT(WARNINGS);
    const polluted = [...cfg].filter(([, v]) => v.some((x) => /Deprecated option/.test(x))).map(([k]) => k);
    expect(polluted).toEqual([]);
    expect([...cfg.keys()].sort()).toEqual([...parseSshdT(HARDENED).keys()].sort());
  });

  it('warnings between config lines too', () => {
    const lines = DEFAULT.split('\n');
    lines.splice(5, 0, 'Unsupported option GSSAPIKexAlgorithms', '/etc/ssh/sshd_config.d/x.conf line 3: Bad configuration option: Foo');
    lines.splice(40, 0, 'WARNING: something');
    const cfg = parseSshdT(lines.join('\n'));
    expect([...cfg.entries()]).toEqual([...parseSshdT(DEFAULT).entries()]);
  });

  it('CRLF line endings give the same result as LF', () => {
    const crlf = DEFAULT.replace(/\n/g, '\r\n');
    const a = parseSshdT(crlf);
    const b = parseSshdT(DEFAULT);
    expect([...a.entries()]).toEqual([...b.entries()]);
    for (const v of a.values()) for (const s of v) expect(s).not.toMatch(/\r/);
  });

  it('leading/trailing whitespace on lines is tolerated', () => {
    const spaced = DEFAULT.split('\n')
      .map((l) => (l ? `  ${l}  ` : l))
      .join('\n');
    expect([...parseSshdT(spaced).entries()]).toEqual([...parseSshdT(DEFAULT).entries()]);
  });
});

describe('parseSshdT: broken input', () => {
  it('empty input → ParseError saying it was empty', () => {
    expect(parseError('').message).toMatch(/does not look like a configuration dump: it was empty/);
    expect(parseError('\n\n  \n').message).toMatch(/it was empty/);
  });

  it('garbage → ParseError quoting the start of it', () => {
    const e = parseError('sshd: no hostkeys available -- exiting.\nBye');
    expect(e.message).toMatch(/does not look like a configuration dump/);
    expect(e.message).toContain('no hostkeys available');
  });

  it('binary garbage → ParseError, message bounded', () => {
    const junk = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const e = parseError(junk);
    expect(e.message.length).toBeLessThan(300);
  });

  it('an HTML error page → ParseError', () => {
    expect(parseError('<html>\n<body>502 Bad Gateway</body>\n</html>').message).toMatch(/does not look like/);
  });

  it('truncated (first 3 lines only) → ParseError naming what is missing', () => {
    const head = DEFAULT.split('\n').slice(0, 3).join('\n');
    expect(head).toMatch(/^port 22\n/);
    const e = parseError(head);
    expect(e.message).toMatch(/incomplete/);
    for (const k of ['permitrootlogin', 'passwordauthentication', 'ciphers', 'macs', 'kexalgorithms']) expect(e.message).toContain(k);
    expect(e.message).not.toMatch(/missing[^)]*\bport\b/);
  });

  it('truncated in the middle of the algorithm lists → ParseError', () => {
    const cut = DEFAULT.slice(0, DEFAULT.indexOf('\nmacs '));
    expect(parseError(cut).message).toMatch(/incomplete \(missing macs, kexalgorithms\)/);
  });

  it('huge input (> 5000 lines) → ParseError, fast', () => {
    const huge = DEFAULT + '\n' + Array.from({ length: 6000 }, (_, i) => `acceptenv VAR${i}`).join('\n');
    const t0 = performance.now();
    const e = parseError(huge);
    expect(performance.now() - t0).toBeLessThan(3000); // ≈ 10 ms; a parse that walks 6000 lines quadratically would not be
    expect(e.message).toMatch(/more than 5000/);
  });

  it('just under the line limit still parses', () => {
    const lines = DEFAULT.trimEnd().split('\n');
    const pad = Array.from({ length: 5000 - lines.length }, (_, i) => `acceptenv V${i}`);
    const text = [...lines, ...pad].join('\n');
    expect(text.split('\n').length).toBe(5000);
    expect(parseSshdT(text).get('acceptenv')!.length).toBe(2 + pad.length);
  });
});
