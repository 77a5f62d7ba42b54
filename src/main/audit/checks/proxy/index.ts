// Reverse proxy and SSO checks (issue 16 items 4 and 5): Traefik (container or service: static
// options, Docker labels, dynamic files) and Authelia (configuration.yml). One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import autheliaAdminRules from './autheliaAdminRules';
import autheliaConfigReadable from './autheliaConfigReadable';
import autheliaDefaultPolicy from './autheliaDefaultPolicy';
import autheliaInlineSecret from './autheliaInlineSecret';
import autheliaNotifierFilesystem from './autheliaNotifierFilesystem';
import autheliaOneFactorAdmin from './autheliaOneFactorAdmin';
import autheliaSession from './autheliaSession';
import autheliaStorageKey from './autheliaStorageKey';
import traefikAccessLog from './traefikAccessLog';
import traefikAdminNoAuth from './traefikAdminNoAuth';
import traefikApiInsecure from './traefikApiInsecure';
import traefikDashboardNoAuth from './traefikDashboardNoAuth';
import traefikDockerSocket from './traefikDockerSocket';
import traefikEntrypointTls from './traefikEntrypointTls';
import traefikExposedByDefault from './traefikExposedByDefault';
import traefikSecurityHeaders from './traefikSecurityHeaders';
import traefikTlsMinVersion from './traefikTlsMinVersion';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  traefikApiInsecure,
  traefikDashboardNoAuth,
  traefikAdminNoAuth,
  traefikExposedByDefault,
  traefikEntrypointTls,
  traefikTlsMinVersion,
  traefikSecurityHeaders,
  traefikAccessLog,
  traefikDockerSocket,
  autheliaDefaultPolicy,
  autheliaAdminRules,
  autheliaOneFactorAdmin,
  autheliaInlineSecret,
  autheliaSession,
  autheliaConfigReadable,
  autheliaNotifierFilesystem,
  autheliaStorageKey,
] as ReadonlyArray<CheckDef<SectionName>>;
