// The probe:* channels through the handler table on a real temporary SQLite file, with a keychain
// that refuses every call (noSecrets): validation names the field before anything reaches the
// keychain, unknown ids are NOT_FOUND, and a profile saved without a reachable keychain is not
// kept. Runs against real mail servers are in test/probe.lab.test.ts and e2e/deliverability.
import { describe, expect, it } from 'vitest';
import { issuePaths, useHandlerHarness } from '../../test/support/handlers';
import type { ProbeProfile } from '../shared/ipc/probe';

const harness = useHandlerHarness('rampart-handlers-probe-');
const { ok, fail } = harness;

const profile = {
  name: 'lab',
  smtpHost: '10.1.0.2',
  smtpUsername: 'probe',
  smtpPassword: 'pw',
  fromAddress: 'probe@send.test',
  seeds: [{ label: 'seed', toAddress: 'seed@recv.test', imapHost: '10.1.0.3', imapUsername: 'seed', imapPassword: 'pw' }],
};

describe('probe channels', () => {
  it('lists no profile on a new database', async () => {
    expect(await ok<ProbeProfile[]>('probe:listProfiles', {})).toEqual([]);
  });

  it('names the fields of a bad profile', async () => {
    const e = await fail('probe:saveProfile', { ...profile, fromAddress: 'nobody', smtpPort: 70000, seeds: [{ ...profile.seeds[0], imapHost: 'bad host' }] });
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toEqual(expect.arrayContaining(['fromAddress', 'smtpPort', 'seeds.0.imapHost']));
  });

  it('a new profile needs its passwords (said before the keychain is asked)', async () => {
    const { smtpPassword: _s, ...noSmtp } = profile;
    expect(issuePaths(await fail('probe:saveProfile', noSmtp))).toEqual(['smtpPassword']);
    const e = await fail('probe:saveProfile', { ...profile, seeds: [{ ...profile.seeds[0], imapPassword: undefined }] });
    expect(issuePaths(e)).toEqual(['seeds.0.imapPassword']);
  });

  it('keeps nothing when the keychain cannot store the passwords', async () => {
    const e = await fail('probe:saveProfile', profile);
    expect(e.message).toMatch(/keychain not expected/);
    expect(await ok<ProbeProfile[]>('probe:listProfiles', {})).toEqual([]);
  });

  it('unknown profiles and jobs', async () => {
    expect((await fail('probe:run', { profileId: 99 })).code).toBe('NOT_FOUND');
    expect((await fail('probe:history', { profileId: 99 })).code).toBe('NOT_FOUND');
    expect((await fail('probe:rate', { profileId: 99 })).code).toBe('NOT_FOUND');
    expect((await fail('probe:deleteProfile', { id: 99 })).code).toBe('NOT_FOUND');
    expect(await ok('probe:cancel', { jobId: 'nope' })).toEqual({ cancelled: false });
  });
});
