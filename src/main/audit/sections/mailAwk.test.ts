// The awk programs the mail sections run on the host (sections/mail.ts, sections/mailStack.ts),
// run here under the two awks a Debian/Ubuntu or Alpine/busybox host has (mawk and busybox awk),
// with hostile input: addresses whose local parts must not survive, JSON escapes, and files whose
// key material must never be printed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIL_SCRIPTS } from './mail';
import { MAIL_STACK_SCRIPTS } from './mailStack';

const AWKS: Array<[string, string[]]> = [
  ['mawk', ['/usr/bin/mawk']],
  ['busybox awk', ['/bin/busybox', 'awk']],
];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-mail-awk-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function awk(cmd: string[], program: string, input: string, files: string[] = []): string {
  return execFileSync(cmd[0]!, [...cmd.slice(1), program, ...files], { input, encoding: 'utf8' });
}

const LOCAL = ['qz7bob', 'qz7 carol', "o'qz7", 'qz7+tag', 'qz7\\"q'];
const QUEUE = [
  `{"queue_name": "deferred", "queue_id": "A1", "arrival_time": 1000, "sender": "qz7alice@a.test", "recipients": [{"address": "qz7bob@Down.test", "delay_reason": "host mx.down.test[192.0.2.1] said: 550 5.1.1 <qz7bob@down.test>: Recipient address rejected: \\"qz7bob\\" unknown (in reply to RCPT TO command)"}]}`,
  `{"queue_name": "deferred", "queue_id": "A2", "arrival_time": 900, "sender": "", "recipients": [{"address": "\\"qz7 carol\\"@down.test", "orig_address": "x@y.test", "delay_reason": "550 <\\"qz7 carol\\"@down.test> rejected; \\"address\\": no such user"}, {"address": "o'qz7@other.test", "delay_reason": "connect to other.test[192.0.2.2]:25: Connection timed out"}]}`,
  `{"queue_name": "hold", "queue_id": "A3", "arrival_time": 800, "sender": "qz7+tag@a.test", "recipients": [{"address": "qz7+tag@other.test"}]}`,
  `{"queue_name": "active", "queue_id": "A4", "arrival_time": 1200, "recipients": [{"address": "local-only", "delay_reason": "mail for qz7\\\\\\"q@x.test loops back to myself"}]}`,
  '@qrc 0',
].join('\n');

