import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseMessage, parseAuthenticationResults, parseHeaderBlock, parseReceived, stripComments, summariseAuth } from './message';

// Headers as Postfix + OpenDKIM + OpenDMARC + Dovecot write them (folded as they arrive over IMAP).
const OPENDKIM_DMARC = [
  'Return-Path: <probe@sender.test>',
  'Delivered-To: seed@receiver.test',
  'Received: from mx.receiver.test',
  '\tby mx.receiver.test with LMTP',
  '\tid 8Kq3BcV5dGcAAAC1Q2xj1g',
  '\t(envelope-from <probe@sender.test>)',
  '\tfor <seed@receiver.test>; Sun, 06 Dec 2026 08:30:01 +0000',
  'Authentication-Results: mx.receiver.test; dmarc=pass (p=reject dis=none)',
  ' header.from=sender.test',
  'Authentication-Results: mx.receiver.test;',
  '\tdkim=pass (2048-bit key; unprotected) header.d=sender.test header.i=@sender.test',
  '\theader.a=rsa-sha256 header.s=mail header.b=AbCdEf12',
  'Authentication-Results: mx.receiver.test; spf=pass smtp.mailfrom=probe@sender.test',
  'Received: from mail.sender.test (mail.sender.test [10.0.0.1])',
  '\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)',
  '\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)',
  '\t(No client certificate requested)',
  '\tby mx.receiver.test (Postfix) with ESMTPS id 4Abc123',
  '\tfor <seed@receiver.test>; Sun,  6 Dec 2026 08:30:00 +0000 (UTC)',
  'Received: from [10.0.0.9] (unknown [10.0.0.9])',
  '\t(Authenticated sender: probe)',
  '\tby mail.sender.test (Postfix) with ESMTPSA id 1Def456',
  '\tfor <seed@receiver.test>; Sun,  6 Dec 2026 08:29:59 +0000 (UTC)',
  'X-Spam-Status: No, score=-0.1 required=5.0 tests=DKIM_SIGNED,DKIM_VALID',
  'X-Rampart-Probe: rp-abc',
  'Subject: Rampart deliverability probe rp-abc',
  '',
  'body text: Authentication-Results: evil; dkim=pass',
].join('\r\n');

describe('parseHeaderBlock', () => {
  it('unfolds continuation lines, lower-cases names and stops at the body', () => {
    const f = parseHeaderBlock(OPENDKIM_DMARC);
    expect(f.filter((x) => x.name === 'authentication-results')).toHaveLength(3);
    expect(f.find((x) => x.name === 'subject')?.value).toBe('Rampart deliverability probe rp-abc');
    expect(f.some((x) => x.value.includes('evil'))).toBe(false);
    expect(f.find((x) => x.name === 'authentication-results')?.value).toBe('mx.receiver.test; dmarc=pass (p=reject dis=none) header.from=sender.test');
  });
  it('skips lines that are not fields', () => {
    expect(parseHeaderBlock('From nobody Sun Dec 6\nX-A: 1\n  continued\nnot a field\nX-B: 2')).toEqual([
      { name: 'x-a', value: '1 continued' },
      { name: 'x-b', value: '2' },
    ]);
  });
});

describe('stripComments', () => {
  it('removes nested comments and keeps quoted strings (with parentheses inside) intact', () => {
    expect(stripComments('a (b (c) d) e "f (g)" h')).toBe('a   e "f (g)" h');
    expect(stripComments('x (esc \\) still comment) y')).toBe('x   y');
  });
});

