import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseOsRelease } from './osRelease';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('parseOsRelease', () => {
  it.each([
    ['os-release-debian12.txt', { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' }],
    ['os-release-ubuntu2404.txt', { id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' }],
    ['os-release-alpine.txt', { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20' }],
  ])('%s', (file, expected) => {
    expect(parseOsRelease(fixture(file))).toEqual(expected);
  });

  it('double, single and no quotes', () => {
    expect(parseOsRelease('ID="debian"\nVERSION_ID=\'12\'\nPRETTY_NAME=Debian')).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian' });
  });

  it('backslash escapes inside quotes', () => {
    const r = parseOsRelease('PRETTY_NAME="My \\"Special\\" OS \\$HOME \\`x\\` back\\\\slash"');
    expect(r.prettyName).toBe('My "Special" OS $HOME `x` back\\slash');
  });

  it('an empty quoted value is the empty string, not null', () => {
    expect(parseOsRelease('ID=""\nVERSION_ID=\'\'').id).toBe('');
    expect(parseOsRelease('ID=""\nVERSION_ID=\'\'').versionId).toBe('');
  });

  it('mismatched or lone quotes are left as they are', () => {
    expect(parseOsRelease('ID="debian\'').id).toBe('"debian\'');
    expect(parseOsRelease('ID="').id).toBe('"');
  });

  it('an = inside the value is kept', () => {
    expect(parseOsRelease('PRETTY_NAME="a=b=c"').prettyName).toBe('a=b=c');
  });

  it('comments, blank lines, CRLF and indentation', () => {
    const text = '# comment ID=evil\r\n\r\n   ID=rocky\r\nVERSION_ID="9.4"\r\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\r\n';
    expect(parseOsRelease(text)).toEqual({ id: 'rocky', versionId: '9.4', prettyName: 'Rocky Linux 9.4 (Blue Onyx)' });
  });

  it('missing keys → null; lowercase keys are not the same key', () => {
    expect(parseOsRelease('')).toEqual({ id: null, versionId: null, prettyName: null });
    expect(parseOsRelease('id=debian\nNAME=Debian')).toEqual({ id: null, versionId: null, prettyName: null });
  });

  it('garbage lines are skipped', () => {
    expect(parseOsRelease('cat: /etc/os-release: No such file or directory\nID=arch').id).toBe('arch');
  });

  it('the last assignment wins', () => {
    expect(parseOsRelease('ID=one\nID=two').id).toBe('two');
  });
});
