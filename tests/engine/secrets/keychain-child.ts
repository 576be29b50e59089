// Run by the keychain tests as a separate Node process: proves a secret lives in the keyring daemon,
// not in the memory of the test process. Usage: node keychain-child.ts get|set|delete|probe <service> [account]
// (for set, the secret comes in LIFEBOAT_TEST_SECRET). Prints one JSON line: {ok, result} or {ok:false, error}.
import { KeychainSecretStore } from '../../../src/engine/secrets/keychain-store.ts';
import { probeSecretStore } from '../../../src/engine/secrets/open-secret-store.ts';
import { LifeboatError, toErrorInfo } from '../../../src/shared/errors.ts';

const [op, service, account = ''] = process.argv.slice(2);
const store = new KeychainSecretStore({ service: service!, timeoutMs: 20_000 });

async function main(): Promise<unknown> {
  switch (op) {
    case 'get':
      return (await store.get(account)) ?? null;
    case 'set':
      await store.set(account, process.env.LIFEBOAT_TEST_SECRET ?? '');
      return true;
    case 'delete':
      return store.delete(account);
    case 'probe':
      return probeSecretStore(store);
    default:
      throw new Error(`unknown operation ${op}`);
  }
}

try {
  process.stdout.write(JSON.stringify({ ok: true, result: await main() }) + '\n');
} catch (err) {
  process.stdout.write(
    JSON.stringify({ ok: false, typed: err instanceof LifeboatError, error: toErrorInfo(err) }) + '\n',
  );
}
