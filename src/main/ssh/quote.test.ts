// shQuote against a real POSIX shell: whatever goes in must come out byte for byte, and nothing
// inside may run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shJoin, shQuote, shQuoteBytes } from './quote';

let dir: string;
let marker: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-quote-test-'));
  marker = path.join(dir, 'pwned');
});

beforeEach(() => {
  fs.rmSync(marker, { force: true });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `/bin/sh -c <command>` (command passed as a UTF-8 argument) and returns stdout bytes. */
function shC(command: string): Buffer {
  return execFileSync('/bin/sh', ['-c', command], { encoding: 'buffer', cwd: dir, env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Feeds a byte-exact script to `/bin/sh -s` on stdin (how the collector talks to sh). */
function shS(script: Buffer): Buffer {
  return execFileSync('/bin/sh', ['-s'], { input: script, encoding: 'buffer', cwd: dir, env: { PATH: '/usr/bin:/bin' } });
}

const hostile = (m: () => string): Array<[string, string]> => [
  ['plain word', 'hello'],
  ['spaces', '  two  spaces  and tabs\t\t'],
  ['newlines', 'line1\nline2\n\nline4\n'],
  ['carriage return', 'a\r\nb\r'],
  ['single quote', "it's"],
  ['only single quotes', "'''"],
  ['double quotes', 'say "hi" ""'],
  ['mixed quotes', `'"'"'"\\'`],
  ['command substitution', `$(touch ${m()})`],
  ['backticks', `\`touch ${m()}\``],
  ['semicolon rm', `; rm -rf ${m()}; touch ${m()}`],
  ['and-and', `x && touch ${m()}`],
  ['pipe', `x | touch ${m()}`],
  ['redirect', `> ${m()}`],
  ['background', `& touch ${m()} &`],
  ['variable', '$HOME ${PATH} $0 $$ $1 $@'],
  ['arithmetic', '$((1+1))'],
  ['leading dash', '-n'],
  ['leading double dash', '--version -e -E'],
  ['glob star', '*'],
  ['glob patterns', '* ? [a-z] ~ ~root'],
  ['backslashes', '\\ \\\\ \\n \\t \\0 \\x41'],
  ['percent (printf format)', '%s %d %n %%'],
  ['history/brace expansion', '!! {a,b} {1..3}'],
  ['comment', '# not a comment'],
  ['empty string', ''],
  ['unicode', 'café – ☃ 𝄞'],
  ['control characters', '\x01\x07\x1b[31mred\x1b[0m\x7f'],
];

describe('shQuote: strings through /bin/sh -c', () => {
  for (const [what, value] of hostile(() => marker)) {
    it(`${what}: printf %s <quoted> prints exactly the input, nothing runs`, () => {
      const quoted = shQuote(value);
      const out = shC(`printf %s ${quoted}`);
      expect(out.equals(Buffer.from(value, 'utf8'))).toBe(true);
      expect(fs.existsSync(marker)).toBe(false);
      // Quoting is one word: a second argument is never produced.
      const count = shC(`set -- ${quoted}; printf %s "$#"`).toString();
      expect(count).toBe('1');
    });
  }

  it('the marker check itself can detect an unquoted injection', () => {
    shC(`printf %s $(touch ${marker})`);
    expect(fs.existsSync(marker)).toBe(true);
  });

  it('a glob is not expanded even with matching files present', () => {
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    expect(shC(`printf %s ${shQuote('*')}`).toString()).toBe('*');
    expect(shC(`printf %s ${shQuote('a-*')}`).toString()).toBe('a-*');
    fs.rmSync(path.join(dir, 'a-file'));
  });

  it('always wraps in single quotes', () => {
    expect(shQuote('')).toBe("''");
    expect(shQuote('abc')).toBe("'abc'");
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('NUL → throws (string and Buffer)', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
    expect(() => shQuote('\0')).toThrow(/NUL/);
    expect(() => shQuote(Buffer.from([0x61, 0x00, 0x62]))).toThrow(/NUL/);
    expect(() => shQuoteBytes(Buffer.from([0x00]))).toThrow(/NUL/);
    expect(() => shJoin(['ls', 'a\0'])).toThrow(/NUL/);
  });
});

describe('shQuote / shQuoteBytes: raw bytes', () => {
  const byteCases: Array<[string, Buffer]> = [
    ['invalid UTF-8 with a quote and newline', Buffer.from([0x66, 0xff, 0xfe, 0x27, 0x0a])],
    ['lone continuation bytes', Buffer.from([0x80, 0x81, 0xbf])],
    ['truncated UTF-8 sequence', Buffer.from([0x61, 0xe2, 0x82])],
    ['latin1 name', Buffer.from('caf\xe9 r\xe9sum\xe9', 'latin1')],
    ['valid UTF-8 bytes', Buffer.from('café ☃', 'utf8')],
    ['every non-NUL byte', Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1))],
    ['quote-heavy bytes', Buffer.from([0x27, 0xff, 0x27, 0x27, 0x5c, 0x27])],
  ];

  for (const [what, bytes] of byteCases) {
    it(`${what}: printf %s <quoted bytes> over sh -s prints exactly the input`, () => {
      const script = Buffer.concat([Buffer.from('printf %s '), shQuoteBytes(bytes), Buffer.from('\n')]);
      const out = shS(script);
      expect(out.toString('hex')).toBe(bytes.toString('hex'));
      expect(fs.existsSync(marker)).toBe(false);
    });

    it(`${what}: shQuote(Buffer) is the latin1 view of shQuoteBytes`, () => {
      const s = shQuote(bytes);
      expect(Buffer.from(s, 'latin1').equals(shQuoteBytes(bytes))).toBe(true);
      const out = shS(Buffer.from(`printf %s ${s}\n`, 'latin1'));
      expect(out.toString('hex')).toBe(bytes.toString('hex'));
    });
  }

  it('an injection hidden after invalid bytes does not run', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0x27]), Buffer.from(`; touch ${marker}; echo '`)]);
    const out = shS(Buffer.concat([Buffer.from('printf %s '), shQuoteBytes(bytes)]));
    expect(out.equals(bytes)).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('shJoin', () => {
  it('quotes every argument; the shell sees exactly the argv', () => {
    const argv = ['printf', '[%s]\\n', 'a b', "it's", '', `$(touch ${marker})`, '*', '-n', 'x\ny', '`id`', '; rm -rf /'];
    const out = shC(shJoin(argv)).toString('utf8');
    expect(out).toBe(argv.slice(2).map((a) => `[${a}]\n`).join(''));
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('the command word itself is quoted, so it cannot carry extra commands', () => {
    expect(() => shC(shJoin([`printf x; touch ${marker}`]))).toThrow();
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('joins with single spaces and handles the empty argv', () => {
    expect(shJoin(['a', 'b c'])).toBe("'a' 'b c'");
    expect(shJoin([])).toBe('');
  });
});
