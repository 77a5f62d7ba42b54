import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { imageResource, TRIVY_REFS } from './imageScans';

export default defineCheck({
  id: 'CVE-SCAN-UNAVAILABLE',
  title: 'Container images could not be scanned for CVEs',
  category: 'cve',
  severity: 'info',
  references: TRIVY_REFS,
  rationale: 'The audit cannot say whether the images in use have known vulnerabilities. This is not a finding about the host, only an honest note that this part was not checked.',
  remediation:
    'Install Trivy on the host and let it download its database once (`trivy image --download-db-only`), or scan elsewhere and pass the report: `trivy image --format json -o report.json IMAGE` then `rampart audit … --trivy-report report.json`.',
  fixKind: 'manual',
  effort: 'low',
  requires: ['trivy'],
  evaluate: ({ trivy }) => {
    const findings: FindingDraft[] = [];
    const anyScan = trivy.scans.length > 0;
    if (!anyScan) {
      if (trivy.docker === 'absent') return { status: 'not-applicable', message: 'no container engine on this host and no Trivy report given' };
      if (!trivy.installed)
        findings.push({ severity: 'info', resource: 'cve:trivy', evidence: `No CVE scan was possible: Trivy is not installed on the host and no Trivy report was given (--trivy-report)${trivy.images.length ? `; ${trivy.images.length} image(s) not scanned` : ''}` });
      else if (trivy.docker === 'error') findings.push({ severity: 'info', resource: 'cve:docker-images', evidence: `Docker's images could not be listed, so none was scanned: ${trivy.dockerMessage ?? 'docker images failed'}` });
      else return { status: 'pass' }; // Trivy and Docker are there, there are just no images
    }
    for (const s of trivy.scans) {
      if (s.status === 'scanned') continue;
      findings.push({ severity: 'info', resource: imageResource(s.image), evidence: `${s.image} was not scanned: ${s.message ?? s.status}` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
