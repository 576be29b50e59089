/** Wiring for tests: a DropboxBackend (real SDK) signed in to an emulator, with short backoffs. */
import { DropboxTokenProvider } from '../../../src/engine/auth/dropbox-token-provider.ts';
import { DropboxBackend } from '../../../src/engine/storage/dropbox/dropbox-backend.ts';
import type { DropboxBackendOptions } from '../../../src/engine/storage/dropbox/dropbox-backend.ts';
import type { DropboxEmulator } from './server.ts';

export const fastRetry = { baseMs: 2, maxMs: 40, retries: 10 };

export function emulatorTokens(emu: DropboxEmulator): DropboxTokenProvider {
  const { accessToken, refreshToken } = emu.issueToken();
  return new DropboxTokenProvider({
    appKey: emu.appKey,
    refreshToken,
    accessToken,
    expiresAt: Date.now() + 4 * 3600_000,
    endpoints: emu.endpoints(),
    retry: fastRetry,
  });
}

export function emulatorBackend(
  emu: DropboxEmulator,
  location: string,
  opts: Partial<DropboxBackendOptions> = {},
): DropboxBackend {
  return new DropboxBackend({
    location,
    tokens: opts.tokens ?? emulatorTokens(emu),
    endpoints: emu.endpoints(),
    env: {},
    retry: fastRetry,
    chunkSize: 4 * 1024 * 1024,
    ...opts,
  });
}
