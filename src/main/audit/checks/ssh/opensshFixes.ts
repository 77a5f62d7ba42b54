// OpenSSH vulnerabilities decided from the server's version, with the distribution backports we
// know of (Debian security advisories / Ubuntu USNs). A package whose upstream version is in the
// table is fixed from the listed package version on; an upstream version not in the table is
// judged by upstream version only, and the verdict says so.
import { compareDebVersions, compareOpenssh, formatOpenssh, opensshFromPackage, type OpensshVersion, type SshVersionFacts } from '../../parsers/sshVersion';

export interface Backport {
  /** Upstream version the package is built from, e.g. '9.2p1'. */
  upstream: string;
  /** First fixed package version (dpkg). */
  fixed: string;
  distro: string;
}

/** CVE-2023-48795 (Terrapin): strict KEX (kex-strict-s-v00@openssh.com) upstream since 9.6p1. */
export const TERRAPIN_BACKPORTS: readonly Backport[] = [
  { upstream: '9.2p1', fixed: '1:9.2p1-2+deb12u2', distro: 'Debian 12 (DSA-5586-1)' },
  { upstream: '8.4p1', fixed: '1:8.4p1-5+deb11u3', distro: 'Debian 11 (DSA-5586-1)' },
  { upstream: '7.9p1', fixed: '1:7.9p1-10+deb10u4', distro: 'Debian 10 (DLA-3694-1)' },
  { upstream: '9.3p1', fixed: '1:9.3p1-1ubuntu3.1', distro: 'Ubuntu 23.10 (USN-6560-1)' },
  { upstream: '8.9p1', fixed: '1:8.9p1-3ubuntu0.5', distro: 'Ubuntu 22.04 (USN-6560-1)' },
  { upstream: '8.2p1', fixed: '1:8.2p1-4ubuntu0.10', distro: 'Ubuntu 20.04 (USN-6560-1)' },
];
export const TERRAPIN_FIXED_UPSTREAM: OpensshVersion = { major: 9, minor: 6, portable: 1 };

/** CVE-2024-6387 (regreSSHion): 8.5p1 <= version < 9.8p1 on glibc systems. */
export const REGRESSHION_BACKPORTS: readonly Backport[] = [
  { upstream: '9.2p1', fixed: '1:9.2p1-2+deb12u3', distro: 'Debian 12 (DSA-5724-1)' },
  { upstream: '9.6p1', fixed: '1:9.6p1-3ubuntu13.3', distro: 'Ubuntu 24.04 (USN-6859-1)' },
  { upstream: '9.3p1', fixed: '1:9.3p1-1ubuntu3.6', distro: 'Ubuntu 23.10 (USN-6859-1)' },
  { upstream: '8.9p1', fixed: '1:8.9p1-3ubuntu0.10', distro: 'Ubuntu 22.04 (USN-6859-1)' },
];
export const REGRESSHION_FIRST: OpensshVersion = { major: 8, minor: 5, portable: 1 };
export const REGRESSHION_FIXED_UPSTREAM: OpensshVersion = { major: 9, minor: 8, portable: 1 };

export interface Verdict {
  /** true: fixed/not affected; false: affected; null: could not tell. */
  fixed: boolean | null;
  why: string;
}

export function versionText(v: SshVersionFacts): string {
  const up = v.openssh ? `OpenSSH ${formatOpenssh(v.openssh)}` : 'an unknown OpenSSH version';
  return v.package ? `${up} (${v.package.manager} package ${v.package.version})` : up;
}

/** Fixed by upstream version, or by a known backport in the distribution package. */
export function fixedIn(v: SshVersionFacts, upstreamFix: OpensshVersion, backports: readonly Backport[]): Verdict {
  if (!v.openssh) return { fixed: null, why: 'the OpenSSH version could not be read' };
  if (compareOpenssh(v.openssh, upstreamFix) >= 0) return { fixed: true, why: `${versionText(v)} is ${formatOpenssh(upstreamFix)} or newer` };
  if (v.package?.manager === 'dpkg') {
    const up = opensshFromPackage(v.package.version);
    const bp = up ? backports.find((b) => b.upstream === formatOpenssh(up)) : undefined;
    if (bp) {
      const ok = compareDebVersions(v.package.version, bp.fixed) >= 0;
      return { fixed: ok, why: `${versionText(v)}: ${bp.distro} fixed it in ${bp.fixed}${ok ? '' : '; this package is older'}` };
    }
  }
  return { fixed: null, why: `${versionText(v)} is older than ${formatOpenssh(upstreamFix)} and no backport of the fix is known for this package` };
}
