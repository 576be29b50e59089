/**
 * The OAuth clients a release build carries, so that a shop owner signs in to Google Drive or
 * Dropbox without registering an app of their own. The desktop build reads LIFEBOAT_GOOGLE_CLIENT_ID,
 * LIFEBOAT_GOOGLE_CLIENT_SECRET and LIFEBOAT_DROPBOX_APP_KEY from its environment and writes them
 * into the bundle (electron.vite.config.ts, `define`). Run from source (tests, `lifeboat` from a
 * checkout) there are none, and the same variables are read when the program runs instead.
 */
export interface BundledClients {
  googleClientId?: string;
  /** A Desktop app's client secret is not confidential (Google says so); the token endpoint still wants it. */
  googleClientSecret?: string;
  dropboxAppKey?: string;
}

declare const __LIFEBOAT_OAUTH_CLIENTS__: BundledClients | undefined;

export const bundledClients: BundledClients =
  typeof __LIFEBOAT_OAUTH_CLIENTS__ === 'undefined' ? {} : __LIFEBOAT_OAUTH_CLIENTS__;

/** What a build bakes in: the variables that are set, nothing else (an empty value is no value). */
export function bundledClientsFromEnv(env: NodeJS.ProcessEnv): BundledClients {
  const pick = (name: string): string | undefined => env[name]?.trim() || undefined;
  const clients: BundledClients = {
    googleClientId: pick('LIFEBOAT_GOOGLE_CLIENT_ID'),
    googleClientSecret: pick('LIFEBOAT_GOOGLE_CLIENT_SECRET'),
    dropboxAppKey: pick('LIFEBOAT_DROPBOX_APP_KEY'),
  };
  return Object.fromEntries(Object.entries(clients).filter(([, v]) => v !== undefined));
}
