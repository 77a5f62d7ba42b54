import { useEffect } from 'react';
import type React from 'react';
import { subscribe } from './api';
import { AuditJobsPill } from './components/AuditJobs';
import { ErrorBoundary } from './components/ErrorBoundary';
import { FixDialog } from './components/FixDialog';
import { UnfinishedJobs } from './components/UnfinishedJobs';
import { ErrorBanner } from './components/ui';
import { useFixes } from './fixes';
import { useMail } from './mail';
import { ChecklistsScreen } from './screens/ChecklistsScreen';
import { DashboardScreen } from './screens/DashboardScreen';
import { FixHistoryScreen } from './screens/FixHistoryScreen';
import { HostDetailScreen } from './screens/HostDetailScreen';
import { HostsScreen } from './screens/HostsScreen';
import { MailRunScreen } from './screens/MailRunScreen';
import { MailScreen } from './screens/MailScreen';
import { RunScreen } from './screens/RunScreen';
import { RunsScreen } from './screens/RunsScreen';
import { ReportsScreen } from './screens/ReportsScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { useSettings } from './settings';
import { WorkbenchScreen } from './screens/WorkbenchScreen';
import { useStore, type Route } from './store';

function routeKey(route: Route): string {
  switch (route.screen) {
    case 'host':
      return `host:${route.hostId}`;
    case 'run':
      return `run:${route.runId}`;
    case 'fixes':
      return `fixes:${route.hostId}`;
    case 'mail-run':
      return `mail-run:${route.runId}`;
    case 'reports':
      return `reports:${route.runId ?? ''}:${route.host ?? ''}`;
    default:
      return route.screen;
  }
}

function Screen({ route }: { route: Route }): React.JSX.Element {
  switch (route.screen) {
    case 'hosts':
      return <HostsScreen />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'checklists':
      return <ChecklistsScreen />;
    case 'host':
      return <HostDetailScreen hostId={route.hostId} />;
    case 'runs':
      return <RunsScreen />;
    case 'run':
      return <RunScreen runId={route.runId} />;
    case 'fixes':
      return <FixHistoryScreen hostId={route.hostId} />;
    case 'mail':
      return <MailScreen domainId={route.domainId} />;
    case 'mail-run':
      return <MailRunScreen runId={route.runId} />;
    case 'workbench':
      return <WorkbenchScreen filter={route.filter} />;
    case 'reports':
      return <ReportsScreen runId={route.runId} host={route.host} />;
    case 'settings':
      return <SettingsScreen />;
  }
}

function TopBar(): React.JSX.Element {
  const route = useStore((s) => s.route);
  const navigate = useStore((s) => s.navigate);
  const version = useStore((s) => s.appInfo?.version);
  const mailJob = useMail((s) => s.job);
  const mailDomain = useMail((s) => (s.job ? s.domains.find((d) => d.id === s.job?.domainId) : undefined));
  const section =
    route.screen === 'runs' || route.screen === 'run' ? 'runs' : route.screen === 'mail' || route.screen === 'mail-run' ? 'mail' : route.screen === 'dashboard' ? 'dashboard' : route.screen === 'checklists' ? 'checklists' : route.screen === 'workbench' ? 'workbench' : route.screen === 'reports' ? 'reports' : route.screen === 'settings' ? 'settings' : 'hosts';

  return (
    <nav className="topbar" data-testid="topbar">
      <span className="brand" data-testid="app-name">
        <span className="brand-mark" aria-hidden="true" />
        Rampart
      </span>
      <button
        type="button"
        className={`nav-item${section === 'dashboard' ? ' active' : ''}`}
        data-testid="nav-dashboard"
        aria-current={section === 'dashboard' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'dashboard' })}
      >
        Fleet
      </button>
      <button
        type="button"
        className={`nav-item${section === 'workbench' ? ' active' : ''}`}
        data-testid="nav-workbench"
        aria-current={section === 'workbench' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'workbench' })}
      >
        Findings
      </button>
      <button
        type="button"
        className={`nav-item${section === 'hosts' ? ' active' : ''}`}
        data-testid="nav-hosts"
        aria-current={section === 'hosts' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'hosts' })}
      >
        Hosts
      </button>
      <button
        type="button"
        className={`nav-item${section === 'runs' ? ' active' : ''}`}
        data-testid="nav-runs"
        aria-current={section === 'runs' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'runs' })}
      >
        Runs
      </button>
      <button
        type="button"
        className={`nav-item${section === 'mail' ? ' active' : ''}`}
        data-testid="nav-mail"
        aria-current={section === 'mail' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'mail' })}
      >
        Mail
      </button>
      <button
        type="button"
        className={`nav-item${section === 'checklists' ? ' active' : ''}`}
        data-testid="nav-checklists"
        aria-current={section === 'checklists' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'checklists' })}
      >
        Checklists
      </button>
      <button
        type="button"
        className={`nav-item${section === 'reports' ? ' active' : ''}`}
        data-testid="nav-reports"
        aria-current={section === 'reports' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'reports' })}
      >
        Reports
      </button>
      <span className="spacer" />
      <AuditJobsPill />
      {mailJob && (
        <button type="button" className="job-pill" data-testid="mail-job-indicator" onClick={() => navigate({ screen: 'mail', domainId: mailJob.domainId })}>
          <span className="pulse" aria-hidden="true" />
          Auditing {mailDomain?.domain ?? 'mail domain'} · {mailJob.queries} DNS answers
        </button>
      )}
      {version && <span className="version">v{version}</span>}
      <button
        type="button"
        className={`nav-item${section === 'settings' ? ' active' : ''}`}
        data-testid="nav-settings"
        aria-current={section === 'settings' ? 'page' : undefined}
        onClick={() => navigate({ screen: 'settings' })}
      >
        Settings
      </button>
    </nav>
  );
}

export function App(): React.JSX.Element {
  const route = useStore((s) => s.route);
  const navigate = useStore((s) => s.navigate);

  useEffect(() => {
    const { init, handleEvent, showError } = useStore.getState();
    const off = subscribe((event) => {
      if (event.type === 'fix-progress') useFixes.getState().handleEvent(event);
      else if (event.type === 'mail-progress') useMail.getState().handleEvent(event);
      else handleEvent(event);
    });
    void init();
    // The theme (and the rest of the settings) before the first screen settles.
    void useSettings.getState().load();
    // Which findings have a fix, and the jobs a crash left unfinished (offered at once).
    void useFixes.getState().loadCatalog();
    void useFixes.getState().loadUnfinished();
    const onRejection = (e: PromiseRejectionEvent): void => showError(e.reason);
    const onError = (e: ErrorEvent): void => {
      // Benign layout-timing noise from ResizeObserver (charts), not an error the user can act on.
      if (typeof e.message === 'string' && e.message.startsWith('ResizeObserver loop')) return;
      showError(e.error ?? e.message);
    };
    window.addEventListener('unhandledrejection', onRejection);
    window.addEventListener('error', onError);
    return () => {
      off();
      window.removeEventListener('unhandledrejection', onRejection);
      window.removeEventListener('error', onError);
    };
  }, []);

  return (
    <div className="app">
      <TopBar />
      <ErrorBanner />
      <FixDialog />
      <main className="content">
        <UnfinishedJobs />
        <ErrorBoundary key={routeKey(route)} onReset={() => navigate({ screen: 'hosts' })}>
          <Screen route={route} />
        </ErrorBoundary>
      </main>
    </div>
  );
}
