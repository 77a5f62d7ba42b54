// How the Deliverability panel's stack health groups the host audit's mail checks
// (src/shared/mailStackGroups.ts): each check in its group, and the table below lists every mail
// check the audit has, so a new check gets a deliberate group, not the catch-all by accident.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_GROUPS, stackGroupOf } from '../src/shared/mailStackGroups';

const EXPECTED: Record<string, string> = {
  'MAIL-QUEUE-LARGE': 'queue',
  'MAIL-QUEUE-STALE': 'queue',
  'MAIL-QUEUE-DEFERRALS': 'queue',
  'MAIL-TLS-CERT-FILE': 'tls',
  'MAIL-TLS-PROTOCOLS': 'tls',
  'MAIL-SMTPD-NO-TLS': 'tls',
  'MAIL-SMTP-CLIENT-NO-TLS': 'tls',
  'MAIL-STACK-CERT': 'tls',
  'MAIL-STACK-CONTAINERS': 'stack',
  'MAIL-STACK-SERVICES': 'stack',
  'MAIL-STACK-RESTARTS': 'stack',
  'MAIL-STACK-MEMORY': 'stack',
  'MAIL-STACK-DISK': 'stack',
  'MAIL-RSPAMD': 'filters',
  'MAIL-CLAMAV-SIGNATURES': 'filters',
  'MAIL-DKIM-SIGNING': 'dkim',
  'MAIL-POSTFIX-CHECK': 'postfix',
  'MAIL-BANNER-VERSION': 'postfix',
  'MAIL-OPEN-RELAY-MYNETWORKS': 'postfix',
  'MAIL-RELAY-RESTRICTIONS': 'postfix',
  'MAIL-VRFY-ENABLED': 'postfix',
};

describe('stack health groups', () => {
  it('knows every mail check the audit has', () => {
    const dir = join(__dirname, '../src/main/audit/checks/mail');
    const ids = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^\s+id: '(MAIL-[A-Z0-9-]+)'/gm)].map((m) => m[1]!));
    expect(ids.length).toBeGreaterThan(15);
    expect([...new Set(ids)].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('puts each mail check in its group', () => {
    for (const [id, group] of Object.entries(EXPECTED)) expect(stackGroupOf(id), id).toBe(group);
  });

  it('every group id has a label, in display order', () => {
    expect(STACK_GROUPS.map((g) => g.id)).toEqual(['queue', 'tls', 'stack', 'filters', 'dkim', 'postfix']);
    expect(new Set(Object.values(EXPECTED))).toEqual(new Set(STACK_GROUPS.map((g) => g.id)));
  });
});
