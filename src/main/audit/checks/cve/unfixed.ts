import { CVE_SEVERITIES, formatCounts, type SeverityCounts } from '../../cve/trivy';
import { defineCheck } from '../types';
import { imageResource, perScannedImage, sourceText, TRIVY_REFS } from './imageScans';

export default defineCheck({
  id: 'CVE-IMAGE-UNFIXED',
  title: 'Container image has known vulnerabilities without a fix yet',
  category: 'cve',
  severity: 'medium',
  references: TRIVY_REFS,
  rationale:
    'No fixed version exists yet for these CVEs, so updating does not help; they are the residual risk of the image. Critical ones deserve a look at mitigations (a slimmer or different base image, not exposing the service).',
  remediation: 'Prefer minimal base images (distroless, alpine, -slim) that ship fewer packages, check whether the vulnerable package is used at all, and re-scan regularly to pick up fixes.',
  fixKind: 'manual',
  effort: 'high',
  requires: ['trivy'],
  evaluate: ({ trivy }) =>
    perScannedImage(trivy, (s, sum) => {
      const unfixed = Object.fromEntries(CVE_SEVERITIES.map((k) => [k, sum.counts[k] - sum.fixable[k]])) as SeverityCounts;
      const total = CVE_SEVERITIES.reduce((n, k) => n + unfixed[k], 0);
      if (!total) return null;
      return {
        severity: unfixed.CRITICAL > 0 ? 'medium' : 'low',
        resource: imageResource(s.image),
        evidence: `${total} CVE(s) without a fixed version (${formatCounts(unfixed)}); ${sourceText(s, trivy)}`,
      };
    }),
});
