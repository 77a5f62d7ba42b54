// Shared helpers of the CVE checks.
import type { Severity } from '../../../../shared/domain';
import { summarizeImage, type CveSeverity, type ImageScan, type ImageSummary } from '../../cve/trivy';
import type { TrivyFacts } from '../../sections/cve';
import type { CheckOutcome, FindingDraft } from '../types';

export const TRIVY_REFS = ['https://trivy.dev/latest/docs/target/container_image/', 'https://trivy.dev/latest/docs/configuration/reporting/#json'];

export const SEVERITY_OF: Record<CveSeverity, Severity> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', UNKNOWN: 'low' };

export function imageResource(image: string): string {
  return `image:${image}`;
}

export function scanned(trivy: TrivyFacts): ImageScan[] {
  return trivy.scans.filter((s) => s.status === 'scanned');
}

export function sourceText(s: ImageScan, trivy: TrivyFacts): string {
  return s.source === 'report' ? `from the Trivy report${trivy.reports.length === 1 ? ` ${trivy.reports[0]}` : ''}` : `Trivy ${trivy.version ?? ''} on the host`.replace(/\s+on/, ' on');
}

/** 'openssl 3.0.2-0ubuntu1.10 → 3.0.2-0ubuntu1.12 (CVE-2023-0286, +2)' for the first `n` upgrades. */
export function upgradesText(sum: ImageSummary, n = 5): string {
  const items = sum.upgrades.slice(0, n).map((u) => `${u.pkg} ${u.installed || '?'} → ${u.fixed} (${u.ids[0]}${u.ids.length > 1 ? `, +${u.ids.length - 1}` : ''})`);
  const more = sum.upgrades.length > n ? `, and ${sum.upgrades.length - n} more package(s)` : '';
  return items.join('; ') + more;
}

/** One finding (or none) per scanned image; not applicable when no image was scanned. */
export function perScannedImage(trivy: TrivyFacts, finding: (s: ImageScan, sum: ImageSummary) => FindingDraft | null): CheckOutcome {
  const scans = scanned(trivy);
  if (!scans.length) return { status: 'not-applicable', message: 'no image was scanned for CVEs (see CVE-SCAN-UNAVAILABLE)' };
  const findings = scans.map((s) => finding(s, summarizeImage(s))).filter((f): f is FindingDraft => f !== null);
  return findings.length ? { status: 'fail', findings } : { status: 'pass' };
}
