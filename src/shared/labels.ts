// Words for the domain's enums, one home for the app's screens and the reports. Plain data
// without zod, so the renderer can import it (zod's eval probe would trip the window's CSP).
import type { Category, Severity } from './domain';

export const CATEGORY_LABEL: Record<Category, string> = {
  secrets: 'Secrets',
  permissions: 'Permissions',
  containers: 'Containers',
  network: 'Network',
  ssh: 'SSH',
  access: 'Access',
  system: 'System',
  backups: 'Backups',
  vpn: 'VPN',
  mail: 'Mail',
  cve: 'CVEs',
};

export const SEVERITY_LABEL: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

/** 0 = most severe. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
