import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  onReset?: () => void;
}

interface State {
  error: Error | null;
}

/** Keeps a rendering bug from blanking the window: shows what broke and a way back. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Rampart view crashed', error, info.componentStack);
  }

  private readonly reset = (): void => {
    this.setState({ error: null });
    this.props.onReset?.();
  };

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="panel crash" role="alert" data-testid="crash">
        <h2>This view failed to render</h2>
        <p className="mono">{error.message}</p>
        <p className="muted">Nothing was changed on any server. You can go back and try again.</p>
        <button type="button" className="btn" onClick={this.reset}>
          Back to hosts
        </button>
      </div>
    );
  }
}
