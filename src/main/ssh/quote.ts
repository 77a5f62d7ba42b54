// The one helper that quotes anything remote- or user-derived before it reaches a POSIX shell.
// Single quotes protect every byte except the quote itself, which is closed, escaped and reopened.
// Works on raw bytes too, so non-UTF-8 file names survive unchanged.

export function shQuote(value: string | Buffer): string {
  const s = typeof value === 'string' ? value : value.toString('latin1');
  if (s.includes('\0')) throw new Error('Cannot pass a NUL byte to a shell command');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quote as bytes: returns a Buffer for commands that must carry non-UTF-8 names verbatim. */
export function shQuoteBytes(value: Buffer): Buffer {
  return Buffer.from(shQuote(value), 'latin1');
}

/** Join argv into one shell command line, quoting every argument. */
export function shJoin(argv: ReadonlyArray<string>): string {
  return argv.map(shQuote).join(' ');
}
