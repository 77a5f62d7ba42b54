import { describe, expect, it } from 'vitest';
import type { ProbeRate, ProbeRun, ProbeSeedResult } from '../shared/ipc/probe';
import { formatProbeTable } from './probe';

const seed = (over: Partial<ProbeSeedResult>): ProbeSeedResult => ({
  seed: 'gmail',
  toAddress: 'me@gmail.example',
  tag: 'rp-x-1',
  sent: true,
  delivered: true,
  folder: 'inbox',
  folderName: 'INBOX',
  latencyMs: 1234,
  auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', dkimDomains: ['example.org'], dkimSelectors: ['s1'], spfMailFrom: ['bounce@example.org'], entries: [], unparsed: [] },
  receivedHops: 4,
  tlsHops: 3,
  hops: [],
  spam: [{ header: 'x-spam-status', value: 'No, score=-0.1', score: -0.1 }],
  deleted: true,
  error: null,
  ...over,
});

const run: ProbeRun = {
  id: 'run-1',
  profileId: 1,
  profileName: 'main',
  domain: 'example.org',
  startedAt: '2026-12-06T09:00:00.000Z',
  finishedAt: '2026-12-06T09:00:02.000Z',
  status: 'complete',
  error: null,
  results: [seed({}), seed({ seed: 'outlook', toAddress: 'me@outlook.example', delivered: false, folder: null, folderName: null, latencyMs: null, auth: null, receivedHops: null, tlsHops: null, spam: [], deleted: false, error: 'Not found in outlook within 180 s.' })],
  findings: [
    { id: 'f1', checkId: 'PROBE-RATE', category: 'mail', severity: 'high', title: 'Deliverability below target', resource: 'outlook', evidence: '0 of 1 probes reached the inbox', rationale: '', remediation: '', references: [], status: 'open' },
  ],
  allPass: false,
};
const rate: ProbeRate = {
  profileId: 1,
  windowDays: 30,
  since: '2026-11-06T09:00:00.000Z',
  targetRate: 0.95,
  overall: { inbox: 1, probes: 2, rate: 0.5 },
  seeds: [
    { seed: 'gmail', inbox: 1, probes: 1, rate: 1 },
    { seed: 'outlook', inbox: 0, probes: 1, rate: 0 },
  ],
  series: [],
};

describe('formatProbeTable', () => {
  it('one line per seed with folder, latency, verdicts, hops, spam score and deletion; identities, errors, rate and findings below', () => {
    const lines = formatProbeTable(run, rate).split('\n');
    expect(lines[1]).toBe('2026-12-06T09:00:00.000Z → 2026-12-06T09:00:02.000Z  status complete: 1 of 2 in the inbox');
    expect(lines[4]).toMatch(/^gmail\s+inbox \(INBOX\)\s+1\.23 s\s+pass\s+pass\s+pass\s+4 \(3 TLS\)\s+-0\.1\s+yes$/);
    expect(lines[5]).toMatch(/^outlook\s+not delivered\s+-\s+-\s+-\s+-\s+-\s+-\s+-$/);
    expect(lines).toContain('  gmail: header.d=example.org header.s=s1 smtp.mailfrom=bounce@example.org');
    expect(lines).toContain('  outlook: Not found in outlook within 180 s.');
    expect(lines).toContain('Deliverability (30 d): 1/2 = 50 % (target 95 %); gmail 100 %, outlook 0 %');
    expect(lines).toContain('  [high] PROBE-RATE outlook: 0 of 1 probes reached the inbox');
  });
});
