// The mail stack checks (issue 13) through the collector's parsers and the engine: the mail_stack
// section captured from the lab's mailcow-like stack (lab/mailStack.ts: redis unhealthy, unbound
// crash-looping, sogo exited, ClamAV databases 20 days old, greylisting off, the vmail volume 98 %
// full) and a hand-written systemd host with Postfix + Dovecot + OpenDKIM + Rspamd + ClamAV.
import { describe, expect, it } from 'vitest';
import { factsFrom, fixture, outcome, run } from '../../../../../test/support/checkFacts';
import { parseCvdHeader, parseMailStack, parseSize, roleOf } from '../../parsers/mailStack';
import { NotApplicableError } from '../../parsers/sectionResult';
import { sendingDomains } from './dkimSigning';
import { checks } from './index';

const MAILCOW = fixture('mail/stack-mailcow.txt');
const HOST = fixture('mail/stack-host-systemd.txt');
const POSTFIX = fixture('mail/postfix-health.txt');
const STACK_CHECKS = checks.filter((c) => (c.requires as readonly string[]).includes('mailStack'));
const evalOf = (stack: string, postfix = POSTFIX) => run(factsFrom({ mail_postfix: postfix, mail_stack: stack }), STACK_CHECKS);
const lines = (ev: ReturnType<typeof evalOf>, id: string) => outcome(ev, id).lines;

