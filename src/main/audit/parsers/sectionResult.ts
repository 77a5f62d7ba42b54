// Turning one of this module's raw collector sections into a fact. The network, VPN, mail and CVE
// sections print their own status lines (`@rc N`, `@installed no` …) and exit 0, so their parsers
// decide; they throw NeedsRootError when a tool refused an unprivileged collector, and
// NotApplicableError when the thing audited is not on the host.
import type { Section } from '../facts';
import type { RawSection } from './sections';
import { outputExcerpt } from './excerpt';

export class NeedsRootError extends Error {}
export class NotApplicableError extends Error {}

export function sectionFrom<T>(raw: RawSection | undefined, what: string, uid: number | null, parse: (body: string) => T): Section<T> {
  if (!raw) return { ok: false, status: 'error', message: `${what}: the collector returned no output for this section` };
  if (raw.exitCode === null) return { ok: false, status: 'error', message: `${what}: output was cut off` };
  if (raw.exitCode === 124) return { ok: false, status: 'error', message: `${what}: did not finish in time` };
  if (raw.exitCode !== 0) return { ok: false, status: 'error', message: `${what}: exit code ${raw.exitCode}: ${outputExcerpt(raw.body, 300)}` };
  try {
    return { ok: true, value: parse(raw.body) };
  } catch (e) {
    const message = `${what}: ${(e as Error).message}`;
    if (e instanceof NeedsRootError) return uid === 0 ? { ok: false, status: 'error', message } : { ok: false, status: 'needs-sudo', message };
    if (e instanceof NotApplicableError) return { ok: false, status: 'not-applicable', message: (e as Error).message };
    return { ok: false, status: 'error', message };
  }
}
