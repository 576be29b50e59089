import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules are part of the architecture: prove they fire, not just that today's code is clean.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('refuses electron in the engine, in any form', async () => {
    expect(await ruleErrors("import { app } from 'electron';\nexport const a = app;\n", 'src/engine/x.ts')).toHaveLength(1);
    expect(await ruleErrors("import e from 'electron/main';\nexport const a = e;\n", 'src/engine/repo/y.ts')).toHaveLength(1);
    expect(await ruleErrors("import { s } from '../main/z.ts';\nexport const a = s;\n", 'src/engine/x.ts')).toHaveLength(1);
  });

  it('lets the renderer import only src/shared and its own files', async () => {
    expect(await ruleErrors("import { s } from '../engine/service.ts';\nexport const a = s;\n", 'src/renderer/x.ts')).toHaveLength(1);
    expect(await ruleErrors("import fs from 'node:fs';\nexport const a = fs;\n", 'src/renderer/x.ts')).toHaveLength(1);
    expect(await ruleErrors("import { operations } from '../shared/contract.ts';\nexport const a = operations;\n", 'src/renderer/x.ts')).toEqual([]);
  });

  it('keeps raw IPC inside the adapters', async () => {
    const code = "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n";
    expect(await ruleErrors(code, 'src/main/window.ts')).toHaveLength(1);
    expect(await ruleErrors(code, 'src/main/ipc-adapter.ts')).toEqual([]);
    expect(await ruleErrors("import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n", 'src/main/window.ts')).toEqual([]);
  });

  it('keeps src/shared free of I/O', async () => {
    expect(await ruleErrors("import fs from 'node:fs';\nexport const a = fs;\n", 'src/shared/x.ts')).toHaveLength(1);
  });
});
