// `ip -o addr show` and `ip -o link show` (one line per address / link): interface names, whether
// they are administratively up, and their addresses with prefix lengths.
import { outputExcerpt } from './excerpt';

export interface NetInterface {
  name: string;
  up: boolean;
  /** 'a.b.c.d/len' or 'v6/len'. */
  addresses: string[];
}

export const LINKS_MARKER = '@links';

/** Body: `ip -o addr show` lines, then a `@links` line, then `ip -o link show` lines. */
export function parseInterfaces(text: string): NetInterface[] {
  const byName = new Map<string, NetInterface>();
  const get = (name: string): NetInterface => {
    let i = byName.get(name);
    if (!i) {
      i = { name, up: false, addresses: [] };
      byName.set(name, i);
    }
    return i;
  };
  let inLinks = false;
  let recognized = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line === LINKS_MARKER) {
      inLinks = true;
      continue;
    }
    if (inLinks) {
      // 3: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 … state UNKNOWN …   (veth: name@peer)
      const m = /^\d+:\s+([^:\s@]+)(?:@\S+)?:\s+<([^>]*)>/.exec(line);
      if (!m) continue;
      recognized++;
      get(m[1]!).up = m[2]!.split(',').includes('UP');
      continue;
    }
    // 3: wg0    inet 10.77.0.1/24 scope global wg0\ …
    const m = /^\d+:\s+(\S+?)\s+inet6?\s+(\S+)/.exec(line);
    if (!m) continue;
    recognized++;
    const iface = get(m[1]!);
    if (!iface.addresses.includes(m[2]!)) iface.addresses.push(m[2]!);
  }
  if (recognized === 0 && text.trim()) throw new Error(`the output of ip does not list interfaces: "${outputExcerpt(text, 120)}"`);
  return [...byName.values()];
}