describe('the mailcow-like lab stack', () => {
  const ev = evalOf(MAILCOW);

  it('the parser: roles, states, restarts, memory, mounts, signatures, configs, disks', () => {
    const s = parseMailStack(MAILCOW);
    expect(s.kind).toBe('mailcow');
    expect(s.projects).toEqual(['mailcowdockerized']);
    expect(s.containers.map((c) => `${c.role} ${c.state} ${c.health ?? '-'} ${c.restartCount}`).sort()).toEqual([
      'clamav running healthy 0',
      'dovecot running healthy 0',
      'postfix running healthy 0',
      'redis running unhealthy 0',
      'rspamd running healthy 0',
      'sogo exited - 0',
      'unbound restarting - 4',
    ]);
    const clamd = s.containers.find((c) => c.role === 'clamav')!;
    expect([clamd.memoryLimit, clamd.memLimitBytes, clamd.memPercent]).toEqual([33554432, 33554432, 84.64]);
    expect(clamd.mounts).toEqual([{ destination: '/var/lib/clamav', source: '/opt/mailcow-dockerized/data/clamav' }]);
    expect(s.sigs.map((x) => [x.path.split('/').pop(), x.version, x.built !== null && s.now! - x.built])).toEqual([
      ['daily.cld', 27450, 20 * 86400 + 44],
      ['main.cvd', 62, 40 * 86400 + 44],
    ]);
    expect(s.configs.map((c) => c.path)).toEqual(['/opt/mailcow-dockerized/data/conf/rspamd/local.d/greylist.conf', '/opt/mailcow-dockerized/data/conf/rspamd/local.d/dkim_signing.conf', '/etc/opendkim.conf']);
    expect(s.disks.map((d) => `${d.path} ${d.usePercent}`)).toEqual(['/var/mail 26', '/var/spool/postfix 26', '/opt/mailcow-dockerized/data/vmail 98']);
    expect(s.services.map((x) => `${x.unit} ${x.state}`)).toEqual(['postfix no-pid-file', 'dovecot no-pid-file', 'opendkim no-pid-file', 'opendmarc no-pid-file']);
  });

  it('each stack check finds what the lab planted, and only that', () => {
    expect(lines(ev, 'MAIL-STACK-CONTAINERS')).toEqual([
      'high: mailcowdockerized_redis-mailcow_1 (redis, image lab/busybox:1.35) of the Mailcow stack (compose project mailcowdockerized) is unhealthy (its healthcheck fails)',
      'high: mailcowdockerized_unbound-mailcow_1 (unbound, image lab/busybox:1.35) of the Mailcow stack (compose project mailcowdockerized) is restarting (crash loop)',
      'medium: mailcowdockerized_sogo-mailcow_1 (sogo, image lab/busybox:1.35) of the Mailcow stack (compose project mailcowdockerized) is not running (exited)',
    ]);
    expect(lines(ev, 'MAIL-STACK-RESTARTS')).toEqual(['medium: mailcowdockerized_unbound-mailcow_1 (unbound) of the Mailcow stack (compose project mailcowdockerized): 4 restart(s) since it was created, last start 0 min ago, restarting now']);
    expect(outcome(ev, 'MAIL-STACK-SERVICES')).toMatchObject({ status: 'not-applicable', message: 'without systemd and without pid files the state of postfix, dovecot, opendkim, opendmarc is unknown' });
    expect(lines(ev, 'MAIL-RSPAMD')).toEqual(['low: greylisting is switched off in /opt/mailcow-dockerized/data/conf/rspamd/local.d/greylist.conf (enabled = false)']);
    expect(lines(ev, 'MAIL-CLAMAV-SIGNATURES')).toEqual([
      'medium: /opt/mailcow-dockerized/data/clamav/daily.cld (version 27450) was built 20 d ago (2026-11-16T08:44:00.000Z); updates older than 3 d mean freshclam is not updating',
    ]);
    expect(outcome(ev, 'MAIL-STACK-MEMORY').status).toBe('pass'); // 84.6 % of 32 MiB: just under 85 %
    expect(lines(ev, 'MAIL-STACK-DISK')).toEqual(['high: /opt/mailcow-dockerized/data/vmail (rampart-lab-vmail, holding /opt/mailcow-dockerized/data/vmail) is 98 % full: 0 MiB free of 1 MiB']);
  });

  it("the stack's certificate (Mailcow's data/assets/ssl/cert.pem): expired is high", () => {
    const pem = /@file \/etc\/ssl\/lab\/expired\.pem\n([\s\S]*?-----END CERTIFICATE-----)/.exec(POSTFIX)![1]!;
    const withCert = MAILCOW.replace('@df\n', `@certs\n@uses /opt/mailcow-dockerized/data/assets/ssl/cert.pem\t/etc/ssl/mail\n@file /opt/mailcow-dockerized/data/assets/ssl/cert.pem\n${pem}\n@end\n@df\n`);
    expect(lines(evalOf(withCert), 'MAIL-STACK-CERT').map((l) => l.replace(/ \(20\d\d-[^)]*\)/, ''))).toEqual([
      'high: /opt/mailcow-dockerized/data/assets/ssl/cert.pem (/etc/ssl/mail): the certificate for CN=mx.lab.test expired 1 d ago (the Mailcow stack (compose project mailcowdockerized))',
    ]);
    expect(outcome(ev, 'MAIL-STACK-CERT').status).toBe('not-applicable');
  });

  it('a containerised Rspamd is pinged on its address: no pong is medium, pong passes', () => {
    const bad = MAILCOW.replace('@stats\n', '@rspamd-cping mailcowdockerized_rspamd-mailcow_1 172.22.1.4 curl: (7) Failed to connect to 172.22.1.4 port 11334\n@stats\n');
    expect(lines(evalOf(bad), 'MAIL-RSPAMD')).toEqual([
      'low: greylisting is switched off in /opt/mailcow-dockerized/data/conf/rspamd/local.d/greylist.conf (enabled = false)',
      'medium: the Rspamd container mailcowdockerized_rspamd-mailcow_1 runs but its controller (172.22.1.4:11334) answered /ping with "curl: (7) Failed to connect to 172.22.1.4 port 11334", not "pong"',
    ]);
    const good = MAILCOW.replace('@stats\n', '@rspamd-cping mailcowdockerized_rspamd-mailcow_1 172.22.1.4 pong\n@stats\n');
    expect(lines(evalOf(good), 'MAIL-RSPAMD')).toHaveLength(1);
  });

  it('memory: 85 % of the limit or more is pressure', () => {
    const hot = MAILCOW.replace('27.09MiB / 32MiB\t84.64%', '30.5MiB / 32MiB\t95.31%');
    expect(lines(evalOf(hot), 'MAIL-STACK-MEMORY')).toEqual(['medium: mailcowdockerized_clamd-mailcow_1 (clamav) of the Mailcow stack (compose project mailcowdockerized) uses 30.5 MiB of its 32.0 MiB limit (95 %)']);
  });

  it('a healthy stack passes', () => {
    const fine = MAILCOW.replace(/\tunhealthy\t/, '\thealthy\t')
      .replace(/\trestarting\t\t4\t[^\t]*\t/, '\trunning\t\t0\t2026-12-01T00:00:00Z\t')
      .replace(/\texited\t/, '\trunning\t')
      .replace(/ClamAV-VDB:16 Nov 2026/, 'ClamAV-VDB:06 Dec 2026')
      .replace('enabled = false;', 'enabled = true;')
      .replace(/1000 {8}24 {6}98%/, '100        924      10%');
    const e = evalOf(fine);
    for (const id of ['MAIL-STACK-CONTAINERS', 'MAIL-STACK-RESTARTS', 'MAIL-RSPAMD', 'MAIL-CLAMAV-SIGNATURES', 'MAIL-STACK-MEMORY', 'MAIL-STACK-DISK']) expect(outcome(e, id).status, id).toBe('pass');
  });
});

