// Ansible inventories (INI and YAML) → import candidates. Reads the connection variables
// Rampart needs: ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file, and a
// ProxyJump in ansible_ssh_common_args. Variable precedence as Ansible's: host vars, then the
// groups' vars from the most specific group up to `all`.
import { parse as parseYaml } from 'yaml';
import { jumpFromSshArgs, type ImportCandidate, type ImportPreview } from './types';
import { unquoteShell as unquote } from '../audit/parsers/quoting';

type Vars = Record<string, unknown>;

interface Model {
  /** group → direct hosts */
  groupHosts: Map<string, Set<string>>;
  /** group → child groups */
  children: Map<string, Set<string>>;
  groupVars: Map<string, Vars>;
  hostVars: Map<string, Vars>;
  /** first place a host was seen, for the preview */
  hostSource: Map<string, string>;
  warnings: string[];
}

function newModel(): Model {
  return { groupHosts: new Map(), children: new Map(), groupVars: new Map(), hostVars: new Map(), hostSource: new Map(), warnings: [] };
}

function addHost(m: Model, group: string, host: string, vars: Vars, source: string): void {
  if (!m.groupHosts.has(group)) m.groupHosts.set(group, new Set());
  m.groupHosts.get(group)!.add(host);
  m.hostVars.set(host, { ...(m.hostVars.get(host) ?? {}), ...vars });
  if (!m.hostSource.has(host)) m.hostSource.set(host, source);
}

/** Expands Ansible host ranges: `web[01:03]`, `db-[a:c]`, `x[0:10:5]`. */
export function expandHostPattern(pattern: string): string[] {
  const m = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/i.exec(pattern);
  if (!m) return [pattern];
  const [, pre, from, to, stepText, post] = m as unknown as [string, string, string, string, string | undefined, string];
  const step = stepText ? Number(stepText) : 1;
  const out: string[] = [];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.startsWith('0') ? from.length : 0;
    for (let i = Number(from); i <= Number(to) && out.length < 10_000; i += step) out.push(pre + String(i).padStart(width, '0') + post);
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += step) out.push(pre + String.fromCharCode(c) + post);
  } else return [pattern];
  return out.flatMap(expandHostPattern);
}

/** `key=value key2='quoted value'` on an INI host line. */
function parseInlineVars(text: string): Vars {
  const vars: Vars = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)=('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/g;
  for (const m of text.matchAll(re)) vars[m[1]!] = unquote(m[2]!);
  return vars;
}


export function parseAnsibleIni(text: string, sourceName = 'inventory'): Model {
  const m = newModel();
  let group = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const where = `${sourceName}:${i + 1}`;
    const section = /^\[([^\]:\s]+)(?::(vars|children))?\]\s*$/.exec(line);
    if (section) {
      group = section[1]!;
      kind = (section[2] as 'vars' | 'children' | undefined) ?? 'hosts';
      if (!m.groupHosts.has(group)) m.groupHosts.set(group, new Set());
      return;
    }
    if (line.startsWith('[')) {
      m.warnings.push(`${where}: not a valid section header: ${line.slice(0, 80)}`);
      return;
    }
    if (kind === 'vars') {
      const kv = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (!kv) return void m.warnings.push(`${where}: expected key=value in [${group}:vars]`);
      m.groupVars.set(group, { ...(m.groupVars.get(group) ?? {}), [kv[1]!]: unquote(kv[2]!.trim()) });
      return;
    }
    if (kind === 'children') {
      const child = line.trim().split(/\s+/)[0]!;
      if (!m.children.has(group)) m.children.set(group, new Set());
      m.children.get(group)!.add(child);
      return;
    }
    const [pattern, ...rest] = line.trim().split(/\s+/);
    const vars = parseInlineVars(rest.join(' '));
    for (const host of expandHostPattern(pattern!)) addHost(m, group, host, vars, where);
  });
  return m;
}