describe('parseAuthenticationResults (RFC 8601)', () => {
  it('reads method, result, reason and ptype.property values', () => {
    expect(parseAuthenticationResults('mx.example.org 1; spf=fail reason="bad ip" smtp.mailfrom=a@b.example (comment; with ; semicolons); dkim/1=pass header.d=b.example')).toEqual([
      { authservId: 'mx.example.org', method: 'spf', result: 'fail', reason: 'bad ip', props: { 'smtp.mailfrom': 'a@b.example' } },
      { authservId: 'mx.example.org', method: 'dkim', result: 'pass', reason: null, props: { 'header.d': 'b.example' } },
    ]);
  });
  it('accepts CFWS around "=" and a comment between every token (RFC 8601 appendix B.6 style)', () => {
    const r = parseAuthenticationResults('example.com (mail.example.com); dkim (the first) = pass (good) header.d (signing domain) = example.org');
    expect(r).toEqual([{ authservId: 'example.com', method: 'dkim', result: 'pass', reason: null, props: { 'header.d': 'example.org' } }]);
  });
  it('reads "none" as no results, and a quoted authserv-id', () => {
    expect(parseAuthenticationResults('"mx.example.org"; none')).toEqual([]);
    expect(parseAuthenticationResults('mx.example.org; none (no checks)')).toEqual([]);
  });
  it('reads an Exchange Online header, which has no authserv-id', () => {
    const r = parseAuthenticationResults(
      'spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.org; dkim=pass (signature was verified) header.d=example.org;dmarc=pass action=none header.from=example.org;compauth=pass reason=100',
    )!;
    expect(r.map((e) => [e.authservId, e.method, e.result])).toEqual([
      ['', 'spf', 'pass'],
      ['', 'dkim', 'pass'],
      ['', 'dmarc', 'pass'],
      ['', 'compauth', 'pass'],
    ]);
    expect(summariseAuth(parseHeaderBlock(`Authentication-Results: spf=fail smtp.mailfrom=example.org; dkim=none\n`))).toMatchObject({ spf: 'fail', dkim: 'none' });
  });
  it('refuses what is not an Authentication-Results value', () => {
    expect(parseAuthenticationResults('')).toBeNull();
    expect(parseAuthenticationResults('mx example org; dkim=pass')).toBeNull();
    expect(parseAuthenticationResults('mx.example.org; dkim pass')).toBeNull();
    expect(parseAuthenticationResults('mx.example.org; =pass')).toBeNull();
  });
  it('reads a Gmail-style header with several results and quoted values', () => {
    const r = parseAuthenticationResults(
      'mx.google.com; dkim=pass header.i=@example.org header.s=s1 header.b="Z+3q/p=="; spf=pass (google.com: domain of bounce@example.org designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@example.org; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org',
    )!;
    expect(r.map((e) => [e.method, e.result])).toEqual([
      ['dkim', 'pass'],
      ['spf', 'pass'],
      ['dmarc', 'pass'],
    ]);
    expect(r[0]!.props['header.b']).toBe('Z+3q/p==');
  });
});

describe('summariseAuth', () => {
  it('reads several headers together: verdicts, d=, s= and smtp.mailfrom', () => {
    const a = summariseAuth(parseHeaderBlock(OPENDKIM_DMARC));
    expect(a).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass', dkimDomains: ['sender.test'], dkimSelectors: ['mail'], spfMailFrom: ['probe@sender.test'], unparsed: [] });
    expect(a.entries).toHaveLength(3);
  });
  it('dkim passes when any signature passes, otherwise the worst stated result is the verdict', () => {
    const f = parseHeaderBlock('Authentication-Results: mx; dkim=fail header.d=a.example header.s=old; dkim=pass header.d=a.example header.s=new\nAuthentication-Results: mx; dmarc=fail header.from=a.example; dkim=neutral');
    expect(summariseAuth(f)).toMatchObject({ dkim: 'pass', dmarc: 'fail', spf: null, dkimSelectors: ['old', 'new'] });
    const g = parseHeaderBlock('Authentication-Results: mx; dkim=neutral (no key); dkim=fail (bad signature) header.d=a.example');
    expect(summariseAuth(g).dkim).toBe('fail');
  });
  it('the broken-DKIM case: dkim=fail and dmarc=fail', () => {
    const f = parseHeaderBlock(
      'Authentication-Results: mx.receiver.test; dkim=fail reason="signature verification failed" (2048-bit key; unprotected) header.d=sender.test header.i=@sender.test header.a=rsa-sha256 header.s=mail header.b=Qw\nAuthentication-Results: mx.receiver.test; dmarc=fail (p=quarantine dis=quarantine) header.from=sender.test',
    );
    expect(summariseAuth(f)).toMatchObject({ dkim: 'fail', dmarc: 'fail', dkimDomains: ['sender.test'] });
    expect(summariseAuth(f).entries[0]!.reason).toBe('signature verification failed');
  });
  it('reads only the receiver\'s headers: the topmost authserv-id by default, or the trusted ones given', () => {
    // The sender's own milter (or a forger) wrote the lower header; the receiver's is on top.
    const f = parseHeaderBlock('Authentication-Results: mx.receiver.test; dkim=fail header.d=x.example\nAuthentication-Results: smtp.sender.test; dkim=pass header.d=x.example; dmarc=pass');
    expect(summariseAuth(f)).toMatchObject({ dkim: 'fail', dmarc: null });
    expect(summariseAuth(f).entries.map((e) => e.authservId)).toEqual(['mx.receiver.test']);
    expect(summariseAuth(f, ['smtp.sender.test'])).toMatchObject({ dkim: 'pass', dmarc: 'pass' });
    expect(summariseAuth(f, ['mx.receiver.test', 'smtp.sender.test']).dkim).toBe('pass');
    // A quoted authserv-id and a version are the same id.
    const g = parseHeaderBlock('Authentication-Results: "mx.receiver.test" 1; spf=pass smtp.mailfrom=a@x.example\nAuthentication-Results: mx.receiver.test; dkim=pass');
    expect(summariseAuth(g)).toMatchObject({ spf: 'pass', dkim: 'pass' });
  });
  it('falls back to Received-SPF for the SPF verdict, and lists unparsable headers', () => {
    const f = parseHeaderBlock('Received-SPF: Softfail (mailfrom) identity=mailfrom; client-ip=10.0.0.1\nAuthentication-Results: this ; not one');
    const a = summariseAuth(f);
    expect(a.spf).toBe('softfail');
    expect(a.unparsed).toEqual(['this ; not one']);
  });
});

