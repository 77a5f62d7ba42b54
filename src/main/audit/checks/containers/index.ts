// The containers checks (CIS Docker Benchmark v1.6.0 items, Dockle DKL-DI-0006, runtime state,
// the docker group). One module per check; ids are stable forever.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import apparmorUnconfined from './apparmorUnconfined';
import capDropAll from './capDropAll';
import cpuLimit from './cpuLimit';
import dangerousCapabilities from './dangerousCapabilities';
import dockerGroup from './dockerGroup';
import dockerSocketMount from './dockerSocketMount';
import healthcheck from './healthcheck';
import hostIpc from './hostIpc';
import hostNetwork from './hostNetwork';
import hostPid from './hostPid';
import hostUts from './hostUts';
import latestImage from './latestImage';
import memoryLimit from './memoryLimit';
import noNewPrivileges from './noNewPrivileges';
import pidsLimit from './pidsLimit';
import privileged from './privileged';
import publishedPorts from './publishedPorts';
import readOnlyRootfs from './readOnlyRootfs';
import rootUser from './rootUser';
import seccompUnconfined from './seccompUnconfined';
import sensitiveMounts from './sensitiveMounts';
import unhealthy from './unhealthy';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  privileged,
  dockerSocketMount,
  dangerousCapabilities,
  capDropAll,
  noNewPrivileges,
  rootUser,
  memoryLimit,
  cpuLimit,
  pidsLimit,
  hostNetwork,
  hostPid,
  hostIpc,
  hostUts,
  sensitiveMounts,
  apparmorUnconfined,
  seccompUnconfined,
  readOnlyRootfs,
  publishedPorts,
  healthcheck,
  unhealthy,
  latestImage,
  dockerGroup,
] as ReadonlyArray<CheckDef<SectionName>>;
