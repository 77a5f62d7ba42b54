// The compose fixes for the remediation engine: the edits (edit.ts), the host commands and health
// loops (remote.ts), and previewComposeFix, which puts together what the preview shows for one
// finding — the redacted diff, the .env lines by key, and the exact commands in their order.
import { RampartError } from '../../../shared/errors';
import { composeEditFor, composePreviewDiff, envAdditionsPreview, type ComposeEditResult, type ComposeFixParams } from './edit';
import { composeConfigCheckCommand, composeUpCommand, dotenvPath, serviceContainersCommand, type ComposeProject } from './remote';

export * from './edit';
export * from './remote';

export interface ComposeFixPreview {
  checkId: string;
  fixId: string;
  title: string;
  /** The compose file edited (one of project.files). */
  file: string;
  service: string;
  /** The edit itself: `text` is what gets written; envAdditions carry the secret values (SecretValue). */
  edit: ComposeEditResult;
  /** Unified diff of the compose file with every secret value redacted; '' when nothing changes. */
  diff: string;
  /** For a secret moved out: the .env compose reads and its new lines, `KEY=<redacted>`. */
  env: { path: string; lines: string[] } | null;
  /**
   * The commands in the order the fix runs them, after writing the file(s): compose's own
   * validation, `up -d` of the service, then the health wait's container lookup (polled with
   * `docker inspect` of the ids it returns).
   */
  commands: string[];
}

/**
 * What a compose fix will do for one finding: refuses (RampartError) exactly when the edit
 * refuses, and when the check has no compose fix or the file is not one of the project's.
 */
export function previewComposeFix(checkId: string, project: ComposeProject, file: string, service: string, text: string, params: ComposeFixParams = {}): ComposeFixPreview {
  const def = composeEditFor(checkId);
  if (!def) throw new RampartError('NOT_FOUND', `No compose fix for check ${checkId}.`, { reason: 'no-fix' });
  if (!project.files.includes(file)) throw new RampartError('VALIDATION', `${file} is not one of the project's compose files.`);
  const edit = def.edit(text, service, params);
  return {
    checkId,
    fixId: def.fixId,
    title: def.title,
    file,
    service,
    edit,
    diff: edit.changed ? composePreviewDiff(text, edit.text, file) : '',
    env: edit.envAdditions.length ? { path: dotenvPath(project), lines: envAdditionsPreview(edit.envAdditions) } : null,
    commands: edit.changed ? [composeConfigCheckCommand(project), composeUpCommand(project, service), serviceContainersCommand(project.projectName, service)] : [],
  };
}
