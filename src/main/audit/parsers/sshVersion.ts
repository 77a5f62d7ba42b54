// The OpenSSH version of the server: `sshd -V` (OpenSSH >= 9.8 prints it; older ones print it in
// their usage text), `ssh -V` (same source package on every distribution we know) and the
// openssh-server package version (dpkg/rpm/apk), which is what tells distribution backports apart.
import { outputExcerpt } from './excerpt';

export interface OpensshVersion {
  major: number;
  minor: number;
  /** Portable release, the N of "p N"; null when not printed (e.g. sshd -V on Debian: "OpenSSH_9.2"). */
  portable: number | null;
}

export interface SshVersionFacts {
  /** Upstream OpenSSH version, null when no tool printed one (not OpenSSH, or nothing installed). */
  openssh: OpensshVersion | null;
  /** As printed, e.g. 'OpenSSH_9.2p1 Debian-2+deb12u10'. */
  banner: string | null;
  /** openssh-server package, e.g. { manager: 'dpkg', version: '1:9.2p1-2+deb12u10' }. */
  package: { manager: 'dpkg' | 'rpm' | 'apk'; version: string } | null;
}

const OPENSSH = /OpenSSH_(\d+)\.(\d+)(?:p(\d+))?[^,\s]*(?:\s+([A-Za-z][\w.+~:-]*))?/;

export function parseOpensshBanner(text: string): { version: OpensshVersion; banner: string } | null {
  const m = OPENSSH.exec(text);
  if (!m) return null;
  const banner = m[0].replace(/,$/, '').trim();
  return { version: { major: Number(m[1]), minor: Number(m[2]), portable: m[3] === undefined ? null : Number(m[3]) }, banner };
}

/** Upstream version inside a package version: 1:9.2p1-2+deb12u10 → 9.2p1; 8.7p1-38.el9 → 8.7p1; 9.6_p1-r0 → 9.6p1. */
export function opensshFromPackage(version: string): OpensshVersion | null {
  const m = /^(?:\d+:)?(\d+)\.(\d+)(?:_?p(\d+))?/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]), portable: m[3] === undefined ? null : Number(m[3]) } : null;
}

/** Body: `sshd: …`, `ssh: …`, `pkg: dpkg|rpm|apk VERSION` or `pkg: none`. */
export function parseSshVersion(text: string): SshVersionFacts {
  let sshd: ReturnType<typeof parseOpensshBanner> = null;
  let ssh: ReturnType<typeof parseOpensshBanner> = null;
  let pkg: SshVersionFacts['package'] = null;
  let recognized = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^(sshd|ssh|pkg):\s?(.*)$/.exec(line);
    if (!m) continue;
    recognized = true;
    if (m[1] === 'sshd') sshd = parseOpensshBanner(m[2]!);
    else if (m[1] === 'ssh') ssh = parseOpensshBanner(m[2]!);
    else {
      const p = /^(dpkg|rpm|apk)\s+(\S+)$/.exec(m[2]!.trim());
      if (p) pkg = { manager: p[1] as 'dpkg' | 'rpm' | 'apk', version: p[2]!.replace(/^openssh-server-/, '') };
    }
  }
  if (!recognized) throw new Error(`unexpected ssh version section output: "${outputExcerpt(text, 120)}"`);
  const fromPkg = pkg ? opensshFromPackage(pkg.version) : null;
  // The server package is authoritative; then sshd; ssh only when it carries more detail.
  const best = fromPkg ?? (sshd?.version.portable !== null && sshd ? sshd.version : (ssh?.version ?? sshd?.version ?? null));
  return { openssh: best, banner: ssh?.banner ?? sshd?.banner ?? null, package: pkg };
}

export function compareOpenssh(a: OpensshVersion, b: OpensshVersion): number {
  return a.major - b.major || a.minor - b.minor || (a.portable ?? 0) - (b.portable ?? 0);
}

export function formatOpenssh(v: OpensshVersion): string {
  return `${v.major}.${v.minor}${v.portable === null ? '' : `p${v.portable}`}`;
}

export { compareDebVersions } from './debVersion';
