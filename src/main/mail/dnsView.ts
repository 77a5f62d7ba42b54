// What the mail checks read: DNS answers fetched by the collector. Checks stay pure: they ask a
// DnsView, which answers from what was fetched and records what is still missing as `pending`; the
// collector (collect.ts) fetches the missing questions and evaluates again until nothing is
// missing. So a check never performs I/O, and the same answers always give the same findings.
import type { DnsResult, QueryType } from './resolver';

export interface DnsSource {
  cached(name: string, type: QueryType): DnsResult | undefined;
}

export class DnsView {
  /** Questions asked during this pass that have no answer yet ("name|TYPE"). */
  readonly missing = new Set<string>();
  constructor(private readonly source: DnsSource) {}

  lookup(name: string, type: QueryType): DnsResult {
    const n = name.replace(/\.$/, '').toLowerCase();
    const r = this.source.cached(n, type);
    if (r) return r;
    this.missing.add(`${n}|${type}`);
    return { kind: 'pending' };
  }
}

/** A fixed table of answers, for unit tests of checks and parsers ("name|TYPE" → result). */
export function staticDns(table: Record<string, DnsResult>): DnsView {
  const norm = Object.fromEntries(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
  return new DnsView({ cached: (name, type) => norm[`${name}|${type}`.toLowerCase()] ?? { kind: 'nxdomain', aliases: [] } });
}

/** Unit-test helpers: answers in the shapes the resolver produces. */
export const answer = {
  txt: (...records: Array<string | string[]>): DnsResult => {
    const strings = records.map((r) => (Array.isArray(r) ? r : [r]));
    return { kind: 'answer', data: strings.map((s) => s.join('')), txtStrings: strings, aliases: [] };
  },
  addr: (...ips: string[]): DnsResult => ({ kind: 'answer', data: ips, aliases: [] }),
  names: (...names: string[]): DnsResult => ({ kind: 'answer', data: names, aliases: [] }),
  mx: (...mx: Array<[number, string]>): DnsResult => ({
    kind: 'answer',
    data: mx.map(([p, e]) => `${p} ${e || '.'}`),
    mx: mx.map(([preference, exchange]) => ({ preference, exchange })),
    aliases: [],
  }),
  nodata: (): DnsResult => ({ kind: 'nodata', aliases: [] }),
  nxdomain: (): DnsResult => ({ kind: 'nxdomain', aliases: [] }),
  error: (code: 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' = 'SERVFAIL'): DnsResult => ({ kind: 'error', code, message: `${code} (test)` }),
};

/** One line for evidence: what a lookup got. */
export function describeResult(r: DnsResult): string {
  switch (r.kind) {
    case 'answer':
      return r.data.join(', ');
    case 'nxdomain':
      return 'NXDOMAIN (the name does not exist)';
    case 'nodata':
      return 'no record of that type (NODATA)';
    case 'error':
      return `lookup failed: ${r.code} (${r.message})`;
    case 'pending':
      return 'not looked up';
  }
}
