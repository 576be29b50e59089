#!/usr/bin/env node
// The CLI entry. Node's compile cache must be on before the CLI's modules load (static imports would
// load first), so it is enabled here and the program is imported after: every start and every
// worker thread then skips recompiling ~200 modules.
import module from 'node:module';

module.enableCompileCache?.();
await import('./run.ts');
