import { defineCheck } from '../types';
import { TRAEFIK_DOCS } from './model';
import { withTraefik } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-TLS-MIN-VERSION',
  title: 'Traefik TLS options allow TLS 1.0 or 1.1',
  category: 'network',
  severity: 'medium',
  references: [`${TRAEFIK_DOCS}https/tls/#minimum-tls-version`, 'https://datatracker.ietf.org/doc/html/rfc8996', 'https://ssl-config.mozilla.org/'],
  rationale: 'TLS 1.0 and 1.1 are deprecated (RFC 8996): weak ciphers and MACs, no AEAD. Traefik defaults to TLS 1.2; a TLS option that lowers minVersion re-enables them for every router that uses it.',
  remediation: 'Set `minVersion: VersionTLS12` (or VersionTLS13) in the TLS options (`tls.options.default.minVersion`) of the dynamic configuration.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefik(proxy, (m) =>
      m.tlsOptions
        .filter((o) => /^(versionssl30|versiontls10|versiontls11)$/i.test(o.minVersion.trim()))
        .map((o) => ({ severity: 'medium' as const, resource: `traefik-tls-options:${o.name}@${o.origin}`, evidence: `tls.options.${o.name}.minVersion is ${o.minVersion} in ${o.origin}` })),
    ),
});
