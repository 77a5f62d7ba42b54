// Per-host status pieces shared by the hosts table and the host screen: reachability (from the
// last connection test of this session), the WireGuard state of VPN-only hosts, and the
// step-by-step result of a connection test.
import type React from 'react';
import type { Host } from '../../../shared/domain';
import type { ConnectionTest, TestStep } from '../../../shared/ipc/hosts';
import { formatDuration } from '../format';
import { useStore } from '../store';

// Type-only imports from the contract: importing its values would bundle zod into the renderer.
const TEST_STEPS: ReadonlyArray<TestStep['step']> = ['route', 'tcp', 'host-key', 'auth', 'sudo'];

export const STEP_LABEL: Record<TestStep['step'], string> = {
  route: 'Route',
  tcp: 'TCP',
  'host-key': 'Host key',
  auth: 'Authentication',
  sudo: 'Sudo',
};

export function Reachability({ host }: { host: Host }): React.JSX.Element {
  const test = useStore((s) => s.tests[host.id]);
  if (!test || (!test.result && !test.error && !test.running))
    return (
      <span className="reach reach-unknown" data-testid="host-reachability" data-state="unknown">
        not tested
      </span>
    );
  if (test.running)
    return (
      <span className="reach reach-running" data-testid="host-reachability" data-state="running">
        testing…
      </span>
    );
  if (test.error || !test.result)
    return (
      <span className="reach reach-failed" data-testid="host-reachability" data-state="failed" title={test.error ?? ''}>
        test failed
      </span>
    );
  const r = test.result;
  if (r.ok)
    return (
      <span className="reach reach-ok" data-testid="host-reachability" data-state="ok" title={r.steps.map((s) => `${STEP_LABEL[s.step]}: ${s.message}`).join('\n')}>
        reachable
      </span>
    );
  const failed = r.steps.find((s) => s.status === 'failed');
  return (
    <span className="reach reach-failed" data-testid="host-reachability" data-state="failed" title={r.error?.message ?? ''}>
      {failed ? `${STEP_LABEL[failed.step]} failed` : 'failed'}
      {r.error && <span className="reach-code">{r.error.code}</span>}
    </span>
  );
}

export function VpnBadge({ host }: { host: Host }): React.JSX.Element {
  const vpn = useStore((s) => s.vpn[host.id]);
  if (!host.vpnOnly) return <span className="muted">—</span>;
  const want = host.vpnInterface ?? 'WireGuard';
  if (!vpn || (vpn.loading && !vpn.state && !vpn.error))
    return (
      <span className="vpn vpn-unknown" data-testid="host-vpn" data-state="unknown">
        {want} · checking…
      </span>
    );
  if (vpn.error)
    return (
      <span className="vpn vpn-down" data-testid="host-vpn" data-state="down" title={vpn.error.message}>
        {want} · down
      </span>
    );
  const st = vpn.state;
  if (!st) return <span className="muted">—</span>;
  return (
    <span className={`vpn ${st.ok ? 'vpn-up' : 'vpn-down'}`} data-testid="host-vpn" data-state={st.ok ? 'up' : 'down'} title={st.message}>
      {st.route.dev} · {st.ok ? (st.latestHandshakeAgeS !== null ? `up, handshake ${st.latestHandshakeAgeS} s ago` : 'up') : 'down'}
    </span>
  );
}

/** The steps a test would have gone through after the one that failed, shown as "not run". */
function notReached(result: ConnectionTest): Array<TestStep['step']> {
  if (result.ok) return [];
  const last = result.steps[result.steps.length - 1];
  if (!last) return [...TEST_STEPS];
  const i = TEST_STEPS.indexOf(last.step);
  return TEST_STEPS.slice(i + 1);
}

export function ConnectionTestPanel({ host }: { host: Host }): React.JSX.Element | null {
  const test = useStore((s) => s.tests[host.id]);
  if (!test) return null;
  const result = test.result;
  return (
    <div
      className={`panel conn-test ${test.running ? 'conn-running' : result?.ok ? 'conn-ok' : 'conn-failed'}`}
      data-testid="connection-test"
      data-state={test.running ? 'running' : result?.ok ? 'ok' : 'failed'}
    >
      <div className="panel-title">
        <h2>Connection test</h2>
        <span className="muted" data-testid="connection-test-summary">
          {test.running
            ? 'Testing route → TCP → host key → authentication → sudo…'
            : test.error
              ? `Could not run the test: ${test.error}`
              : result?.ok
                ? 'Every step passed.'
                : `Stopped at the first failure${result?.error ? ` (${result.error.code})` : ''}.`}
        </span>
      </div>
      {result && (
        <ol className="steps" data-testid="test-steps">
          {result.steps.map((s, i) => (
            <li key={i} className={`step step-${s.status}`} data-testid="test-step" data-step={s.step} data-status={s.status} data-hop={s.hop}>
              <span className="step-mark" aria-hidden="true">
                {s.status === 'ok' ? '✓' : s.status === 'failed' ? '✗' : '–'}
              </span>
              <span className="step-name">{STEP_LABEL[s.step]}</span>
              <span className="step-hop mono muted">{s.hop}</span>
              <span className="step-message" data-testid="test-step-message">
                {s.message}
              </span>
              <span className="step-time muted">{formatDuration(s.durationMs)}</span>
            </li>
          ))}
          {notReached(result).map((step) => (
            <li key={`nr-${step}`} className="step step-not-run" data-testid="test-step" data-step={step} data-status="not-run">
              <span className="step-mark" aria-hidden="true">
                ·
              </span>
              <span className="step-name">{STEP_LABEL[step]}</span>
              <span className="step-hop" />
              <span className="step-message muted">not run</span>
              <span className="step-time" />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
