import { toErrorInfo } from '../shared/errors.ts';
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  const info = toErrorInfo(err);
  // The code in brackets is stable (the message may change or be translated): scripts and support match it.
  process.stderr.write(
    `lifeboat: [${info.code}] ${info.message}\n${info.hint ? `hint: ${info.hint}\n` : ''}${info.details ? `details: ${info.details}\n` : ''}`,
  );
  process.exitCode = info.code === 'CANCELLED' ? 130 : 1;
}
