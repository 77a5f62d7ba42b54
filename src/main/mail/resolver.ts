// DNS for the mail audit. Plain Node (no Electron).
//
// Why dns-packet over UDP/TCP rather than node:dns: node:dns (c-ares) folds NXDOMAIN and NODATA
// into error codes that differ by platform (ENOTFOUND vs ENODATA), retries and rotates servers on
// its own, hides the rcode of SERVFAIL vs REFUSED, and joins nothing for us we could not do
// ourselves; it also gives no count of what went on the wire. Here each query goes to exactly one
// server (the --resolver one when given), the rcode is kept as received, TXT character-strings
// are kept (and joined per RFC 7208 §3.3 / RFC 6376 §3.6.2.2: concatenated without separator),
// a truncated UDP answer is asked again over TCP, and a per-run cache guarantees that no
// (name, type) is asked twice in one run.
import dgram from 'node:dgram';
import { getServers } from 'node:dns';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';

export const QUERY_TYPES = ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA', 'TLSA'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export interface MxRecord {
  preference: number;
  exchange: string;
}

/** What one question got. `aliases`: the CNAME chain from the name asked to the name answered. */
/**
 * DNSSEC as the resolver reported it (set only when true, so results compare as before):
 * `ad` the AD bit (a validating resolver checked the answer, RFC 4035 §3.2.3 / RFC 6840 §5.7),
 * `rrsig` signatures came back with the answer (the zone is signed, validated or not).
 */
export interface DnssecFlags {
  ad?: true;
  rrsig?: true;
}

export type DnsResult =
  | ({
      kind: 'answer';
      /** A/AAAA addresses, PTR/CNAME/NS targets, TXT records (strings joined), MX as "pref exchange". */
      data: string[];
      /** TXT only: each record's character-strings as received. */
      txtStrings?: string[][];
      mx?: MxRecord[];
      aliases: string[];
    } & DnssecFlags)
  | ({ kind: 'nxdomain'; aliases: string[] } & DnssecFlags)
  | ({ kind: 'nodata'; aliases: string[] } & DnssecFlags)
  | { kind: 'error'; code: DnsErrorCode; message: string }
  /** Only inside an evaluation pass: asked for, not fetched yet (see collect.ts). */
  | { kind: 'pending' };

export type DnsErrorCode = 'SERVFAIL' | 'REFUSED' | 'FORMERR' | 'NOTIMP' | 'RCODE' | 'TIMEOUT' | 'NETWORK' | 'MALFORMED';

export interface ResolverServer {
  address: string;
  port: number;
}

export interface ResolverOptions {
  /** The only server asked; default: the first server of the system configuration (/etc/resolv.conf). */
  server?: ResolverServer;
  /** Per attempt. */
  timeoutMs?: number;
  /** UDP attempts per question before it is a TIMEOUT (a lost datagram is not an answer). */
  attempts?: number;
}

export interface QueryLogEntry {
  name: string;
  type: QueryType;
  result: DnsResult['kind'];
  ms: number;
}

const normName = (n: string): string => n.replace(/\.$/, '').toLowerCase();

