// Where a file is picked: in the app, the main process opens the native dialog and this renders
// nothing; in the browser bridge (no dialog service, app:info nativeDialogs false) the user types
// an absolute path here, as elsewhere in the UI.
import { useId } from 'react';
import type React from 'react';
import { useStore } from '../store';

export function useNativeDialogs(): boolean {
  return useStore((s) => s.appInfo?.nativeDialogs === true);
}

export function PathField({
  label,
  value,
  onChange,
  placeholder,
  testId,
  disabled,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  testId: string;
  disabled?: boolean;
}): React.JSX.Element | null {
  const id = useId();
  const native = useNativeDialogs();
  if (native) return null;
  return (
    <div className="field wide path-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} data-testid={testId} className="mono" placeholder={placeholder} spellCheck={false} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} />
      <div className="field-hint">A full path on this computer (no file dialog here).</div>
    </div>
  );
}
