// Part of the secrets checks (containerSecrets): secrets in compose files, env files and container
// environments. One module per check; list them here.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import composeLiteralSecrets from './composeLiteralSecrets';
import containerEnvSecrets from './containerEnvSecrets';
import defaultSecretsCompose from './defaultSecretsCompose';
import defaultSecretsContainer from './defaultSecretsContainer';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  composeLiteralSecrets,
  containerEnvSecrets,
  defaultSecretsCompose,
  defaultSecretsContainer,
] as ReadonlyArray<CheckDef<SectionName>>;
