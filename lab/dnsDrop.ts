// A small UDP DNS relay for the lab, written with dns-packet: it listens on 127.0.0.1 and passes
// every query to one lab server, except questions under `dropSuffixes`, which it never answers
// (so the client times out on those names only, which no real server here can be told to do).
// TCP is not relayed. Network rule: it listens on loopback and talks only to the given lab server.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface DnsDropRelay {
  address: '127.0.0.1';
  port: number;
  /** "127.0.0.1:PORT" as --resolver takes it. */
  resolverSpec: string;
  /** Questions dropped so far (name|TYPE). */
  dropped: string[];
  close(): Promise<void>;
}

export async function startDnsDropRelay(upstream: { address: string; port: number }, dropSuffixes: readonly string[]): Promise<DnsDropRelay> {
  const front = dgram.createSocket('udp4');
  const dropped: string[] = [];
  front.on('message', (msg, client) => {
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const name = (q.questions?.[0]?.name ?? '').toLowerCase();
    if (dropSuffixes.some((s) => name === s || name.endsWith(`.${s}`))) {
      dropped.push(`${name}|${q.questions?.[0]?.type}`);
      return;
    }
    const back = dgram.createSocket('udp4');
    const timer = setTimeout(() => back.close(), 5000);
    back.on('message', (answer) => {
      clearTimeout(timer);
      front.send(answer, client.port, client.address, () => back.close());
    });
    back.on('error', () => {
      clearTimeout(timer);
      back.close();
    });
    back.send(msg, upstream.port, upstream.address);
  });
  await new Promise<void>((ok) => front.bind(0, '127.0.0.1', ok));
  const port = front.address().port;
  return {
    address: '127.0.0.1',
    port,
    resolverSpec: `127.0.0.1:${port}`,
    dropped,
    close: () => new Promise<void>((ok) => front.close(() => ok())),
  };
}
