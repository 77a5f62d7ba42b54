// Shared helpers of the mail (Postfix) checks.
import { addressScope, parseCidr } from '../../parsers/addresses';
import type { PostfixFacts } from '../../parsers/postfix';

export const POSTFIX_REFS = ['https://www.postfix.org/postconf.5.html', 'https://www.postfix.org/SMTPD_ACCESS_README.html'];

/** Postfix's smtpd only listens on loopback (inet_interfaces = loopback-only / localhost / 127.0.0.1 …). */
export function loopbackOnly(pf: PostfixFacts): boolean {
  const v = (pf.effective.inet_interfaces ?? pf.explicit.inet_interfaces ?? 'all').trim();
  const entries = v.split(/[\s,]+/).filter(Boolean);
  if (!entries.length) return false;
  return entries.every((e) => e === 'loopback-only' || e === 'localhost' || (!!parseCidr(e) && addressScope(e) === 'loopback'));
}

export function exposureText(pf: PostfixFacts): string {
  return loopbackOnly(pf) ? `smtpd listens on loopback only (inet_interfaces = ${pf.effective.inet_interfaces ?? '?'})` : `smtpd listens on inet_interfaces = ${pf.effective.inet_interfaces ?? 'all'}`;
}
