#!/usr/bin/env node
// Entry for `npx lifeboat`: the CLI is TypeScript that Node 24 runs directly (type stripping).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`lifeboat needs Node.js 24 or newer (this is ${process.version}). In a checkout, run it through npm: npx lifeboat ...\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