describe('a plain Postfix + Dovecot + OpenDKIM + Rspamd + ClamAV host under systemd', () => {
  const ev = evalOf(HOST);

  it('services: an enabled service that is not active is down; a disabled one is not judged', () => {
    expect(lines(ev, 'MAIL-STACK-SERVICES')).toEqual(['high: dovecot is enabled but failed']);
  });

  it('Rspamd running without answering /ping; fresh ClamAV signatures; two full file systems', () => {
    expect(lines(ev, 'MAIL-RSPAMD')).toEqual([
      'medium: Rspamd runs on the host but its controller (127.0.0.1:11334) answered /ping with "curl: (7) Failed to connect to 127.0.0.1 port 11334 after 0 ms: Couldn\'t connect to server", not "pong"',
    ]);
    expect(outcome(ev, 'MAIL-CLAMAV-SIGNATURES').status).toBe('pass'); // built 20 h before the audit
    expect(lines(ev, 'MAIL-STACK-DISK')).toEqual([
      'high: /var/vmail (/dev/sdb1, holding /var/vmail) is 97 % full: 3906 MiB free of 100665 MiB',
      'medium: / (/dev/sda1, holding /var/mail, /var/spool/postfix) is 93 % full: 1367 MiB free of 20031 MiB',
    ]);
    for (const id of ['MAIL-STACK-CONTAINERS', 'MAIL-STACK-RESTARTS', 'MAIL-STACK-MEMORY']) expect(outcome(ev, id).status, id).toBe('not-applicable');
  });

  it('DKIM signing per sending domain: signed and wired, a signer not wired, no signing entry', () => {
    const pf = POSTFIX.replace(/^virtual_mailbox_domains =.*$/m, 'virtual_mailbox_domains = example.net, example.org hash:/etc/postfix/vdomains')
      .replace(/^virtual_alias_domains =.*$/m, 'virtual_alias_domains = example.com')
      .replace(/^smtpd_milters =.*$/m, 'smtpd_milters = inet:localhost:8891');
    expect(lines(evalOf(HOST, pf), 'MAIL-DKIM-SIGNING')).toEqual([
      'high: example.com: no DKIM signing entry (OpenDKIM signs example.net; Rspamd signs example.org)',
      'high: example.org: Rspamd would sign it, but Postfix does not pass mail through Rspamd (smtpd_milters = inet:localhost:8891, non_smtpd_milters = (empty))',
    ]);
    const wired = pf.replace(/^smtpd_milters =.*$/m, 'smtpd_milters = inet:localhost:8891, inet:127.0.0.1:11332').replace(/^(old\._domainkey.*)$/m, '$1').replace('*@example.net s2026._domainkey.example.net', '*@example.net s2026._domainkey.example.net');
    const stack = HOST.replace('@conf /etc/opendkim/SigningTable\n', '@conf /etc/opendkim/SigningTable\n|*@example.com old._domainkey.example.com\n');
    expect(outcome(evalOf(stack, wired), 'MAIL-DKIM-SIGNING').status).toBe('pass');
    // A server whose SMTP deliveries are deferred (the lab's loopback Postfix) sends for nobody.
    expect(outcome(evalOf(HOST, fixture('mail/postfix-loopback.txt')), 'MAIL-DKIM-SIGNING').status).toBe('not-applicable');
  });
});

