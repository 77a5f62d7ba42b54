// The secrets checks: secrets in compose files and container environments (containerSecrets) and
// secret files on disk (fileSecrets).
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import { checks as containerSecrets } from './containerSecrets';
import { checks as fileSecrets } from './fileSecrets';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [...containerSecrets, ...fileSecrets];
