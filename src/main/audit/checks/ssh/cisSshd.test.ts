// The CIS Debian 12 section 5.1 sshd checks and the Lynis SSH-7408 settings (LogLevel, StrictModes,
// GatewayPorts, forwarding, PermitTunnel, ClientAlive*, MaxSessions, MaxStartups, UsePAM, GSSAPI,
// Banner), on real `sshd -T` output of OpenSSH 9.2p1 (Debian 12): the Debian defaults, a config
// written to CIS 5.1 (sshd_config-cis-debian12.conf), the same config with `-C user=backup` (its
// Match block applied) and a lax one (sshd_config-lax.conf).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import { parseSshdT } from '../../parsers/sshd';
import { CHECKS as ALL_CHECKS } from '../index';
import { checks } from '.';
import { parseMaxStartups } from './maxStartups';
import { GLOBAL_CONTEXT } from './sshdValue';

const CIS_IDS = [
  'SSH-LOG-LEVEL',
  'SSH-STRICT-MODES',
  'SSH-GATEWAY-PORTS',
  'SSH-TCP-FORWARDING',
  'SSH-AGENT-FORWARDING',
  'SSH-PERMIT-TUNNEL',
  'SSH-CLIENT-ALIVE',
  'SSH-MAX-SESSIONS',
  'SSH-MAX-STARTUPS',
  'SSH-USE-PAM',
  'SSH-GSSAPI-AUTH',
  'SSH-BANNER',
];
const CIS_CHECKS = checks.filter((c) => CIS_IDS.includes(c.id));

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '__fixtures__');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const DEFAULT = fixture('sshd-T-debian12-default.txt');
const CIS = fixture('sshd-T-cis-debian12.txt');
const CIS_MATCH_BACKUP = fixture('sshd-T-cis-debian12-match-backup.txt');
const LAX = fixture('sshd-T-lax.txt');
const CONFIG = '/etc/ssh/sshd_config';

function set(text: string, key: string, value: string): string {
  return [...text.split('\n').filter((l) => !l.startsWith(`${key} `)), `${key} ${value}`].join('\n');
}

function run(sshdT: string) {
  const facts = { sshd: { ok: true, value: { path: CONFIG, config: parseSshdT(sshdT) } } } as unknown as HostFacts;
  return evaluate(facts, '192.0.2.10:22', CIS_CHECKS);
}

/** One check on one sshd -T text: its status and findings as `severity: evidence`. */
function check(sshdT: string, id: string) {
  const ev = run(sshdT);
  const c = ev.checks.find((x) => x.checkId === id)!;
  const f = ev.findings.filter((x) => x.checkId === id);
  return { status: c.status, message: c.message, lines: f.map((x) => `${x.severity}: ${x.evidence}`), findings: f };
}

const g = (s: string): string => `${s} (${GLOBAL_CONTEXT})`;
const TESTED = new Set<string>();
function describeCheck(id: string, fn: () => void): void {
  TESTED.add(id);
  describe(id, fn);
}

describe('catalog', () => {
  it('ids are new, stable and unique in the whole catalog; category ssh', () => {
    expect(CIS_CHECKS.map((c) => c.id)).toEqual(CIS_IDS);
    const all = ALL_CHECKS.map((c) => c.id);
    expect(new Set(all).size).toBe(all.length);
    for (const c of CIS_CHECKS) expect(c.category).toBe('ssh');
  });

  it('CIS Debian 12 item numbers: in cis and references', () => {
    const cis = Object.fromEntries(CIS_CHECKS.filter((c) => c.cis).map((c) => [c.id, c.cis]));
    expect(cis).toEqual({
      'SSH-LOG-LEVEL': 'CIS Debian Linux 12 v1.1.0 5.1.14',
      'SSH-TCP-FORWARDING': 'CIS Debian Linux 12 v1.1.0 5.1.8',
      'SSH-AGENT-FORWARDING': 'CIS Debian Linux 12 v1.1.0 5.1.8',
      'SSH-CLIENT-ALIVE': 'CIS Debian Linux 12 v1.1.0 5.1.7',
      'SSH-MAX-SESSIONS': 'CIS Debian Linux 12 v1.1.0 5.1.17',
      'SSH-MAX-STARTUPS': 'CIS Debian Linux 12 v1.1.0 5.1.18',
      'SSH-USE-PAM': 'CIS Debian Linux 12 v1.1.0 5.1.22',
      'SSH-GSSAPI-AUTH': 'CIS Debian Linux 12 v1.1.0 5.1.9',
      'SSH-BANNER': 'CIS Debian Linux 12 v1.1.0 5.1.5',
    });
    for (const c of CIS_CHECKS.filter((x) => x.cis)) expect(c.references.some((r) => r.startsWith(c.cis!)), c.id).toBe(true);
    // IgnoreRhosts (5.1.11) and HostbasedAuthentication (5.1.10) stay with the existing check.
    expect(ALL_CHECKS.find((c) => c.id === 'SSH-HOSTBASED-AUTH')!.cis).toBe('CIS Debian Linux 12 v1.1.0 5.1.10, 5.1.11');
  });
});

