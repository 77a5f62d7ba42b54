// The record format of the file-oriented collector sections (files, access, backups): records end
// with a NUL byte and hold tab-separated fields, the first being the record kind. Paths come last,
// so a file name with a tab or newline cannot shift the fields before it, and NUL (the only byte a
// path cannot contain) ends every record. Stat fields come from GNU find's -printf (STAT_PRINTF).
//
// Pure functions: no I/O, never throw on bad input (malformed records are counted and skipped).
import type { Section } from '../facts';

/** find -printf format of one file's metadata; the path is last. Use inside a single-quoted sh string. */
export const STAT_PRINTF = '%m\\t%U\\t%G\\t%u\\t%g\\t%y\\t%s\\t%T@\\t%p';
/** How many fields STAT_PRINTF yields. */
export const STAT_FIELDS = 9;

export interface FileStat {
  path: string;
  /** Permission bits incl. setuid/setgid/sticky (e.g. 0o644, 0o1777). */
  mode: number;
  uid: number;
  gid: number;
  /** Owner name (or the uid as text when it has no name). */
  owner: string;
  group: string;
  /** find %y: f file, d directory, l symlink, p fifo, s socket, b/c devices. */
  type: string;
  size: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
}

export interface ParsedRecords {
  records: string[][];
  /** The output ended in the middle of a record (cut by a size limit or a dropped connection). */
  truncated: boolean;
  /** Chunks that were not a record (stray output); skipped. */
  malformed: number;
}

const KIND = /^[A-Za-z][A-Za-z0-9_-]{0,15}$/;

/** Splits a section body into NUL-terminated records of tab-separated fields. */
export function parseRecords(body: string, maxRecords = 200_000): ParsedRecords {
  const chunks = body.split('\0');
  // Everything after the last NUL is an unfinished record, unless it is only whitespace (the
  // newline the collector prints before its END line).
  const tail = chunks.pop() ?? '';
  const truncated = tail.trim() !== '';
  const records: string[][] = [];
  let malformed = 0;
  for (let chunk of chunks) {
    // Stray newlines between records (e.g. from a command that printed an empty line) are not
    // part of the next record's kind.
    chunk = chunk.replace(/^[\r\n]+/, '');
    if (chunk === '') continue;
    const fields = chunk.split('\t');
    if (!KIND.test(fields[0]!)) {
      malformed++;
      continue;
    }
    if (records.length >= maxRecords) return { records, truncated: true, malformed };
    records.push(fields);
  }
  return { records, truncated, malformed };
}

/**
 * Parses STAT_FIELDS fields (as printed by STAT_PRINTF). A path containing tabs arrives split, so
 * the path is everything from the ninth field on. Returns null when the fields are not a stat.
 */
export function parseStat(fields: readonly string[]): FileStat | null {
  if (fields.length < STAT_FIELDS) return null;
  const [m, uid, gid, owner, group, type, size, mtime] = fields as [string, string, string, string, string, string, string, string];
  const path = fields.slice(STAT_FIELDS - 1).join('\t');
  if (!/^[0-7]{1,5}$/.test(m) || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || !/^[a-zA-Z]$/.test(type)) return null;
  if (!/^\d+$/.test(size) || !/^\d+(\.\d+)?$/.test(mtime) || !path.startsWith('/')) return null;
  return {
    path,
    mode: parseInt(m, 8) & 0o7777,
    uid: Number(uid),
    gid: Number(gid),
    owner: owner || uid,
    group: group || gid,
    type,
    size: Number(size),
    mtime: Math.floor(Number(mtime)),
  };
}

/** '0644' */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** 'rw-r--r--' style (with s/t for the special bits). */
export function symbolic(mode: number): string {
  const bit = (b: number, c: string): string => (mode & b ? c : '-');
  const x = (b: number, special: number, on: string, off: string): string => (mode & special ? (mode & b ? on : off) : bit(b, 'x'));
  return (
    bit(0o400, 'r') + bit(0o200, 'w') + x(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') + bit(0o020, 'w') + x(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') + bit(0o002, 'w') + x(0o001, 0o1000, 't', 'T')
  );
}

/** "0644 root:root" — how evidence shows a file's access. */
export function describeAccess(s: Pick<FileStat, 'mode' | 'owner' | 'group'>): string {
  return `${octal(s.mode)} (${symbolic(s.mode)}) ${s.owner}:${s.group}`;
}

export const othersRead = (mode: number): boolean => (mode & 0o004) !== 0;
export const othersWrite = (mode: number): boolean => (mode & 0o002) !== 0;
export const groupRead = (mode: number): boolean => (mode & 0o040) !== 0;
export const groupWrite = (mode: number): boolean => (mode & 0o020) !== 0;
/** Any permission bit beyond the owner's (group or others). */
export const beyondOwner = (mode: number): boolean => (mode & 0o077) !== 0;

/** The collector ran as root (with sudo or as root): nothing is hidden by permissions. */
export function isRoot(uid: number | null): boolean {
  return uid === 0;
}

/** Joins paths for evidence, with a count when there are more than `max`. */
export function listSome(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** What a section's parser needs to say "you saw less than there is". */
export interface DeniedPaths {
  /** Paths the collector could not read or enter (permission denied). */
  denied: string[];
}

/**
 * A command that silently returns less when not root (find skipping unreadable folders, files
 * of other users): an unprivileged collector that met permission-denied paths did not see
 * everything, so the fact is needs-sudo rather than a misleading "nothing found".
 */
export function needsSudoIfDenied<T extends DeniedPaths>(s: Section<T>, uid: number | null, what: string): Section<T> {
  if (!s.ok || isRoot(uid) || s.value.denied.length === 0) return s;
  return {
    ok: false,
    status: 'needs-sudo',
    message: `${what} needs root: ${s.value.denied.length} path(s) could not be read unprivileged (${listSome(s.value.denied, 3)})`,
  };
}
