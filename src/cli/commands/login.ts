import { InvalidArgumentError, type Command } from 'commander';
import { CloudAccounts, type CloudProvider } from '../../engine/accounts/cloud-accounts.ts';
import { beginDropboxCodeSignIn, importRefreshToken, signInToDropbox, signOutOfDropbox } from '../../engine/auth/dropbox-oauth.ts';
import { importGoogleRefreshToken, signInWithGoogle, signOutOfGoogle } from '../../engine/auth/google-oauth.ts';
import { resolveDataDir } from '../../engine/paths.ts';
import { LifeboatError } from '../../shared/errors.ts';
import { contextOf } from '../context.ts';
import { openBrowser } from '../open-browser.ts';
import { table } from '../output.ts';
import { cliSecretStore } from '../repo-context.ts';

function provider(value: string): CloudProvider {
  if (value === 'gdrive' || value === 'dropbox') return value;
  throw new InvalidArgumentError('gdrive or dropbox');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function readLine(question: string): Promise<string> {
  process.stderr.write(question);
  for await (const chunk of process.stdin) {
    const line = String(chunk).split(/\r?\n/)[0]!.trim();
    if (line) return line;
  }
  throw new LifeboatError('CANCELLED', 'No code was entered.');
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('sign in to Google Drive or Dropbox; the token is kept in the OS keychain')
    .argument('<provider>', 'gdrive or dropbox', provider)
    .option('--refresh-token-stdin', 'import a refresh token from standard input (servers, no browser)')
    .option('--no-browser', 'only print the sign-in link (Dropbox: then paste the code it shows)')
    .action(async (which: CloudProvider, opts: { refreshTokenStdin?: boolean; browser: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const secrets = await cliSecretStore(ctx.options);
      const showUrl = (url: string): void => {
        process.stderr.write(`Open this link to sign in / Откройте ссылку для входа:\n  ${url}\n`);
        if (opts.browser) openBrowser(url);
      };
      let account: { accountId: string; email?: string | undefined; displayName?: string | undefined };
      if (which === 'gdrive') {
        account = opts.refreshTokenStdin
          ? await importGoogleRefreshToken({ refreshToken: await readStdin(), secrets })
          : await signInWithGoogle({ secrets, openUrl: showUrl, signal: ctx.signal });
      } else if (opts.refreshTokenStdin) {
        account = await importRefreshToken(await readStdin(), { secrets });
      } else if (!opts.browser) {
        const flow = beginDropboxCodeSignIn({ secrets });
        showUrl(flow.url);
        account = await flow.complete(await readLine('Code from Dropbox: '));
      } else {
        account = await signInToDropbox({ secrets, openUrl: showUrl, signal: ctx.signal });
      }
      const saved = await new CloudAccounts(resolveDataDir()).remember({
        provider: which,
        accountId: account.accountId,
        ...(account.email ? { email: account.email } : {}),
        ...(account.displayName ? { displayName: account.displayName } : {}),
      });
      ctx.out.result(saved, () => `Signed in to ${which === 'gdrive' ? 'Google Drive' : 'Dropbox'} as ${saved.email ?? saved.accountId}. The token is kept in ${secrets.kind}.`);
    });

  program
    .command('logout')
    .description('sign out: revoke the token and remove it from the keychain')
    .argument('<provider>', 'gdrive or dropbox', provider)
    .action(async (which: CloudProvider, _opts, command: Command) => {
      const ctx = contextOf(command);
      const accounts = new CloudAccounts(resolveDataDir());
      const account = await accounts.choose(which, ctx.options.account);
      const secrets = await cliSecretStore(ctx.options);
      if (which === 'gdrive') await signOutOfGoogle({ secrets, accountId: account.accountId });
      else await signOutOfDropbox(account.accountId, { secrets });
      await accounts.forget(which, account.accountId);
      ctx.out.result({ signedOut: account }, () => `Signed out ${account.email ?? account.accountId}.`);
    });

  program
    .command('accounts')
    .description('list the cloud accounts Lifeboat is signed in to')
    .action(async (_opts, command: Command) => {
      const ctx = contextOf(command);
      const list = await new CloudAccounts(resolveDataDir()).list();
      ctx.out.result(list, () =>
        list.length ? table(['Provider', 'Account', 'Connected'], list.map((a) => [a.provider, a.email ?? a.accountId, a.connectedAt])) : 'No cloud accounts connected.',
      );
    });
}