describe('fixtures', () => {
  it('a config written to CIS 5.1 passes every check', () => {
    const ev = run(CIS);
    expect(ev.findings).toEqual([]);
    expect(ev.checks.map((c) => [c.checkId, c.status])).toEqual(CIS_IDS.map((id) => [id, 'pass']));
  });

  it('Debian 12 defaults: forwarding, dead-client detection, MaxStartups, banner', () => {
    const lines = run(DEFAULT).findings.map((f) => `${f.checkId} ${f.severity}: ${f.evidence}`);
    expect(lines).toEqual([
      `SSH-TCP-FORWARDING low: ${g('AllowTcpForwarding yes — users may tunnel to any address the server reaches and listen on its ports')}`,
      `SSH-TCP-FORWARDING low: ${g('AllowStreamLocalForwarding yes — users may reach the server’s Unix sockets they can open')}`,
      `SSH-AGENT-FORWARDING low: ${g('AllowAgentForwarding yes')}`,
      `SSH-CLIENT-ALIVE low: ${g('ClientAliveInterval 0 — sshd never checks that an idle client is still there')}`,
      `SSH-MAX-STARTUPS low: ${g('MaxStartups 10:30:100 — 10:30:60 or stricter recommended')}`,
      `SSH-BANNER info: ${g('Banner none — no notice is shown before login')}`,
    ]);
  });

  it('the lax config fails every check, with honest severities', () => {
    const ev = run(LAX);
    const worst = Object.fromEntries(CIS_IDS.map((id) => [id, ev.findings.filter((f) => f.checkId === id).map((f) => f.severity)]));
    expect(worst).toEqual({
      'SSH-LOG-LEVEL': ['medium'],
      'SSH-STRICT-MODES': ['medium'],
      'SSH-GATEWAY-PORTS': ['medium'],
      'SSH-TCP-FORWARDING': ['low', 'low'],
      'SSH-AGENT-FORWARDING': ['low'],
      'SSH-PERMIT-TUNNEL': ['low'],
      'SSH-CLIENT-ALIVE': ['low', 'low'],
      'SSH-MAX-SESSIONS': ['low'],
      'SSH-MAX-STARTUPS': ['low'],
      'SSH-USE-PAM': ['low'],
      'SSH-GSSAPI-AUTH': ['low'],
      'SSH-BANNER': ['info'],
    });
    // No check can raise more than its declared severity (the grading weight).
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    for (const f of ev.findings) {
      const def = CIS_CHECKS.find((c) => c.id === f.checkId)!;
      expect(order.indexOf(f.severity), f.checkId).toBeGreaterThanOrEqual(order.indexOf(def.severity));
    }
  });

  it('Match blocks: the verdict is for the global values; `-C user=backup` output shows what a Match changes', () => {
    // sshd_config-cis-debian12.conf has `Match User backup` with MaxSessions 50 and AllowTcpForwarding
    // yes (DisableForwarding still wins). The collector runs sshd -T without -C, so the global
    // values are judged and the evidence says so.
    expect(check(CIS, 'SSH-MAX-SESSIONS').status).toBe('pass');
    expect(check(CIS_MATCH_BACKUP, 'SSH-MAX-SESSIONS').lines).toEqual([`low: ${g('MaxSessions 50 — at most 10 recommended')}`]);
    expect(check(CIS_MATCH_BACKUP, 'SSH-TCP-FORWARDING').status).toBe('pass');
  });
});

