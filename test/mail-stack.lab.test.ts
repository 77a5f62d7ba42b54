// Mail stack health (issue 13) end to end: one real lab host (sshd in a network namespace) with a
// real Postfix and a real dockerd reached through DOCKER_HOST, audited by runAudit over SSH with the
// real collector (no extra round trip: the mail sections are part of the audit's lanes).
//   - Postfix: mail to down.test and hold.test, whose transport points at closed lab ports, stays
//     deferred with "Connection refused"; the grouped reasons name domains only (the local parts
//     planted in the recipients never leave the host); an expired certificate on smtpd, a
//     5-day one on the 587 service (master.cf override), a missing client certificate, a
//     world-writable main.cf, a parameter set twice and an unused one; a certificate whose file
//     name carries shell metacharacters is read as data.
//   - DKIM: OpenDKIM (its config, KeyTable and SigningTable in this host's own /etc) signs
//     signed.test and is named in smtpd_milters; unsigned.test has no signing entry. The KeyTable's
//     file name is full of shell metacharacters: read as data, nothing runs.
//   - The mailcow-like compose stack of lab/mailStack.ts: redis unhealthy, unbound crash-looping,
//     sogo exited, clamd at ~90 % of its memory limit, its certificate 3 days from expiry, ClamAV databases 20 days old (signature
//     files only: no ClamAV daemon runs here), greylisting off, the vmail volume 98 % full.
// Needs root, postfix, openssl, docker.io, docker-compose, busybox-static; skipped without them
// unless RAMPART_LAB_REQUIRED=1 (then it fails). Network rule: lab addresses and loopback only.
import { existsSync } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labComposeAvailable, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { makeLabCa } from '../lab/mailServer';
import { prepareMailcowFiles, startMailcowLikeStack, type MailcowLikeStack } from '../lab/mailStack';
import { mustInHost, startPostfix } from '../lab/services';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { Store } from '../src/main/store/store';
import type { RunDetail } from '../src/shared/domain';

const available =
  (labPrerequisites().ok && labDockerPrerequisites().ok && labComposeAvailable() && existsSync('/usr/sbin/postfix')) || process.env.RAMPART_LAB_REQUIRED === '1';

/** Local parts planted in the queued mail: none may leave the host. */
const LOCAL_PARTS = ['qz7-bob-secret', 'qz7-carol-secret', 'qz7-dave-secret'];
/** A certificate file name with shell metacharacters (no whitespace: Postfix splits on it). */
const HOSTILE_CERT = "c`touch>PWNED`;touch>PWNED2;'q\"&|.pem";
const HOSTILE_TABLE = "KeyTable`touch>PWNED3`;$(touch>PWNED4)'\"|&";

function summary(run: RunDetail, id: string): string[] {
  return run.findings
    .filter((f) => f.checkId === id)
    .map((f) => `${f.severity}: ${f.evidence}`)
    .sort();
}
const statusOf = (run: RunDetail, id: string): string => run.checks.find((c) => c.checkId === id)?.status ?? 'missing';