describe('details', () => {
  it('sending domains: myorigin, mydestination without the host name and localhost, virtual domains; tables named', () => {
    expect(sendingDomains({ myhostname: 'mx.example.org', myorigin: 'example.org', mydestination: 'mx.example.org, localhost.example.org, localhost, example.org', virtual_mailbox_domains: 'proxy:mysql:/etc/postfix/vd.cf', virtual_alias_domains: 'b.example' })).toEqual({
      domains: ['b.example', 'example.org'],
      tables: ['proxy:mysql:/etc/postfix/vd.cf'],
    });
  });

  it('roles, sizes, CVD headers', () => {
    expect([roleOf('postfix-mailcow', 'x', 'ghcr.io/mailcow/postfix:1.9'), roleOf('', 'mailserver', 'ghcr.io/docker-mailserver/docker-mailserver:14'), roleOf('', 'db', 'mariadb:10.11'), roleOf('', 'clamd', 'mailcow/clamd:1.70')]).toEqual(['postfix', 'all-in-one', 'mysql', 'clamav']);
    expect([parseSize('1.5MiB'), parseSize('320KiB'), parseSize('2GB'), parseSize('x')]).toEqual([1572864, 327680, 2e9, null]);
    expect(parseCvdHeader('ClamAV-VDB:05 Dec 2026 07-24 -0500:27480:2071234:90:X')).toEqual({ built: Date.UTC(2026, 11, 5, 12, 24) / 1000, version: 27480 });
    expect(parseCvdHeader('garbage')).toEqual({ built: null, version: null });
  });

  it('config lines cannot pose as markers; df rows are matched to paths by mount point', () => {
    const s = parseMailStack('@now 1\n@conf /etc/rspamd/local.d/greylist.conf\n|@df\n|enabled = false;\n@df\n@dfpath /srv/mail/x\n@dfpath /var/vmail\ndf: /srv/mail/x: Permission denied\n/dev/sdb1 100 97 3 97% /var/vmail\n/dev/sda1 100 50 50 50% /\n@end\n');
    expect(s.configs).toEqual([{ path: '/etc/rspamd/local.d/greylist.conf', text: '@df\nenabled = false;\n' }]);
    expect(s.disks.map((d) => `${d.path} ${d.mountedOn} ${d.usePercent}`)).toEqual(['/srv/mail/x / 50', '/var/vmail /var/vmail 97']);
  });

  it('Docker not readable: the container checks say so instead of "no containers"', () => {
    const ev = evalOf('@now 1\n@systemd 0\n@docker-error permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock\n');
    for (const id of ['MAIL-STACK-CONTAINERS', 'MAIL-STACK-RESTARTS', 'MAIL-STACK-MEMORY', 'MAIL-STACK-CERT'])
      expect(outcome(ev, id), id).toMatchObject({ status: 'not-applicable', message: "the mail stack's containers could not be listed: permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock" });
  });

  it('a host with nothing of a mail stack: the section does not apply', () => {
    expect(() => parseMailStack('@now 1\n@systemd 1\n')).toThrow(NotApplicableError);
    const ev = evalOf('@now 1\n@systemd 1\n');
    expect(STACK_CHECKS.map((c) => outcome(ev, c.id).status)).toEqual(STACK_CHECKS.map(() => 'not-applicable'));
  });
});
