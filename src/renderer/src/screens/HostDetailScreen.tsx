import { useEffect, useState } from 'react';
import type React from 'react';
import type { Host, RunSummary } from '../../../shared/domain';
import type { HostKeyProbe } from '../../../shared/ipc/hosts';
import { isApiError } from '../api';
import { HostForm } from '../components/HostForm';
import { ConnectionTestPanel, VpnBadge } from '../components/Reachability';
import { ScoreTrend } from '../components/ScoreTrend';
import { TrivyReports } from '../components/TrivyReports';
import { RunTable } from '../components/ui';
import { AUDIT_PHASE_LABEL, formatDate, target } from '../format';
import { jobOfHost } from '../state/audit';
import { useStore } from '../store';

const NO_RUNS: RunSummary[] = [];

export function HostDetailScreen({ hostId }: { hostId: number }): React.JSX.Element {
  const host = useStore((s) => s.hosts.find((h) => h.id === hostId));
  const hostsLoaded = useStore((s) => s.hostsLoaded);
  const runs = useStore((s) => s.hostRuns[hostId] ?? NO_RUNS);
  const loadHosts = useStore((s) => s.loadHosts);
  const loadHostRuns = useStore((s) => s.loadHostRuns);
  const navigate = useStore((s) => s.navigate);

  const loadVpnState = useStore((s) => s.loadVpnState);
  const diffCounts = useStore((s) => s.diffCounts);
  const loadDiffCounts = useStore((s) => s.loadDiffCounts);
  const [editing, setEditing] = useState(false);
  const vpnOnly = host?.vpnOnly ?? false;

  useEffect(() => {
    if (!useStore.getState().hostsLoaded) void loadHosts();
    void loadHostRuns(hostId);
  }, [hostId, loadHosts, loadHostRuns]);

  useEffect(() => {
    if (vpnOnly) void loadVpnState(hostId);
  }, [hostId, vpnOnly, loadVpnState]);

  // Changes against the previous run for the most recent runs of the history.
  const recentIds = runs
    .slice(0, 20)
    .map((r) => r.id)
    .join(',');
  useEffect(() => {
    if (recentIds) void loadDiffCounts(recentIds.split(','));
  }, [recentIds, loadDiffCounts]);

  if (!host) {
    return (
      <section className="screen">
        <button type="button" className="link back" data-testid="back-to-hosts" onClick={() => navigate({ screen: 'hosts' })}>
          ← Hosts
        </button>
        <div className="panel empty">{hostsLoaded ? 'This host no longer exists.' : 'Loading…'}</div>
      </section>
    );
  }

  return (
    <section className="screen" data-testid="host-detail">
      <button type="button" className="link back" data-testid="back-to-hosts" onClick={() => navigate({ screen: 'hosts' })}>
        ← Hosts
      </button>
      {editing ? <HostForm key={host.id} mode={{ kind: 'edit', host }} onClose={() => setEditing(false)} /> : <HostHeader host={host} onEdit={() => setEditing(true)} />}
      <ConnectionTestPanel host={host} />
      <KeyProbePanel host={host} />
      <AuditPanel host={host} />
      <div className="panel" data-testid="run-history">
        <div className="panel-title">
          <h2>Past runs</h2>
          <span className="muted">{runs.length}</span>
          <span className="spacer" />
          {runs.length > 1 && <span className="muted small">Open a run to see what changed against the one before it.</span>}
        </div>
        {runs.filter((r) => r.score).length >= 2 && <ScoreTrend runs={runs} />}
        {runs.length === 0 ? <p className="muted">No audits yet.</p> : <RunTable runs={runs} showHost={false} changes={diffCounts} />}
      </div>
    </section>
  );
}

const SUDO_TEXT: Record<Host['sudo'], string> = { none: 'no sudo', 'sudo-n': 'sudo -n (passwordless)', 'sudo-password': 'sudo with a password from the keychain' };

function AuthFact({ host }: { host: Host }): React.JSX.Element {
  if (host.auth === 'key-file')
    return (
      <span>
        <span className="muted">key file </span>
        <span className="mono">{host.identityFile ?? <span className="warn-text">none set</span>}</span>
      </span>
    );
  if (host.auth === 'keychain')
    return host.secrets.privateKey ? (
      <span>
        key in the OS keychain{host.secrets.passphrase ? ' (with its passphrase)' : ''}
      </span>
    ) : (
      <span className="warn-text">keychain selected, but no key imported — edit the host to import one</span>
    );
  return <span>SSH agent (SSH_AUTH_SOCK)</span>;
}

