/**
 * Test wiring: an emulator, a GoogleTokenProvider on a refresh token the emulator issued (so
 * every test also exercises the real refresh path), and backends pointed at it with fast retries.
 */
import { GoogleTokenProvider } from '../../../src/engine/auth/google-token-provider.ts';
import { GoogleDriveBackend } from '../../../src/engine/storage/gdrive/gdrive-backend.ts';
import type { GoogleDriveBackendOptions } from '../../../src/engine/storage/gdrive/gdrive-backend.ts';
import { DriveEmulator } from './server.ts';
import type { DriveEmulatorOptions } from './server.ts';

export { DriveEmulator } from './server.ts';

/** Backoff in milliseconds instead of seconds: the retry logic runs for real, just faster. */
export const fastRetry = { baseMs: 2, maxMs: 40, retries: 10 };

export function tokenProviderFor(
  emu: DriveEmulator,
  refreshToken = emu.oauth.issueRefreshToken(),
): GoogleTokenProvider {
  return new GoogleTokenProvider({
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    oauthBaseUrl: emu.url,
    refreshToken,
  });
}

export function backendFor(
  emu: DriveEmulator,
  folder: string,
  options: Partial<GoogleDriveBackendOptions> = {},
): GoogleDriveBackend {
  return new GoogleDriveBackend({
    folder,
    tokens: options.tokens ?? tokenProviderFor(emu),
    rootUrl: emu.url,
    retry: fastRetry,
    ...options,
  });
}

export async function startEmulator(options: DriveEmulatorOptions = {}): Promise<DriveEmulator> {
  return DriveEmulator.start(options);
}
