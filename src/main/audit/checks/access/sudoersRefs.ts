// Shared bits of the access checks.
export const SUDO_REFS = ['https://www.sudo.ws/docs/man/sudoers.man/'];

/** Stable resource of one sudoers line. */
export function sudoersResource(file: string, line: number): string {
  return `sudoers:${file}:${line}`;
}
