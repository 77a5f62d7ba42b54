import { useEffect, useState } from 'react';
import type React from 'react';
import type { Host } from '../../../shared/domain';
import { FleetAuditDialog } from '../components/FleetAuditDialog';
import { HostForm } from '../components/HostForm';
import { ImportDialog, KnownHostsDialog } from '../components/ImportDialog';
import { Reachability, VpnBadge } from '../components/Reachability';
import { LastRunCell } from '../components/ui';
import { formatDate, target } from '../format';
import { useStore } from '../store';

type Panel = 'add' | 'import' | 'known-hosts' | 'fleet-audit' | null;

export function HostsScreen(): React.JSX.Element {
  const hosts = useStore((s) => s.hosts);
  const loaded = useStore((s) => s.hostsLoaded);
  const loadHosts = useStore((s) => s.loadHosts);
  const loadVpnStates = useStore((s) => s.loadVpnStates);
  const testAll = useStore((s) => s.testAll);
  const testing = useStore((s) => Object.values(s.tests).some((t) => t.running));
  const [panel, setPanel] = useState<Panel>(null);
  const adding = panel === 'add';

  useEffect(() => {
    void loadHosts().then(() => loadVpnStates());
  }, [loadHosts, loadVpnStates]);

  return (
    <section className="screen" data-testid="hosts-screen">
      <header className="screen-header">
        <h1>Hosts</h1>
        <span className="muted">{loaded ? `${hosts.length} host${hosts.length === 1 ? '' : 's'}` : 'loading…'}</span>
        <div className="spacer" />
        <button type="button" className="btn" data-testid="test-all" onClick={() => void testAll()} disabled={testing || hosts.length === 0} title="Run the connection test for every host">
          {testing ? 'Testing…' : 'Test all connections'}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="fleet-audit"
          onClick={() => setPanel('fleet-audit')}
          disabled={panel === 'fleet-audit' || hosts.length === 0}
          title="Audit every host, the hosts with a tag, or a chosen set, in the background"
        >
          Audit hosts…
        </button>
        <button type="button" className="btn" data-testid="import-known-hosts" onClick={() => setPanel('known-hosts')} disabled={panel === 'known-hosts' || hosts.length === 0}>
          Import known_hosts…
        </button>
        <button type="button" className="btn" data-testid="import-hosts" onClick={() => setPanel('import')} disabled={panel === 'import'}>
          Import…
        </button>
        <button type="button" className="btn primary" data-testid="add-host" onClick={() => setPanel('add')} disabled={adding}>
          Add host
        </button>
      </header>

      {adding && <HostForm mode={{ kind: 'add' }} onClose={() => setPanel(null)} />}
      {panel === 'import' && <ImportDialog onClose={() => setPanel(null)} />}
      {panel === 'known-hosts' && <KnownHostsDialog onClose={() => setPanel(null)} />}
      {panel === 'fleet-audit' && <FleetAuditDialog onClose={() => setPanel(null)} />}

      {loaded && hosts.length === 0 && panel === null ? (
        <div className="panel empty" data-testid="hosts-empty">
          <p>No hosts yet.</p>
          <p className="muted">
            Add a server you can reach over SSH, or import them from an Ansible inventory or your ~/.ssh/config. Rampart only reads; it never
            changes the server.
          </p>
        </div>
      ) : (
        hosts.length > 0 && <HostTable hosts={hosts} />
      )}
    </section>
  );
}

function HostTable({ hosts }: { hosts: Host[] }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const open = (hostId: number): void => navigate({ screen: 'host', hostId });
  return (
    <div className="panel flush">
      <table className="table clickable" data-testid="host-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Target</th>
            <th>Reachability</th>
            <th>VPN</th>
            <th>Host key</th>
            <th>Last run</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => (
            <tr
              key={h.id}
              data-testid="host-row"
              data-host-id={h.id}
              data-host-name={h.name}
              tabIndex={0}
              onClick={() => open(h.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  open(h.id);
                }
              }}
            >
              <td data-testid="host-name-cell">
                <span className="strong">{h.name}</span>
                {h.tags.length > 0 && (
                  <span className="tags" data-testid="host-tags-cell">
                    {h.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
                  </span>
                )}
              </td>
              <td className="mono" data-testid="host-target">
                {target(h)}
                {h.jumpHostId !== null && <JumpVia host={h} hosts={hosts} />}
              </td>
              <td>
                <Reachability host={h} />
              </td>
              <td className="small">
                <VpnBadge host={h} />
              </td>
              <td className="mono small" data-testid="host-key">
                {h.hostKey ? (
                  <span title={`${h.hostKey.keyType}, pinned ${formatDate(h.hostKey.pinnedAt)}`}>{h.hostKey.fingerprint}</span>
                ) : (
                  <span className="warn-text">not pinned</span>
                )}
              </td>
              <td data-testid="host-last-run">
                <LastRunCell lastRun={h.lastRun} gradeTestId="host-grade" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function JumpVia({ host, hosts }: { host: Host; hosts: Host[] }): React.JSX.Element {
  const via = hosts.find((h) => h.id === host.jumpHostId);
  return (
    <span className="via muted small" data-testid="host-jump-via">
      {' '}
      via {via?.name ?? `#${host.jumpHostId}`}
    </span>
  );
}
