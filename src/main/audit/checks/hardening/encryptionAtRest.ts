import type { BlockDevice } from '../../parsers/hardening';
import { withBackups } from '../backups/locations';
import { defineCheck, type FindingDraft } from '../types';

interface Placed {
  mountpoint: string;
  /** Device chain from the disk down to the mounted device, e.g. ["vda", "vda2"] or ["sda", "sda3", "cryptroot"]. */
  chain: BlockDevice[];
}

/** Every mount point of the tree with the devices above it. */
function placements(devs: readonly BlockDevice[], above: BlockDevice[] = [], out: Placed[] = []): Placed[] {
  for (const d of devs) {
    const chain = [...above, d];
    for (const mp of d.mountpoints) out.push({ mountpoint: mp, chain });
    placements(d.children, chain, out);
  }
  return out;
}

/** The mount holding `path`: the longest mount point that is a prefix of it. */
function holding(places: readonly Placed[], path: string): Placed | null {
  let best: Placed | null = null;
  for (const p of places) {
    const prefix = p.mountpoint === '/' ? '/' : `${p.mountpoint}/`;
    if ((path === p.mountpoint || path.startsWith(prefix)) && (!best || p.mountpoint.length > best.mountpoint.length)) best = p;
  }
  return best;
}

const encrypted = (chain: readonly BlockDevice[]): boolean => chain.some((d) => d.type === 'crypt' || d.fstype === 'crypto_LUKS');

export default defineCheck({
  id: 'SYS-ENCRYPTION-AT-REST',
  title: 'Data or backups are on a block device without encryption',
  category: 'system',
  severity: 'low',
  references: ['https://cryptsetup-team.pages.debian.net/cryptsetup/README.Debian.html', 'Lynis CRYP-7930'],
  rationale:
    'A disk (or a provider\'s volume snapshot) that leaves the server — replaced, sold, copied by someone with access to the hypervisor or the backup of the volume — can be read in full unless the file system sits on dm-crypt/LUKS. Databases and backups are what such a copy is taken for. The check follows `lsblk`: each database folder and backup location is traced to its device; one with no crypt layer above it is low (encryption at rest defends against one kind of theft, and a cloud provider may already encrypt underneath, which the guest cannot see); where no database or backup was found, an unencrypted root file system is info. ZFS native encryption and fscrypt are not recognised. Not a CIS item (CIS Debian 12 Level 1 has no disk-encryption recommendation).',
  remediation:
    'Put data and backups on a LUKS volume (`cryptsetup luksFormat` a new partition or volume, open it at boot with /etc/crypttab and a key file on the root volume or a network unlock such as clevis/tang, move the data, mount it where it was), or encrypt the backups themselves (restic, borg, age, gpg). Where the provider encrypts volumes, accept the finding with that as the reason.',
  fixKind: 'manual',
  requires: ['hostHardening', 'dataDirs', 'backups'],
  evaluate: ({ hostHardening: h, dataDirs, backups }) => {
    if (!h.blockDevices) return { status: 'not-applicable', message: 'lsblk is not available: block devices could not be listed' };
    const places = placements(h.blockDevices);
    if (!places.length) return { status: 'not-applicable', message: 'no mounted block device (a container or a network root file system)' };
    const paths = [
      ...dataDirs.dirs.map((d) => ({ what: `${d.engine} data`, path: d.stat.path })),
      ...withBackups(backups).map((l) => ({ what: 'backups', path: l.path })),
    ];
    const byMount = new Map<string, { place: Placed; what: string[] }>();
    for (const p of paths) {
      const place = holding(places, p.path);
      if (!place) continue;
      const e = byMount.get(place.mountpoint) ?? { place, what: [] };
      e.what.push(`${p.what} ${p.path}`);
      byMount.set(place.mountpoint, e);
    }
    const findings: FindingDraft[] = [];
    const chainText = (c: readonly BlockDevice[]) => c.map((d) => `${d.name} (${d.type}${d.fstype ? `, ${d.fstype}` : ''})`).join(' → ');
    for (const { place, what } of byMount.values()) {
      if (encrypted(place.chain)) continue;
      findings.push({ severity: 'low', resource: `volume:${place.mountpoint}`, evidence: `${what.slice(0, 4).join(', ')}${what.length > 4 ? ` and ${what.length - 4} more` : ''} on ${place.mountpoint}: ${chainText(place.chain)}, no dm-crypt/LUKS layer` });
    }
    const root = places.find((p) => p.mountpoint === '/');
    if (!paths.length && root && !encrypted(root.chain))
      findings.push({ severity: 'info', resource: 'volume:/', evidence: `the root file system is on ${chainText(root.chain)}, no dm-crypt/LUKS layer (no database or backup was found on a block device)` });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