describeCheck('SSH-LOG-LEVEL', () => {
  const id = 'SSH-LOG-LEVEL';
  it.each(['INFO', 'VERBOSE'])('%s → pass', (v) => expect(check(set(CIS, 'loglevel', v), id).status).toBe('pass'));
  it.each(['SILENT', 'QUIET', 'FATAL', 'ERROR'])('%s → medium, logins not logged', (v) => {
    const r = check(set(CIS, 'loglevel', v), id);
    expect(r.lines).toEqual([`medium: ${g(`LogLevel ${v} — logins and failed attempts are not logged`)}`]);
    expect(r.findings[0]!.resource).toBe(`sshd:${CONFIG}:LogLevel`);
  });
  it.each(['DEBUG', 'DEBUG1', 'DEBUG3'])('%s → low, with its own title', (v) => {
    const r = check(set(CIS, 'loglevel', v), id);
    expect(r.lines).toEqual([`low: ${g(`LogLevel ${v} — debug logging records more about users than needed`)}`]);
    expect(r.findings[0]!.title).toBe('SSH logs at a debug level');
  });
  it('an unknown level → not-applicable with the value', () => {
    const r = check(set(CIS, 'loglevel', 'LOUD'), id);
    expect(r.status).toBe('not-applicable');
    expect(r.message).toContain('LOUD');
  });
});

describeCheck('SSH-STRICT-MODES', () => {
  const id = 'SSH-STRICT-MODES';
  it('yes (default) → pass', () => expect(check(DEFAULT, id).status).toBe('pass'));
  it('no → medium', () => expect(check(set(CIS, 'strictmodes', 'no'), id).lines).toEqual([`medium: ${g('StrictModes no — group- or world-writable authorized_keys are accepted')}`]));
});

describeCheck('SSH-GATEWAY-PORTS', () => {
  const id = 'SSH-GATEWAY-PORTS';
  const gp = (v: string, tcp = 'yes', disable = 'no'): ReturnType<typeof check> => check(set(set(set(DEFAULT, 'gatewayports', v), 'allowtcpforwarding', tcp), 'disableforwarding', disable), id);
  it('no → pass', () => expect(gp('no').status).toBe('pass'));
  it.each(['yes', 'clientspecified'])('%s with remote forwarding → medium', (v) => {
    expect(gp(v).lines).toEqual([`medium: ${g(`GatewayPorts ${v} — remote forwards may listen on all addresses (AllowTcpForwarding yes)`)}`]);
    expect(gp(v, 'remote').status).toBe('fail');
  });
  it('yes without remote forwarding (AllowTcpForwarding no/local, DisableForwarding yes) → pass', () => {
    expect(gp('yes', 'no').status).toBe('pass');
    expect(gp('yes', 'local').status).toBe('pass');
    expect(gp('yes', 'yes', 'yes').status).toBe('pass');
  });
});

describeCheck('SSH-TCP-FORWARDING', () => {
  const id = 'SSH-TCP-FORWARDING';
  const fw = (tcp: string, unix = 'no', disable = 'no'): ReturnType<typeof check> =>
    check(set(set(set(DEFAULT, 'allowtcpforwarding', tcp), 'allowstreamlocalforwarding', unix), 'disableforwarding', disable), id);
  it('no and no → pass', () => expect(fw('no').status).toBe('pass'));
  it('DisableForwarding yes wins over yes/yes → pass', () => expect(fw('yes', 'yes', 'yes').status).toBe('pass'));
  it('yes → low', () => expect(fw('yes').lines).toEqual([`low: ${g('AllowTcpForwarding yes — users may tunnel to any address the server reaches and listen on its ports')}`]));
  it('remote → low', () => expect(fw('remote').lines).toEqual([`low: ${g('AllowTcpForwarding remote — users may open listening ports on the server')}`]));
  it('local (a jump host) → info only, so the grade does not move', () => {
    const r = fw('local');
    expect(r.status).toBe('fail');
    expect(r.lines).toEqual([`info: ${g('AllowTcpForwarding local — local forwards only, as a jump host needs')}`]);
  });
  it('Unix socket forwarding alone → low with its own title and resource', () => {
    const r = fw('no', 'all');
    expect(r.findings.map((f) => [f.severity, f.title, f.resource])).toEqual([['low', 'SSH lets users forward Unix sockets of the server', `sshd:${CONFIG}:AllowStreamLocalForwarding`]]);
  });
});

describeCheck('SSH-AGENT-FORWARDING', () => {
  const id = 'SSH-AGENT-FORWARDING';
  it('yes → low', () => expect(check(DEFAULT, id).lines).toEqual([`low: ${g('AllowAgentForwarding yes')}`]));
  it('no → pass', () => expect(check(set(DEFAULT, 'allowagentforwarding', 'no'), id).status).toBe('pass'));
  it('DisableForwarding yes → pass', () => expect(check(set(DEFAULT, 'disableforwarding', 'yes'), id).status).toBe('pass'));
});

