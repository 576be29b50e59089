import { operations, type OperationName, type Result, type ServiceApi } from '../shared/contract.ts';
import { LifeboatError, toErrorInfo } from '../shared/errors.ts';

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

/**
 * Runs one operation for a host: the name must be in the contract and the argument must parse against
 * its schema before the Service sees it. Whatever happens, the caller gets a Result, never a throw.
 */
export async function dispatch(service: ServiceApi, name: string, rawInput: unknown): Promise<Result<unknown>> {
  try {
    if (!isOperationName(name)) throw new LifeboatError('UNKNOWN_OPERATION', `Unknown operation: ${name}`);
    const parsed = operations[name].input.safeParse(rawInput);
    if (!parsed.success) {
      throw new LifeboatError('INVALID_ARGUMENT', `Invalid argument for ${name}`, {
        details: parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '),
      });
    }
    const method = service[name] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await method.call(service, parsed.data) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}
