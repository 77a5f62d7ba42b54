// MTA-STS policy parsing and MX patterns (RFC 8461's own examples); the HTTPS fetch is tested
// against a real server in test/mail-policy.lab.test.ts.
import { describe, expect, it } from 'vitest';
import { mxPatternMatches, parseMtaStsPolicy } from './mtaSts';

describe('parseMtaStsPolicy', () => {
  it('RFC 8461 §3.2 example (CRLF lines)', () => {
    const p = parseMtaStsPolicy('version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n');
    expect(p).toEqual({ version: 'STSv1', mode: 'enforce', maxAge: 604800, mx: ['mail.example.com', '*.example.net', 'backupmx.example.com'], errors: [] });
  });

  it('LF lines, unknown keys ignored, mode none needs no mx', () => {
    expect(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 86400\nfoo: bar\n').errors).toEqual([]);
  });

  it('reports what is wrong', () => {
    expect(parseMtaStsPolicy('version: STSv2\nmode: strict\nmax_age: soon\nmx: bad host\nnot a line\n').errors).toEqual([
      'max_age: "soon" is not a number of seconds',
      'mx: "bad host" is not a host name or *.pattern',
      'line 5 is not "key: value": "not a line"',
      'version: STSv2 (must be STSv1)',
      'mode: strict (must be enforce, testing or none)',
      'no mx: line (every MX would fail the policy)',
    ]);
    expect(parseMtaStsPolicy('').errors).toEqual(['the version: field is missing', 'the mode: field is missing', 'the max_age: field is missing', 'no mx: line (every MX would fail the policy)']);
    expect(parseMtaStsPolicy('version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1').errors).toEqual(['mode given more than once (the first is used)']);
  });
});

describe('mxPatternMatches (RFC 8461 §4.1)', () => {
  it('exact names and one-label wildcards', () => {
    expect(mxPatternMatches('mail.example.com', 'MAIL.example.com.')).toBe(true);
    expect(mxPatternMatches('*.example.com', 'mx1.example.com')).toBe(true);
    // "*.example.com" matches "mx1.example.com" but not "mx1.mx2.example.com" nor "example.com".
    expect(mxPatternMatches('*.example.com', 'mx1.mx2.example.com')).toBe(false);
    expect(mxPatternMatches('*.example.com', 'example.com')).toBe(false);
    expect(mxPatternMatches('mail.example.com', 'mail.example.org')).toBe(false);
  });
});
