/**
 * pg_dump and mysqldump end every complete dump with a fixed comment ('PostgreSQL database dump
 * complete', '-- Dump completed'). A restore passes the dump through this check: a stream that ends
 * without it (truncated at a statement boundary, which SQL alone would accept) errors instead of
 * ending, so the restoring client is stopped before it can commit a partial database.
 */
import { pipeline, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../../shared/errors.ts';

const keep = 1024;

export function requireTrailer(pattern: RegExp, what: string): Transform {
  let tail = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      tail =
        tail.length + chunk.length <= keep
          ? Buffer.concat([tail, chunk])
          : Buffer.concat([tail, chunk]).subarray(-keep);
      done(null, chunk);
    },
    flush(done) {
      if (pattern.test(tail.toString('utf8'))) done();
      else {
        done(
          new LifeboatError(
            'RESTORE_FAILED',
            `The ${what} in this backup is incomplete: its end is missing.`,
            {
              hint: 'Restore an older backup, and run a check of the backup storage.',
            },
          ),
        );
      }
    },
  });
}

/**
 * `input` through `transforms`, errors included: a failing input destroys the returned stream with
 * its error (plain .pipe() would leave it hanging).
 */
export function through(input: Readable, ...transforms: Transform[]): Readable {
  if (transforms.length === 0) return input;
  const streams: NodeJS.ReadWriteStream[] = transforms;
  return pipeline([input, ...streams], () => undefined) as unknown as Readable;
}