describeCheck('SSH-PERMIT-TUNNEL', () => {
  const id = 'SSH-PERMIT-TUNNEL';
  it('no → pass', () => expect(check(DEFAULT, id).status).toBe('pass'));
  it.each(['yes', 'point-to-point', 'ethernet'])('%s → low', (v) => expect(check(set(DEFAULT, 'permittunnel', v), id).lines).toEqual([`low: ${g(`PermitTunnel ${v}`)}`]));
});

describeCheck('SSH-CLIENT-ALIVE', () => {
  const id = 'SSH-CLIENT-ALIVE';
  const ca = (interval: string, count: string): ReturnType<typeof check> => check(set(set(CIS, 'clientaliveinterval', interval), 'clientalivecountmax', count), id);
  it.each([
    ['15', '3'],
    ['300', '1'],
  ])('%s × %s → pass', (i, c) => expect(ca(i, c).status).toBe('pass'));
  it('interval 0 → low on ClientAliveInterval', () => {
    const r = ca('0', '3');
    expect(r.lines).toEqual([`low: ${g('ClientAliveInterval 0 — sshd never checks that an idle client is still there')}`]);
    expect(r.findings[0]!.resource).toBe(`sshd:${CONFIG}:ClientAliveInterval`);
  });
  it('count 0 → low on ClientAliveCountMax', () => expect(ca('300', '0').lines).toEqual([`low: ${g('ClientAliveCountMax 0 — unanswered probes never end the session')}`]));
  it('not a number → not-applicable', () => expect(ca('5m', '3').status).toBe('not-applicable'));
});

describeCheck('SSH-MAX-SESSIONS', () => {
  const id = 'SSH-MAX-SESSIONS';
  it.each(['1', '8', '10'])('%s → pass', (v) => expect(check(set(CIS, 'maxsessions', v), id).status).toBe('pass'));
  it('11 → low', () => expect(check(set(CIS, 'maxsessions', '11'), id).lines).toEqual([`low: ${g('MaxSessions 11 — at most 10 recommended')}`]));
  it('not a number → not-applicable with the value', () => expect(check(set(CIS, 'maxsessions', 'many'), id).message).toContain('many'));
});

describeCheck('SSH-MAX-STARTUPS', () => {
  const id = 'SSH-MAX-STARTUPS';
  it('parses start:rate:full and a single hard limit', () => {
    expect(parseMaxStartups('10:30:100')).toEqual({ start: 10, rate: 30, full: 100 });
    expect(parseMaxStartups('8')).toEqual({ start: 8, rate: 100, full: 8 });
    expect(parseMaxStartups('10:30')).toBeNull();
    expect(parseMaxStartups('')).toBeNull();
  });
  it.each(['10:30:60', '5:50:20', '3:30:10', '10:90:60'])('%s → pass (a higher drop rate is stricter, not weaker)', (v) => expect(check(set(CIS, 'maxstartups', v), id).status).toBe('pass'));
  it.each(['10:30:100', '11:30:60', '100:30:100'])('%s → low', (v) => expect(check(set(CIS, 'maxstartups', v), id).lines).toEqual([`low: ${g(`MaxStartups ${v} — 10:30:60 or stricter recommended`)}`]));
  it('garbage → not-applicable', () => expect(check(set(CIS, 'maxstartups', 'lots'), id).status).toBe('not-applicable'));
});

describeCheck('SSH-USE-PAM', () => {
  const id = 'SSH-USE-PAM';
  it('yes → pass', () => expect(check(DEFAULT, id).status).toBe('pass'));
  it('no → low', () => expect(check(set(DEFAULT, 'usepam', 'no'), id).lines).toEqual([`low: ${g('UsePAM no')}`]));
});

describeCheck('SSH-GSSAPI-AUTH', () => {
  const id = 'SSH-GSSAPI-AUTH';
  it('no (Debian default) → pass', () => expect(check(DEFAULT, id).status).toBe('pass'));
  it('yes → low', () => expect(check(set(DEFAULT, 'gssapiauthentication', 'yes'), id).lines).toEqual([`low: ${g('GSSAPIAuthentication yes')}`]));
});

describeCheck('SSH-BANNER', () => {
  const id = 'SSH-BANNER';
  it('a file → pass', () => expect(check(CIS, id).status).toBe('pass'));
  it('none → info', () => expect(check(DEFAULT, id).lines).toEqual([`info: ${g('Banner none — no notice is shown before login')}`]));
});

describe('coverage', () => {
  it('every check of this file has its own tests', () => expect([...TESTED].sort()).toEqual([...CIS_IDS].sort()));
});
