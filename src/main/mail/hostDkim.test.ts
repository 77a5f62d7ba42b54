// Parsers of the signer configurations read over SSH, the DNS-key normalisation, and the shell
// fragments with hostile paths (the collection itself runs against a lab host in
// test/mail-policy.lab.test.ts).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newMarker, catFilesScript, datasetFile, dnsKeyToSpki, parseKeyTable, parseOpendkimConf, parseRspamdDkim, parseSigningTable, publicKeysScript } from './hostDkim';

describe('opendkim', () => {
  it('opendkim.conf keys (case-insensitive, comments), data sets', () => {
    const c = parseOpendkimConf('# comment\nSyslog yes\nKeyTable  refile:/etc/opendkim/KeyTable # trailing\nsigningtable /etc/opendkim/SigningTable\n');
    expect([c.get('keytable'), c.get('signingtable')]).toEqual(['refile:/etc/opendkim/KeyTable', '/etc/opendkim/SigningTable']);
    expect([datasetFile('refile:/a'), datasetFile('file:/b'), datasetFile('/c'), datasetFile('db:/d'), datasetFile('ldap://x')]).toEqual(['/a', '/b', '/c', null, null]);
  });

  it('KeyTable and SigningTable', () => {
    const kt = parseKeyTable('mail._domainkey.example.com example.com:mail:/etc/opendkim/keys/example.com/mail.private\n# x\ninline example.com:s2:MIIB…\ngarbage\n');
    expect([...kt.keys.entries()]).toEqual([['mail._domainkey.example.com', { domain: 'example.com', selector: 'mail', keyPath: '/etc/opendkim/keys/example.com/mail.private' }]]);
    expect(kt.problems).toEqual(['KeyTable entry inline: the key is not a file path (inline keys are not read)', 'KeyTable line not understood: "garbage"']);
    expect([...parseSigningTable('*@example.com mail._domainkey.example.com\n')]).toEqual(['mail._domainkey.example.com']);
  });
});

describe('rspamd dkim_signing.conf', () => {
  it('domain blocks and the global selector/path with $domain/$selector', () => {
    const conf = `# rspamd
allow_username_mismatch = true;
domain {
  example.com {
    selector = "s2025";
    path = "/var/lib/rspamd/dkim/example.com.s2025.key";
  }
  other.org { selector = "x"; path = "/k/x"; }
}`;
    expect(parseRspamdDkim(conf, 'example.com').keys).toEqual([
      { domain: 'example.com', selector: 's2025', keyPath: '/var/lib/rspamd/dkim/example.com.s2025.key' },
      { domain: 'other.org', selector: 'x', keyPath: '/k/x' },
    ]);
    expect(parseRspamdDkim('selector = "dkim";\npath = "/var/lib/rspamd/dkim/$domain.$selector.key";\n', 'example.com').keys).toEqual([
      { domain: 'example.com', selector: 'dkim', keyPath: '/var/lib/rspamd/dkim/example.com.dkim.key' },
    ]);
    expect(parseRspamdDkim('use_redis = true;\nhash_key = "DKIM_PRIV_KEYS";\n', 'example.com').problems).toEqual(['rspamd takes DKIM keys from Redis (use_redis): those keys are not read']);
  });
});

describe('dnsKeyToSpki', () => {
  it('RSA SPKI and PKCS#1 give the same SPKI; ed25519 raw keys are wrapped; junk is null', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    expect(dnsKeyToSpki(spki, 'rsa')).toBe(spki);
    expect(dnsKeyToSpki(pkcs1, 'rsa')).toBe(spki);
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(dnsKeyToSpki(ed.subarray(-32).toString('base64'), 'ed25519')).toBe(ed.toString('base64'));
    expect(dnsKeyToSpki('AAAA', 'rsa')).toBeNull();
  });
});

describe('shell fragments quote hostile paths', () => {
  it('a path with quotes, $(), ; and newlines is read as one file name and runs nothing', () => {
    const hostile = `/tmp/x'; touch /tmp/rampart-pwned-$$; echo '$(id)\n"`;
    for (const script of [catFilesScript([hostile], 'M-'), publicKeysScript([hostile], 'M-')]) {
      const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
      expect(out).not.toContain('uid=');
    }
    expect(execFileSync('sh', ['-c', publicKeysScript([hostile], 'M-')], { encoding: 'utf8' })).toBe(`=== M-pub ${hostile}\nmissing\n`);
    expect(newMarker()).toMatch(/^RAMPART-DKIM-[0-9a-f]{16}-$/);
    expect(newMarker()).not.toBe(newMarker());
  });
});
