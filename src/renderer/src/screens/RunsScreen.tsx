import { useEffect } from 'react';
import type React from 'react';
import { RunTable } from '../components/ui';
import { useStore } from '../store';

export function RunsScreen(): React.JSX.Element {
  const runs = useStore((s) => s.allRuns);
  const loaded = useStore((s) => s.allRunsLoaded);
  const loadAllRuns = useStore((s) => s.loadAllRuns);

  useEffect(() => {
    void loadAllRuns();
  }, [loadAllRuns]);

  return (
    <section className="screen" data-testid="runs-screen">
      <header className="screen-header">
        <h1>Runs</h1>
        <span className="muted">{loaded ? `${runs.length} run${runs.length === 1 ? '' : 's'}` : 'loading…'}</span>
      </header>
      {loaded && runs.length === 0 ? (
        <div className="panel empty">No audits yet. Open a host and run one.</div>
      ) : (
        runs.length > 0 && (
          <div className="panel flush">
            <RunTable runs={runs} showHost />
          </div>
        )
      )}
    </section>
  );
}
