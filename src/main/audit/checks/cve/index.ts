// The CVE checks: per container image, CVEs with fixes and without (from Trivy on the host or a
// Trivy JSON report), and an honest info finding when no scan was possible.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import fixable from './fixable';
import scanUnavailable from './scanUnavailable';
import unfixed from './unfixed';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [fixable, unfixed, scanUnavailable] as ReadonlyArray<CheckDef<SectionName>>;
