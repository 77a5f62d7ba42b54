// The NUL-record format of the file sections: truncated, empty, garbage and huge inputs.
import { describe, expect, it } from 'vitest';
import { beyondOwner, describeAccess, needsSudoIfDenied, octal, parseRecords, parseStat, symbolic } from './records';

const stat = (mode: string, path: string, more: Partial<Record<'uid' | 'gid' | 'owner' | 'group' | 'type', string>> = {}): string =>
  ['F', mode, more.uid ?? '0', more.gid ?? '0', more.owner ?? 'root', more.group ?? 'root', more.type ?? 'f', '12', '1795677776.0491266460', path].join('\t') + '\0';

describe('parseRecords', () => {
  it('splits NUL-terminated records into fields', () => {
    const r = parseRecords(stat('644', '/etc/passwd') + 'D\t/root\0');
    expect(r.truncated).toBe(false);
    expect(r.records).toEqual([
      ['F', '644', '0', '0', 'root', 'root', 'f', '12', '1795677776.0491266460', '/etc/passwd'],
      ['D', '/root'],
    ]);
  });

  it('empty output: no records, not truncated', () => {
    expect(parseRecords('')).toEqual({ records: [], truncated: false, malformed: 0 });
    expect(parseRecords('\n')).toEqual({ records: [], truncated: false, malformed: 0 });
  });

  it('an unfinished last record (cut output) is dropped and reported', () => {
    const r = parseRecords(stat('600', '/a') + 'F\t644\t0\t0\troot\troot\tf\t1');
    expect(r.records).toHaveLength(1);
    expect(r.truncated).toBe(true);
  });

  it('garbage chunks are counted and skipped, never thrown', () => {
    const r = parseRecords('find: ‘/x’: Permission denied\n\0' + '\x01\x02\0' + stat('600', '/ok'));
    expect(r.records.map((x) => x[0])).toEqual(['F']);
    expect(r.malformed).toBe(2);
    expect(() => parseRecords('\0\0\0garbage\t\t\t\0')).not.toThrow();
  });

  it('stray newlines before a record are not part of its kind', () => {
    expect(parseRecords('\n\n' + stat('600', '/a')).records[0]![0]).toBe('F');
  });

  it('huge input: 200k records parse quickly and stop at the cap', () => {
    const one = stat('644', '/srv/app/file');
    const body = one.repeat(250_000);
    const t = Date.now();
    const r = parseRecords(body);
    expect(Date.now() - t).toBeLessThan(15_000);
    expect(r.records).toHaveLength(200_000);
    expect(r.truncated).toBe(true);
  });
});

describe('parseStat', () => {
  it('reads find -printf fields', () => {
    const s = parseStat(['640', '0', '42', 'root', 'shadow', 'f', '694', '1795675719.5', '/etc/shadow']);
    expect(s).toEqual({ path: '/etc/shadow', mode: 0o640, uid: 0, gid: 42, owner: 'root', group: 'shadow', type: 'f', size: 694, mtime: 1795675719 });
  });

  it('keeps tabs in paths (the path is everything after the eighth field)', () => {
    expect(parseStat(['600', '0', '0', 'root', 'root', 'f', '1', '1', '/srv/a\tb'])!.path).toBe('/srv/a\tb');
  });

  it('rejects what is not a stat', () => {
    expect(parseStat(['644', 'x', '0', 'root', 'root', 'f', '1', '1', '/a'])).toBeNull();
    expect(parseStat(['999', '0', '0', 'root', 'root', 'f', '1', '1', '/a'])).toBeNull();
    expect(parseStat(['644', '0', '0', 'root', 'root', 'f', '1', '1', 'relative'])).toBeNull();
    expect(parseStat(['644', '0'])).toBeNull();
  });

  it('keeps special bits', () => {
    expect(parseStat(['1777', '0', '0', 'root', 'root', 'd', '1', '1', '/tmp'])!.mode).toBe(0o1777);
  });
});

describe('mode helpers', () => {
  it('formats modes', () => {
    expect(octal(0o640)).toBe('0640');
    expect(symbolic(0o640)).toBe('rw-r-----');
    expect(symbolic(0o1777)).toBe('rwxrwxrwt');
    expect(symbolic(0o4755)).toBe('rwsr-xr-x');
    expect(describeAccess({ mode: 0o600, owner: 'root', group: 'shadow' })).toBe('0600 (rw-------) root:shadow');
    expect(beyondOwner(0o600)).toBe(false);
    expect(beyondOwner(0o604)).toBe(true);
  });
});

describe('needsSudoIfDenied', () => {
  const value = { denied: ['/root'], files: [] };
  it('unprivileged + denied paths → needs-sudo naming them', () => {
    const s = needsSudoIfDenied({ ok: true, value }, 1000, 'The scan');
    expect(s).toEqual({ ok: false, status: 'needs-sudo', message: 'The scan needs root: 1 path(s) could not be read unprivileged (/root)' });
  });
  it('root, or nothing denied → unchanged', () => {
    expect(needsSudoIfDenied({ ok: true, value }, 0, 'x')).toEqual({ ok: true, value });
    expect(needsSudoIfDenied({ ok: true, value: { denied: [] } }, 1000, 'x').ok).toBe(true);
    const err = { ok: false as const, status: 'error' as const, message: 'boom' };
    expect(needsSudoIfDenied(err, 1000, 'x')).toBe(err);
  });
});