describe.each(AWKS)('%s', (_, cmd) => {
  it('queue: per-queue counts and oldest, reasons grouped by domain, no local part left', () => {
    const out = awk(cmd, MAIL_SCRIPTS.AWK_QUEUE, `${QUEUE}\n`);
    const lines = out.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('@q ')).sort()).toEqual(['@q active 1 1200', '@q deferred 2 900', '@q hold 1 800']);
    // The clock comes first, from the awk itself (no date process in front of postqueue).
    expect(lines[0]).toMatch(/^@now \d{10}$/);
    expect(Math.abs(Number(lines[0]!.slice(5)) - Date.now() / 1000)).toBeLessThan(600);
    expect(lines.filter((l) => /^@(count|deferred|oldest|reasons|qrc) /.test(l))).toEqual(['@count 4', '@deferred 2', '@oldest 800', '@reasons 4 4', '@qrc 0']);
    expect(lines.filter((l) => l.startsWith('@reason\t') || l.startsWith('@reason ')).map((l) => l.split('\t').slice(1).join(' | ')).sort()).toEqual([
      '(local) | mail for *@x.test loops back to myself',
      'down.test | 550 <*@down.test> rejected; "address": no such user',
      'down.test | host mx.down.test[192.0.2.1] said: 550 5.1.1 <*@down.test>: Recipient address rejected: "qz7bob" unknown (in reply to RCPT TO command)',
      'other.test | connect to other.test[192.0.2.2]:25: Connection timed out',
    ]);
    // The reason text itself may quote a bare local part (a remote server's words): the addresses are gone.
    for (const l of LOCAL.filter((x) => x !== 'qz7bob')) expect(out.includes(l), l).toBe(false);
    expect(out).not.toMatch(/qz7alice|qz7bob@|qz7\+tag/);
  });

  it('certificates: only the first CERTIFICATE block of each file, never a key', () => {
    const certPem = ['-----BEGIN CERTIFICATE-----', 'QUJD', 'REVG', '-----END CERTIFICATE-----'].join('\n');
    const keyPem = ['-----BEGIN PRIVATE KEY-----', 'U0VDUkVUS0VZ', '-----END PRIVATE KEY-----'].join('\n');
    const files: Record<string, string> = {
      'key-first.pem': `${keyPem}\n${certPem}\n`,
      'chain.pem': `${certPem}\n-----BEGIN CERTIFICATE-----\nU0VDT05E\n-----END CERTIFICATE-----\n`,
      // A certificate block cut off by a key block: the key's lines stop the output.
      'broken.pem': `-----BEGIN CERTIFICATE-----\nQUJD\n${keyPem}\n`,
      'crlf.pem': `${certPem.replace(/\n/g, '\r\n')}\r\n`,
      'hostile `id`;$(x).pem': `${certPem}\n`,
    };
    const paths = Object.entries(files).map(([n, t]) => {
      const p = path.join(dir, n);
      fs.writeFileSync(p, t);
      return p;
    });
    const out = awk(cmd, MAIL_SCRIPTS.AWK_PEM, '', paths);
    expect(out).not.toMatch(/U0VDUkVUS0VZ|PRIVATE|U0VDT05E/);
    expect(out.split('@file ').length - 1).toBe(5);
    expect((out.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length).toBe(5);
    expect((out.match(/-----END CERTIFICATE-----/g) ?? []).length).toBe(4);
    expect(out).toContain(`@file ${path.join(dir, 'hostile `id`;$(x).pem')}\n`);
  });

  it('master.cf: -o overrides as postconf -P prints them', () => {
    const p = path.join(dir, 'master.cf');
    fs.writeFileSync(p, ['smtp      inet  n       -       n       -       -       smtpd', '587 inet n - n - - smtpd', '  -o smtpd_tls_cert_file=/x/soon.pem', '  -o smtpd_tls_security_level=encrypt -o syslog_name=postfix/submission', '#  -o commented=1', 'smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes', 'relay unix - - n - - smtp', '  -o { smtp_helo_timeout = 5 }', ''].join('\n'));
    expect(awk(cmd, MAIL_SCRIPTS.AWK_MASTER, '', [p]).trim().split('\n')).toEqual([
      '587/inet/smtpd_tls_cert_file = /x/soon.pem',
      '587/inet/smtpd_tls_security_level = encrypt',
      '587/inet/syslog_name = postfix/submission',
      'smtps/inet/smtpd_tls_wrappermode = yes',
      'relay/unix/smtp_helo_timeout = 5',
    ]);
  });

  it('config files: comments and key-like lines dropped', () => {
    const p = path.join(dir, 'dkim_signing.conf');
    fs.writeFileSync(p, `# comment\nenabled = true;\n  key = "-----BEGIN PRIVATE KEY-----";\nselector = "s1";\n${'A'.repeat(80)}\npath = "/var/lib/rspamd/dkim/$domain.$selector.key";\n`);
    expect(awk(cmd, MAIL_STACK_SCRIPTS.AWK_CONF, '', [p])).toBe(`@conf ${p}\n|enabled = true;\n|selector = "s1";\n|path = "/var/lib/rspamd/dkim/$domain.$selector.key";\n`);
  });

  it('inspect lines: running ids, a running Rspamd\'s address, the mounts that matter', () => {
    const ins = [
      ['r1', '/mc_rspamd-mailcow_1', 'mailcow/rspamd:2.2', 'mc', 'rspamd-mailcow', 'running', 'healthy', '0', 't', '0', '172.22.1.4 ', '/etc/rspamd/local.d=/opt/mc/data/conf/rspamd/local.d'],
      ['c1', '/mc_clamd-mailcow_1', 'mailcow/clamd:1.7', 'mc', 'clamd-mailcow', 'exited', '', '0', 't', '0', ' ', '/var/lib/clamav/=/var/lib/docker/volumes/mc_clamd-db-vol-1/_data', '/etc/ssl/mail=/opt/mc/data/assets/ssl'],
      ['d1', '/mc_dovecot-mailcow_1', 'mailcow/dovecot:2.3', 'mc', 'dovecot-mailcow', 'running', 'healthy', '0', 't', '0', '-bad ', '/var/vmail=/var/lib/docker/volumes/mc_vmail-vol-1/_data', 'relative=not/absolute'],
    ].map((f) => f.join('\t')).join('\n');
    expect(awk(cmd, MAIL_STACK_SCRIPTS.AWK_MOUNTS, `${ins}\n`).trim().split('\n')).toEqual([
      'run r1',
      'rip mc_rspamd-mailcow_1 172.22.1.4',
      'rsp /opt/mc/data/conf/rspamd/local.d',
      'clam /var/lib/docker/volumes/mc_clamd-db-vol-1/_data',
      'ssl /opt/mc/data/assets/ssl',
      'run d1',
      'vol /var/lib/docker/volumes/mc_vmail-vol-1/_data',
    ]);
  });

  it('stack pick: every container of a project with a mail container, and mail containers outside compose', () => {
    const ps = ['a1\tmailcow/postfix:1\tmc_postfix-mailcow_1\tmc', 'a2\tredis:7\tmc_redis-mailcow_1\tmc', 'b1\tnginx\tweb_1\tweb', 'c1\tghcr.io/docker-mailserver/docker-mailserver:14\tmailserver\t', 'd1\tredis\tcache\t'].join('\n');
    expect(awk(cmd, MAIL_STACK_SCRIPTS.AWK_PICK, `${ps}\n`).trim().split('\n')).toEqual(['a1', 'a2', 'c1']);
    // The same from the docker section's fd 3 lines (-v c=1): only the @P lines count.
    const fd3 = ['/srv/traefik', '@C\t/srv/mc\tdocker-compose.yml', ...ps.split('\n').map((l) => `@P\t${l}`), 'e1\tpostfix\tnot-a-P-line\t', '@C-DONE'].join('\n');
    expect(execFileSync(cmd[0]!, [...cmd.slice(1), '-v', 'c=1', MAIL_STACK_SCRIPTS.AWK_PICK], { input: `${fd3}\n`, encoding: 'utf8' }).trim().split('\n')).toEqual(['a1', 'a2', 'c1']);
  });
});