export function parseAnsibleYaml(text: string, sourceName = 'inventory'): Model {
  const m = newModel();
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (e) {
    throw new Error(`${sourceName} is not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  if (doc === null || doc === undefined) return m;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${sourceName}: an Ansible YAML inventory is a mapping of groups`);
  // YAML aliases can make one subtree appear under many names (a "billion laughs" shape); each
  // (group, node) pair is read once, so the work stays linear in the document's size.
  const seen = new Map<string, Set<unknown>>();
  const visit = (group: string, node: unknown, depth: number): void => {
    if (depth > 50) return void m.warnings.push(`${sourceName}: groups nested too deep at ${group}`);
    const nodes = seen.get(group) ?? seen.set(group, new Set()).get(group)!;
    if (nodes.has(node)) return;
    nodes.add(node);
    if (!m.groupHosts.has(group)) m.groupHosts.set(group, new Set());
    if (node === null || node === undefined) return;
    if (typeof node !== 'object' || Array.isArray(node)) return void m.warnings.push(`${sourceName}: group ${group} is not a mapping`);
    const g = node as { hosts?: unknown; vars?: unknown; children?: unknown };
    if (g.vars && typeof g.vars === 'object') m.groupVars.set(group, { ...(m.groupVars.get(group) ?? {}), ...(g.vars as Vars) });
    if (g.hosts && typeof g.hosts === 'object') {
      for (const [pattern, hv] of Object.entries(g.hosts as Record<string, unknown>)) {
        const vars = hv && typeof hv === 'object' && !Array.isArray(hv) ? (hv as Vars) : {};
        for (const host of expandHostPattern(pattern)) addHost(m, group, host, vars, `${sourceName} (group ${group})`);
      }
    }
    if (g.children && typeof g.children === 'object') {
      for (const [child, cnode] of Object.entries(g.children as Record<string, unknown>)) {
        if (!m.children.has(group)) m.children.set(group, new Set());
        m.children.get(group)!.add(child);
        visit(child, cnode, depth + 1);
      }
    }
  };
  for (const [group, node] of Object.entries(doc as Record<string, unknown>)) visit(group, node, 0);
  return m;
}

/** Groups a host belongs to, most specific first (a child before its parents), `all` last. */
function groupsOf(m: Model, host: string): string[] {
  const parents = new Map<string, Set<string>>();
  for (const [parent, kids] of m.children) for (const k of kids) (parents.get(k) ?? parents.set(k, new Set()).get(k)!).add(parent);
  const direct = [...m.groupHosts].filter(([, hosts]) => hosts.has(host)).map(([g]) => g);
  const order: string[] = [];
  const queue = [...direct];
  while (queue.length) {
    const g = queue.shift()!;
    if (order.includes(g)) continue;
    order.push(g);
    for (const p of parents.get(g) ?? []) queue.push(p);
  }
  return [...order.filter((g) => g !== 'all' && g !== 'ungrouped'), 'all'];
}

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number') return String(v).trim() || null;
  return null;
}

export function candidatesFromModel(m: Model): ImportPreview {
  const candidates: ImportCandidate[] = [];
  const warnings = [...m.warnings];
  for (const [host, hostVars] of m.hostVars) {
    const groups = groupsOf(m, host);
    // Least specific first, so more specific groups and then the host itself override.
    const vars: Vars = {};
    for (const g of [...groups].reverse()) Object.assign(vars, m.groupVars.get(g) ?? {});
    Object.assign(vars, hostVars);
    const problems: string[] = [];
    const portText = str(vars.ansible_port) ?? str(vars.ansible_ssh_port) ?? '22';
    let port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
      problems.push(`ansible_port "${portText}" is not a port number`);
      port = 22;
    }
    const address = str(vars.ansible_host) ?? str(vars.ansible_ssh_host) ?? host;
    if (/[{}]/.test(address) || /[{}]/.test(portText)) problems.push('uses Jinja templating, which Rampart does not evaluate');
    const common = [str(vars.ansible_ssh_common_args), str(vars.ansible_ssh_extra_args)].filter((s): s is string => !!s).join(' ');
    candidates.push({
      name: host,
      address,
      port,
      username: str(vars.ansible_user) ?? str(vars.ansible_ssh_user),
      identityFile: str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file),
      jump: jumpFromSshArgs(common),
      groups: groups.filter((g) => g !== 'all'),
      source: m.hostSource.get(host) ?? 'inventory',
      problems,
    });
  }
  return { candidates, warnings };
}

/** Parses an inventory file's text, YAML or INI by content (as ansible-inventory does). */
export function importAnsibleInventory(text: string, sourceName = 'inventory'): ImportPreview {
  if (text.length > 5 * 1024 * 1024) throw new Error(`${sourceName} is larger than 5 MiB; that is not an inventory Rampart can preview`);
  const looksIni = /^\s*\[[^\]]+\]\s*$/m.test(text) && !/^\s*[A-Za-z0-9_-]+:\s*$/m.test(text);
  const yamlLike = /^[A-Za-z0-9_-]+:\s*(#.*)?$/m.test(text) || /^---/m.test(text);
  const model = !looksIni && yamlLike ? parseAnsibleYaml(text, sourceName) : parseAnsibleIni(text, sourceName);
  return candidatesFromModel(model);
}