/** `IP`, `IP:PORT`, `[IPv6]:PORT` or bare IPv6 → server. Throws on anything else. */
export function parseResolverSpec(spec: string): ResolverServer {
  const s = spec.trim();
  let address = s;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  if (bracket) {
    address = bracket[1]!;
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if ((s.match(/:/g) ?? []).length === 1) {
    const [a, p] = s.split(':');
    address = a!;
    if (!/^\d{1,5}$/.test(p!)) throw new Error(`the port of "${spec}" must be a number`);
    port = Number(p);
  }
  if (!net.isIP(address)) throw new Error(`"${spec}" is not IP[:PORT] (a resolver is given by address, not by name)`);
  if (port < 1 || port > 65535) throw new Error(`the port of "${spec}" must be between 1 and 65535`);
  return { address, port };
}

export function serverLabel(s: ResolverServer): string {
  return s.address.includes(':') ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

/** The system's first configured resolver; null when none is configured. */
export function systemServer(): ResolverServer | null {
  const first = getServers()[0];
  if (!first) return null;
  try {
    return parseResolverSpec(first);
  } catch {
    return null;
  }
}

export class MailResolver {
  readonly server: ResolverServer;
  readonly explicit: boolean;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly cache = new Map<string, Promise<DnsResult>>();
  private readonly settled = new Map<string, DnsResult>();
  /** Questions sent (each (name, type) at most once per run). */
  readonly log: QueryLogEntry[] = [];
  /** Datagrams and TCP exchanges sent, retries and TCP fallbacks included. */
  packetsSent = 0;

  constructor(opts: ResolverOptions = {}) {
    const server = opts.server ?? systemServer();
    if (!server) throw new Error('no DNS resolver is configured on this machine; give one with --resolver IP[:PORT]');
    this.server = server;
    this.explicit = opts.server !== undefined;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.attempts = Math.max(1, opts.attempts ?? 2);
  }

  get label(): string {
    return `${serverLabel(this.server)}${this.explicit ? ' (--resolver)' : ' (system resolver)'}`;
  }

  get queryCount(): number {
    return this.cache.size;
  }

  /** The answer already fetched, if any (no query). */
  cached(name: string, type: QueryType): DnsResult | undefined {
    return this.settled.get(`${normName(name)}|${type}`);
  }

  query(name: string, type: QueryType): Promise<DnsResult> {
    const key = `${normName(name)}|${type}`;
    let p = this.cache.get(key);
    if (!p) {
      const started = Date.now();
      p = this.ask(normName(name), type).then((r) => {
        this.settled.set(key, r);
        this.log.push({ name: normName(name), type, result: r.kind, ms: Date.now() - started });
        return r;
      });
      this.cache.set(key, p);
    }
    return p;
  }

  private async ask(name: string, type: QueryType): Promise<DnsResult> {
    if (!name || name.length > 253 || name.split('.').some((l) => l.length === 0 || l.length > 63))
      return { kind: 'error', code: 'FORMERR', message: `"${name}" is not a valid DNS name` };
    let last: DnsResult = { kind: 'error', code: 'TIMEOUT', message: 'no answer' };
    for (let i = 0; i < this.attempts; i++) {
      const r = await this.exchange(name, type, 'udp');
      if (r.kind === 'truncated') return this.finish(await this.exchange(name, type, 'tcp'), name, type);
      if (r.kind === 'packet') return this.finish(r, name, type);
      last = { kind: 'error', code: r.code, message: r.message };
      if (r.code !== 'TIMEOUT') break;
    }
    return last;
  }

  private finish(r: Exchange, name: string, type: QueryType): DnsResult {
    if (r.kind !== 'packet') return r.kind === 'truncated' ? { kind: 'error', code: 'MALFORMED', message: 'truncated over TCP' } : { kind: 'error', code: r.code, message: r.message };
    const res = interpret(r.packet, name, type, serverLabel(this.server));
    if (res.kind === 'answer' || res.kind === 'nxdomain' || res.kind === 'nodata') {
      if (r.packet.flag_ad) res.ad = true;
      if ([...(r.packet.answers ?? []), ...(r.packet.authorities ?? [])].some((a) => a.type === 'RRSIG')) res.rrsig = true;
    }
    return res;
  }

  private exchange(name: string, type: QueryType, transport: 'udp' | 'tcp'): Promise<Exchange> {
    const id = randomInt(0, 65536);
    const query = {
      type: 'query' as const,
      id,
      // AD and DO ask a validating resolver to say whether it validated the answer (RFC 6840 §5.7)
      // and to return the signatures, so an unsigned zone and a non-validating resolver differ.
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
      questions: [{ type, name, class: 'IN' as const }],
      // EDNS0 so long TXT/MX answers fit in one datagram where the server agrees.
      additionals: [{ type: 'OPT' as const, name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] }],
    };
    this.packetsSent++;
    const matches = (p: dnsPacket.Packet): boolean =>
      p.id === id && p.type === 'response' && normName(p.questions?.[0]?.name ?? '') === name && p.questions?.[0]?.type === type;
    return transport === 'udp' ? this.udp(dnsPacket.encode(query), matches) : this.tcp(dnsPacket.streamEncode(query), matches);
  }

  private udp(buf: Buffer, matches: (p: dnsPacket.Packet) => boolean): Promise<Exchange> {
    return new Promise((resolve) => {
      const sock = dgram.createSocket(net.isIPv6(this.server.address) ? 'udp6' : 'udp4');
      let done = false;
      const finish = (e: Exchange): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.close();
        resolve(e);
      };
      const timer = setTimeout(() => finish({ kind: 'failed', code: 'TIMEOUT', message: `no answer from ${serverLabel(this.server)} within ${this.timeoutMs} ms` }), this.timeoutMs);
      sock.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'failed', code: 'NETWORK', message: `${serverLabel(this.server)}: ${e.code ?? e.message}` }));
      sock.on('message', (msg, rinfo) => {
        // Only the server asked may answer (no spoofed datagram from elsewhere is read).
        if (rinfo.address !== this.server.address || rinfo.port !== this.server.port) return;
        let p: dnsPacket.DecodedPacket;
        try {
          p = dnsPacket.decode(msg);
        } catch {
          return;
        }
        if (!matches(p)) return;
        finish(p.flag_tc ? { kind: 'truncated' } : { kind: 'packet', packet: p });
      });
      // connect() makes the kernel report ICMP port unreachable as ECONNREFUSED instead of a timeout.
      // A failed connect (no route: EHOSTUNREACH, ENETUNREACH) is handed to this callback, not
      // emitted as 'error' (Node's dgram), and sending on the unconnected socket would throw.
      const onConnect = (err?: NodeJS.ErrnoException | null): void => {
        if (err) return finish({ kind: 'failed', code: 'NETWORK', message: `${serverLabel(this.server)}: ${err.code ?? err.message}` });
        sock.send(buf, (e) => {
          if (e) finish({ kind: 'failed', code: 'NETWORK', message: `${serverLabel(this.server)}: ${(e as NodeJS.ErrnoException).code ?? e.message}` });
        });
      };
      sock.connect(this.server.port, this.server.address, onConnect as () => void);
    });
  }

  private tcp(buf: Buffer, matches: (p: dnsPacket.Packet) => boolean): Promise<Exchange> {
    return new Promise((resolve) => {
      const sock = net.connect({ host: this.server.address, port: this.server.port });
      let done = false;
      let acc = Buffer.alloc(0);
      const finish = (e: Exchange): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.destroy();
        resolve(e);
      };
      const timer = setTimeout(() => finish({ kind: 'failed', code: 'TIMEOUT', message: `no TCP answer from ${serverLabel(this.server)} within ${this.timeoutMs} ms` }), this.timeoutMs);
      sock.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'failed', code: 'NETWORK', message: `${serverLabel(this.server)} (TCP): ${e.code ?? e.message}` }));
      sock.on('connect', () => sock.write(buf));
      sock.on('data', (d) => {
        acc = Buffer.concat([acc, d]);
        if (acc.length < 2) return;
        const len = acc.readUInt16BE(0);
        if (acc.length < 2 + len) return;
        try {
          const p = dnsPacket.decode(acc.subarray(2, 2 + len));
          finish(matches(p) ? { kind: 'packet', packet: p } : { kind: 'failed', code: 'MALFORMED', message: 'TCP answer to another question' });
        } catch (e) {
          finish({ kind: 'failed', code: 'MALFORMED', message: `undecodable TCP answer: ${(e as Error).message}` });
        }
      });
      sock.on('end', () => finish({ kind: 'failed', code: 'NETWORK', message: `${serverLabel(this.server)} closed the TCP connection without an answer` }));
    });
  }
}

