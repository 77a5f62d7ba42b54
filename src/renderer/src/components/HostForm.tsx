// Add / edit a host: every field of the profile, each with its own validation message from the
// main process (one schema, one set of messages). Secrets (key passphrase, sudo password) are
// typed here and sent once to the keychain; they are never kept in app state or shown again.
import { useId, useMemo, useState, type FormEvent } from 'react';
import type React from 'react';
import type { AuthMethod, Host, SudoMode } from '../../../shared/domain';
import { ApiError, isApiError } from '../api';
import { useStore, type AddHostRequest } from '../store';

export type HostFormMode = { kind: 'add' } | { kind: 'edit'; host: Host };

interface Values {
  name: string;
  address: string;
  port: string;
  username: string;
  auth: AuthMethod;
  identityFile: string;
  keyImportPath: string;
  passphrase: string;
  jumpHostId: string;
  vpnOnly: boolean;
  vpnInterface: string;
  vpnSubnet: string;
  sudo: SudoMode;
  sudoPassword: string;
  tags: string;
  sshdConfigPath: string;
  scanRoots: string;
}

const INITIAL: Values = {
  name: '',
  address: '',
  port: '22',
  username: '',
  auth: 'key-file',
  identityFile: '',
  keyImportPath: '',
  passphrase: '',
  jumpHostId: '',
  vpnOnly: false,
  vpnInterface: '',
  vpnSubnet: '',
  sudo: 'none',
  sudoPassword: '',
  tags: '',
  sshdConfigPath: '/etc/ssh/sshd_config',
  scanRoots: '',
};

function valuesOf(h: Host): Values {
  return {
    ...INITIAL,
    name: h.name,
    address: h.address,
    port: String(h.port),
    username: h.username,
    auth: h.auth,
    identityFile: h.identityFile ?? '',
    jumpHostId: h.jumpHostId === null ? '' : String(h.jumpHostId),
    vpnOnly: h.vpnOnly,
    vpnInterface: h.vpnInterface ?? '',
    vpnSubnet: h.vpnSubnet ?? '',
    sudo: h.sudo,
    tags: h.tags.join(', '),
    sshdConfigPath: h.sshdConfigPath,
    scanRoots: h.scanRoots.join('\n'),
  };
}

const AUTH_LABEL: Record<AuthMethod, string> = {
  'key-file': 'Private key file',
  keychain: 'Key in the OS keychain',
  agent: 'SSH agent (SSH_AUTH_SOCK)',
};

const SUDO_LABEL: Record<SudoMode, string> = {
  none: 'No sudo',
  'sudo-n': 'sudo -n (passwordless rules)',
  'sudo-password': 'sudo with a password (keychain)',
};

/** Fields the form shows; anything else the server names goes into the summary list. */
const FIELD_NAMES: ReadonlySet<string> = new Set([
  'name',
  'address',
  'port',
  'username',
  'auth',
  'identityFile',
  'privateKeyPath',
  'passphrase',
  'jumpHostId',
  'vpnOnly',
  'vpnInterface',
  'vpnSubnet',
  'sudo',
  'sudoPassword',
  'tags',
  'sshdConfigPath',
  'scanRoots',
]);

function splitList(text: string, sep: RegExp): string[] {
  return text
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Sends what the user typed; the main process validates. */
function toRequest(v: Values, editing: boolean): AddHostRequest {
  const req: AddHostRequest = { name: v.name, address: v.address, username: v.username, auth: v.auth };
  // An empty port means 22 for a new host; when editing it is an error, not "keep".
  if (v.port.trim() !== '' || editing) req.port = v.port.trim();
  req.identityFile = v.auth === 'key-file' && v.identityFile.trim() !== '' ? v.identityFile : null;
  req.jumpHostId = v.jumpHostId === '' ? null : Number(v.jumpHostId);
  req.vpnOnly = v.vpnOnly;
  req.vpnInterface = v.vpnOnly && v.vpnInterface.trim() !== '' ? v.vpnInterface : null;
  req.vpnSubnet = v.vpnOnly && v.vpnSubnet.trim() !== '' ? v.vpnSubnet : null;
  req.sudo = v.sudo;
  req.tags = splitList(v.tags, /[,\s]+/);
  if (v.sshdConfigPath.trim() !== '') req.sshdConfigPath = v.sshdConfigPath;
  req.scanRoots = splitList(v.scanRoots, /\n+/);
  return req;
}

/** Hosts a host may jump through: not itself, and none that (indirectly) jump through it. */
function jumpCandidates(hosts: Host[], self: Host | null): Host[] {
  if (!self) return hosts;
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const leadsBack = (h: Host): boolean => {
    const seen = new Set<number>();
    for (let cur: Host | undefined = h; cur; cur = cur.jumpHostId === null ? undefined : byId.get(cur.jumpHostId)) {
      if (cur.id === self.id) return true;
      if (seen.has(cur.id)) return false;
      seen.add(cur.id);
    }
    return false;
  };
  return hosts.filter((h) => !leadsBack(h));
}

interface FieldProps {
  id: string;
  label: string;
  error: string | undefined;
  hint?: React.ReactNode;
  wide?: boolean;
  full?: boolean;
  /** Starts a new row of the grid. */
  rowStart?: boolean;
  field: string;
  children: (aria: { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined }) => React.ReactNode;
}

function Field({ id, label, error, hint, wide, full, rowStart, field, children }: FieldProps): React.JSX.Element {
  return (
    <div className={`field${wide ? ' wide' : ''}${full ? ' full' : ''}${rowStart ? ' row-start' : ''}${error ? ' has-error' : ''}`} data-field={field}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined })}
      {error ? (
        <div id={`${id}-error`} className="field-error" data-testid={`field-error-${field}`}>
          {error}
        </div>
      ) : (
        hint && <div className="field-hint">{hint}</div>
      )}
    </div>
  );
}

