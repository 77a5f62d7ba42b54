// Part of the secrets checks: secret files on disk (mode and owner only; contents never leave the
// host). One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import fileSecretReadable from './fileSecretReadable';
import fileSecretWritable from './fileSecretWritable';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [fileSecretReadable, fileSecretWritable] as ReadonlyArray<CheckDef<SectionName>>;
