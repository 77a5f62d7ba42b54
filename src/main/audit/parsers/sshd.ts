// Parses `sshd -T` (the effective configuration: one lowercase `keyword value` per line).
import { outputExcerpt } from './excerpt';

export type SshdConfig = ReadonlyMap<string, readonly string[]>;

export class ParseError extends Error {}

/** Keywords sshd -T always prints; if they are missing the output is not an sshd -T dump. */
const REQUIRED = ['port', 'permitrootlogin', 'passwordauthentication', 'ciphers', 'macs', 'kexalgorithms'];
const MAX_LINES = 5000;

export function parseSshdT(text: string): SshdConfig {
  const map = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw new ParseError(`sshd -T printed ${lines.length} lines; more than ${MAX_LINES} is not an sshd configuration dump`);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    // sshd prints warnings such as "reprocess config line 2: Deprecated option …" on the same
    // stream; a real config line is a lowercase keyword followed by a value.
    if (/config line \d+:/i.test(line)) continue;
    const m = /^([a-z0-9]+)\s+(\S.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!;
    const value = m[2]!.trim();
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }
  const missing = REQUIRED.filter((k) => !map.has(k));
  if (missing.length === REQUIRED.length) throw new ParseError(`the output of sshd -T does not look like a configuration dump: ${summarize(text)}`);
  if (missing.length) throw new ParseError(`sshd -T output is incomplete (missing ${missing.join(', ')})`);
  return map;
}

export function first(cfg: SshdConfig, key: string): string | undefined {
  return cfg.get(key)?.[0];
}

export function list(cfg: SshdConfig, key: string): string[] {
  const v = first(cfg, key);
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function summarize(text: string): string {
  const t = outputExcerpt(text.trim().split('\n').slice(0, 2).join(' '), 160);
  return t ? `"${t}"` : 'it was empty';
}
