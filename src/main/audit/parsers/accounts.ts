// Local accounts: /etc/passwd, /etc/group and /etc/shadow as the collector reports them. The
// collector's awk never prints a password field: on the host it reduces each one to a state
// ("empty", "locked", "set"; for passwd also "x" = kept in shadow). These parsers accept nothing
// else in that column, so even a wrong collector could not put a hash into the facts.

export type PasswordState = 'empty' | 'locked' | 'set';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** The passwd password field: 'shadowed' ("x": the hash is in /etc/shadow) or its state. */
  passwdField: 'shadowed' | PasswordState;
}

export interface Group {
  name: string;
  gid: number;
  members: string[];
}

export interface ShadowEntry {
  name: string;
  state: PasswordState;
  /** Days since the epoch of the last password change (0: must change at next login). */
  lastChange: number | null;
  maxDays: number | null;
  /** Account expiry, days since the epoch. */
  expires: number | null;
}

export interface Accounts {
  users: Account[];
  groups: Group[];
}

export interface Shadow {
  entries: ShadowEntry[];
}

const NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.$@-]{0,63}$/;
const STATES = new Set(['empty', 'locked', 'set']);
const MAX_ENTRIES = 100_000;

const num = (s: string | undefined): number | null => (s !== undefined && /^\d{1,10}$/.test(s) ? Number(s) : null);

/** Lines "name<TAB>uid<TAB>gid<TAB>home<TAB>shell<TAB>state". */
export function parsePasswd(body: string): Account[] {
  const out: Account[] = [];
  for (const line of body.split('\n')) {
    const f = line.replace(/\r$/, '').split('\t');
    if (f.length !== 6) continue;
    const [name, uid, gid, home, shell, state] = f as [string, string, string, string, string, string];
    const u = num(uid);
    const g = num(gid);
    if (!NAME.test(name) || u === null || g === null) continue;
    if (state !== 'x' && !STATES.has(state)) continue;
    out.push({ name, uid: u, gid: g, home, shell, passwdField: state === 'x' ? 'shadowed' : (state as PasswordState) });
    if (out.length >= MAX_ENTRIES) break;
  }
  if (!out.length && body.trim()) throw new Error('no account could be read from /etc/passwd output');
  return out;
}

/** Lines "name<TAB>gid<TAB>member,member". */
export function parseGroup(body: string): Group[] {
  const out: Group[] = [];
  for (const line of body.split('\n')) {
    const f = line.replace(/\r$/, '').split('\t');
    if (f.length !== 3) continue;
    const [name, gid, members] = f as [string, string, string];
    const g = num(gid);
    if (!NAME.test(name) || g === null) continue;
    out.push({ name, gid: g, members: members.split(',').map((m) => m.trim()).filter((m) => NAME.test(m)) });
    if (out.length >= MAX_ENTRIES) break;
  }
  return out;
}

/** Lines "name<TAB>state<TAB>lastchg<TAB>max<TAB>expire". */
export function parseShadow(body: string): Shadow {
  const entries: ShadowEntry[] = [];
  for (const line of body.split('\n')) {
    const f = line.replace(/\r$/, '').split('\t');
    if (f.length !== 5) continue;
    const [name, state, last, max, exp] = f as [string, string, string, string, string];
    if (!NAME.test(name) || !STATES.has(state)) continue;
    entries.push({ name, state: state as PasswordState, lastChange: num(last), maxDays: num(max), expires: num(exp) });
    if (entries.length >= MAX_ENTRIES) break;
  }
  if (!entries.length && body.trim()) throw new Error('no entry could be read from /etc/shadow output');
  return { entries };
}

const NO_LOGIN = /(^|\/)(nologin|false|sync|halt|shutdown)$/;

/** A shell that gives an interactive session (an empty field means /bin/sh). */
export function isLoginShell(shell: string): boolean {
  return !NO_LOGIN.test(shell.trim());
}

/** Whether an account whose password state is `state` has no password at all. */
export function accountPasswordState(user: Account, shadow: Shadow | null): PasswordState | 'unknown' {
  if (user.passwdField !== 'shadowed') return user.passwdField;
  const e = shadow?.entries.find((s) => s.name === user.name);
  return e ? e.state : 'unknown';
}
