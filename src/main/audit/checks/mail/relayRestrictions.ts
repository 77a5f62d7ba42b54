import { restrictionList } from '../../parsers/postfix';
import { defineCheck } from '../types';
import { exposureText, loopbackOnly, POSTFIX_REFS } from './postfixExposure';

/** What Postfix itself accepts as a relay guard (smtpd refuses to start without one of them). */
const GUARDS = new Set(['reject_unauth_destination', 'defer_unauth_destination', 'reject', 'defer', 'defer_if_permit', 'check_relay_domains']);

/** `permit`, or an access lookup that answers OK for everyone (`check_client_access static:OK`). */
export function unconditionalPermit(r: string): boolean {
  return r === 'permit' || /^check_\w+_access static:\{?\s*(ok|permit|relay)\s*\}?$/i.test(r);
}

/** Whether a restriction list stops relaying to foreign domains before anything permits it unconditionally. */
export function stopsRelay(list: readonly string[]): boolean {
  for (const r of list) {
    if (GUARDS.has(r)) return true;
    if (unconditionalPermit(r)) return false;
  }
  return false;
}

export default defineCheck({
  id: 'MAIL-RELAY-RESTRICTIONS',
  title: 'Postfix relay restrictions do not reject unauthorized destinations',
  category: 'mail',
  severity: 'critical',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/postconf.5.html#smtpd_relay_restrictions'],
  rationale:
    'Postfix relays a message unless smtpd_relay_restrictions or smtpd_recipient_restrictions rejects it. Without reject_unauth_destination (or defer_unauth_destination) in either list — or with something that permits every client before it (a bare "permit", `check_client_access static:OK`) — anyone can send mail to any domain through the server: an open relay.',
  remediation:
    'Use the default `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination` and put `reject_unauth_destination` in smtpd_recipient_restrictions; never a bare `permit` (or a lookup that answers OK for everyone) before it. Then `postfix reload` and test with `swaks --server <host> --to someone@example.org` from outside.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const relay = restrictionList(postfix.effective.smtpd_relay_restrictions);
    const rcpt = restrictionList(postfix.effective.smtpd_recipient_restrictions);
    if (stopsRelay(relay) || stopsRelay(rcpt)) return { status: 'pass' };
    const show = (name: string, l: string[]): string => `${name} = ${l.length ? l.join(', ') : '(empty)'}`;
    return {
      status: 'fail',
      findings: [
        {
          severity: loopbackOnly(postfix) ? 'medium' : 'critical',
          resource: 'postfix:main.cf:smtpd_relay_restrictions',
          evidence: `${show('smtpd_relay_restrictions', relay)}; ${show('smtpd_recipient_restrictions', rcpt)}: neither rejects unauthorized destinations; ${exposureText(postfix)}`,
        },
      ],
    };
  },
});
