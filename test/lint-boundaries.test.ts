// The layer rule is part of the architecture: prove the lint config rejects each forbidden import
// and accepts the allowed ones, using ESLint's API on in-memory sources at real paths.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    ['src/main/store/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/main/audit/x.ts', "import { ipcMain } from 'electron/main';\nexport const x = ipcMain;\n"],
    ['src/cli/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/renderer/src/x.ts', "import { Store } from '../../main/store/store';\nexport const x = Store;\n"],
    ['src/renderer/src/x.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['src/renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
    ['src/shared/x.ts', "import { Store } from '../main/store/store';\nexport const x = Store;\n"],
    ['src/shared/x.ts', "import { api } from '../renderer/src/api';\nexport const x = api;\n"],
    ['src/shared/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/preload/x.ts', "import { Store } from '../main/store/store';\nexport const x = Store;\n"],
    ['src/main/x.ts', "import { App } from '../renderer/src/App';\nexport const x = App;\n"],
    ['src/main/remediation/x.ts', "import { createLabHost } from '../../../lab/lab';\nexport const x = createLabHost;\n"],
    ['src/cli/x.ts', "import { createLabHost } from '../../lab/lab';\nexport const x = createLabHost;\n"],
    ['src/shared/x.ts', "import { createLabHost } from '../../lab/lab';\nexport const x = createLabHost;\n"],
  ])('rejects %s: %s', async (file, code) => {
    expect(await restrictedImports(file, code)).not.toEqual([]);
  });

  it.each([
    ['src/main/electron/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/preload/x.ts', "import { contextBridge } from 'electron';\nexport const x = contextBridge;\n"],
    ['src/main/store/x.ts', "import fs from 'node:fs';\nimport { z } from 'zod';\nexport const x = [fs, z];\n"],
    ['src/renderer/src/x.ts', "import { Severity } from '../../shared/domain';\nexport const x = Severity;\n"],
    ['src/main/x.ts', "import { Severity } from '../shared/domain';\nexport const x = Severity;\n"],
    // Tests may use the lab.
    ['src/main/x.test.ts', "import { createLabHost } from '../../lab/lab';\nexport const x = createLabHost;\n"],
    ['test/x.test.ts', "import { createLabHost } from '../lab/lab';\nexport const x = createLabHost;\n"],
  ])('allows %s: %s', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
