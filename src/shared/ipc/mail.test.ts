// The Mail screen's input rules (one schema for the form and the main process): domains,
// DKIM selectors, resolvers as IP[:PORT] in every form `rampart mail --resolver` takes.
import { describe, expect, it } from 'vitest';
import { domainProblem, MailDomainInput, resolverProblem, selectorProblem } from './mail';

describe('mail domain input', () => {
  it('domains: letters, digits, hyphens, underscores in labels, a trailing dot; not an address or a single label', () => {
    for (const ok of ['example.org', 'Mail.Example.ORG.', '_dmarc-test.example.org', 'xn--bcher-kva.example']) expect(domainProblem(ok), ok).toBeNull();
    expect(domainProblem('')).toMatch(/required/);
    expect(domainProblem('localhost')).toMatch(/needs a dot/);
    expect(domainProblem('192.0.2.1')).toMatch(/an address/);
    expect(domainProblem('a..example.org')).toMatch(/no empty label/);
    expect(domainProblem('-a.example.org')).toMatch(/not a domain name/);
    expect(domainProblem(`${'a'.repeat(64)}.org`)).toMatch(/not a domain name/);
    expect(domainProblem(`${'a.'.repeat(130)}org`)).toMatch(/too long/);
  });

  it('selectors: one or more labels (s1, 2024._rsa, rsa-2048); no space, slash or empty label', () => {
    for (const ok of ['s1', '2024._rsa', 'rsa-2048', 'Mail']) expect(selectorProblem(ok), ok).toBeNull();
    for (const bad of ['bad selector', 'we/ak', 'a..b', '', ' ']) expect(selectorProblem(bad), bad).not.toBeNull();
  });

  it('resolvers: IPv4 and IPv6, with or without a port; never a name; port 1..65535', () => {
    for (const ok of ['10.0.0.53', '10.0.0.53:5353', '::1', '2001:db8::53', '[2001:db8::53]:5353', '[::1]']) expect(resolverProblem(ok), ok).toBeNull();
    expect(resolverProblem('dns.example.org')).toMatch(/not by name/);
    expect(resolverProblem('dns.example.org:53')).toMatch(/not by name/);
    expect(resolverProblem('300.1.1.1')).toMatch(/not IP\[:PORT\]/);
    expect(resolverProblem('10.0.0.53:0')).toMatch(/between 1 and 65535/);
    expect(resolverProblem('10.0.0.53:65536')).toMatch(/between 1 and 65535/);
    expect(resolverProblem('10.0.0.53:dns')).toMatch(/between 1 and 65535/);
  });

  it('the parsed request is normalised: lower case, no trailing dot, duplicates dropped, empty resolver = system', () => {
    const r = MailDomainInput.parse({ domain: 'Example.ORG.', dkimSelectors: ['S1', 's1'], expectedMx: ['MX.example.org.'], resolver: '  ' });
    expect(r).toEqual({ domain: 'example.org', dkimSelectors: ['s1'], expectedMx: ['mx.example.org'], resolver: null });
    const issues = MailDomainInput.safeParse({ domain: 'x', dkimSelectors: ['ok', 'not ok'], resolver: 'name' }).error!.issues;
    expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['dkimSelectors.1', 'domain', 'resolver']);
    expect(MailDomainInput.safeParse({ domain: 'example.org', dkimSelectors: Array.from({ length: 21 }, (_, i) => `s${i}`) }).success).toBe(false);
    expect(MailDomainInput.safeParse({ domain: 'example.org', extra: 1 }).success).toBe(false);
  });
});
