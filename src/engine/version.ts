import { createRequire } from 'node:module';

// Read once from package.json so the CLI, the headless host and the window all report the same version.
const require = createRequire(import.meta.url);
export const appVersion: string = (require('../../package.json') as { version: string }).version;
