/**
 * A Service on a fresh data folder with an in-memory keychain, called the way hosts call it (through
 * `dispatch`, so inputs are parsed against the contract), plus its progress events.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../../../src/engine/dispatch.ts';
import type { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import type { Service, ServiceOptions } from '../../../src/engine/service.ts';
import type {
  OperationInput,
  OperationName,
  OperationOutput,
  ProgressEvent,
} from '../../../src/shared/contract.ts';
import type { ErrorInfo } from '../../../src/shared/errors.ts';
import { testService } from '../../helpers/test-service.ts';

export interface Harness {
  service: Service;
  secrets: MemorySecretStore;
  dataDir: string;
  progress: ProgressEvent[];
  call<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationOutput<N>>;
  /** The typed error a call fails with (the test fails if it succeeds). */
  fail<N extends OperationName>(name: N, input: unknown): Promise<ErrorInfo>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `lb-repos-${prefix}-`));
}

export function harness(overrides: Partial<ServiceOptions> = {}): Harness {
  const { service, secrets, dataDir } = testService({ dataDir: tempDir('data'), ...overrides });
  const progress: ProgressEvent[] = [];
  service.on('progress', (p) => progress.push(p));
  return {
    service,
    secrets,
    dataDir,
    progress,
    async call(name, input) {
      const result = await dispatch(service, name, input);
      if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
      return result.value as never;
    },
    async fail(name, input) {
      const result = await dispatch(service, name, input);
      if (result.ok) throw new Error(`${name} succeeded but should have failed`);
      return result.error;
    },
  };
}
