import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN_HELP, parseCommandLine, UsageError } from './args';
import { parseReport, REPORT_HELP } from './reportArgs';

const CWD = '/home/me';
const ENV = { RAMPART_DB: '/data/app.sqlite3' };

function usage(argv: string[]): UsageError {
  try {
    parseReport(argv, CWD, ENV);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).topic).toBe('report');
    return e as UsageError;
  }
  throw new Error('expected a usage error');
}

describe('rampart report arguments', () => {
  it('parses scope, kind, format and paths; defaults: kind full, the app database, the fleet', () => {
    expect(parseReport(['--format', 'md', '--out', 'r.md'], CWD, ENV)).toEqual({
      kind: 'report',
      db: '/data/app.sqlite3',
      host: null,
      run: null,
      reportKind: 'full',
      format: 'md',
      out: path.resolve(CWD, 'r.md'),
    });
    expect(parseReport(['--db', 'x.db', '--host', 'web-1', '--run', 'latest', '--kind', 'action-plan', '--format=pdf', '--out', '/tmp/a.pdf'], CWD, ENV)).toMatchObject({
      db: '/home/me/x.db',
      host: 'web-1',
      run: 'latest',
      reportKind: 'action-plan',
      format: 'pdf',
      out: '/tmp/a.pdf',
    });
    expect(parseReport(['--no-db', '--format', 'csv', '--out', 'f.csv'], CWD, ENV)).toMatchObject({ db: null });
    expect(parseReport(['--help'], CWD, ENV)).toEqual({ kind: 'help', topic: 'report' });
  });

  it('refuses bad input with one clear line', () => {
    expect(usage(['--out', 'r.md']).message).toMatch(/--format is required/);
    expect(usage(['--format', 'docx', '--out', 'r']).message).toMatch(/--format must be one of md, html, pdf, json, csv/);
    expect(usage(['--format', 'md', '--out', 'r', '--kind', 'summary']).message).toMatch(/--kind must be one of executive, full, action-plan, findings/);
    expect(usage(['--format', 'md']).message).toMatch(/--out FILE is required/);
    expect(usage(['--format', 'md', '--out', ' ']).message).toMatch(/--out needs a file name/);
    expect(usage(['--format', 'md', '--out', 'r', '--run', '$(id)']).message).toMatch(/not a run id/);
    expect(usage(['--format', 'md', '--out', 'r', '--host', '']).message).toMatch(/--host needs a name/);
    expect(usage(['--format', 'md', '--out', 'r', '--db', 'a', '--no-db']).message).toMatch(/cannot be combined/);
    expect(usage(['--format', 'md', '--out', 'r', '--color']).message).toMatch(/unknown option '--color'/);
    expect(usage(['--format']).message).toMatch(/--format needs a value/);
    expect(usage(['--format', 'md', '--out', 'r', 'extra']).message).toMatch(/positional|unexpected/i);
  });

  it('is dispatched by the main parser and listed in the help', () => {
    expect(parseCommandLine(['report', '--format', 'json', '--out', 'r.json', '--db', '/d.db'], CWD)).toMatchObject({ kind: 'report', format: 'json', db: '/d.db' });
    expect(parseCommandLine(['help', 'report'], CWD)).toEqual({ kind: 'help', topic: 'report' });
    expect(MAIN_HELP).toMatch(/^ {2}report /m);
    expect(REPORT_HELP).toContain('--kind KIND');
  });
});