function HostHeader({ host, onEdit }: { host: Host; onEdit: () => void }): React.JSX.Element {
  const probeKey = useStore((s) => s.probeKey);
  const probing = useStore((s) => s.probing);
  const testConnection = useStore((s) => s.testConnection);
  const testing = useStore((s) => s.tests[host.id]?.running ?? false);
  const jumpHost = useStore((s) => (host.jumpHostId === null ? undefined : s.hosts.find((h) => h.id === host.jumpHostId)));
  const navigate = useStore((s) => s.navigate);
  const job = useStore((s) => jobOfHost(s, host.id));
  const runAudit = useStore((s) => s.runAudit);
  const keyChanged = useStore((s) => s.probe?.hostId === host.id && s.probe.state === 'changed');
  const pinned = host.hostKey !== null;

  return (
    <header className="panel host-header">
      <div className="host-title">
        <h1 data-testid="host-title">{host.name}</h1>
        <span className="mono" data-testid="host-target">
          {target(host)}
        </span>
      </div>
      <dl className="facts">
        <dt>Host key</dt>
        <dd className="mono" data-testid="host-fingerprint">
          {host.hostKey ? (
            <>
              {host.hostKey.keyType} {host.hostKey.fingerprint}{' '}
              <span className="muted">pinned {formatDate(host.hostKey.pinnedAt)}</span>
            </>
          ) : (
            <span className="warn-text">not pinned — connect to check and trust the server&apos;s key</span>
          )}
        </dd>
        <dt>Authentication</dt>
        <dd data-testid="host-auth-fact" data-auth={host.auth}>
          <AuthFact host={host} />
        </dd>
        <dt>Jump host</dt>
        <dd data-testid="host-jump-fact">
          {host.jumpHostId === null ? (
            <span className="muted">none (direct)</span>
          ) : (
            <button type="button" className="link" onClick={() => navigate({ screen: 'host', hostId: host.jumpHostId! })}>
              {jumpHost?.name ?? `#${host.jumpHostId}`}
            </button>
          )}
        </dd>
        <dt>VPN</dt>
        <dd data-testid="host-vpn-fact">
          {host.vpnOnly ? (
            <>
              VPN only{host.vpnInterface ? ` via ${host.vpnInterface}` : ''}
              {host.vpnSubnet ? ` in ${host.vpnSubnet}` : ''} · <VpnBadge host={host} />
            </>
          ) : (
            <span className="muted">not required</span>
          )}
        </dd>
        <dt>Sudo</dt>
        <dd data-testid="host-sudo-fact">
          {SUDO_TEXT[host.sudo]}
          {host.sudo === 'sudo-password' && !host.secrets.sudoPassword && <span className="warn-text"> — no password stored yet</span>}
        </dd>
        <dt>Tags</dt>
        <dd data-testid="host-tags-fact">{host.tags.length ? host.tags.join(', ') : <span className="muted">none</span>}</dd>
        <dt>sshd_config</dt>
        <dd className="mono">{host.sshdConfigPath}</dd>
        <dt>Scan roots</dt>
        <dd className="mono" data-testid="host-scan-roots-fact">
          {host.scanRoots.length ? host.scanRoots.join(', ') : <span className="muted">none</span>}
        </dd>
        <dt>Added</dt>
        <dd>{formatDate(host.createdAt)}</dd>
      </dl>
      <div className="host-actions">
        <button type="button" className="btn" data-testid="connect" onClick={() => void probeKey(host.id)} disabled={probing}>
          {probing ? 'Connecting…' : 'Connect'}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="test-connection"
          onClick={() => void testConnection(host.id)}
          disabled={testing}
          title="Route → TCP → host key → authentication → sudo, step by step. Pins nothing."
        >
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="btn" data-testid="edit-host" onClick={onEdit}>
          Edit
        </button>
        <button
          type="button"
          className="btn primary"
          data-testid="run-audit"
          onClick={() => void runAudit(host.id)}
          disabled={!pinned || keyChanged || job !== undefined}
          title={
            !pinned
              ? 'Connect and trust the host key first'
              : keyChanged
                ? 'The server presented a different host key: resolve that first'
                : 'Run a read-only audit over SSH'
          }
        >
          Run audit
        </button>
        <button type="button" className="btn" data-testid="host-fix-history" onClick={() => navigate({ screen: 'fixes', hostId: host.id })}>
          Fix history
        </button>
        <TrivyReports hostId={host.id} />
        <div className="spacer" />
        <RemoveHost host={host} />
      </div>
    </header>
  );
}

