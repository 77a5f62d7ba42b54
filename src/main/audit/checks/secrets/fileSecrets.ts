// Part of the secrets checks (fileSecrets). One module per check; list them here.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [];
