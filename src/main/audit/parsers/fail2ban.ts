// fail2ban: whether it is installed and running, its jails, and the sshd jail's counters
// (`fail2ban-client status` and `fail2ban-client status sshd`, or, as root, /proc: see sections/network.ts). CrowdSec is noted as an
// alternative. Talking to the fail2ban socket needs root.
import { NeedsRootError } from './sectionResult';
import { outputExcerpt } from './excerpt';

export interface Fail2banJail {
  name: string;
  currentlyFailed: number | null;
  totalFailed: number | null;
  currentlyBanned: number | null;
  totalBanned: number | null;
  /** Log files (or the journal match) the jail reads. */
  files: string[];
}

export interface Fail2banFacts {
  installed: boolean;
  /** The server answered. */
  running: boolean;
  jails: string[];
  /** Details of the SSH jail(s) (sshd, ssh, sshd-ddos, dropbear …); the counters and files are null/empty when the state was read from /proc instead of fail2ban-client. */
  sshJails: Fail2banJail[];
  /** CrowdSec (`crowdsec`/`cscli`) is installed: an alternative to fail2ban. */
  crowdsec: boolean;
  /** Why the server is considered not running. */
  note: string | null;
}

const SSH_JAIL = /^(sshd|ssh|sshd-ddos|sshd-aggressive|dropbear|openssh)$/i;

export function isSshJail(name: string): boolean {
  return SSH_JAIL.test(name);
}

function num(text: string, label: string): number | null {
  const m = new RegExp(`${label}:\\s*(\\d+)`).exec(text);
  return m ? Number(m[1]) : null;
}

export function parseJailStatus(name: string, text: string): Fail2banJail {
  const files = /(?:File list|Journal matches):\s*(.*)$/m.exec(text)?.[1]?.trim();
  return {
    name,
    currentlyFailed: num(text, 'Currently failed'),
    totalFailed: num(text, 'Total failed'),
    currentlyBanned: num(text, 'Currently banned'),
    totalBanned: num(text, 'Total banned'),
    files: files ? files.split(/\s+/).filter(Boolean) : [],
  };
}

const NOT_RUNNING = /Failed to access socket path|Is fail2ban running|No such file or directory|Connection refused/i;
const PERMISSION = /permission denied|you must be root|operation not permitted/i;

/**
 * The collector's fail2ban section: `@crowdsec yes|no`, `@installed yes|no`, then either `@live
 * stopped SOCKET` or `@live running` + `@live-jails NAME…` (read from /proc), or `@jail sshd` with
 * `fail2ban-client status sshd` and `@rc N`; only when that jail does not exist, `@status` with
 * `fail2ban-client status` and `@rc N`, then `@jail NAME` blocks for other SSH jails.
 */
export function parseFail2ban(text: string, uid: number | null): Fail2banFacts {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const crowdsec = lines.some((l) => l.trim() === '@crowdsec yes');
  const installedLine = lines.find((l) => /^@installed (yes|no)$/.test(l.trim()));
  if (!installedLine) throw new Error(`unexpected fail2ban section output: "${outputExcerpt(text, 120)}"`);
  const installed = installedLine.trim() === '@installed yes';
  const facts: Fail2banFacts = { installed, running: false, jails: [], sshJails: [], crowdsec, note: null };
  if (!installed) return facts;
  // Read as root from /proc (sections/network.ts): the socket the config names is absent, or a
  // live fail2ban-server's jails from its filter threads' names.
  const live = lines.find((l) => /^@live (running|stopped)\b/.test(l.trim()))?.trim();
  if (live?.startsWith('@live stopped')) {
    facts.note = 'the fail2ban server is not running (its socket does not answer)';
    return facts;
  }
  if (live === '@live running') {
    const names = (lines.find((l) => l.startsWith('@live-jails'))?.slice('@live-jails'.length) ?? '').split(/\s+/).filter(Boolean);
    facts.running = true;
    facts.jails = [...new Set(names)];
    facts.sshJails = facts.jails.filter(isSshJail).map((name) => ({ name, currentlyFailed: null, totalFailed: null, currentlyBanned: null, totalBanned: null, files: [] }));
    return facts;
  }

  const blocks: Array<{ kind: 'status' | 'jail'; name: string; body: string; rc: number | null }> = [];
  let cur: { kind: 'status' | 'jail'; name: string; body: string[]; rc: number | null } | null = null;
  const close = (): void => {
    if (cur) blocks.push({ ...cur, body: cur.body.join('\n') });
    cur = null;
  };
  for (const line of lines) {
    const t = line.trim();
    const j = /^@jail (\S+)$/.exec(t);
    if (t === '@status' || j) {
      close();
      cur = t === '@status' ? { kind: 'status', name: '', body: [], rc: null } : { kind: 'jail', name: j![1]!, body: [], rc: null };
      continue;
    }
    const rc = /^@rc (\d+)$/.exec(t);
    if (rc && cur) {
      cur.rc = Number(rc[1]);
      close();
      continue;
    }
    if (cur) cur.body.push(line);
  }
  close();
  const okJails = blocks.filter((b) => b.kind === 'jail' && b.rc === 0);
  const status = blocks.find((b) => b.kind === 'status');
  if (status?.rc === 0) {
    facts.running = true;
    const list = /Jail list:\s*(.*)$/m.exec(status.body)?.[1] ?? '';
    facts.jails = list.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  } else if (okJails.length) {
    facts.running = true;
    facts.jails = okJails.map((b) => b.name);
  } else {
    const failed = status ?? blocks[0];
    if (!failed) {
      facts.note = 'fail2ban-client was not run';
      return facts;
    }
    if (uid !== 0 && PERMISSION.test(failed.body)) throw new NeedsRootError(`fail2ban-client needs root: ${failed.body.trim().slice(0, 200)}`);
    facts.note = NOT_RUNNING.test(failed.body) ? 'the fail2ban server is not running (its socket does not answer)' : `fail2ban-client failed (exit ${failed.rc ?? 'cut off'}): ${failed.body.trim().slice(0, 200)}`;
    return facts;
  }
  facts.sshJails = okJails.map((b) => parseJailStatus(b.name, b.body));
  return facts;
}
