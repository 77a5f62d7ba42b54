// The permission checks: modes and owners of critical files, SSH folders, config roots, logs and
// data folders. One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import authorizedKeys from './authorizedKeys';
import dataDirs from './dataDirs';
import hostKeys from './hostKeys';
import logFiles from './logFiles';
import passwdFiles from './passwdFiles';
import shadowFiles from './shadowFiles';
import sshdConfig from './sshdConfig';
import sshDirs from './sshDirs';
import sudoersFiles from './sudoersFiles';
import worldWritable from './worldWritable';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  shadowFiles,
  passwdFiles,
  hostKeys,
  sshdConfig,
  sudoersFiles,
  sshDirs,
  authorizedKeys,
  worldWritable,
  logFiles,
  dataDirs,
] as ReadonlyArray<CheckDef<SectionName>>;
