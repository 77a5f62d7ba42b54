// Collector sections for the mail facts: Postfix's explicit settings (`postconf -n`), the effective
// values the relay checks need (`postconf -x`), and a queue summary made on the host from
// `postqueue -j` (counts and the oldest arrival only: no addresses leave the host).
import type { Section, SectionName } from '../facts';
import { parsePostfix, POSTFIX_PARAMETERS, type PostfixFacts } from '../parsers/postfix';
import { sectionFrom } from '../parsers/sectionResult';
import { shQuote } from '../../ssh/quote';
import { defineSection, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    /** Postfix configuration and queue summary; not-applicable without Postfix. */
    postfix: Section<PostfixFacts>;
  }
}

const AWK_QUEUE = `
/^\\{/ {
  n++
  if ($0 ~ /"queue_name": *"deferred"/) d++
  if (match($0, /"arrival_time": *[0-9]+/)) { t=substr($0, RSTART, RLENGTH); sub(/^[^0-9]*/, "", t); if (o == "" || t+0 < o+0) o=t }
  next
}
/^@qrc / { rc=$0; next }
{ print }
END { print "@count " n+0; print "@deferred " d+0; print "@oldest " (o == "" ? "-" : o); if (rc != "") print rc }`;

const PARAMS = POSTFIX_PARAMETERS.join(' ');

const POSTFIX = `if ! command -v postconf >/dev/null 2>&1; then echo "@installed no"; exit 0; fi
echo "@postconf-n"; out=$(postconf -n 2>&1); rc=$?; printf '%s\\n' "$out"; echo "@rc $rc"
# Not configured (no main.cf): stop here; each further fatal would wait a second for syslog.
[ "$rc" -eq 0 ] || exit 0
echo "@effective"; { postconf -x ${PARAMS} 2>/dev/null || postconf ${PARAMS}; } 2>&1; rc=$?; echo; echo "@rc $rc"
echo "@queue"; { $T postqueue -j 2>&1; rc=$?; echo; echo "@qrc $rc"; } | awk ${shQuote(AWK_QUEUE)}; echo "@rc 0"
exit 0`;

export const MAIL_SCRIPTS = { POSTFIX } as const;

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [
  defineSection({
    fact: 'postfix',
    costMs: 235, // postconf and postqueue start slowly
    script: () => `secsh mail_postfix ${shQuote(POSTFIX)}`,
    parse: ({ raw, uid }) => sectionFrom(raw.get('mail_postfix'), 'Postfix', uid, parsePostfix),
  }),
];