describe('parseReceived', () => {
  it('Postfix with a "using TLSv1.3" clause', () => {
    const r = parseReceived(
      'from mail.sender.test (mail.sender.test [10.0.0.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (No client certificate requested) by mx.receiver.test (Postfix) with ESMTPS id 4Abc for <s@r.test>; Sun, 6 Dec 2026 08:30:00 +0000 (UTC)',
    );
    expect(r).toEqual({ from: 'mail.sender.test', by: 'mx.receiver.test', with: 'ESMTPS', tls: true, tlsVersion: 'TLSv1.3' });
  });
  it('plain SMTP and LMTP hops are not TLS', () => {
    expect(parseReceived('from a.example (a.example [10.0.0.2]) by b.example (Postfix) with ESMTP id X; Sun, 6 Dec 2026 08:30:00 +0000')).toMatchObject({ tls: false, with: 'ESMTP' });
    expect(parseReceived('from mx by mx with LMTP id q (envelope-from <a@b>) for <c@d>; Sun, 6 Dec 2026')).toMatchObject({ tls: false, with: 'LMTP', from: 'mx' });
  });
  it('Exim and Gmail styles', () => {
    expect(parseReceived('from [10.0.0.3] (helo=x) by mail.example with esmtpsa (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@b>) id 1r; Sun, 6 Dec 2026')).toMatchObject({ tls: true, with: 'esmtpsa' });
    expect(parseReceived('from mail.example (mail.example. [192.0.2.1]) by mx.google.com with ESMTPS id x for <a@b> (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); Sun, 6 Dec 2026')).toMatchObject({ tls: true, tlsVersion: 'TLS1_3' });
  });
});

describe('analyseMessage', () => {
  it('counts hops, TLS hops and reads spam scores', () => {
    const m = analyseMessage(OPENDKIM_DMARC);
    expect(m.hops).toHaveLength(3);
    expect(m.tlsHops).toBe(2);
    expect(m.spam).toEqual([{ header: 'x-spam-status', value: 'No, score=-0.1 required=5.0 tests=DKIM_SIGNED,DKIM_VALID', score: -0.1 }]);
  });
  it('reads rspamd headers', () => {
    const m = analyseMessage('X-Spamd-Result: default: False [-1.20 / 15.00]; R_DKIM_ALLOW(-0.20)[a.example:s=mail]\nX-Rspamd-Score: -1.20\nX-Spam-Level: *\n\n');
    expect(m.spam.map((s) => [s.header, s.score])).toEqual([
      ['x-spamd-result', -1.2],
      ['x-rspamd-score', -1.2],
      ['x-spam-level', null],
    ]);
  });
  it('a message with no authentication headers has null verdicts, not passes', () => {
    const m = analyseMessage('Subject: x\n\nbody');
    expect(m.auth).toMatchObject({ spf: null, dkim: null, dmarc: null });
    expect(m.hops).toEqual([]);
  });
});

describe('hostile headers', () => {
  it('any text, and mutations of real headers, give typed results without throwing', () => {
    const tokens = fc.constantFrom('(', ')', '"', '\\', ';', '=', ' ', '\r\n ', 'dkim', 'pass', 'header.d', 'Authentication-Results: ', 'Received: ', 'X-Spam-Status: ', '\0', 'x'.repeat(5000));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), tokens), { maxLength: 60 }), (parts) => {
        const raw = parts.join('');
        for (const text of [raw, OPENDKIM_DMARC.replace('dkim=pass', raw), `Authentication-Results: ${raw}\nReceived: ${raw}\n\n`]) {
          const m = analyseMessage(text);
          expect(Array.isArray(m.auth.entries)).toBe(true);
          expect(m.hops.length).toBeGreaterThanOrEqual(0);
          for (const v of [m.auth.spf, m.auth.dkim, m.auth.dmarc]) expect(v === null || typeof v === 'string').toBe(true);
        }
      }),
      { numRuns: Number(process.env.RAMPART_FUZZ_RUNS ?? 300) },
    );
  });
});