export function HostForm({ mode, onClose }: { mode: HostFormMode; onClose: (host: Host | null) => void }): React.JSX.Element {
  const addHost = useStore((s) => s.addHost);
  const updateHost = useStore((s) => s.updateHost);
  const importKey = useStore((s) => s.importKey);
  const setSudoPassword = useStore((s) => s.setSudoPassword);
  const loadVpnState = useStore((s) => s.loadVpnState);
  const hosts = useStore((s) => s.hosts);
  // After a partial save (host added, key import failed) the form continues as an edit.
  const [savedHost, setSavedHost] = useState<Host | null>(mode.kind === 'edit' ? mode.host : null);
  const current = savedHost ? (hosts.find((h) => h.id === savedHost.id) ?? savedHost) : null;
  const [values, setValues] = useState<Values>(mode.kind === 'edit' ? valuesOf(mode.host) : INITIAL);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const idPrefix = useId();
  const id = (f: string): string => `${idPrefix}-${f}`;
  const others = useMemo(() => jumpCandidates(hosts.filter((h) => h.id !== current?.id), current), [hosts, current]);

  const set = <K extends keyof Values>(k: K, v: Values[K]): void => setValues((old) => ({ ...old, [k]: v }));

  const fail = (fields: Record<string, string>, summary: string): void => {
    setFieldErrors(fields);
    setFormError(summary);
    setSaving(false);
  };

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (saving) return;
    setSaving(true);
    setFormError(null);
    setFieldErrors({});
    const hasKey = current?.secrets.privateKey ?? false;
    if (values.auth === 'keychain' && !hasKey && values.keyImportPath.trim() === '')
      return fail({ privateKeyPath: 'Choose the private key file to copy into the keychain' }, 'Check the highlighted fields.');
    if (values.sudo === 'sudo-password' && !(current?.secrets.sudoPassword ?? false) && values.sudoPassword === '')
      return fail({ sudoPassword: 'Enter the sudo password (it is stored in the OS keychain)' }, 'Check the highlighted fields.');

    // 1. The profile itself.
    let host: Host;
    try {
      const req = toRequest(values, current !== null);
      host = current ? await updateHost({ ...req, id: current.id }) : await addHost(req);
      setSavedHost(host);
    } catch (err) {
      const byField = isApiError(err) ? err.fieldErrors() : {};
      const fieldsOnly = Object.keys(byField).length > 0 && Object.keys(byField).every((k) => FIELD_NAMES.has(k));
      return fail(byField, fieldsOnly ? 'Check the highlighted fields.' : err instanceof Error ? err.message : 'Could not save the host.');
    }

    // 2. Secrets, each into the keychain. A failure here leaves the saved profile and keeps the form open.
    const secretErrors: Record<string, string> = {};
    if (values.auth === 'keychain' && values.keyImportPath.trim() !== '') {
      try {
        host = await importKey(host.id, values.keyImportPath.trim(), values.passphrase === '' ? null : values.passphrase);
        setValues((v) => ({ ...v, keyImportPath: '', passphrase: '' }));
      } catch (err) {
        const byField = err instanceof ApiError ? err.fieldErrors() : {};
        if (byField.passphrase) secretErrors.passphrase = byField.passphrase;
        else if (err instanceof ApiError && err.code === 'IDENTITY_ENCRYPTED') secretErrors.passphrase = err.message;
        else secretErrors.privateKeyPath = byField.privateKeyPath ?? (err instanceof Error ? err.message : 'Could not import the key.');
      }
    }
    try {
      if (values.sudo === 'sudo-password' && values.sudoPassword !== '') {
        host = await setSudoPassword(host.id, values.sudoPassword);
        setValues((v) => ({ ...v, sudoPassword: '' }));
      } else if (values.sudo !== 'sudo-password' && host.secrets.sudoPassword) {
        // No password lingers in the keychain for a host that no longer uses it.
        host = await setSudoPassword(host.id, null);
      }
    } catch (err) {
      const byField = err instanceof ApiError ? err.fieldErrors() : {};
      secretErrors.sudoPassword = byField.password ?? (err instanceof Error ? err.message : 'Could not store the sudo password.');
    }
    if (Object.keys(secretErrors).length > 0)
      return fail(secretErrors, `The host was saved, but the keychain step failed: ${Object.values(secretErrors).join(' ')}`);

    setSaving(false);
    if (host.vpnOnly) void loadVpnState(host.id);
    onClose(host);
  };

  const otherIssues = Object.entries(fieldErrors).filter(([k]) => !FIELD_NAMES.has(k));
  const err = (f: string): string | undefined => fieldErrors[f];
  const text = (field: keyof Values, testId: string, extra: { placeholder?: string; type?: string; inputMode?: 'numeric' } = {}) =>
    function Input(aria: { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined }): React.ReactNode {
      return (
        <input
          {...aria}
          type={extra.type ?? 'text'}
          inputMode={extra.inputMode}
          spellCheck={false}
          autoComplete={extra.type === 'password' ? 'new-password' : 'off'}
          data-testid={testId}
          placeholder={extra.placeholder}
          value={values[field] as string}
          onChange={(e) => set(field, e.target.value as never)}
        />
      );
    };

  const editing = current !== null;
  return (
    <form className="panel form host-form" data-testid="host-form" data-mode={editing ? 'edit' : 'add'} onSubmit={(e) => void onSubmit(e)} noValidate autoComplete="off">
      <h2>{editing ? `Edit ${current.name}` : 'Add host'}</h2>

      <fieldset className="form-section">
        <legend>Connection</legend>
        <div className="form-grid">
          <Field id={id('name')} field="name" label="Name" error={err('name')}>
            {text('name', 'host-name', { placeholder: 'web-1' })}
          </Field>
          <Field id={id('address')} field="address" label="Address" error={err('address')}>
            {text('address', 'host-address', { placeholder: '203.0.113.10 or web-1.example.net' })}
          </Field>
          <Field id={id('port')} field="port" label="Port" error={err('port')}>
            {text('port', 'host-port', { placeholder: '22', inputMode: 'numeric' })}
          </Field>
          <Field id={id('username')} field="username" label="User" error={err('username')}>
            {text('username', 'host-user', { placeholder: 'root' })}
          </Field>
          <Field id={id('jumpHostId')} field="jumpHostId" label="Jump host" error={err('jumpHostId')} hint="Reach this host through another one (which may have its own jump host)." wide>
            {(aria) => (
              <select {...aria} data-testid="host-jump" value={values.jumpHostId} onChange={(e) => set('jumpHostId', e.target.value)}>
                <option value="">None — connect directly</option>
                {others.map((h) => (
                  <option key={h.id} value={String(h.id)}>
                    {h.name} ({h.username}@{h.address}:{h.port})
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Authentication</legend>
        <div className="form-grid even">
          <Field id={id('auth')} field="auth" label="Method" error={err('auth')}>
            {(aria) => (
              <select {...aria} data-testid="host-auth" value={values.auth} onChange={(e) => set('auth', e.target.value as AuthMethod)}>
                {(Object.keys(AUTH_LABEL) as AuthMethod[]).map((a) => (
                  <option key={a} value={a}>
                    {AUTH_LABEL[a]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {values.auth === 'key-file' && (
            <Field
              id={id('identityFile')}
              field="identityFile"
              label="Private key file"
              error={err('identityFile')}
              hint="Path on this machine, read at every connection. For a key with a passphrase, copy it into the keychain instead."
              wide
            >
              {text('identityFile', 'host-identity', { placeholder: '/home/you/.ssh/id_ed25519' })}
            </Field>
          )}
          {values.auth === 'keychain' && (
            <>
              <Field
                id={id('privateKeyPath')}
                field="privateKeyPath"
                label={current?.secrets.privateKey ? 'Replace the key in the keychain with' : 'Private key file to import'}
                error={err('privateKeyPath')}
                hint={
                  current?.secrets.privateKey ? (
                    <span data-testid="keychain-key-stored">A key is stored in the keychain. Leave empty to keep it.</span>
                  ) : (
                    'Copied into the OS keychain; the file is not read again.'
                  )
                }
                wide
              >
                {text('keyImportPath', 'host-key-import-path', { placeholder: '/home/you/.ssh/id_ed25519' })}
              </Field>
              <Field id={id('passphrase')} field="passphrase" label="Key passphrase" error={err('passphrase')} hint="Only if the key has one. Stored in the keychain.">
                {text('passphrase', 'host-key-passphrase', { type: 'password', placeholder: current?.secrets.passphrase ? '(stored)' : '' })}
              </Field>
            </>
          )}
          {values.auth === 'agent' && (
            <div className="field wide">
              <span className="field-hint">Uses the identities of the running ssh-agent (SSH_AUTH_SOCK of the app&apos;s session).</span>
            </div>
          )}
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>VPN and privileges</legend>
        <div className="form-grid even">
          <div className={`field checkbox${err('vpnOnly') ? ' has-error' : ''}`}>
            <label className="check">
              <input type="checkbox" data-testid="host-vpn-only" checked={values.vpnOnly} onChange={(e) => set('vpnOnly', e.target.checked)} />
              VPN only (WireGuard)
            </label>
            <div className="field-hint">Refuse to connect unless the route leaves through a live WireGuard tunnel.</div>
          </div>
          {values.vpnOnly && (
            <>
              <Field id={id('vpnInterface')} field="vpnInterface" label="WireGuard interface" error={err('vpnInterface')} hint="e.g. wg0; empty = any WireGuard interface">
                {text('vpnInterface', 'host-vpn-interface', { placeholder: 'wg0' })}
              </Field>
              <Field id={id('vpnSubnet')} field="vpnSubnet" label="Tunnel subnet" error={err('vpnSubnet')} hint="The address must be inside it, e.g. 10.77.0.0/24">
                {text('vpnSubnet', 'host-vpn-subnet', { placeholder: '10.77.0.0/24' })}
              </Field>
            </>
          )}
          <Field id={id('sudo')} field="sudo" label="Sudo" error={err('sudo')} rowStart>
            {(aria) => (
              <select {...aria} data-testid="host-sudo" value={values.sudo} onChange={(e) => set('sudo', e.target.value as SudoMode)}>
                {(Object.keys(SUDO_LABEL) as SudoMode[]).map((m) => (
                  <option key={m} value={m}>
                    {SUDO_LABEL[m]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {values.sudo === 'sudo-password' && (
            <Field
              id={id('sudoPassword')}
              field="sudoPassword"
              label="Sudo password"
              error={err('sudoPassword')}
              hint={current?.secrets.sudoPassword ? <span data-testid="sudo-password-stored">Stored in the keychain. Leave empty to keep it.</span> : 'Stored in the OS keychain only.'}
            >
              {text('sudoPassword', 'host-sudo-password', { type: 'password', placeholder: current?.secrets.sudoPassword ? '(stored)' : '' })}
            </Field>
          )}
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Audit</legend>
        <div className="form-grid even">
          <Field id={id('tags')} field="tags" label="Tags" error={err('tags')} hint="Separated by commas or spaces" wide>
            {text('tags', 'host-tags', { placeholder: 'prod, web' })}
          </Field>
          <Field id={id('sshdConfigPath')} field="sshdConfigPath" label="sshd_config path" error={err('sshdConfigPath')} wide>
            {text('sshdConfigPath', 'host-sshd-config', { placeholder: '/etc/ssh/sshd_config' })}
          </Field>
          <Field
            id={id('scanRoots')}
            field="scanRoots"
            label="Scan roots"
            error={err('scanRoots')}
            hint="Folders on the server where compose projects and secrets live, one per line"
            full
          >
            {(aria) => (
              <textarea
                {...aria}
                rows={2}
                spellCheck={false}
                data-testid="host-scan-roots"
                placeholder={'/srv\n/opt/stacks'}
                value={values.scanRoots}
                onChange={(e) => set('scanRoots', e.target.value)}
              />
            )}
          </Field>
        </div>
      </fieldset>

      {formError && (
        <div className="form-error" role="alert" data-testid="form-error">
          {formError}
          {otherIssues.length > 0 && (
            <ul>
              {otherIssues.map(([k, m]) => (
                <li key={k}>
                  {k}: {m}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" data-testid="host-save" disabled={saving}>
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Save host'}
        </button>
        <button type="button" className="btn" data-testid="host-cancel" onClick={() => onClose(savedHost)} disabled={saving}>
          {savedHost && mode.kind === 'add' ? 'Close' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}
