// The containers checks. One module per check (see checks/ssh/ for the pattern); list them here.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [];