type Exchange =
  | { kind: 'packet'; packet: dnsPacket.DecodedPacket }
  | { kind: 'truncated' }
  | { kind: 'failed'; code: DnsErrorCode; message: string };

const RCODE_ERRORS: Record<string, DnsErrorCode> = { SERVFAIL: 'SERVFAIL', REFUSED: 'REFUSED', FORMERR: 'FORMERR', NOTIMP: 'NOTIMP' };

/** A response → answer / NXDOMAIN / NODATA / error, following the CNAME chain inside the answer. */
export function interpret(p: dnsPacket.DecodedPacket, name: string, type: QueryType, serverText = 'the resolver'): DnsResult {
  const rcode = (p as { rcode?: string }).rcode ?? 'NOERROR';
  // dns-packet's Answer union includes OPT (no data); only records with data are read here.
  const answers = (p.answers ?? []) as unknown as Array<{ type: string; name: string; data: unknown }>;
  const aliases: string[] = [];
  let current = name;
  // Follow CNAMEs (bounded: a loop in the answer is not followed forever).
  for (let i = 0; i < 16 && type !== 'CNAME'; i++) {
    const c = answers.find((a) => a.type === 'CNAME' && normName(a.name) === current);
    if (!c) break;
    const target = normName(c.data as string);
    if (aliases.includes(target) || target === name) break;
    aliases.push(target);
    current = target;
  }
  if (rcode === 'NXDOMAIN') return { kind: 'nxdomain', aliases };
  if (rcode !== 'NOERROR') {
    const code = RCODE_ERRORS[rcode] ?? 'RCODE';
    return { kind: 'error', code, message: `${serverText} answered ${rcode} for ${name} ${type}` };
  }
  const rrs = answers.filter((a) => a.type === type && normName(a.name) === current);
  if (!rrs.length) return { kind: 'nodata', aliases };
  switch (type) {
    case 'TXT': {
      const strings = rrs.map((a) => ((Array.isArray(a.data) ? a.data : [a.data]) as Array<Buffer | string>).map((b) => (Buffer.isBuffer(b) ? b.toString('utf8') : String(b))));
      return { kind: 'answer', data: strings.map((s) => s.join('')), txtStrings: strings, aliases };
    }
    case 'MX': {
      const mx = rrs.map((a) => {
        const d = a.data as { preference?: number; exchange: string };
        return { preference: d.preference ?? 0, exchange: normName(d.exchange) };
      });
      mx.sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange));
      return { kind: 'answer', data: mx.map((m) => `${m.preference} ${m.exchange || '.'}`), mx, aliases };
    }
    case 'SOA':
      return { kind: 'answer', data: rrs.map((a) => normName((a.data as { mname: string }).mname)), aliases };
    case 'TLSA':
      // Presentation form "usage selector matching-type hex" (RFC 6698 §2.2), parsed by ../dane.ts.
      return { kind: 'answer', data: rrs.map((a) => { const t = a.data as { usage: number; selector: number; matchingType: number; certificate: Buffer }; return `${t.usage} ${t.selector} ${t.matchingType} ${t.certificate.toString('hex')}`; }), aliases };
    default:
      return { kind: 'answer', data: rrs.map((a) => (type === 'A' || type === 'AAAA' ? String(a.data) : normName(String(a.data)))), aliases };
  }
}

/** in-addr.arpa / ip6.arpa name of an address. */
export function reverseName(ip: string): string {
  if (net.isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${expandIpv6(ip).replace(/:/g, '').split('').reverse().join('.')}.ip6.arpa`;
}

/** Full 8-group lower-case form of an IPv6 address. */
export function expandIpv6(ip: string): string {
  const [head, tail] = ip.toLowerCase().split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0')).join(':');
}