describe.skipIf(!available)('mail stack health on a real Postfix and a mailcow-like compose stack', () => {
  let dir: string;
  let d: LabDocker | undefined;
  let host: LabHost | undefined;
  let stack: ReturnType<typeof prepareMailcowFiles> | undefined;
  let started: MailcowLikeStack;
  let store: Store;
  let run: RunDetail;
  let auditMs: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-mail-stack-'));
    fs.chmodSync(dir, 0o755);
    store = new Store(path.join(dir, 'rampart.db'));
    stack = prepareMailcowFiles(dir);
    const ca = makeLabCa(path.join(dir, 'ca'));
    const expired = ca.issue('expired', 'mx.signed.test', { days: -1 });
    const soon = ca.issue('soon', 'mx.signed.test', { days: 5 });
    const hostile = ca.issue('hostile', 'mx.signed.test');
    const hostileCert = path.join(dir, 'ca', HOSTILE_CERT);
    fs.copyFileSync(hostile.cert, hostileCert);
    const dkimDir = path.join(dir, 'opendkim');
    fs.mkdirSync(dkimDir, { recursive: true });
    // The KeyTable's name carries shell metacharacters too: read from opendkim.conf on the host, it stays data.
    fs.writeFileSync(path.join(dkimDir, HOSTILE_TABLE), `s1._domainkey.signed.test signed.test:s1:${dkimDir}/s1.private\n`);
    fs.writeFileSync(path.join(dkimDir, 'SigningTable'), '*@signed.test s1._domainkey.signed.test\n');
    d = await startLabDocker();
    host = await createLabHost({
      scenario: 'hardened',
      sshdExtraConfig: `SetEnv DOCKER_HOST=${d.dockerHost}`,
      network: {
        // This host's own /etc/postfix and /etc/opendkim.conf (bound over /etc by `ip netns exec`).
        setup: async (ctx) => {
          fs.cpSync('/etc/postfix', path.join('/etc/netns', ctx.name, 'postfix'), { recursive: true });
          fs.writeFileSync(path.join('/etc/netns', ctx.name, 'opendkim.conf'), `Socket inet:8891@localhost\nKeyTable refile:${dkimDir}/${HOSTILE_TABLE}\nSigningTable refile:${dkimDir}/SigningTable\n`);
        },
      },
    });
    const h = host;
    await Promise.all([
      (async () => {
        await startPostfix(
          h,
          dir,
          [
            'inet_interfaces = loopback-only',
            'mynetworks = 127.0.0.0/8',
            // Deliver for real (the lab default defers every SMTP delivery), to closed lab ports.
            'defer_transports =',
            `transport_maps = inline:{ down.test=smtp:[${h.address}]:2525, hold.test=smtp:[${h.address}]:2526 }`,
            'smtp_connect_timeout = 2s',
            'myorigin = signed.test',
            'virtual_alias_domains = unsigned.test',
            'smtpd_milters = inet:127.0.0.1:8891',
            'milter_default_action = accept',
            `smtpd_tls_cert_file = ${expired.cert}`,
            `smtpd_tls_key_file = ${expired.key}`,
            'smtpd_tls_security_level = may',
            `smtp_tls_cert_file = ${path.join(dir, 'ca', 'absent.pem')}`,
            `lmtp_tls_cert_file = ${hostileCert}`,
            `smtp_tls_chain_files = ${hostileCert}`,
            'qz7_unused_parameter = 1',
          ].join('\n'),
          { masterExtra: `587 inet n - n - - smtpd\n  -o smtpd_tls_cert_file=${soon.cert}\n  -o smtpd_tls_key_file=${soon.key}\n` },
        );
        fs.chmodSync(path.join('/etc/netns', h.name, 'postfix', 'main.cf'), 0o666);
        const code = `import smtplib
s = smtplib.SMTP('127.0.0.1', 25, local_hostname='lab.invalid', timeout=10)
for i in range(3): s.sendmail('qz7-alice@signed.test', ['${LOCAL_PARTS[0]}@down.test'], 'Subject: t%d\\r\\n\\r\\nbody\\r\\n' % i)
s.sendmail('qz7-alice@signed.test', ['${LOCAL_PARTS[1]}@hold.test', '${LOCAL_PARTS[2]}@down.test'], 'Subject: x\\r\\n\\r\\nbody\\r\\n')
s.quit()`;
        await mustInHost(h, ['/usr/bin/python3', '-c', code]);
        // Wait until every recipient carries a delay reason (the first attempts are immediate).
        for (let i = 0; i < 200; i++) {
          const q = await mustInHost(h, ['postqueue', '-j']);
          if ((q.match(/"delay_reason"/g) ?? []).length >= 5) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the deferred queue did not form');
      })(),
      (async () => {
        started = await startMailcowLikeStack(d!, stack!);
      })(),
    ]);
    const target: AuditTarget = { hostId: null, name: h.name, address: h.address, port: h.port, username: h.user, identityFile: h.identityFile, sshdConfigPath: h.sshdConfigPath, scanRoots: [] };
    const t0 = Date.now();
    run = await runAudit(store, target, { acceptNewHostKey: true });
    auditMs = Date.now() - t0;
  }, 180_000);

  afterAll(async () => {
    if (host) await destroyLabHost(host);
    if (d) await stopLabDocker(d);
    stack?.cleanup();
    store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the audit completes; the mail sections are part of its lanes', () => {
    expect(run.status).toBe('complete');
    expect(run.errors.filter((e) => /mail|postfix/i.test(e.section))).toEqual([]);
    expect(auditMs).toBeLessThan(60_000);
    console.log(`mail-stack lab: audit wall ${auditMs} ms`);
  });

  it('Postfix queue: grouped deferral reasons by domain, no local part anywhere in the run', () => {
    // Postfix words later attempts differently ("delivery temporarily suspended: …"): one finding
    // per domain with its reasons, every one a refused connection to the lab's closed port.
    const f = run.findings.filter((x) => x.checkId === 'MAIL-QUEUE-DEFERRALS').sort((a, b) => a.resource.localeCompare(b.resource));
    expect(f.map((x) => `${x.severity} ${x.resource}`)).toEqual(['low postfix:deferred:down.test', 'low postfix:deferred:hold.test']);
    const a = host!.address.replace(/\./g, '\\.');
    expect(f[0]!.evidence).toMatch(new RegExp(`^4 recipient\\(s\\) at down\\.test deferred: (\\d× "(delivery temporarily suspended: )?connect to ${a}\\[${a}\\]:2525: Connection refused"(; )?)+$`));
    expect(f[1]!.evidence).toBe(`1 recipient(s) at hold.test deferred: 1× "connect to ${host!.address}[${host!.address}]:2526: Connection refused"`);
    expect(statusOf(run, 'MAIL-QUEUE-STALE')).toBe('pass'); // minutes old, not a day
    const text = JSON.stringify(run) + JSON.stringify(store.getRun(run.id));
    for (const lp of [...LOCAL_PARTS, 'qz7-alice']) expect(text.includes(lp), lp).toBe(false);
    expect(text).not.toMatch(/PRIVATE KEY/);
  });

  it('postfix check: the world-writable main.cf and postconf warnings', () => {
    expect(summary(run, 'MAIL-POSTFIX-CHECK')).toEqual([
      'high: /etc/postfix/main.cf (mode 666) is writable by everyone',
      'low: postconf warns: /etc/postfix/main.cf, line 17: overriding earlier entry: defer_transports=smtp; /etc/postfix/main.cf: unused parameter: qz7_unused_parameter=1',
    ]);
  });

  it('certificates: expired, expiring on the 587 service, missing; the hostile file name read as data', () => {
    const certs = summary(run, 'MAIL-TLS-CERT-FILE').map((l) => l.replace(/ \(20\d\d-[^)]*\)/, ''));
    expect(certs).toEqual([
      expect.stringMatching(/^high: \S+\/ca\/absent\.pem \(smtp_tls_cert_file\) does not exist$/),
      expect.stringMatching(/^high: \S+\/ca\/expired\.pem \(smtpd_tls_cert_file\): the certificate for CN=mx\.signed\.test expired 1 d( \d+ h)? ago$/),
      expect.stringMatching(/^medium: \S+\/ca\/soon\.pem \(587\/inet\/smtpd_tls_cert_file\): the certificate for CN=mx\.signed\.test expires in 4 d 23 h$/),
    ]);
    // The hostile name: valid for a year, so no finding; it was read (not skipped) and ran nothing.
    expect(statusOf(run, 'MAIL-TLS-CERT-FILE')).toBe('fail');
    for (const where of [path.join(dir, 'ca'), path.join(dir, 'opendkim'), os.homedir(), '/']) for (const f of ['PWNED', 'PWNED2', 'PWNED3', 'PWNED4']) expect(fs.existsSync(path.join(where, f)), `${where}/${f}`).toBe(false);
    expect(summary(run, 'MAIL-SMTP-CLIENT-NO-TLS')).toEqual(['medium: smtp_tls_security_level is empty: outgoing mail never uses STARTTLS']);
  });

  it('DKIM: the domain OpenDKIM signs through the milter passes, the other has no signing entry', () => {
    // The Mailcow stack's Rspamd (use_redis) signs for its own Postfix container, not for the host's.
    expect(summary(run, 'MAIL-DKIM-SIGNING')).toEqual(['high: unsigned.test: no DKIM signing entry (OpenDKIM signs signed.test; no Rspamd dkim_signing)']);
  });

  it('the mailcow-like stack: unhealthy, crash-looping and exited containers, restarts, memory, ClamAV, Rspamd, disk', () => {
    const stackText = `of the Mailcow stack (compose project mailcowdockerized)`;
    // Between two crashes Docker shows the crash-looping container as running for a moment: then
    // only MAIL-STACK-RESTARTS names it.
    expect(summary(run, 'MAIL-STACK-CONTAINERS').filter((l) => !l.includes('unbound'))).toEqual([
      `high: mailcowdockerized_redis-mailcow_1 (redis, image lab/busybox:1.35) ${stackText} is unhealthy (its healthcheck fails)`,
      `medium: mailcowdockerized_sogo-mailcow_1 (sogo, image lab/busybox:1.35) ${stackText} is not running (exited)`,
    ]);
    for (const l of summary(run, 'MAIL-STACK-CONTAINERS').filter((x) => x.includes('unbound'))) expect(l).toBe(`high: mailcowdockerized_unbound-mailcow_1 (unbound, image lab/busybox:1.35) ${stackText} is restarting (crash loop)`);
    expect(summary(run, 'MAIL-STACK-RESTARTS')).toEqual([expect.stringMatching(/^medium: mailcowdockerized_unbound-mailcow_1 \(unbound\) of the Mailcow stack .*: \d+ restart\(s\) since it was created, last start \d+ min ago/)]);
    expect(summary(run, 'MAIL-STACK-MEMORY')).toEqual([expect.stringMatching(/^medium: mailcowdockerized_clamd-mailcow_1 \(clamav\) .* uses 2\d\.\d MiB of its 32\.0 MiB limit \((8[5-9]|9\d) %\)$/)]);
    expect(summary(run, 'MAIL-CLAMAV-SIGNATURES')).toEqual([
      expect.stringMatching(new RegExp(`^medium: ${started.clamDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/daily\\.cld \\(version 27450\\) was built 20 d ago`)),
    ]);
    expect(summary(run, 'MAIL-RSPAMD')).toEqual([`low: greylisting is switched off in ${started.dir}/data/conf/rspamd/local.d/greylist.conf (enabled = false)`]);
    expect(summary(run, 'MAIL-STACK-DISK')).toEqual([`high: ${started.vmail} (rampart-lab-vmail, holding ${started.vmail}) is 98 % full: 0 MiB free of 1 MiB`]);
    expect(summary(run, 'MAIL-STACK-CERT').map((l) => l.replace(/ \(20\d\d-[^)]*\)/, ''))).toEqual([
      `medium: ${started.dir}/data/assets/ssl/cert.pem (/etc/ssl/mail): the certificate for CN=mail.mailcow.test expires in 2 d 23 h (${stackText.replace(/^of /, '')})`,
    ]);
    expect(JSON.stringify(run)).not.toMatch(/PRIVATE KEY/);
    // Without systemd and pid files the host services' state is unknown: not judged.
    expect(statusOf(run, 'MAIL-STACK-SERVICES')).toBe('not-applicable');
  });
});
