// A CLI failure with a stable code (usage, an unreadable file, a refused host key…): printed as one
// line, and in --format json as the error object. Its own module so that the CLI's entry can
// catch it without loading the SSH code.
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
