// Typed errors that cross the IPC boundary (and the CLI) as plain data.
import { z } from 'zod';

export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'CONFLICT',
  'INTERNAL',
  'CANCELLED',
  // connection
  'HOST_UNRESOLVED',
  'HOST_UNREACHABLE',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'CONNECTION_DROPPED',
  'AUTH_REJECTED',
  'IDENTITY_UNREADABLE',
  'IDENTITY_ENCRYPTED',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'COMMAND_TIMEOUT',
  // store
  'DB_TOO_NEW',
  'DB_CORRUPT',
  // secrets
  'KEYCHAIN_UNAVAILABLE',
  // vpn
  'VPN_DOWN',
  // sudo and channels
  'SUDO_PASSWORD_REQUIRED',
  'SUDO_DENIED',
  'CHANNEL_LIMIT',
  // mail audit: the resolver gave no answer at all
  'RESOLVER_UNREACHABLE',
  // reports: no Chromium/Electron to print a PDF with
  'PDF_UNAVAILABLE',
  // data ownership: a file that is not a Rampart backup / bundle; a backup or restore that failed
  'BACKUP_INVALID',
  'BACKUP_FAILED',
  'RESTORE_FAILED',
  'BUNDLE_INVALID',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const IpcError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Machine-readable extras, e.g. validation issues or fingerprints. Never secrets. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type IpcError = z.infer<typeof IpcError>;

export type Result<T> = { ok: true; data: T } | { ok: false; error: IpcError };

export class RampartError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'RampartError';
    this.code = code;
    this.details = details;
  }
  toJSON(): IpcError {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isRampartError(e: unknown): e is RampartError {
  return e instanceof RampartError;
}
