// `rampart mail` parsing: the contract's options, repeats, defaults and usage errors.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './args';

const parse = (...args: string[]) => parseCommandLine(['mail', ...args], '/work');

describe('rampart mail arguments', () => {
  it('the full contract', () => {
    expect(
      parse('--domain', 'Example.COM.', '--resolver', '10.213.0.2:5353', '--dkim-selector', 's1', '--dkim-selector', 'S2.sub', '--dnsbl', 'zen.example', '--dnsbl', 'bl.example', '--smtp-host', 'mx.example.com', '--smtp-host', '[2001:db8::1]:465', '--open-relay-test', '--db', 'runs.sqlite3', '--format', 'json', '--fail-on', 'none'),
    ).toEqual({
      kind: 'mail',
      domain: 'example.com',
      resolver: { address: '10.213.0.2', port: 5353 },
      dkimSelectors: ['s1', 's2.sub'],
      dnsblZones: ['zen.example', 'bl.example'],
      smtpHosts: [
        { host: 'mx.example.com', port: null },
        { host: '2001:db8::1', port: 465 },
      ],
      openRelayTest: true,
      db: '/work/runs.sqlite3',
      host: null,
      format: 'json',
      failOn: 'none',
    });
  });

  it('defaults: system resolver, default lists, table, fail on high', () => {
    expect(parse('--domain', 'example.com')).toMatchObject({ resolver: null, dkimSelectors: [], dnsblZones: null, smtpHosts: [], openRelayTest: false, db: null, format: 'table', failOn: 'high' });
  });

  it('--host NAME names a host profile of the database (--db, or the app default; not --no-db)', () => {
    expect(parse('--domain', 'example.com', '--db', 'r.db', '--host', 'mail1')).toMatchObject({ host: 'mail1', db: '/work/r.db' });
    expect(() => parse('--domain', 'example.com', '--host', 'mail1', '--no-db')).toThrow(
      new UsageError("--host NAME needs a database where the host profile is saved: the app's (the default) or --db FILE, not --no-db", 'mail'),
    );
    expect(() => parse('--domain', 'example.com', '--db', 'r.db', '--no-db')).toThrow(new UsageError('--db and --no-db cannot be combined', 'mail'));
    expect(() => parse('--domain', 'example.com', '--db', 'r.db', '--host', ' ')).toThrow(new UsageError('--host needs the name of a saved host profile', 'mail'));
  });

  it('help', () => {
    expect(parse('--help')).toEqual({ kind: 'help', topic: 'mail' });
    expect(parseCommandLine(['help', 'mail'])).toEqual({ kind: 'help', topic: 'mail' });
  });

  it.each([
    [[], '--domain DOMAIN is required'],
    [['--domain', '192.0.2.1'], '--domain must be a DNS name, got "192.0.2.1"'],
    [['--domain', 'localhost'], '--domain must be a DNS name, got "localhost"'],
    [['--domain', 'a.example', '--domain', 'b.example'], 'option --domain given more than once'],
    [['--domain', 'a.example', '--resolver', 'dns.example'], '--resolver: "dns.example" is not IP[:PORT] (a resolver is given by address, not by name)'],
    [['--domain', 'a.example', '--dkim-selector', 'bad sel'], '--dkim-selector must be a selector such as "mail" or "s2024", got "bad sel"'],
    [['--domain', 'a.example', '--smtp-host', 'mx:99999'], '--smtp-host "mx:99999": the port must be 1-65535'],
    [['--domain', 'a.example', '--open-relay-test'], '--open-relay-test needs --smtp-host HOST: the relay test runs only against hosts you name'],
    [['--domain', 'a.example', '--format', 'xml'], '--format must be one of json, table, markdown, got "xml"'],
    [['--domain', 'a.example', '--fail-on', 'bad'], '--fail-on must be one of critical, high, medium, low, info, none, got "bad"'],
    [['--domain', 'a.example', '--bogus'], "unknown option '--bogus'"],
    [['a.example'], 'unexpected argument "a.example" (did you mean --domain a.example?)'],
  ])('%j → %s', (args, message) => {
    let err: unknown;
    try {
      parse(...args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect([(err as UsageError).message, (err as UsageError).topic]).toEqual([message, 'mail']);
  });
});
