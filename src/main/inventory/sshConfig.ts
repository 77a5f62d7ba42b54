// ~/.ssh/config → import candidates, with the maintained `ssh-config` parser. Every concrete
// `Host` alias (no wildcards, no negation) becomes a candidate, computed the way OpenSSH would
// (first value wins, `Host *` defaults apply). `Match exec` is never evaluated: the file is
// data here, not something to run.
import SSHConfig from 'ssh-config';
import { type ImportCandidate, type ImportPreview } from './types';

function one(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

export function importSshConfig(text: string, sourceName = '~/.ssh/config'): ImportPreview {
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(text);
  } catch (e) {
    throw new Error(`${sourceName} could not be parsed: ${(e as Error).message}`, { cause: e });
  }
  const warnings: string[] = [];
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || !('config' in line)) continue;
    if (line.param.toLowerCase() === 'match') continue;
    if (line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : line.value.split(/\s+/);
    for (const v of values) if (v && !/[*?!]/.test(v) && !aliases.includes(v)) aliases.push(v);
  }
  if (/^\s*include\s/im.test(text)) warnings.push(`${sourceName} uses Include; included files are not read by the import`);
  const candidates: ImportCandidate[] = aliases.map((alias) => {
    const c = config.compute(alias, { ignoreCase: true, matchExec: false });
    const get = (k: string): string | null => one(c[k.toLowerCase()]);
    const problems: string[] = [];
    const portText = get('Port') ?? '22';
    let port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
      problems.push(`Port "${portText}" is not a port number`);
      port = 22;
    }
    const address = get('HostName') ?? alias;
    if (/%[a-z%]/i.test(address)) problems.push(`HostName "${address}" uses % tokens, which Rampart does not expand`);
    const proxyJump = get('ProxyJump');
    const proxyCommand = get('ProxyCommand');
    if (proxyCommand && !proxyJump) problems.push('uses ProxyCommand, which Rampart does not run; use ProxyJump');
    return {
      name: alias,
      address,
      port,
      username: get('User'),
      identityFile: get('IdentityFile'),
      jump: proxyJump && proxyJump.toLowerCase() !== 'none' ? proxyJump.split(',').map((s) => s.trim()).filter(Boolean) : [],
      groups: [],
      source: sourceName,
      problems,
    };
  });
  return { candidates, warnings };
}
