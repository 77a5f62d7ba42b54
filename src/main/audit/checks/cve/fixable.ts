import { formatCounts, worstSeverity } from '../../cve/trivy';
import { defineCheck } from '../types';
import { imageResource, perScannedImage, SEVERITY_OF, sourceText, TRIVY_REFS, upgradesText } from './imageScans';

export default defineCheck({
  id: 'CVE-IMAGE-FIXABLE',
  title: 'Container image has known vulnerabilities with fixes available',
  category: 'cve',
  severity: 'critical',
  references: TRIVY_REFS,
  rationale:
    'These CVEs are already fixed upstream: the image only needs rebuilding or updating. Until then the service runs code with publicly known, often exploited, vulnerabilities.',
  remediation:
    'Pull or rebuild the image on an updated base (`docker compose pull && docker compose up -d`, or rebuild with `--pull`), or bump the packages listed; re-scan with `trivy image IMAGE`. Pin image versions so updates are deliberate.',
  fixKind: 'manual',
  effort: 'medium',
  requires: ['trivy'],
  evaluate: ({ trivy }) =>
    perScannedImage(trivy, (s, sum) => {
      const worst = worstSeverity(sum.fixable);
      if (!worst) return null;
      return {
        severity: SEVERITY_OF[worst],
        resource: imageResource(s.image),
        evidence: `${sum.fixableTotal} CVE(s) with a fix (${formatCounts(sum.fixable)}) of ${sum.total} (${formatCounts(sum.counts)}); upgrade ${upgradesText(sum)}; ${sourceText(s, trivy)}`,
      };
    }),
});