function RemoveHost({ host }: { host: Host }): React.JSX.Element {
  const removeHost = useStore((s) => s.removeHost);
  const navigate = useStore((s) => s.navigate);
  const job = useStore((s) => jobOfHost(s, host.id));
  const allHosts = useStore((s) => s.hosts);
  const dependents = allHosts.filter((h) => h.jumpHostId === host.id);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  if (!confirming) {
    return (
      <button
        type="button"
        className="btn danger-outline"
        data-testid="remove-host"
        onClick={() => {
          setRefusal(null);
          setConfirming(true);
        }}
        disabled={job !== undefined}
      >
        Remove host
      </button>
    );
  }
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      const removed = await removeHost(host.id);
      setConfirming(false);
      if (removed) navigate({ screen: 'hosts' });
    } catch (e) {
      setRefusal(isApiError(e) ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  if (dependents.length > 0 || refusal) {
    return (
      <span className="confirm" data-testid="remove-confirm" data-blocked="true">
        <span className="warn-text" data-testid="remove-blocked" role="alert">
          {refusal ??
            `${host.name} cannot be removed: ${dependents.map((d) => d.name).join(', ')} ${dependents.length === 1 ? 'jumps' : 'jump'} through it. Change their jump host first.`}
        </span>
        <button type="button" className="btn" data-testid="cancel-remove" onClick={() => setConfirming(false)}>
          OK
        </button>
      </span>
    );
  }
  const secrets = host.secrets.privateKey || host.secrets.passphrase || host.secrets.sudoPassword;
  return (
    <span className="confirm" data-testid="remove-confirm">
      <span>
        Remove <strong>{host.name}</strong> from Rampart{secrets ? ', with its secrets in the keychain' : ''}? Its past runs are kept.
      </span>
      <button type="button" className="btn danger" data-testid="confirm-remove" onClick={() => void confirm()} disabled={busy}>
        Remove
      </button>
      <button type="button" className="btn" data-testid="cancel-remove" onClick={() => setConfirming(false)} disabled={busy}>
        Keep
      </button>
    </span>
  );
}

function KeyProbePanel({ host }: { host: Host }): React.JSX.Element | null {
  const probe = useStore((s) => (s.probe?.hostId === host.id ? s.probe : null));
  if (!probe) return null;
  return (
    <div className={`panel probe probe-${probe.state}`} data-testid="fingerprint-prompt" data-state={probe.state}>
      {probe.state === 'unknown' && <UnknownKey probe={probe} />}
      {probe.state === 'match' && <MatchingKey probe={probe} />}
      {probe.state === 'changed' && <ChangedKey probe={probe} />}
    </div>
  );
}

function PresentedKey({ probe, label }: { probe: HostKeyProbe; label: string }): React.JSX.Element {
  return (
    <div className="key-line">
      <span className="key-label">{label}</span>
      <span className="key-type" data-testid="key-type">
        {probe.keyType}
      </span>
      <code className="fingerprint" data-testid="fingerprint">
        {probe.fingerprint}
      </code>
    </div>
  );
}

function UnknownKey({ probe }: { probe: HostKeyProbe }): React.JSX.Element {
  const trustKey = useStore((s) => s.trustKey);
  const clearProbe = useStore((s) => s.clearProbe);
  const trusting = useStore((s) => s.trusting);
  return (
    <>
      <h2>Verify the server&apos;s host key</h2>
      <p>
        <span className="mono">{target(probe)}</span> presented a key Rampart has not seen before. Compare it with the key on the server
        (for example <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> from its console) before trusting it. No credentials
        were sent.
      </p>
      <PresentedKey probe={probe} label="Presented" />
      <div className="form-actions">
        <button type="button" className="btn primary" data-testid="trust-key" onClick={() => void trustKey(false)} disabled={trusting}>
          {trusting ? 'Pinning…' : 'Trust this key'}
        </button>
        <button type="button" className="btn" data-testid="cancel-trust" onClick={clearProbe} disabled={trusting}>
          Cancel
        </button>
      </div>
    </>
  );
}

function MatchingKey({ probe }: { probe: HostKeyProbe }): React.JSX.Element {
  const clearProbe = useStore((s) => s.clearProbe);
  return (
    <>
      <div className="key-ok" data-testid="key-match">
        <span className="ok-mark">✓</span> Host key verified: the server presented the pinned key
        {probe.pinned ? <span className="muted"> (pinned {formatDate(probe.pinned.pinnedAt)})</span> : null}.
      </div>
      <PresentedKey probe={probe} label="Key" />
      <div className="form-actions">
        <button type="button" className="btn small" data-testid="close-probe" onClick={clearProbe}>
          Close
        </button>
      </div>
    </>
  );
}

function ChangedKey({ probe }: { probe: HostKeyProbe }): React.JSX.Element {
  const trustKey = useStore((s) => s.trustKey);
  const clearProbe = useStore((s) => s.clearProbe);
  const trusting = useStore((s) => s.trusting);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="key-changed" data-testid="key-changed" role="alert">
      <h2>Host key changed</h2>
      <p>
        The server at <span className="mono">{target(probe)}</span> presented a different key from the one pinned. Either the server was
        reinstalled or its keys were rotated, or someone is intercepting the connection. Audits are refused until this is resolved.
      </p>
      <div className="key-line">
        <span className="key-label">Pinned</span>
        <span className="key-type">{probe.pinned?.keyType ?? '—'}</span>
        <code className="fingerprint old" data-testid="pinned-fingerprint">
          {probe.pinned?.fingerprint ?? '—'}
        </code>
        {probe.pinned && <span className="muted small">since {formatDate(probe.pinned.pinnedAt)}</span>}
      </div>
      <PresentedKey probe={probe} label="Presented" />
      {!confirming ? (
        <div className="form-actions">
          <button type="button" className="btn danger-outline" data-testid="replace-key" onClick={() => setConfirming(true)}>
            Replace pinned key…
          </button>
          <button type="button" className="btn" data-testid="cancel-trust" onClick={clearProbe}>
            Keep the pinned key
          </button>
        </div>
      ) : (
        <div className="confirm-box" data-testid="replace-confirm">
          <p>
            Only replace the key if you have checked the new fingerprint on the server itself, through a channel you trust. The old key
            will be forgotten.
          </p>
          <div className="form-actions">
            <button type="button" className="btn danger" data-testid="confirm-replace" onClick={() => void trustKey(true)} disabled={trusting}>
              {trusting ? 'Replacing…' : 'I verified it — replace the pinned key'}
            </button>
            <button type="button" className="btn" data-testid="cancel-replace" onClick={() => setConfirming(false)} disabled={trusting}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function AuditPanel({ host }: { host: Host }): React.JSX.Element | null {
  const job = useStore((s) => jobOfHost(s, host.id));
  const outcome = useStore((s) => s.jobOutcomes[host.id] ?? null);
  const cancelAudit = useStore((s) => s.cancelAudit);

  if (job) {
    const pct = Math.round(job.progress * 100);
    return (
      <div className="panel audit-progress" data-testid="audit-progress" data-phase={job.phase}>
        <div className="progress-head">
          <span className="phase" data-testid="audit-phase">
            {AUDIT_PHASE_LABEL[job.phase]}
          </span>
          <span className="progress-message" data-testid="audit-message">
            {job.message}
          </span>
          <span className="spacer" />
          <span className="mono muted">{pct}%</span>
          <button type="button" className="btn small" data-testid="cancel-audit" onClick={() => void cancelAudit(job.jobId)} disabled={job.cancelling}>
            {job.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
        <progress max={1} value={job.progress} aria-label="Audit progress" />
      </div>
    );
  }
  if (outcome) {
    return (
      <div className={`panel note outcome-${outcome.kind}`} data-testid="audit-outcome" data-kind={outcome.kind}>
        {outcome.kind === 'cancelled' ? 'Audit cancelled. Nothing was saved.' : `Audit failed: ${outcome.message}`}
      </div>
    );
  }
  return null;
}
