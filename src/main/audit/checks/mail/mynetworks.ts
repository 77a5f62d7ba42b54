import { addressScope, parseCidr } from '../../parsers/addresses';
import { mynetworksEntries } from '../../parsers/postfix';
import type { Severity } from '../../../../shared/domain';
import { defineCheck } from '../types';
import { exposureText, loopbackOnly, POSTFIX_REFS } from './postfixExposure';

/** mynetworks entries that trust far too much: every address, or a wide public range. */
export function wideEntries(value: string | undefined): Array<{ entry: string; severity: Severity; why: string }> {
  const out: Array<{ entry: string; severity: Severity; why: string }> = [];
  for (const e of mynetworksEntries(value)) {
    const c = parseCidr(e);
    if (!c) continue; // lookup tables (hash:…, /file) and host names are not judged
    if (c.prefix === 0) {
      out.push({ entry: e, severity: 'critical', why: 'every address on the internet' });
      continue;
    }
    const scope = addressScope(c.address);
    if (scope === 'public' && ((c.family === 4 && c.prefix < 24) || (c.family === 6 && c.prefix < 48)))
      out.push({ entry: e, severity: 'high', why: `a public range of ${c.family === 4 ? 2 ** (32 - c.prefix) : `2^${128 - c.prefix}`} addresses` });
    else if (c.family === 4 && c.prefix < 8) out.push({ entry: e, severity: 'high', why: 'more than a /8' });
  }
  return out;
}

export default defineCheck({
  id: 'MAIL-OPEN-RELAY-MYNETWORKS',
  title: 'Postfix trusts too wide a network (mynetworks)',
  category: 'mail',
  severity: 'critical',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/postconf.5.html#mynetworks'],
  rationale:
    'Clients in mynetworks may relay mail to any destination (permit_mynetworks). A mynetworks that covers the internet makes the server an open relay: spammers use it within hours, and its IP lands on every blocklist.',
  remediation: 'Set `mynetworks = 127.0.0.0/8 [::1]/128` (plus your own trusted subnets only) in /etc/postfix/main.cf, and let remote users relay with SMTP AUTH instead (permit_sasl_authenticated). Then `postfix reload`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const wide = wideEntries(postfix.effective.mynetworks);
    if (!wide.length) return { status: 'pass' };
    const local = loopbackOnly(postfix);
    const worst = wide.some((w) => w.severity === 'critical') ? 'critical' : 'high';
    return {
      status: 'fail',
      findings: [
        {
          severity: local ? 'low' : worst,
          resource: 'postfix:main.cf:mynetworks',
          evidence: `mynetworks = ${postfix.effective.mynetworks}: ${wide.map((w) => `${w.entry} (${w.why})`).join(', ')}; ${exposureText(postfix)}`,
        },
      ],
    };
  },
});
